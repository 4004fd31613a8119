"""The one clock: every rule that needs the time takes it as an argument, and only the edges call `now`.

Jakarta keeps UTC+7 all year (WIB): the office's dates, opening hours and statistics' days are
Jakarta dates, defined here once. Tests pin the time with time-machine, which moves `now` too.
"""

import datetime as dt

JAKARTA = dt.timezone(dt.timedelta(hours=7), "WIB")

# How a date is written out in each language of the site (Monday first, as `date.weekday()` counts).
MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
WEEKDAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def now() -> dt.datetime:
    """Return the current time, aware, in Jakarta (the only place the wall clock is read)."""
    return dt.datetime.now(JAKARTA)


def today(at: dt.datetime | None = None) -> dt.date:
    """Return the Jakarta date of `at` (now when not given)."""
    return (at or now()).astimezone(JAKARTA).date()


def in_jakarta(at: dt.datetime) -> dt.datetime:
    """Return an aware time as Jakarta's wall clock shows it."""
    return at.astimezone(JAKARTA)
