"""Slots of a service point: cut from its opening hours, limited by its counters, its room and its days.

A site opens on the weekdays of its opening hours, except its closed dates (the public holidays of the
seed data), for `booking_horizon_days` ahead (today included). Each counter's day is cut into slots of
its `slot_minutes`, each for `people_per_slot` people; the room's day is cut into windows of the site's
`window_minutes`, each for `capacity × occupancy_cap_percent / 100` people across every counter.
A slot counts in every window it overlaps. What is left is read from the counters, never from bookings.
"""

import datetime as dt
from typing import Any

from functions.shared.bookings import Place, read_counters
from functions.shared.clock import JAKARTA
from functions.shared.errors import NotFound, Unprocessable

DEFAULT_WINDOW_MINUTES = 30
DEFAULT_HORIZON_DAYS = 14


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def window_limit(site: dict[str, Any]) -> int:
    """Return how many people the room may hold at once: capacity × cap %, rounded down."""
    return int(site["capacity"]) * int(site["occupancy_cap_percent"]) // 100


def find_counter(site: dict[str, Any], counter_id: str) -> dict[str, Any] | None:
    """Return one of a site's counters, or None."""
    return next((c for c in site.get("counters", []) if c["id"] == counter_id), None)


def is_open(site: dict[str, Any], day: dt.date) -> bool:
    """Tell whether the site takes visitors on a day (its weekdays, less its closed dates)."""
    hours = site["opening_hours"]
    return day.weekday() in set(hours.get("days", [])) and day.isoformat() not in set(site.get("closed_dates", []))


def bookable_days(site: dict[str, Any], now: dt.datetime) -> list[dt.date]:
    """Return the open days from today (Jakarta) within the site's booking horizon."""
    today = now.astimezone(JAKARTA).date()
    horizon = int(site.get("booking_horizon_days", DEFAULT_HORIZON_DAYS))
    return [d for d in (today + dt.timedelta(days=n) for n in range(horizon)) if is_open(site, d)]


def slot_times(site: dict[str, Any], counter: dict[str, Any]) -> list[tuple[str, str]]:
    """Return a counter's slots of a day as (start, end), within the opening hours."""
    opens, closes = _minutes(site["opening_hours"]["open"]), _minutes(site["opening_hours"]["close"])
    length = int(counter["slot_minutes"])
    return [(_hhmm(s), _hhmm(s + length)) for s in range(opens, closes - length + 1, length)]


def window_starts(site: dict[str, Any]) -> list[str]:
    """Return the starts of a site's room windows in a day (cut from the opening time)."""
    opens, closes = _minutes(site["opening_hours"]["open"]), _minutes(site["opening_hours"]["close"])
    return [_hhmm(w) for w in range(opens, closes, int(site.get("window_minutes", DEFAULT_WINDOW_MINUTES)))]


def windows_of(site: dict[str, Any], start: str, end: str) -> tuple[str, ...]:
    """Return the starts of the room windows a slot overlaps."""
    length = int(site.get("window_minutes", DEFAULT_WINDOW_MINUTES))
    begin, finish = _minutes(start), _minutes(end)
    return tuple(w for w in window_starts(site) if _minutes(w) < finish and _minutes(w) + length > begin)


def place_of(site: dict[str, Any], counter: dict[str, Any], date: str, start: str, end: str) -> Place:
    """Return the place a booking of one slot takes, with the site's limits as they are now."""
    quota = counter.get("daily_quota")
    return Place(
        site_id=site["id"],
        counter_id=counter["id"],
        date=date,
        start=start,
        end=end,
        windows=windows_of(site, start, end),
        slot_capacity=int(counter["people_per_slot"]),
        window_limit=window_limit(site),
        daily_quota=int(quota) if quota is not None else None,
    )


def _detail(field: str, code: str, message_id: str, message_en: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message_id, "message_en": message_en}


def require_counter(site: dict[str, Any], counter_id: str, field: str = "counter_id") -> dict[str, Any]:
    """Return a site's counter.

    :raises Unprocessable: the site has no such counter (``unknown_counter``).
    """
    counter = find_counter(site, counter_id)
    if counter is None:
        raise Unprocessable(
            details=[
                _detail(
                    field, "unknown_counter", "Loket ini tidak ada di tempat layanan itu.", "No such counter there."
                )
            ]
        )
    return counter


