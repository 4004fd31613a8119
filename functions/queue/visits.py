"""The visit day at the door: temperature and check-in, check-out, the live occupancy and the end of the day.

In 2020 every visitor had their temperature taken at the entrance (37.5 °C or more: refused) and the room held
at most capacity × occupancy_cap_percent / 100 people at once, the same cap the booking windows use
(functions/queue/slots.py `window_limit`). Each change is one transaction: the booking's status (conditional on
the status read, so two officers, or an officer and the no-show sweep, cannot both win), the site's live
occupancy for the day (conditional on its cap) and the day's visit statistics (functions/shared/bookings.py).
A refusal gives the place back exactly as a cancellation does (`booking.release_place`).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from functions.queue import booking, slots
from functions.shared import bookings, catalogue, clock
from functions.shared.bookings import Status
from functions.shared.errors import Conflict, NotFound, TooManyRequests, Unprocessable, detail
from functions.shared.notifications import NotificationEvent
from functions.shared.observability import logger, metrics
from functions.shared.transactions import TransactionCancelled, TransactionNotCommitted, attr, item, transact

FEVER_C = 37.5
# A reading outside this range is a thermometer held wrong, not a person: the officer measures again.
LOWEST_READING_C, HIGHEST_READING_C = 34.0, 43.0
# Who closes the visits left open at the end of the day (no officer checked them out).
END_OF_DAY = {"sub": "system", "username": "end-of-day"}


@dataclass(frozen=True)
class Occupancy:
    """How many people are inside a site on a day, the cap, and when the count last changed."""

    inside: int
    cap: int
    updated_at: str | None

    def brief(self) -> dict[str, int]:
        """Return `{inside, cap}` as the check-in and check-out answers carry it."""
        return {"inside": self.inside, "cap": self.cap}


def _at(now: dt.datetime) -> str:
    return clock.in_jakarta(now).isoformat(timespec="seconds")


def check_reading(temperature_c: float) -> float:
    """Return a temperature rounded to a tenth of a degree, as the thermometer shows it.

    :raises Unprocessable: outside 34.0–43.0 °C (or not a number): the reading is checked again.
    """
    if not (LOWEST_READING_C <= temperature_c <= HIGHEST_READING_C):
        raise Unprocessable(
            details=[
                detail(
                    "temperature_c",
                    "implausible_reading",
                    "Periksa kembali suhu: hasil di luar 34,0–43,0 °C.",
                    "Check the reading: it is outside 34.0–43.0 °C.",
                )
            ]
        )
    return round(float(temperature_c), 1)


def read_occupancy(table: Any, site: dict[str, Any], date: str) -> Occupancy:
    """Return a site's live occupancy on a day (nobody inside when no one has checked in that day)."""
    found = table.get_item(Key=bookings.occupancy_key(site["id"], date), ConsistentRead=True).get("Item") or {}
    return Occupancy(int(found.get("inside", 0)), slots.window_limit(site), found.get("updated_at"))


def visit_counts(table: Any, date: str, site_id: str | None = None) -> list[dict[str, Any]]:
    """Return a day's visit statistics items (one per counter that had any), for one site or all; a query, no scan."""
    from boto3.dynamodb.conditions import Key

    from functions.shared.dynamo import query_all

    condition = Key("pk").eq(f"VISITS#{date}")
    if site_id:
        condition &= Key("sk").begins_with(f"{site_id}#")
    out = []
    for found in query_all(table, KeyConditionExpression=condition, ConsistentRead=True):
        site, _, counter = str(found["sk"]).partition("#")
        out.append(
            {"site_id": site, "counter_id": counter, **{n: int(found.get(n, 0)) for n in bookings.VISIT_COUNTERS}}
        )
    return out


