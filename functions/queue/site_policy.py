"""The policy knob: an admin sets a site's room capacity and occupancy cap, in the audit trail, binding at once.

Jakarta moved between closed, 50 % and full as the rules changed in 2020. The new figures are written to
the site's catalogue item together with an audit item (who, when, before, after) in one transaction;
every booking reads the site consistently, so the next booking anywhere follows them. Bookings already
made are kept: the windows that now hold more than the new cap are listed for the office.
"""

import datetime as dt
import secrets
from typing import Any

from functions.queue import slots
from functions.shared import bookings, catalogue
from functions.shared.clock import JAKARTA
from functions.shared.transactions import TransactionCancelled, attr, item, transact


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
    """
    before = catalogue.read_site(catalogue_table, site_id)
    if before is None:
        raise slots.site_not_found()
    at = now.astimezone(JAKARTA).isoformat(timespec="seconds")
    audit = {
        "pk": f"AUDIT#SITE#{site_id}",
        "sk": f"{at}#{secrets.token_hex(4)}",
        "action": "site_policy",
        "actor": actor,
        "at": at,
        "before": {"capacity": before["capacity"], "occupancy_cap_percent": before["occupancy_cap_percent"]},
        "after": {"capacity": capacity, "occupancy_cap_percent": cap_percent},
    }
    try:
        transact(
            tables.db,
            [
                {
                    "Update": {
                        "TableName": catalogue_table.name,
                        "Key": item({"pk": catalogue.SITE_PK, "sk": site_id}),
                        "UpdateExpression": "SET #capacity = :capacity, #cap = :cap",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeNames": {"#capacity": "capacity", "#cap": "occupancy_cap_percent"},
                        "ExpressionAttributeValues": {":capacity": attr(capacity), ":cap": attr(cap_percent)},
                    }
                },
                {"Put": {"TableName": tables.name, "Item": item(audit)}},
            ],
        )
    except TransactionCancelled:
        raise slots.site_not_found() from None
    catalogue.clear_cache()
    site = catalogue.read_site(catalogue_table, site_id) or before
    return site, windows_over_cap(tables.bookings, site, now)


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
