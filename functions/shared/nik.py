"""NIK (Nomor Induk Kependudukan, the 16-digit national ID number) validation.

A NIK reads ``PPRRDD DDMMYY SSSS``: province, regency and district of issue, the birth
date (40 added to the day for women) and a serial that is never 0000. The province and
regency are checked strictly against the wilayah data; an unknown district is only a
warning, because older NIKs keep district codes that have since been split or renamed.

Messages never contain the NIK or any of its digits: they are shown to the person and may
reach logs, and a NIK is personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from functions.shared import clock, wilayah

NIK_LENGTH = 16
# Women's birth days are written with 40 added (a woman born on the 5th has day 45).
FEMALE_DAY_OFFSET = 40
# DKI Jakarta keeps Western Indonesia Time all year (UTC+7, no daylight saving), so "today"
# for the century rule is the Jakarta date, not the server's UTC date.
_DIGITS = frozenset("0123456789")


class Message(NamedTuple):
    """A validation message: a stable code plus Indonesian and English text."""

    code: str
    text_id: str
    text_en: str


NIK_LENGTH_MESSAGE = Message("nik_length", "NIK harus 16 digit angka.", "NIK must be 16 digits.")
NIK_DIGITS_MESSAGE = Message(
    "nik_digits",
    "NIK hanya boleh berisi angka 0-9, tanpa spasi, titik atau huruf.",
    "NIK may contain only the digits 0-9, with no spaces, dots or letters.",
)
NIK_PROVINCE_MESSAGE = Message(
    "nik_province",
    "Kode provinsi pada NIK (digit 1-2) tidak dikenal.",
    "The province code in the NIK (digits 1-2) is not a known province.",
)
NIK_REGENCY_MESSAGE = Message(
    "nik_regency",
    "Kode kabupaten/kota pada NIK (digit 3-4) tidak dikenal di provinsi tersebut.",
    "The regency/city code in the NIK (digits 3-4) is not known in that province.",
)
NIK_DISTRICT_MESSAGE = Message(
    "nik_district",
    "Kode kecamatan pada NIK (digit 5-6) tidak ada dalam data wilayah terbaru. NIK lama bisa "
    "memakai kode kecamatan yang sudah dimekarkan atau diganti; periksa kembali bila ragu.",
    "The district code in the NIK (digits 5-6) is not in the current area data. Older NIKs can "
    "carry district codes that have since been split or renamed; check it again if unsure.",
)
NIK_BIRTH_DAY_MESSAGE = Message(
    "nik_birth_day",
    "Tanggal lahir pada NIK (digit 7-8) harus 01-31, atau 41-71 untuk perempuan.",
    "The birth day in the NIK (digits 7-8) must be 01-31, or 41-71 for women.",
)
NIK_BIRTH_MONTH_MESSAGE = Message(
    "nik_birth_month",
    "Bulan lahir pada NIK (digit 9-10) harus 01-12.",
    "The birth month in the NIK (digits 9-10) must be 01-12.",
)
NIK_BIRTH_DATE_MESSAGE = Message(
    "nik_birth_date",
    "Tanggal lahir pada NIK (digit 7-12) bukan tanggal yang ada di kalender.",
    "The birth date in the NIK (digits 7-12) is not a real calendar date.",
)
NIK_SERIAL_MESSAGE = Message(
    "nik_serial",
    "Nomor urut pada NIK (digit 13-16) tidak boleh 0000.",
    "The serial number in the NIK (digits 13-16) cannot be 0000.",
)


@dataclass(frozen=True)
class NikCheck:
    """The outcome of checking one NIK: errors, warnings and the parts that could be read.

    The parsed parts are left out of ``repr`` so that logging a check never logs the
    birth date and serial that together rebuild most of the NIK.
    """

    valid: bool
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    province_code: str | None = field(default=None, repr=False)
    regency_code: str | None = field(default=None, repr=False)
    district_code: str | None = field(default=None, repr=False)
    birth_date: dt.date | None = field(default=None, repr=False)
    sex: str | None = field(default=None, repr=False)
    serial: str | None = field(default=None, repr=False)


def validate_nik(nik: str, *, today: dt.date | None = None) -> NikCheck:
    """Check a NIK and return its errors, warnings and parsed parts.

    ``today`` decides the century of the birth year (defaults to today in Jakarta): the
    two-digit year ``yy`` is 20yy unless that date is still in the future, then 19yy.
    """
    if not isinstance(nik, str):
        return NikCheck(valid=False, errors=[NIK_LENGTH_MESSAGE])
    shape_errors = []
    if len(nik) != NIK_LENGTH:
        shape_errors.append(NIK_LENGTH_MESSAGE)
    if not set(nik) <= _DIGITS:
        shape_errors.append(NIK_DIGITS_MESSAGE)
    if shape_errors:
        # Without 16 plain digits the positions mean nothing: stop before reading them.
        return NikCheck(valid=False, errors=shape_errors)

    errors: list[Message] = []
    warnings: list[Message] = []

    province_code = nik[0:2]
    regency_code = f"{province_code}.{nik[2:4]}"
    district_code = f"{regency_code}.{nik[4:6]}"
    if province_code not in wilayah.provinces():
        # An unknown province makes every regency under it unknown too: report the cause once.
        errors.append(NIK_PROVINCE_MESSAGE)
    elif regency_code not in wilayah.regencies():
        errors.append(NIK_REGENCY_MESSAGE)
    elif district_code not in wilayah.districts():
        warnings.append(NIK_DISTRICT_MESSAGE)

    birth_date, sex, date_errors = _read_birth_date(nik[6:12], today or clock.today())
    errors.extend(date_errors)

    serial = nik[12:16]
    if serial == "0000":
        errors.append(NIK_SERIAL_MESSAGE)

    return NikCheck(
        valid=not errors,
        errors=errors,
        warnings=warnings,
        province_code=province_code,
        regency_code=regency_code,
        district_code=district_code,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def _read_birth_date(ddmmyy: str, today: dt.date) -> tuple[dt.date | None, str | None, list[Message]]:
    """Read the ``DDMMYY`` birth-date digits into a date and sex, or the errors they carry."""
    day_digits, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex: str | None = None
    day = day_digits
    if 1 <= day_digits <= 31:
        sex = "M"
    elif 1 + FEMALE_DAY_OFFSET <= day_digits <= 31 + FEMALE_DAY_OFFSET:
        sex = "F"
        day = day_digits - FEMALE_DAY_OFFSET

    errors = []
    if sex is None:
        errors.append(NIK_BIRTH_DAY_MESSAGE)
    if not 1 <= month <= 12:
        errors.append(NIK_BIRTH_MONTH_MESSAGE)
    if errors:
        return None, sex, errors

    # Same two digits, two centuries: take the recent one unless it lies in the future.
    # 2000 is a leap year and 1900 is not, so 29 Feb "00" can only be 2000.
    for year in (2000 + yy, 1900 + yy):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate, sex, []
    return None, sex, [NIK_BIRTH_DATE_MESSAGE]