def site_day(table: Any, site: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Return what the officer's board shows of a site today: who is inside, the cap, and the day's counts."""
    today = clock.today(now).isoformat()
    occupancy = read_occupancy(table, site, today)
    totals = dict.fromkeys(bookings.VISIT_COUNTERS, 0)
    for counts in visit_counts(table, today, site["id"]):
        for name in bookings.VISIT_COUNTERS:
            totals[name] += counts[name]
    return {
        "site_id": site["id"],
        "inside": occupancy.inside,
        "cap": occupancy.cap,
        "checked_in_today": totals["checked_in"],
        "refused_today": totals["refused"],
        "no_show_today": totals["no_show"],
        "booked_today": totals["booked"],
        "updated_at": occupancy.updated_at or _at(now),
    }


def visit_statistics(table: Any, catalogue_table: Any, date: str, site_id: str | None = None) -> dict[str, Any]:
    """Return a day's visits per site and counter, from the counters kept as statuses change (no personal data).

    `booked` counts the bookings for that day made and not cancelled or moved away: refused visits and
    no-shows stay in it (they were expected). Sites and counters with nothing that day are left out.
    """
    by_site: dict[str, list[dict[str, Any]]] = {}
    for counts in visit_counts(table, date, site_id):
        if any(counts[name] for name in bookings.VISIT_COUNTERS):
            by_site.setdefault(counts["site_id"], []).append(counts)
    sites = []
    for found_site_id, counters in sorted(by_site.items()):
        site = catalogue.get_site(catalogue_table, found_site_id) or {"name": found_site_id, "counters": []}
        names = {c["id"]: c for c in site.get("counters", [])}
        rows = []
        for counts in sorted(counters, key=lambda c: c["counter_id"]):
            known = names.get(counts["counter_id"], {})
            rows.append(
                {
                    "counter_id": counts["counter_id"],
                    "name_id": known.get("name_id") or known.get("name") or counts["counter_id"],
                    "name_en": known.get("name_en") or counts["counter_id"],
                    **{name: counts[name] for name in bookings.VISIT_COUNTERS},
                }
            )
        sites.append(
            {
                "site_id": found_site_id,
                "site_name": site["name"],
                **{name: sum(r[name] for r in rows) for name in bookings.VISIT_COUNTERS},
                "counters": rows,
            }
        )
    return {"date": date, "sites": sites}


# ---------------------------------------------------------------------------------------------------------------
# Finding the ticket
# ---------------------------------------------------------------------------------------------------------------


def unknown_ticket() -> NotFound:
    """Return the 404 of a ticket nobody booked."""
    return NotFound("Tiket tidak ditemukan.", "No such ticket.", code="booking_not_found")


def find_by_ticket_code(table: Any, site_id: str, code: str, now: dt.datetime) -> dict[str, Any]:
    """Return today's booking at a site with a typed ticket code, found through the day index (a query, no scan).

    The code says the slot's start ("PTSP-0900-7K3M"), so the query reads one slot's bookings of the day.

    :raises NotFound: no booking with that code at that site today.
    """
    from boto3.dynamodb.conditions import Attr, Key

    from functions.shared.dynamo import query_all

    wanted = code.strip().upper()
    parts = wanted.rsplit("-", 2)
    if len(parts) != 3 or len(parts[1]) != 4 or not parts[1].isdigit():
        raise unknown_ticket()
    start = f"{parts[1][:2]}:{parts[1][2:]}"
    today = clock.today(now).isoformat()
    found = query_all(
        table,
        IndexName="Gsi1",
        KeyConditionExpression=Key("gsi1pk").eq(f"DAY#{today}") & Key("gsi1sk").begins_with(f"{site_id}#{start}#"),
        FilterExpression=Attr("ticket_code").eq(wanted),
    )
    if not found:
        raise unknown_ticket()
    if len(found) > 1:
        # Two bookings of one slot whose ids end alike: rare, and the QR (the whole id) tells them apart.
        raise Conflict(
            "Kode tiket ini cocok dengan lebih dari satu pemesanan. Pindai QR pada tiket.",
            "This ticket code matches more than one booking. Scan the ticket's QR code.",
            code="ambiguous_ticket",
        )
    # The index is eventually consistent: the status that matters is read from the item itself.
    return bookings.get_booking(table, str(found[0]["id"])) or found[0]


def _require_admissible(found: dict[str, Any] | None, site_id: str, now: dt.datetime) -> dict[str, Any]:
    """Return a booking that may be checked in at `site_id` now.

    :raises NotFound: no such booking.
    :raises Conflict: ``wrong_day``, ``wrong_site`` or ``already_used`` (with the status in details).
    """
    if found is None:
        raise unknown_ticket()
    today = clock.today(now).isoformat()
    if found["date"] != today:
        raise Conflict(
            f"Tiket ini untuk tanggal {found['date']}, bukan hari ini.",
            f"This ticket is for {found['date']}, not today.",
            code="wrong_day",
            details={"date": found["date"], "today": today},
        )
    if found["site_id"] != site_id:
        raise Conflict(
            "Tiket ini untuk tempat layanan lain.",
            "This ticket is for another service point.",
            code="wrong_site",
            details={"site_id": found["site_id"], "site_name": found.get("site_name")},
        )
    if found["status"] != Status.BOOKED:
        raise already_used(found)
    return found


def already_used(found: dict[str, Any]) -> Conflict:
    """Return the 409 of a ticket that can no longer be checked in."""
    return Conflict(
        "Tiket ini sudah tidak dapat dipakai untuk masuk (sudah masuk, selesai, dibatalkan, tidak hadir atau ditolak).",
        "This ticket can no longer be used to enter (already in, done, cancelled, no-show or refused).",
        code="already_used",
        details={"status": found["status"]},
    )


# ---------------------------------------------------------------------------------------------------------------
# Check-in, refusal, check-out
# ---------------------------------------------------------------------------------------------------------------


def _answer(found: dict[str, Any], occupancy: Occupancy, **extra: Any) -> dict[str, Any]:
    keys = ("id", "ticket_code", "status", "site_id", "counter_id", "date", "start", "end", "temperature_c")
    return {**{key: found.get(key) for key in keys}, "occupancy": occupancy.brief(), **extra}


def _occupancy_change(table: str, site: dict[str, Any], date: str, delta: int, at: str) -> dict:
    """Return the Update that lets one person in (never past the cap) or out (never below zero)."""
    key = bookings.occupancy_key(site["id"], date)
    values: dict[str, Any] = {
        ":delta": attr(delta),
        ":at": attr(at),
        ":date": attr(date),
        ":site": attr(site["id"]),
        ":expires": attr(bookings.expires_after(date)),
    }
    if delta > 0:
        # A missing item is an empty room; a cap of 0 lets nobody in.
        condition = "attribute_not_exists(inside) OR inside < :cap"
        values[":cap"] = attr(slots.window_limit(site))
    else:
        condition = "inside >= :one"
        values[":one"] = attr(1)
    return {
        "Update": {
            "TableName": table,
            "Key": item(key),
            "UpdateExpression": (
                "ADD inside :delta SET updated_at = :at, #date = :date, site_id = :site, expires_at_epoch = :expires"
            ),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#date": "date"},
            "ExpressionAttributeValues": values,
        }
    }


def _busy() -> TooManyRequests:
    return TooManyRequests(
        "Banyak petugas mencatat pada saat yang sama. Coba lagi sebentar lagi.",
        "Many check-ins at this moment. Please try again shortly.",
        code="busy",
        retry_after_s=1,
    )


def room_full(occupancy: Occupancy) -> Conflict:
    """Return the 409 of a room at its cap."""
    return Conflict(
        f"Ruang layanan penuh ({occupancy.inside} dari {occupancy.cap} orang). Minta pengunjung menunggu di luar.",
        f"The service hall is full ({occupancy.inside} of {occupancy.cap} people). Ask the visitor to wait outside.",
        code="room_full",
        details={"inside": occupancy.inside, "cap": occupancy.cap},
    )


def check_in(
    found: dict[str, Any] | None,
    site_id: str,
    temperature_c: float,
    officer: dict[str, str],
    deps: booking.Deps,
    now: dt.datetime,
    **retry: Any,
) -> dict[str, Any]:
    """Take a visitor's temperature at the door: refuse a fever (the place is given back), else let them in.

    :raises Unprocessable: an implausible reading.
    :raises NotFound: no such booking.
    :raises Conflict: ``wrong_day``, ``wrong_site``, ``already_used``, or ``room_full`` with `{inside, cap}`.
    """
    reading = check_reading(temperature_c)
    found = _require_admissible(found, site_id, now)
    site = booking.load_site(deps, found["site_id"])
    if reading >= FEVER_C:
        return _refuse(found, site, reading, officer, deps, now, retry)
    at = _at(now)
    table = deps.tables.name
    changes = {"temperature_c": reading, "checked_in_at": at, "checked_in_by": officer}
    entries = [
        bookings.status_change(table, found, Status.CHECKED_IN, at, changes),
        _occupancy_change(table, site, found["date"], 1, at),
        *bookings.visit_stat_items(table, [bookings.stat_change(found, "checked_in", 1)]),
    ]
    try:
        transact(deps.tables.db, entries, **retry)
    except TransactionNotCommitted:
        raise _busy() from None
    except TransactionCancelled as cancelled:
        if 0 in cancelled.failed:
            # Checked in (or swept) by someone else since it was read: say what it is now.
            raise already_used(bookings.get_booking(deps.tables.bookings, found["id"]) or found) from None
        metrics.add_metric(name="CheckInsRoomFull", unit="Count", value=1)
        raise room_full(read_occupancy(deps.tables.bookings, site, found["date"])) from None
    metrics.add_metric(name="CheckIns", unit="Count", value=1)
    logger.info("visitor checked in", extra={"booking_id": found["id"], "site_id": site["id"]})
    inside = {**found, **changes, "status": Status.CHECKED_IN.value}
    return _answer(inside, read_occupancy(deps.tables.bookings, site, found["date"]), checked_in_at=at)


def _refuse(
    found: dict[str, Any],
    site: dict[str, Any],
    reading: float,
    officer: dict[str, str],
    deps: booking.Deps,
    now: dt.datetime,
    retry: dict[str, Any],
) -> dict[str, Any]:
    """Turn a visitor with a fever away: REFUSED, the place given back as a cancellation does, the visitor told."""
    at = _at(now)
    changes = {"temperature_c": reading, "refused_at": at, "checked_in_by": officer}
    try:
        refused = booking.release_place(
            found,
            deps,
            now,
            Status.REFUSED,
            event=NotificationEvent.BOOKING_REFUSED,
            stats=[bookings.stat_change(found, "refused", 1)],
            changes=changes,
            # The place is handed on only while someone could still use it: the slot has not begun.
            promote=_slot_start(found) > now,
            retry=retry,
        )
    except Conflict as conflict:
        if conflict.code != bookings.Refusal.CHANGED.value:
            raise
        raise already_used(bookings.get_booking(deps.tables.bookings, found["id"]) or found) from None
    metrics.add_metric(name="CheckInsRefused", unit="Count", value=1)
    logger.info("visitor refused at the door", extra={"booking_id": found["id"], "site_id": site["id"]})
    return _answer(refused, read_occupancy(deps.tables.bookings, site, found["date"]))


def _slot_start(found: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{found['date']}T{found['start']}").replace(tzinfo=clock.JAKARTA)


def _slot_end(found: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{found['date']}T{found['end']}").replace(tzinfo=clock.JAKARTA)


def not_inside(found: dict[str, Any]) -> Conflict:
    """Return the 409 of a check-out for someone who is not inside."""
    return Conflict(
        "Pengunjung ini tidak tercatat berada di dalam.",
        "This visitor is not recorded as inside.",
        code="not_inside",
        details={"status": found["status"]},
    )


def check_out(
    found: dict[str, Any] | None,
    officer: dict[str, str],
    deps: booking.Deps,
    now: dt.datetime,
    **retry: Any,
) -> dict[str, Any]:
    """Let a visitor out: CHECKED_IN → DONE and one fewer inside, in one transaction; return `{id, status, occupancy}`.

    :raises NotFound: no such booking.
    :raises Conflict: ``not_inside`` (the booking is not CHECKED_IN).
    """
    if found is None:
        raise unknown_ticket()
    if found["status"] != Status.CHECKED_IN:
        raise not_inside(found)
    site = booking.load_site(deps, found["site_id"])
    _close(found, site, officer, deps, now, retry)
    return {
        "id": found["id"],
        "status": Status.DONE.value,
        "occupancy": read_occupancy(deps.tables.bookings, site, found["date"]).brief(),
    }


def _close(
    found: dict[str, Any],
    site: dict[str, Any],
    officer: dict[str, str],
    deps: booking.Deps,
    now: dt.datetime,
    retry: dict[str, Any],
) -> None:
    """Move a CHECKED_IN booking to DONE with one fewer inside on its day.

    :raises Conflict: ``not_inside``: it changed since it was read.
    """
    at = _at(now)
    table = deps.tables.name
    changes = {"checked_out_at": at, "checked_out_by": officer}
    entries = [
        bookings.status_change(table, found, Status.DONE, at, changes),
        _occupancy_change(table, site, found["date"], -1, at),
    ]
    try:
        transact(deps.tables.db, entries, **retry)
    except TransactionNotCommitted:
        raise _busy() from None
    except TransactionCancelled:
        # The count can only be below one if the booking is no longer inside: the booking's answer is the one.
        raise not_inside(bookings.get_booking(deps.tables.bookings, found["id"]) or found) from None
    logger.info("visitor checked out", extra={"booking_id": found["id"], "site_id": site["id"]})


# ---------------------------------------------------------------------------------------------------------------
# The day's end: no-shows and visits never checked out (the scheduled sweep)
# ---------------------------------------------------------------------------------------------------------------

# A visitor who has not checked in this long after their slot ended is a no-show.
NO_SHOW_GRACE = dt.timedelta(minutes=15)


@dataclass
class Swept:
    """What one sweep changed: the bookings marked NO_SHOW and the visits closed at the day's end."""

    no_shows: list[str]
    closed: list[str]


def _closes_at(site: dict[str, Any], date: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{date}T{site['opening_hours']['close']}").replace(tzinfo=clock.JAKARTA)


def sweep(deps: booking.Deps, now: dt.datetime, **retry: Any) -> Swept:
    """Mark BOOKED visits 15 minutes past their slot NO_SHOW (their place given back) and close open visits.

    A visit still CHECKED_IN after its site's closing time (or on a later day) is closed to DONE and leaves
    the room's count. Yesterday is swept too, so a sweep that did not run late in the evening is caught up
    by the first of the next day. Idempotent: each change is conditional on the status read, so a second
    run changes nothing and a check-in racing the sweep wins.
    """
    from boto3.dynamodb.conditions import Key

    from functions.shared.dynamo import query_all

    local_now = clock.in_jakarta(now)
    out = Swept([], [])
    sites: dict[str, dict[str, Any] | None] = {}
    for day in (local_now.date() - dt.timedelta(days=1), local_now.date()):
        date = day.isoformat()
        found_of_day = query_all(
            deps.tables.bookings, IndexName="Gsi1", KeyConditionExpression=Key("gsi1pk").eq(f"DAY#{date}")
        )
        for listed in found_of_day:
            status = listed.get("status")
            if status == Status.BOOKED and _slot_end(listed) + NO_SHOW_GRACE <= local_now:
                action = _sweep_no_show
            elif status == Status.CHECKED_IN:
                action = _sweep_open_visit
            else:
                continue
            site_id = str(listed["site_id"])
            if site_id not in sites:
                sites[site_id] = catalogue.read_site(deps.catalogue, site_id)
            site = sites[site_id]
            # The index may lag: the item itself is read before it is changed.
            current = bookings.get_booking(deps.tables.bookings, str(listed["id"]))
            if site is None or current is None or current["status"] != status:
                continue
            action(current, site, deps, now, out, retry)
    if out.no_shows or out.closed:
        metrics.add_metric(name="NoShows", unit="Count", value=len(out.no_shows))
        metrics.add_metric(name="VisitsClosedAtDayEnd", unit="Count", value=len(out.closed))
    return out


def _sweep_no_show(
    found: dict[str, Any], site: dict[str, Any], deps: booking.Deps, now: dt.datetime, out: Swept, retry: dict
) -> None:
    try:
        booking.release_place(
            found,
            deps,
            now,
            Status.NO_SHOW,
            event=None,
            stats=[bookings.stat_change(found, "no_show", 1)],
            changes={"no_show_at": _at(now)},
            # The slot is over: nobody on its waitlist can use the place any more, so nobody is promoted into it.
            promote=False,
            retry=retry,
        )
    except Conflict:
        return  # checked in (or cancelled) since it was read: that change wins
    out.no_shows.append(found["id"])


def _sweep_open_visit(
    found: dict[str, Any], site: dict[str, Any], deps: booking.Deps, now: dt.datetime, out: Swept, retry: dict
) -> None:
    if _closes_at(site, found["date"]) > now:
        return
    try:
        _close(found, site, END_OF_DAY, deps, now, retry)
    except Conflict:
        return  # checked out since it was read
    out.closed.append(found["id"])
