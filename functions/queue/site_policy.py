"""The policy knob: an admin sets a site's room capacity and occupancy cap, in the audit trail, binding at once.

Jakarta moved between closed, 50 % and full as the rules changed in 2020. The new figures are written to
the site's catalogue item, with the next version number and an audit item (who, when, before, after), in
one transaction. Then the new cap is written to the counter of every room window from today to the end of
the booking horizon (and one day more, for a change made just before midnight), created where nobody has
booked yet: a booking checks the cap its window carries (functions/shared/bookings.py), so once this
answers, the next booking in any instance follows the new figures, whatever copy of the site it holds. A
window takes a version only over an older one, so of two changes at once the later always stands.
Bookings already made are kept: the windows that now hold more than the new cap are listed for the office.
"""

import datetime as dt
import secrets
from typing import Any

from functions.queue import slots
from functions.shared import bookings, catalogue
from functions.shared.clock import JAKARTA
from functions.shared.errors import TooManyRequests
from functions.shared.transactions import TransactionCancelled, attr, item, transact

# Two admins changing one site at once: the loser reads the site again, this often.
_ATTEMPTS = 3
# Window counters written at once by a change (a client's connection pool holds 10).
_STAMPERS = 8


def set_site_policy(
    catalogue_table: Any,
    tables: bookings.Tables,
    site_id: str,
    capacity: int,
    cap_percent: int,
    actor: str,
    now: dt.datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Set a site's capacity and cap; return the site as stored and the windows now over the cap.

    :raises NotFound: no such site.
    :raises TooManyRequests: other changes of the same site kept winning (``busy``).
    """
    for _ in range(_ATTEMPTS):
        before = catalogue.read_site(catalogue_table, site_id)
        if before is None:
            raise slots.site_not_found()
        version = int(before.get(catalogue.POLICY_VERSION, 0)) + 1
        try:
            _store(catalogue_table, tables, before, capacity, cap_percent, version, actor, now)
            break
        except TransactionCancelled:
            continue  # gone, or changed since it was read: read it again
    else:
        raise TooManyRequests(
            "Tempat layanan ini sedang diubah oleh orang lain. Coba lagi.",
            "Someone else is changing this service point. Please try again.",
            code="busy",
            retry_after_s=1,
        )
    catalogue.clear_cache()
    site = {**before, "capacity": capacity, "occupancy_cap_percent": cap_percent, catalogue.POLICY_VERSION: version}
    stamp_windows(tables, site, now)
    return site, windows_over_cap(tables.bookings, site, now)


def _store(
    catalogue_table: Any,
    tables: bookings.Tables,
    before: dict[str, Any],
    capacity: int,
    cap_percent: int,
    version: int,
    actor: str,
    now: dt.datetime,
) -> None:
    """Write the figures as the site's next version, with the audit item; cancelled if the site changed meanwhile."""
    at = now.astimezone(JAKARTA).isoformat(timespec="seconds")
    audit = {
        "pk": f"AUDIT#SITE#{before['id']}",
        "sk": f"{at}#{secrets.token_hex(4)}",
        "action": "site_policy",
        "actor": actor,
        "at": at,
        "version": version,
        "before": {"capacity": before["capacity"], "occupancy_cap_percent": before["occupancy_cap_percent"]},
        "after": {"capacity": capacity, "occupancy_cap_percent": cap_percent},
    }
    unchanged = "attribute_not_exists(#version)" if version == 1 else "#version = :read"
    values = {":capacity": attr(capacity), ":cap": attr(cap_percent), ":at": attr(at), ":version": attr(version)}
    if version > 1:
        values[":read"] = attr(version - 1)
    transact(
        tables.db,
        [
            {
                "Update": {
                    "TableName": catalogue_table.name,
                    "Key": item({"pk": catalogue.SITE_PK, "sk": before["id"]}),
                    # The mark keeps these figures through a re-seed (catalogue.put_catalogue).
                    "UpdateExpression": "SET #capacity = :capacity, #cap = :cap, #set_at = :at, #version = :version",
                    "ConditionExpression": f"attribute_exists(pk) AND {unchanged}",
                    "ExpressionAttributeNames": {
                        "#capacity": "capacity",
                        "#cap": "occupancy_cap_percent",
                        "#set_at": catalogue.POLICY_SET_AT,
                        "#version": catalogue.POLICY_VERSION,
                    },
                    "ExpressionAttributeValues": values,
                }
            },
            {"Put": {"TableName": tables.name, "Item": item(audit)}},
        ],
    )


def stamp_windows(tables: bookings.Tables, site: dict[str, Any], now: dt.datetime) -> int:
    """Write the site's room limit to each window counter of its open days, today to a day past the horizon.

    Each counter takes it only over an older version (or none); one that holds a newer version keeps it.
    The updates go out `_STAMPERS` at a time (the mall: 17 windows on 11 open days). Return how many counters
    now carry this version.
    """
    from concurrent.futures import ThreadPoolExecutor

    from botocore.exceptions import ClientError

    limit = slots.window_limit(site)
    version = int(site.get(catalogue.POLICY_VERSION, 0))
    today = now.astimezone(JAKARTA).date()
    horizon = int(site.get("booking_horizon_days", slots.DEFAULT_HORIZON_DAYS))
    days = [d for d in (today + dt.timedelta(days=n) for n in range(horizon + 1)) if slots.is_open(site, d)]

    def stamp(key: tuple[str, str]) -> bool:
        date, start = key
        try:
            tables.db.update_item(
                TableName=tables.name,
                Key=item(bookings.window_key(site["id"], date, start)),
                UpdateExpression=(
                    "SET cap = :cap, #policy = :version, booked = if_not_exists(booked, :zero), "
                    "expires_at_epoch = :expires"
                ),
                ConditionExpression="attribute_not_exists(#policy) OR #policy <= :version",
                ExpressionAttributeNames={"#policy": "policy"},
                ExpressionAttributeValues={
                    ":cap": attr(limit),
                    ":version": attr(version),
                    ":zero": attr(0),
                    ":expires": attr(bookings.expires_after(date)),
                },
            )
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            return False

    windows = [(day.isoformat(), start) for day in days for start in slots.window_starts(site)]
    with ThreadPoolExecutor(max_workers=_STAMPERS) as pool:
        return sum(pool.map(stamp, windows))


def windows_over_cap(table: Any, site: dict[str, Any], now: dt.datetime) -> list[dict[str, Any]]:
    """Return every window of the bookable days that holds more bookings than the site's cap allows now."""
    cap = slots.window_limit(site)
    over = []
    for day in slots.bookable_days(site, now):
        counters = bookings.read_counters(table, site["id"], day.isoformat())
        for start, booked in sorted(counters["window"].items()):
            if booked > cap:
                over.append({"date": day.isoformat(), "start": start, "booked": booked, "cap": cap})
    return over
