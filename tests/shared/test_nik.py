"""NIK validation: valid NIKs built from real area codes pass, each broken rule is named."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import given
from hypothesis import strategies as st

from functions.shared import wilayah
from functions.shared.nik import validate_nik

# A fixed "today" keeps the century rule reproducible; one property below varies it.
TODAY = dt.date(2026, 5, 15)

DISTRICT_CODES = sorted(wilayah.districts())
REGENCY_CODES = sorted(wilayah.regencies())
PROVINCE_CODES = sorted(wilayah.provinces())
UNKNOWN_PROVINCE_CODES = [f"{n:02d}" for n in range(100) if f"{n:02d}" not in wilayah.provinces()]


def digits(code: str) -> str:
    """Drop the dots of a wilayah code (``31.74.02`` → ``317402``)."""
    return code.replace(".", "")


def birth_digits(birth_date: dt.date, sex: str) -> str:
    """Write a birth date as the NIK's DDMMYY, adding 40 to the day for women."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def birth_dates(today: dt.date = TODAY) -> st.SearchStrategy[dt.date]:
    """Birth dates inside the century window that the two-digit year can express."""
    return st.dates(min_value=dt.date(today.year - 99, 1, 1), max_value=today)


serials = st.integers(min_value=1, max_value=9999).map(lambda n: f"{n:04d}")
sexes = st.sampled_from(["F", "M"])


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, str, dt.date, str, str]:
    """Build a valid NIK from a real district, a real date, a sex and a non-zero serial."""
    district_code = draw(st.sampled_from(DISTRICT_CODES))
    birth_date = draw(birth_dates())
    sex = draw(sexes)
    serial = draw(serials)
    nik = digits(district_code) + birth_digits(birth_date, sex) + serial
    return nik, district_code, birth_date, sex, serial


def with_part(nik: str, start: int, replacement: str) -> str:
    """Replace the digits of ``nik`` from ``start`` with ``replacement``."""
    return nik[:start] + replacement + nik[start + len(replacement) :]


def error_codes(nik: str) -> list[str]:
    """Validate ``nik`` against the fixed today and return its error codes."""
    return [message.code for message in validate_nik(nik, today=TODAY).errors]


@given(valid_niks())
def test_nik_built_from_real_codes_and_dates_is_valid_and_parsed(case):
    # Given a NIK built from a real district, birth date, sex and serial
    nik, district_code, birth_date, sex, serial = case

    # When it is validated
    check = validate_nik(nik, today=TODAY)

    # Then it is valid, without warnings, and every part reads back
    assert check.valid, check.errors
    assert check.errors == []
    assert check.warnings == []
    assert check.district_code == district_code
    assert check.regency_code == district_code[:5]
    assert check.province_code == district_code[:2]
    assert check.birth_date == birth_date
    assert check.sex == sex
    assert check.serial == serial


@given(st.data())
def test_two_digit_year_takes_the_latest_century_not_in_the_future(data):
    # Given any "today" and a birth date in the hundred years up to it
    today = data.draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2098, 12, 31)))
    birth_date = data.draw(birth_dates(today))
    nik = "317402" + birth_digits(birth_date, data.draw(sexes)) + "0001"

    # When the NIK is validated on that day
    check = validate_nik(nik, today=today)

    # Then the birth date is read back in the right century
    assert check.valid, check.errors
    assert check.birth_date == birth_date


@given(valid_niks(), st.integers(min_value=0, max_value=40).filter(lambda n: n != 16))
def test_nik_of_the_wrong_length_is_rejected(case, length):
    # Given a valid NIK cut or padded to another length
    nik = (case[0] * 3)[:length]

    # When / Then only the length is reported
    assert error_codes(nik) == ["nik_length"]


@given(valid_niks(), st.integers(0, 15), st.sampled_from([*string.ascii_letters, " ", ".", "-", "٣", "５"]))
def test_nik_with_a_non_digit_is_rejected(case, position, character):
    # Given a valid NIK with one character replaced by a letter, space, sign or non-ASCII digit
    nik = with_part(case[0], position, character)

    # When / Then the non-digit is reported
    assert error_codes(nik) == ["nik_digits"]


@given(valid_niks(), st.sampled_from(UNKNOWN_PROVINCE_CODES))
def test_nik_with_an_unknown_province_is_rejected(case, province_code):
    # Given a valid NIK whose first two digits are no province
    nik = with_part(case[0], 0, province_code)

    # When / Then the province is reported, once
    assert error_codes(nik) == ["nik_province"]


@st.composite
def unknown_regency_codes(draw: st.DrawFn) -> str:
    """A real province code followed by a regency number that province does not have."""
    province_code = draw(st.sampled_from(PROVINCE_CODES))
    regency = draw(st.integers(0, 99).filter(lambda n: f"{province_code}.{n:02d}" not in wilayah.regencies()))
    return f"{province_code}{regency:02d}"


@given(valid_niks(), unknown_regency_codes())
def test_nik_with_an_unknown_regency_is_rejected(case, regency_digits):
    # Given a valid NIK whose digits 1-4 are a real province but no regency of it
    nik = with_part(case[0], 0, regency_digits)

    # When / Then the regency is reported
    assert error_codes(nik) == ["nik_regency"]


@st.composite
def unknown_district_codes(draw: st.DrawFn) -> str:
    """A real regency code followed by a district number that regency does not have."""
    regency_code = draw(st.sampled_from(REGENCY_CODES))
    district = draw(st.integers(0, 99).filter(lambda n: f"{regency_code}.{n:02d}" not in wilayah.districts()))
    return digits(regency_code) + f"{district:02d}"


