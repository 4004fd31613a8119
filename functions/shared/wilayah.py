"""Indonesian administrative areas (provinces, regencies, districts, Jakarta's kelurahan).

The data is the project's one copy of idn-area-data (ODbL), in ``data/wilayah/`` next to this
module. Each table is read on first use and cached for the life of the process, so a cold
Lambda that never validates a NIK never pays for parsing 7,000 districts.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

WILAYAH_DIR = Path(__file__).resolve().parent / "data" / "wilayah"
JAKARTA_PROVINCE_CODE = "31"


@dataclass(frozen=True, slots=True)
class Regency:
    """A regency (kabupaten) or city (kota), code ``PP.RR``."""

    code: str
    province_code: str
    name: str


@dataclass(frozen=True, slots=True)
class District:
    """A district (kecamatan), code ``PP.RR.DD``."""

    code: str
    regency_code: str
    name: str


@dataclass(frozen=True, slots=True)
class Village:
    """A kelurahan (urban village) of DKI Jakarta, code ``PP.RR.DD.VVVV``."""

    code: str
    district_code: str
    name: str


def _rows(filename: str) -> list[dict[str, str]]:
    """Read one CSV file of the wilayah data as a list of rows keyed by header."""
    with (WILAYAH_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def provinces() -> Mapping[str, str]:
    """Return the provinces as a read-only mapping of code (``"31"``) to name."""
    return MappingProxyType({row["code"]: row["name"] for row in _rows("provinces.csv")})


@cache
def regencies() -> Mapping[str, Regency]:
    """Return the regencies and cities keyed by code (``"31.74"``)."""
    return MappingProxyType(
        {row["code"]: Regency(row["code"], row["province_code"], row["name"]) for row in _rows("regencies.csv")}
    )


@cache
def districts() -> Mapping[str, District]:
    """Return the districts (kecamatan) keyed by code (``"31.74.02"``)."""
    return MappingProxyType(
        {row["code"]: District(row["code"], row["regency_code"], row["name"]) for row in _rows("districts.csv")}
    )


@cache
def jakarta_villages() -> Mapping[str, Village]:
    """Return DKI Jakarta's kelurahan keyed by code (``"31.74.02.1001"``)."""
    return MappingProxyType(
        {row["code"]: Village(row["code"], row["district_code"], row["name"]) for row in _rows("villages_jakarta.csv")}
    )
