"""Seed data: the service catalogue, the service points (sites) and the 2026 holidays.

Plain data out, no AWS: whoever loads the tables calls these functions and writes the
result. The facts behind each value, and which values are assumptions, are in README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from functions.shared import wilayah

SEED_DIR = Path(__file__).resolve().parent

MALL_ID = "mpp-dki"
# The mall stands on Jl. H.R. Rasuna Said in Kuningan, Setiabudi (South Jakarta).
MALL_AREA_CODE = "31.74.02"
MALL_ADDRESS = (
    "Jl. H.R. Rasuna Said (sisi Jl. Epicentrum Selatan), Kuningan, Setiabudi, "
    "Kota Administrasi Jakarta Selatan, DKI Jakarta"
)
PTSP_AGENCY = "DPMPTSP Provinsi DKI Jakarta"

# Every point opens 07:30-16:00 WIB, Monday to Friday (Python weekdays 0-4).
OPENING_HOURS = {"open": "07:30", "close": "16:00", "days": [0, 1, 2, 3, 4]}
TIMEZONE = "Asia/Jakarta"
OCCUPANCY_CAP_PERCENT = 50
SLOT_MINUTES = 30
# The room's occupancy is counted per window of this length; visits are bookable this many days ahead.
WINDOW_MINUTES = 30
BOOKING_HORIZON_DAYS = 14

# Room capacity and people per 30-minute slot at the PTSP counter, by kind of office
# (assumptions: no published figures).
OFFICE_CAPACITY = {"kelurahan": 20, "kecamatan": 40, "city": 80}
OFFICE_PEOPLE_PER_SLOT = {"kelurahan": 2, "kecamatan": 3, "city": 4}
MALL_CAPACITY = 400

# Services whose researched agency is the kelurahan PTSP unit. Kecamatan offices are
# assumed to take the same files; city offices and the mall take every service.
NEIGHBOURHOOD_SERVICE_IDS = (
    "sk_domisili_usaha",
    "sip_dokter",
    "iptm_baru",
    "iptm_perpanjangan",
    "sktm",
    "izin_rumah_kost",
    "izin_penebangan_pohon",
    "sk_riwayat_tanah",
)

# The mall's counters: (id, agency, name_id, name_en, people per slot, daily quota).
# People per slot are assumptions sized on the published counts of one early day at the
# mall (68 SIM and 48 STNK renewals, 70 at the tax office, 16 immigration, 3 social
# security, 2 electricity, 73 permit files); the bank's 50 a day is its published 2020 limit.
MALL_COUNTERS: tuple[tuple[str, str, str, str, int, int | None], ...] = (
    ("ptsp", PTSP_AGENCY, "Loket PTSP (perizinan dan nonperizinan)", "PTSP counter (permits)", 6, None),
    ("sim", "Polda Metro Jaya", "Perpanjangan SIM", "Driving licence (SIM) renewal", 5, None),
    ("stnk", "Polda Metro Jaya", "Perpanjangan STNK", "Vehicle registration (STNK) renewal", 4, None),
    ("pajak", "Bapenda DKI Jakarta", "Pajak daerah", "Regional tax", 5, None),
    ("imigrasi", "Direktorat Jenderal Imigrasi", "Layanan keimigrasian", "Immigration services", 2, None),
    ("bpjstk", "BPJS Ketenagakerjaan", "Jaminan sosial ketenagakerjaan", "Workers' social security", 1, None),
    ("pln", "PT PLN (Persero)", "Layanan kelistrikan", "Electricity services", 1, None),
    ("bank-dki", "Bank DKI", "Layanan Bank DKI", "Bank DKI services", 3, 50),
)


def load_services() -> list[dict[str, Any]]:
    """Return the service catalogue from services.json."""
    with (SEED_DIR / "services.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def load_holidays() -> list[dict[str, str]]:
    """Return the 2026 national holidays and collective-leave days (kept with the functions, which count deadlines)."""
    from functions.shared.working_days import load_holidays as holidays_of_the_functions

    return holidays_of_the_functions()


def build_sites() -> list[dict[str, Any]]:
    """Return the service points: the public service mall, then every city, kecamatan and kelurahan office."""
    all_service_ids = [service["id"] for service in load_services()]
    regencies = {
        code: regency
        for code, regency in wilayah.regencies().items()
        if regency.province_code == wilayah.JAKARTA_PROVINCE_CODE
    }
    districts = {code: district for code, district in wilayah.districts().items() if district.regency_code in regencies}

    sites = [_mall(all_service_ids)]
    for code, regency in sorted(regencies.items()):
        sites.append(
            _office(
                kind="city",
                site_id=f"kota-{_plain(code)}",
                name=_city_office_name(regency.name),
                area_code=code,
                address=f"{regency.name}, DKI Jakarta",
                service_ids=all_service_ids,
            )
        )
    for code, district in sorted(districts.items()):
        regency = regencies[district.regency_code]
        sites.append(
            _office(
                kind="kecamatan",
                site_id=f"kec-{_plain(code)}",
                name=f"Kantor Kecamatan {district.name}",
                area_code=code,
                address=f"Kecamatan {district.name}, {regency.name}, DKI Jakarta",
                service_ids=list(NEIGHBOURHOOD_SERVICE_IDS),
            )
        )
    for code, village in sorted(wilayah.jakarta_villages().items()):
        district = districts[village.district_code]
        regency = regencies[district.regency_code]
        sites.append(
            _office(
                kind="kelurahan",
                site_id=f"kel-{_plain(code)}",
                name=f"Kantor Kelurahan {village.name}",
                area_code=code,
                address=f"Kelurahan {village.name}, Kecamatan {district.name}, {regency.name}, DKI Jakarta",
                service_ids=list(NEIGHBOURHOOD_SERVICE_IDS),
            )
        )
    return sites


def _mall(all_service_ids: list[str]) -> dict[str, Any]:
    """Build the public service mall with its agencies' counters."""
    counters = [
        _counter(
            counter_id,
            agency,
            name_id,
            name_en,
            service_ids=all_service_ids if counter_id == "ptsp" else [],
            people_per_slot=people_per_slot,
            daily_quota=daily_quota,
        )
        for counter_id, agency, name_id, name_en, people_per_slot, daily_quota in MALL_COUNTERS
    ]
    return _site(
        site_id=MALL_ID,
        name="Mal Pelayanan Publik DKI Jakarta",
        kind="mall",
        area_code=MALL_AREA_CODE,
        address=MALL_ADDRESS,
        capacity=MALL_CAPACITY,
        counters=counters,
    )


