"""Booking items, their keys, and the one transaction that takes and gives back places at a service point.

Everything a booking must respect lives in the bookings table, so one TransactWriteItems checks it all:

  pk "BOOKING#<id>", sk "BOOKING"                  the booking (layout in functions/queue/schedules.py), with
                                                   nik_hmac (never the NIK), email, health, access_token_hash,
                                                   version, windows
  pk "SLOT#<site>#<date>", sk "<counter>#<HH:MM>"  booked: people in one counter's slot
  pk "WINDOW#<site>#<date>", sk "<HH:MM>"          booked: people in the room during one window; cap: the room's
                                                   limit then (capacity × cap %), policy: the version of the
                                                   site's room figures that set it (functions/queue/site_policy.py)
  pk "QUOTA#<site>#<date>", sk "<counter>"         booked: people at one counter that day (daily quota)
  pk "GUARD#<HMAC of person, site, date>",         the person's one active booking or waitlist place that day
  pk "WAITLIST#<site>#<date>#<counter>#<HH:MM>",   one waiting person, in the order they joined
     sk "<joined at>#<booking id>"
  pk "OCCUPANCY#<site>", sk "<date>"               inside: people checked in and not yet out that day (the live
                                                   count at the door; its key carries its day, so yesterday's
                                                   count never leaks into today), cap, updated_at
  pk "VISITS#<date>", sk "<site>#<counter>"        the day's visit statistics of one counter: booked,
                                                   checked_in, refused, no_show (no personal data)

A counter is only ever changed by the transaction that writes the booking items it counts, so counters
equal items by construction; availability is read from the counters, never by scanning bookings.

A window counter carries the room's limit itself, so a booking checks the cap with nothing read first:
`booked < cap`. The first booking of a window (or one counted before windows carried their cap) stamps the
limit of the site it read; an admin's new figures are written to every window of the horizon before the
change is answered, each only over an older version, so a booking made after it, in any instance and
whatever it has cached of the site, is held to the new cap.

Visit statistics count bookings *for* a day, whatever day they were made: `booked` holds those made and not
cancelled or moved away (a refused visit and a no-show were expected, so they stay in it); `checked_in`
those that came in (CHECKED_IN or DONE), `refused` those turned away at the door (REFUSED), `no_show` those
swept as NO_SHOW. So booked = BOOKED + CHECKED_IN + DONE + REFUSED + NO_SHOW at every moment.
"""

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from functions.shared import retention
from functions.shared.errors import TooManyRequests
from functions.shared.transactions import TransactionCancelled, TransactionNotCommitted, attr, item, transact

BOOKING_SK = "BOOKING"


class Status(StrEnum):
    """A booking's status; WAITLISTED holds a place in a full slot's waitlist, not in the slot."""

    BOOKED = "BOOKED"
    WAITLISTED = "WAITLISTED"
    CHECKED_IN = "CHECKED_IN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"
    REFUSED = "REFUSED"


class Refusal(StrEnum):
    """Why a place was not given: each is a 409 code of the API."""

    SLOT_FULL = "slot_full"
    WINDOW_FULL = "window_full"
    QUOTA_REACHED = "quota_reached"
    ALREADY_BOOKED = "already_booked"
    CHANGED = "booking_changed"


# When several conditions fail at once, the one the person can act on best is named.
_PRECEDENCE = [Refusal.ALREADY_BOOKED, Refusal.CHANGED, Refusal.SLOT_FULL, Refusal.QUOTA_REACHED, Refusal.WINDOW_FULL]