@given(valid_niks(), unknown_district_codes())
def test_nik_with_an_unknown_district_is_valid_with_a_warning(case, district_digits):
    # Given a valid NIK whose district is not in the current data (it may be an old code)
    nik = with_part(case[0], 0, district_digits)

    # When it is validated
    check = validate_nik(nik, today=TODAY)

    # Then it is still valid, with a district warning
    assert check.valid
    assert check.errors == []
    assert [message.code for message in check.warnings] == ["nik_district"]


@given(valid_niks(), st.sampled_from([0, 32, 33, 39, 40, 72, 80, 99]))
def test_nik_with_a_birth_day_outside_both_ranges_is_rejected(case, day):
    # Given a valid NIK whose day digits are neither 01-31 nor 41-71 (00, 32-40, 72-99)
    nik = with_part(case[0], 6, f"{day:02d}")

    # When / Then the day is reported
    assert error_codes(nik) == ["nik_birth_day"]


@given(valid_niks(), st.sampled_from([0, *range(13, 100)]))
def test_nik_with_a_birth_month_outside_1_to_12_is_rejected(case, month):
    # Given a valid NIK whose month digits are 00 or 13-99
    nik = with_part(case[0], 8, f"{month:02d}")

    # When / Then the month is reported
    assert error_codes(nik) == ["nik_birth_month"]


@given(valid_niks(), sexes, st.sampled_from(["3002", "3102", "3104", "3106", "3109", "3111"]))
def test_nik_with_a_day_the_month_does_not_have_is_rejected(case, sex, day_month):
    # Given a valid NIK born on a day its month lacks (30 Feb, 31 Apr, ...), for either sex
    day = int(day_month[:2]) + (40 if sex == "F" else 0)
    nik = with_part(case[0], 6, f"{day:02d}{day_month[2:]}")

    # When / Then the calendar date is reported
    assert error_codes(nik) == ["nik_birth_date"]


@given(valid_niks())
def test_nik_with_serial_0000_is_rejected(case):
    # Given a valid NIK whose serial is 0000
    nik = with_part(case[0], 12, "0000")

    # When / Then the serial is reported
    assert error_codes(nik) == ["nik_serial"]


def test_woman_born_5_january_1990_in_setiabudi_reads_back():
    # Given a NIK from Setiabudi (31.74.02), day 45 = the 5th for a woman, serial 0001
    # When it is validated
    check = validate_nik("3174024501900001", today=TODAY)

    # Then every part is read
    assert check.valid
    assert (check.province_code, check.regency_code, check.district_code) == ("31", "31.74", "31.74.02")
    assert check.birth_date == dt.date(1990, 1, 5)
    assert check.sex == "F"
    assert check.serial == "0001"


def test_29_february_is_valid_only_in_a_leap_year():
    # Given NIKs born on 29 February 2000 (leap) and 29 February 1999 (not)
    # When / Then the leap day of 2000 passes and the other is not a calendar date
    assert validate_nik("3171012902000001", today=TODAY).birth_date == dt.date(2000, 2, 29)
    assert error_codes("3171012902990001") == ["nik_birth_date"]


def test_31_february_1999_is_not_a_calendar_date():
    # Given the day digits 31, month 02, year 99
    # When / Then the date is rejected, not silently moved
    assert error_codes("3174023102990001") == ["nik_birth_date"]


def test_birth_later_this_year_belongs_to_the_last_century():
    # Given a NIK born on 1 December "26", validated on 15 May 2026
    check = validate_nik("3174020112260001", today=TODAY)

    # Then the birth year is 1926, not a date in the future
    assert check.birth_date == dt.date(1926, 12, 1)


def test_nik_with_spaces_or_dots_is_rejected_not_cleaned():
    # Given a NIK written with spaces or dots
    # When / Then it is rejected for its shape rather than silently cleaned up
    assert error_codes("3174 0245 0190 0001") == ["nik_length", "nik_digits"]
    assert error_codes("31.74.02.450190.0001") == ["nik_length", "nik_digits"]
    assert error_codes("317402450190000 ") == ["nik_digits"]


def test_several_broken_rules_are_all_reported():
    # Given a NIK with an unknown province, a bad month and serial 0000
    # When / Then each is reported, so the person can fix them at once
    assert error_codes("0074021513900000") == ["nik_province", "nik_birth_month", "nik_serial"]


def test_every_message_has_indonesian_and_english_text_without_the_nik():
    # Given NIKs that trip every rule and the warning
    niks = ["12345", "31740245019000a1", "0074027213900000", "3199023102990001", "3174990101900001"]

    # When they are validated
    checks = [validate_nik(nik, today=TODAY) for nik in niks]

    # Then each message speaks both languages and quotes no digits of the NIK
    messages = [message for check in checks for message in [*check.errors, *check.warnings]]
    assert {message.code for message in messages} == {
        "nik_length",
        "nik_digits",
        "nik_province",
        "nik_regency",
        "nik_district",
        "nik_birth_day",
        "nik_birth_month",
        "nik_birth_date",
        "nik_serial",
    }
    for message in messages:
        assert message.text_id and message.text_en and message.text_id != message.text_en
        for nik in niks:
            assert nik not in message.text_id and nik not in message.text_en


def test_repr_of_a_check_does_not_carry_the_birth_date_or_serial():
    # Given a valid check
    check = validate_nik("3174024501900001", today=TODAY)

    # When it is turned into text, as a log line would
    text = repr(check)

    # Then the parsed personal parts are not in it
    assert "1990" not in text and "0001" not in text and "'F'" not in text