def require_place(
    site: dict[str, Any], counter_id: str, date: str, start: str, now: dt.datetime, prefix: str = ""
) -> Place:
    """Return the place of a slot that can still be booked: an open day within the horizon, a slot not yet begun.

    :raises Unprocessable: the counter, the day or the time is not bookable, each named in details.
    """
    counter = require_counter(site, counter_id, f"{prefix}counter_id")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        day = None
    if day is None or day not in bookable_days(site, now):
        raise Unprocessable(
            details=[
                _detail(
                    f"{prefix}date",
                    "day_not_bookable",
                    "Tempat layanan tutup pada tanggal itu, atau tanggal itu di luar masa pemesanan.",
                    "The service point is closed that day, or the day is outside the booking period.",
                )
            ]
        )
    times = dict(slot_times(site, counter))
    local_now = now.astimezone(JAKARTA)
    started = day == local_now.date() and start in times and _minutes(start) <= local_now.hour * 60 + local_now.minute
    if start not in times or started:
        raise Unprocessable(
            details=[
                _detail(
                    f"{prefix}start",
                    "slot_not_bookable",
                    "Jam ini bukan jadwal loket tersebut, atau sudah lewat.",
                    "That time is not one of the counter's slots, or it has passed.",
                )
            ]
        )
    return place_of(site, counter, date, start, times[start])


def site_not_found() -> NotFound:
    """Return the 404 of an unknown service point."""
    return NotFound("Tempat layanan tidak ditemukan.", "No such service point.", code="site_not_found")


def day_slots(
    table: Any, site: dict[str, Any], day: dt.date, now: dt.datetime, counter_id: str | None = None
) -> list[dict[str, Any]]:
    """Return a day's slots with their capacity and what is left, read from the counters.

    What is left is the least of the slot's room, each overlapped window's room (under the cap its counter
    carries, or the site's limit where nobody has booked yet) and the counter's quota.
    """
    if day not in bookable_days(site, now):
        return []
    date = day.isoformat()
    counters = read_counters(table, site["id"], date)
    limit = window_limit(site)
    local_now = now.astimezone(JAKARTA)
    passed = local_now.hour * 60 + local_now.minute if day == local_now.date() else -1
    out = []
    for counter in site.get("counters", []):
        if counter_id and counter["id"] != counter_id:
            continue
        quota = counter.get("daily_quota")
        quota_left = None if quota is None else int(quota) - counters["quota"].get(counter["id"], 0)
        for start, end in slot_times(site, counter):
            if _minutes(start) <= passed:
                continue
            capacity = int(counter["people_per_slot"])
            room = [capacity - counters["slot"].get(f"{counter['id']}#{start}", 0)]
            caps, booked = counters["window_cap"], counters["window"]
            room += [caps.get(w, limit) - booked.get(w, 0) for w in windows_of(site, start, end)]
            if quota_left is not None:
                room.append(quota_left)
            out.append(
                {
                    "counter_id": counter["id"],
                    "date": date,
                    "start": start,
                    "end": end,
                    "capacity": capacity,
                    "available": max(0, min(room)),
                }
            )
    return out


def nearest_free(table: Any, site: dict[str, Any], place: Place, now: dt.datetime, count: int = 3) -> list[dict]:
    """Return the `count` free slots nearest to a refused place: same counter, that day first, then the next days.

    Read from the counters of as few days as it takes.
    """
    wanted = dt.date.fromisoformat(place.date)
    days = bookable_days(site, now)
    ordered = sorted(days, key=lambda d: (abs((d - wanted).days), d < wanted))
    found: list[dict[str, Any]] = []
    for day in ordered:
        free = [s for s in day_slots(table, site, day, now, place.counter_id) if s["available"] > 0]
        free = [s for s in free if not (s["date"] == place.date and s["start"] == place.start)]
        free.sort(key=lambda s: abs(_minutes(s["start"]) - _minutes(place.start)))
        found.extend(free[: count - len(found)])
        if len(found) >= count:
            break
    return found