class PlaceRefused(Exception):
    """A booking, move or waitlist place was refused by a condition; `reason` says which."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Place:
    """One person's place in a counter's slot, with the limits in force when it is taken."""

    site_id: str
    counter_id: str
    date: str
    start: str
    end: str
    windows: tuple[str, ...]
    slot_capacity: int
    # The room's limit as the reader of the site knows it: binds only a window whose counter has no cap yet.
    window_limit: int
    daily_quota: int | None


@dataclass(frozen=True)
class Tables:
    """The table every booking item lives in (read through `bookings`), the outbox, and the client writing both.

    `db` is a plain low-level client: a Table resource's own client would serialize the items a second time.
    """

    bookings: Any
    outbox_table: str
    db: Any

    @property
    def name(self) -> str:
        """Return the bookings table's physical name."""
        return str(self.bookings.name)


def booking_key(booking_id: str) -> dict[str, str]:
    """Return the key of a booking item."""
    return {"pk": f"BOOKING#{booking_id}", "sk": BOOKING_SK}


def slot_key(site_id: str, date: str, counter_id: str, start: str) -> dict[str, str]:
    """Return the key of a counter slot's counter."""
    return {"pk": f"SLOT#{site_id}#{date}", "sk": f"{counter_id}#{start}"}


def window_key(site_id: str, date: str, start: str) -> dict[str, str]:
    """Return the key of a site window's counter."""
    return {"pk": f"WINDOW#{site_id}#{date}", "sk": start}


def quota_key(site_id: str, date: str, counter_id: str) -> dict[str, str]:
    """Return the key of a counter day's counter."""
    return {"pk": f"QUOTA#{site_id}#{date}", "sk": counter_id}


def occupancy_key(site_id: str, date: str) -> dict[str, str]:
    """Return the key of a site's live occupancy on one day."""
    return {"pk": f"OCCUPANCY#{site_id}", "sk": date}


def visit_stats_key(date: str, site_id: str, counter_id: str) -> dict[str, str]:
    """Return the key of one counter's visit statistics on one day."""
    return {"pk": f"VISITS#{date}", "sk": f"{site_id}#{counter_id}"}


VISIT_COUNTERS = ("booked", "checked_in", "refused", "no_show")


