"""Working days in Jakarta: Monday to Friday, less the national holidays and collective-leave days.

A service's time standard (`sla_days`) counts working days, so an application's due date is found by
walking forward over weekends and the days in data/holidays_2026.json (the one list; seed/ reads it too).
"""

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

_HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays_2026.json"
# Most services publish no time standard; the office then holds itself to this one (stated on the queue row).
DEFAULT_SLA_DAYS = 14


def load_holidays() -> list[dict[str, str]]:
    """Return the national holidays and collective-leave days: `date`, `name_id`, `name_en`, `type`."""
    with _HOLIDAYS_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def holiday_dates() -> frozenset[dt.date]:
    """Return the days off that are not weekends, as dates (read once per process)."""
    return frozenset(dt.date.fromisoformat(h["date"]) for h in load_holidays())


def is_working_day(day: dt.date, holidays: frozenset[dt.date] | None = None) -> bool:
    """Tell whether the office works on `day`."""
    off = holiday_dates() if holidays is None else holidays
    return day.weekday() < 5 and day not in off


def add_working_days(start: dt.date, days: int, holidays: frozenset[dt.date] | None = None) -> dt.date:
    """Return the `days`-th working day after `start` (the day of receipt itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: frozenset[dt.date] | None = None) -> int:
    """Return how many working days fall after `start` up to and including `end` (0 if `end` is not later)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def sla_days_of(service: dict[str, Any] | None) -> int:
    """Return the service's time standard in working days, or the office's default when none is published."""
    value = (service or {}).get("sla_days")
    return int(value) if value else DEFAULT_SLA_DAYS