def _office(
    *, kind: str, site_id: str, name: str, area_code: str, address: str, service_ids: list[str]
) -> dict[str, Any]:
    """Build a city, kecamatan or kelurahan office with its one PTSP counter."""
    counter = _counter(
        "ptsp",
        PTSP_AGENCY,
        f"Loket PTSP {_KIND_ID[kind]}",
        f"PTSP counter ({_KIND_EN[kind]})",
        service_ids=service_ids,
        people_per_slot=OFFICE_PEOPLE_PER_SLOT[kind],
        daily_quota=None,
    )
    return _site(
        site_id=site_id,
        name=name,
        kind=kind,
        area_code=area_code,
        address=address,
        capacity=OFFICE_CAPACITY[kind],
        counters=[counter],
    )


_KIND_ID = {"kelurahan": "Kelurahan", "kecamatan": "Kecamatan", "city": "Kota/Kabupaten"}
_KIND_EN = {"kelurahan": "kelurahan office", "kecamatan": "kecamatan office", "city": "city/regency office"}


def _site(
    *,
    site_id: str,
    name: str,
    kind: str,
    area_code: str,
    address: str,
    capacity: int,
    counters: list[dict[str, Any]],
) -> dict[str, Any]:
    """Assemble one site record with the shared hours, time zone and occupancy cap."""
    return {
        "id": site_id,
        "name": name,
        "kind": kind,
        "area_code": area_code,
        "address": address,
        "capacity": capacity,
        "occupancy_cap_percent": OCCUPANCY_CAP_PERCENT,
        "opening_hours": {**OPENING_HOURS, "days": list(OPENING_HOURS["days"])},
        "timezone": TIMEZONE,
        "counters": counters,
        "window_minutes": WINDOW_MINUTES,
        "booking_horizon_days": BOOKING_HORIZON_DAYS,
        # Every point closes on the national holidays and collective-leave days (a site may differ).
        "closed_dates": [holiday["date"] for holiday in load_holidays()],
    }


def _counter(
    counter_id: str,
    agency: str,
    name_id: str,
    name_en: str,
    *,
    service_ids: list[str],
    people_per_slot: int,
    daily_quota: int | None,
) -> dict[str, Any]:
    """Assemble one counter (loket) record."""
    return {
        "id": counter_id,
        "agency": agency,
        "name_id": name_id,
        "name_en": name_en,
        "service_ids": list(service_ids),
        "slot_minutes": SLOT_MINUTES,
        "people_per_slot": people_per_slot,
        "daily_quota": daily_quota,
    }


def _city_office_name(regency_name: str) -> str:
    """Name a city or regency office: "Kantor Walikota Jakarta Pusat", "Kantor Bupati Kepulauan Seribu"."""
    for prefix, title in (("Kota Administrasi ", "Walikota"), ("Kabupaten Administrasi ", "Bupati")):
        if regency_name.startswith(prefix):
            return f"Kantor {title} {regency_name.removeprefix(prefix)}"
    raise ValueError(f"not a DKI Jakarta city or regency: {regency_name}")


def _plain(code: str) -> str:
    """Drop the dots of an area code for use in an id (``31.74.02`` → ``317402``)."""
    return code.replace(".", "")