def visit_stat_items(table: str, changes: list[tuple[str, str, str, str, int]]) -> list[dict]:
    """Return the Updates that add each (date, site, counter, counter name, delta), netted per item.

    One transaction may not touch an item twice, and a move or a hand-over inside one counter's day nets to
    nothing: such an item is left out.
    """
    netted: dict[tuple[str, str, str], dict[str, int]] = {}
    for date, site_id, counter_id, name, delta in changes:
        if name not in VISIT_COUNTERS:
            raise ValueError(f"no visit counter {name!r}")
        found = netted.setdefault((date, site_id, counter_id), {})
        found[name] = found.get(name, 0) + delta
    out = []
    for (date, site_id, counter_id), deltas in netted.items():
        deltas = {name: delta for name, delta in deltas.items() if delta}
        if not deltas:
            continue
        names = {f"#v{i}": name for i, name in enumerate(deltas)}
        values = {f":v{i}": attr(delta) for i, delta in enumerate(deltas.values())}
        clauses = ", ".join(f"#v{i} :v{i}" for i in range(len(deltas)))
        out.append(
            {
                "Update": {
                    "TableName": table,
                    "Key": item(visit_stats_key(date, site_id, counter_id)),
                    # Published statistics: kept, no TTL (they hold no personal data).
                    "UpdateExpression": f"ADD {clauses}",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            }
        )
    return out


def stat_change(booking: dict[str, Any], name: str, delta: int) -> tuple[str, str, str, str, int]:
    """Return one change of a booking's visit statistics (for `visit_stat_items`)."""
    return (str(booking["date"]), str(booking["site_id"]), str(booking["counter_id"]), name, delta)


def waitlist_pk(site_id: str, date: str, counter_id: str, start: str) -> str:
    """Return the partition holding one slot's waitlist."""
    return f"WAITLIST#{site_id}#{date}#{counter_id}#{start}"


def person_guard_key(person_key: bytes, nik_hmac: str, site_id: str, date: str) -> dict[str, str]:
    """Return the key of a person's guard for a site and day, from the person's index HMAC (person_index.py).

    The booking keeps that HMAC, not the NIK, so a move to another day finds the new guard without the NIK.
    """
    digest = hmac.new(person_key, f"{nik_hmac}\0{site_id}\0{date}".encode(), hashlib.sha256).hexdigest()
    return {"pk": f"GUARD#{digest[:40]}", "sk": "GUARD"}


_PERSON_KEY_MESSAGE = b"satupintu-booking-person-guard-key:v1"
_person_keys: dict[str, bytes] = {}


def person_key(kms: Any, key_id: str) -> bytes:
    """Derive the key of the person guards from KMS once per instance (the same in every instance)."""
    if key_id not in _person_keys:
        _person_keys[key_id] = kms.generate_mac(KeyId=key_id, Message=_PERSON_KEY_MESSAGE, MacAlgorithm="HMAC_SHA_256")[
            "Mac"
        ]
    return _person_keys[key_id]


def expires_after(date: str) -> int:
    """Return the TTL epoch of a counter of a visit day (no personal data: kept for the office's reports)."""
    return retention.visit_counter_expires_at(date)


# ---------------------------------------------------------------------------------------------------------------
# The counters a change touches
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Count:
    kind: Refusal
    key: dict[str, str]
    date: str
    limit: int | None = None
    take: int = 0
    release: int = 0


def _counts(takes: list[Place], releases: list[Place]) -> list[_Count]:
    """Add up, per counter item, the places taken and given back (a move inside one window nets to nothing)."""
    counts: dict[tuple[str, str], _Count] = {}

    def touch(kind: Refusal, key: dict[str, str], date: str, limit: int | None, taken: int, released: int) -> None:
        found = counts.setdefault((key["pk"], key["sk"]), _Count(kind, key, date))
        if taken:
            found.limit = limit
        found.take += taken
        found.release += released

    for places, taken in ((releases, 0), (takes, 1)):
        for place in places:
            released = 1 - taken
            touch(
                Refusal.SLOT_FULL,
                slot_key(place.site_id, place.date, place.counter_id, place.start),
                place.date,
                place.slot_capacity,
                taken,
                released,
            )
            for window in place.windows:
                touch(
                    Refusal.WINDOW_FULL,
                    window_key(place.site_id, place.date, window),
                    place.date,
                    place.window_limit,
                    taken,
                    released,
                )
            if place.daily_quota is not None:
                touch(
                    Refusal.QUOTA_REACHED,
                    quota_key(place.site_id, place.date, place.counter_id),
                    place.date,
                    place.daily_quota,
                    taken,
                    released,
                )
    return list(counts.values())


# A window's own cap, when its counter has one: the net places taken must fit under it. A change takes at most
# one place more in a window (a move hands the old place on and takes the new one), so `booked < cap` or,
# netting to nothing, `booked <= cap`; DynamoDB's conditions cannot subtract.
_UNDER_CAP = {1: "booked < cap", 0: "booked <= cap"}


def _window_condition(count: _Count, values: dict[str, Any]) -> str:
    """Return a taking window's condition: under its own cap, or, when it has none yet, under the site's limit."""
    net = count.take - count.release
    if net not in _UNDER_CAP:
        raise ValueError(f"a change takes {net} places in one window; at most one is supported")
    own = f"(attribute_exists(cap) AND {_UNDER_CAP[net]})"
    most = (count.limit or 0) - count.take + count.release
    if most < 0:
        return own  # the site's limit allows nobody: only a counter whose own cap has room may take
    values[":most"] = attr(most)
    return f"{own} OR (attribute_not_exists(cap) AND (attribute_not_exists(booked) OR booked <= :most))"


def counter_items(table: str, takes: list[Place], releases: list[Place]) -> list[tuple[Refusal | None, dict]]:
    """Return the transaction items that take `takes` and give back `releases`, each with what its failure means.

    A counter that takes places must have room for them once the places given back are gone:
    ``booked - release + take <= limit``, written ``booked <= limit - take + release``. A counter that
    nets to zero is only checked; one that only gives back never goes below zero. A window is held to the
    cap its counter carries; a window counter without one takes the place's `window_limit` as its cap.

    :raises PlaceRefused: a slot's or quota's limit is below what is taken even with nothing booked.
    """
    out: list[tuple[Refusal | None, dict]] = []
    for count in _counts(takes, releases):
        net = count.take - count.release
        values: dict[str, Any] = {}
        condition = None
        stamp = ""
        if count.take and count.kind == Refusal.WINDOW_FULL:
            condition = _window_condition(count, values)
            if net:
                stamp = ", cap = if_not_exists(cap, :cap)"
                values[":cap"] = attr(max(0, count.limit or 0))
        elif count.take:
            most = (count.limit or 0) - count.take + count.release
            if most < 0:
                raise PlaceRefused(count.kind)
            condition = "attribute_not_exists(booked) OR booked <= :most"
            values[":most"] = attr(most)
        elif count.release:
            condition = "booked >= :release"
            values[":release"] = attr(count.release)
        if net == 0:
            if condition is None:
                continue
            out.append(
                (
                    count.kind,
                    {
                        "ConditionCheck": {
                            "TableName": table,
                            "Key": item(count.key),
                            "ConditionExpression": condition,
                            **({"ExpressionAttributeValues": values} if values else {}),
                        }
                    },
                )
            )
            continue
        update: dict[str, Any] = {
            "TableName": table,
            "Key": item(count.key),
            "UpdateExpression": f"ADD booked :net SET expires_at_epoch = :expires{stamp}",
            "ExpressionAttributeValues": {
                **values,
                ":net": attr(net),
                ":expires": attr(expires_after(count.date)),
            },
        }
        if condition:
            update["ConditionExpression"] = condition
        out.append((count.kind if count.take else Refusal.CHANGED, {"Update": update}))
    return out


def run(tables: Tables, labelled: list[tuple[Refusal | None, dict]], **retry: Any) -> None:
    """Run the labelled items as one transaction.

    :raises PlaceRefused: a condition failed; the reason is the most useful of those that failed.
    :raises TooManyRequests: still conflicting after every retry (a rush on one item): try again in a second.
    """
    try:
        transact(tables.db, [entry for _, entry in labelled], **retry)
    except TransactionNotCommitted:
        raise TooManyRequests(
            "Banyak orang memesan pada saat yang sama. Coba lagi sebentar lagi.",
            "Many people are booking at this moment. Please try again shortly.",
            code="busy",
            retry_after_s=1,
        ) from None
    except TransactionCancelled as cancelled:
        reasons = {labelled[i][0] for i in cancelled.failed if labelled[i][0] is not None}
        for reason in _PRECEDENCE:
            if reason in reasons:
                raise PlaceRefused(reason) from None
        raise


# ---------------------------------------------------------------------------------------------------------------
# Items of the booking itself
# ---------------------------------------------------------------------------------------------------------------


def booking_fields(place: Place) -> dict[str, Any]:
    """Return what a booking item says about its place (and the day index the scheduled jobs read)."""
    return {
        "site_id": place.site_id,
        "counter_id": place.counter_id,
        "date": place.date,
        "start": place.start,
        "end": place.end,
        "windows": list(place.windows),
        "gsi1pk": f"DAY#{place.date}",
    }


def put_new(table: str, values: dict[str, Any]) -> dict:
    """Return the Put of a new item that must not exist yet."""
    return {
        "Put": {
            "TableName": table,
            "Item": item(values),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def guard_put(table: str, key: dict[str, str], booking_id: str, date: str) -> dict:
    """Return the Put of a person's guard, refused when they already hold one that day."""
    return put_new(table, {**key, "booking_id": booking_id, "expires_at_epoch": retention.guard_expires_at(date)})


def guard_delete(table: str, key: dict[str, str], booking_id: str) -> dict:
    """Return the Delete of the guard a booking holds (only if it is still that booking's)."""
    return {
        "Delete": {
            "TableName": table,
            "Key": item(key),
            "ConditionExpression": "attribute_not_exists(pk) OR booking_id = :id",
            "ExpressionAttributeValues": {":id": attr(booking_id)},
        }
    }


def status_change(
    table: str, booking: dict[str, Any], to: Status, at: str, changes: dict[str, Any] | None = None
) -> dict:
    """Return the Update that moves a booking from its status and version as read to `to` (or fails).

    The booking's expiry follows its day and new status (functions/shared/retention.py): whatever fields a
    status adds (a refused visitor's temperature), the item holding them goes when its period ends.
    """
    changes = dict(changes or {})
    changes.setdefault("expires_at_epoch", retention.booking_expires_at(changes.get("date", booking["date"]), to.value))
    names = {"#s": "status", "#v": "version"}
    values: dict[str, Any] = {
        ":from": attr(booking["status"]),
        ":to": attr(to.value),
        ":version": attr(int(booking.get("version", 0))),
        ":next": attr(int(booking.get("version", 0)) + 1),
        ":at": attr(at),
    }
    sets = ["#s = :to", "#v = :next", "updated_at = :at"]
    for index, (name, value) in enumerate(changes.items()):
        names[f"#c{index}"] = name
        values[f":c{index}"] = attr(value)
        sets.append(f"#c{index} = :c{index}")
    return {
        "Update": {
            "TableName": table,
            "Key": item(booking_key(booking["id"])),
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": "#s = :from AND #v = :version",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def get_booking(table: Any, booking_id: str) -> dict[str, Any] | None:
    """Return a booking item (read consistently), or None."""
    from functions.shared.dynamo import from_item

    found = table.get_item(Key=booking_key(booking_id), ConsistentRead=True).get("Item")
    return from_item(found) if found else None


def read_counters(table: Any, site_id: str, date: str) -> dict[str, dict[str, int]]:
    """Return a site day's counters: ``{"slot": {"<counter>#<HH:MM>": n}, "window": {...}, "quota": {...}}``,
    and under ``"window_cap"`` the cap each window's counter carries (``{"<HH:MM>": cap}``, where it has one)."""
    from boto3.dynamodb.conditions import Key

    from functions.shared.dynamo import query_all

    out: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, pk in (
        ("slot", f"SLOT#{site_id}#{date}"),
        ("window", f"WINDOW#{site_id}#{date}"),
        ("quota", f"QUOTA#{site_id}#{date}"),
    ):
        for found in query_all(table, KeyConditionExpression=Key("pk").eq(pk), ConsistentRead=True):
            out[kind][str(found["sk"])] = int(found.get("booked", 0))
            if kind == "window" and "cap" in found:
                out["window_cap"][str(found["sk"])] = int(found["cap"])
    return {kind: dict(out[kind]) for kind in ("slot", "window", "quota", "window_cap")}


def first_waiting(table: Any, place: Place, skip: int = 0) -> dict[str, Any] | None:
    """Return the waitlist entry first in line for a place's slot (after `skip` entries), or None."""
    from boto3.dynamodb.conditions import Key

    page = table.query(
        KeyConditionExpression=Key("pk").eq(waitlist_pk(place.site_id, place.date, place.counter_id, place.start)),
        ConsistentRead=True,
        Limit=skip + 1,
    )
    items = page.get("Items", [])
    return items[skip] if len(items) > skip else None


def waitlist_position(table: Any, entry_pk: str, entry_sk: str) -> int:
    """Return a waitlist entry's place in line, 1 for the first."""
    from boto3.dynamodb.conditions import Key

    from functions.shared.dynamo import query_all

    ahead = query_all(
        table,
        KeyConditionExpression=Key("pk").eq(entry_pk) & Key("sk").lt(entry_sk),
        ConsistentRead=True,
        ProjectionExpression="sk",
    )
    return len(ahead) + 1
