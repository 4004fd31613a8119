"""Unit tests of working days: weekends and the 2026 holidays and collective leave do not count."""

import datetime as dt

import pytest

from functions.shared.working_days import (
    DEFAULT_SLA_DAYS,
    add_working_days,
    holiday_dates,
    is_working_day,
    sla_days_of,
    working_days_between,
)


def test_the_holiday_list_holds_national_holidays_and_collective_leave():
    # Then
    assert dt.date(2026, 8, 17) in holiday_dates()  # Independence Day
    assert dt.date(2026, 2, 16) in holiday_dates()  # collective leave before Chinese New Year


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Monday + 3 → Thursday
        (dt.date(2026, 11, 2), 3, dt.date(2026, 11, 5)),
        # Friday + 1 → Monday: the weekend does not count
        (dt.date(2026, 11, 6), 1, dt.date(2026, 11, 9)),
        # Received on a Saturday: the count starts on Monday
        (dt.date(2026, 11, 7), 1, dt.date(2026, 11, 9)),
        # Thursday 13 August + 3: Monday 17 August is Independence Day → Wednesday 19th
        (dt.date(2026, 8, 13), 3, dt.date(2026, 8, 19)),
        # Friday 13 March + 5: the Nyepi and Idul Fitri leave (18–24 March) is skipped
        (dt.date(2026, 3, 13), 5, dt.date(2026, 3, 27)),
        # Over Christmas: 24 (leave) and 25 (holiday) December do not count
        (dt.date(2026, 12, 23), 2, dt.date(2026, 12, 29)),
        (dt.date(2026, 11, 2), 0, dt.date(2026, 11, 2)),
    ],
)
def test_a_due_date_skips_weekends_and_holidays(start, days, due):
    # Then
    assert add_working_days(start, days) == due


def test_working_days_between_counts_what_add_working_days_adds():
    # Given
    start = dt.date(2026, 3, 13)
    # Then
    for days in range(0, 20):
        assert working_days_between(start, add_working_days(start, days)) == days


def test_weekends_and_holidays_are_not_working_days():
    # Then
    assert is_working_day(dt.date(2026, 11, 2))
    assert not is_working_day(dt.date(2026, 11, 7))
    assert not is_working_day(dt.date(2026, 12, 25))


def test_a_service_without_a_published_standard_gets_the_default():
    # Then
    assert sla_days_of({"sla_days": 3}) == 3
    assert sla_days_of({"sla_days": None}) == DEFAULT_SLA_DAYS
    assert sla_days_of(None) == DEFAULT_SLA_DAYS
