"""The seed catalogue is complete and honest, and the service points cover every DKI Jakarta office."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from functions.shared import wilayah
from seed.catalogue import build_sites, load_holidays, load_services

ACCEPTED_TYPES = {"application/pdf", "image/jpeg", "image/png"}
FIELD_TYPES = {"text", "textarea", "integer", "decimal", "date"}
MALL_COUNTER_IDS = {"ptsp", "sim", "stnk", "pajak", "imigrasi", "bpjstk", "pln", "bank-dki"}
# The services the catalogue must carry whatever else is curated in or out.
CORE_SERVICE_IDS = {
    "sipi",
    "siup_perikanan",
    "pbg",
    "gpa",
    "iptb",
    "iptb_legalisasi",
    "sk_domisili_usaha",
    "tdup",
    "izin_reklame",
}


@pytest.fixture(scope="module")
def services() -> list[dict]:
    """The catalogue as the loader returns it."""
    return load_services()


@pytest.fixture(scope="module")
def sites() -> list[dict]:
    """The service points as the builder returns them."""
    return build_sites()


def test_catalogue_has_at_least_20_services_with_unique_ids_including_the_core_ones(services):
    # Given the catalogue
    ids = [service["id"] for service in services]

    # Then it is large enough, ids are unique, and the core services are present
    assert len(services) >= 20
    assert len(ids) == len(set(ids))
    assert set(ids) >= CORE_SERVICE_IDS


def test_every_service_names_itself_in_both_languages(services):
    # Given each service
    for service in services:
        # Then its names, summary and agency are filled and the category is known
        for key in ("name_id", "name_en", "summary_id", "summary_en", "agency"):
            assert isinstance(service[key], str) and service[key].strip(), (service["id"], key)
        assert service["category"] in {"perizinan", "nonperizinan"}, service["id"]
        assert len(service["notes_id"]) == len(service["notes_en"]), service["id"]


def test_every_service_needs_at_least_one_document(services):
    # Given each service
    for service in services:
        # Then at least one of its requirements is required
        assert any(requirement["required"] for requirement in service["requirements"]), service["id"]


def test_every_requirement_says_which_files_and_how_large(services):
    # Given every requirement of every service
    for service in services:
        requirement_ids = [requirement["id"] for requirement in service["requirements"]]
        assert len(requirement_ids) == len(set(requirement_ids)), service["id"]
        for requirement in service["requirements"]:
            where = (service["id"], requirement["id"])
            # Then it has bilingual labels, a non-empty set of accepted types and a positive size limit
            assert requirement["label_id"] and requirement["label_en"], where
            assert requirement["accepted_types"], where
            assert set(requirement["accepted_types"]) <= ACCEPTED_TYPES, where
            assert isinstance(requirement["max_size_bytes"], int) and requirement["max_size_bytes"] > 0, where
            assert (requirement["note_id"] is None) == (requirement["note_en"] is None), where


def test_every_service_asks_two_to_four_well_formed_fields(services):
    # Given each service's application form
    for service in services:
        fields = service["form_fields"]
        # Then it has 2-4 fields with unique ids, known types and a length only on text
        assert 2 <= len(fields) <= 4, service["id"]
        assert len({field["id"] for field in fields}) == len(fields), service["id"]
        for field in fields:
            where = (service["id"], field["id"])
            assert field["label_id"] and field["label_en"], where
            assert field["type"] in FIELD_TYPES, where
            assert isinstance(field["required"], bool), where
            if field["type"] in {"text", "textarea"}:
                assert isinstance(field["max_length"], int) and field["max_length"] > 0, where
            else:
                assert field["max_length"] is None, where


def test_an_unpublished_fee_is_explained_never_filled_in(services):
    # Given each service's fee
    for service in services:
        fee = service["fee_idr"]
        # Then it is a non-negative whole number of rupiah, or null with a note in both languages
        assert fee is None or (isinstance(fee, int) and fee >= 0), service["id"]
        if fee is None:
            assert service["fee_note_id"] and service["fee_note_en"], service["id"]


def test_an_unpublished_duration_is_explained(services):
    # Given each service's service-level days
    for service in services:
        sla = service["sla_days"]
        # Then it is a positive number of days, or null with a note in both languages
        assert sla is None or (isinstance(sla, int) and sla > 0), service["id"]
        if sla is None:
            assert service["sla_note_id"] and service["sla_note_en"], service["id"]


def test_validity_months_only_come_with_a_stated_validity(services):
    # Given each service's validity
    for service in services:
        # Then the texts come as a pair, and a period in months only when a validity is stated
        assert (service["validity_id"] is None) == (service["validity_en"] is None), service["id"]
        months = service["validity_months"]
        if months is not None:
            assert isinstance(months, int) and months > 0, service["id"]
            assert service["validity_id"], service["id"]


def test_every_service_cites_sources_and_lists_its_assumptions(services):
    # Given each service
    for service in services:
        # Then it names public sources, a legal-basis list and the values chosen without a source
        assert service["sources"], service["id"]
        assert all(source.startswith(("http://", "https://")) for source in service["sources"]), service["id"]
        assert isinstance(service["legal_basis"], list), service["id"]
        assert isinstance(service["field_survey"], bool), service["id"]
        assert any("accepted_types" in assumption for assumption in service["assumptions"]), service["id"]


def test_there_are_318_sites_with_unique_ids(sites):
    # Given the service points
    kinds = Counter(site["kind"] for site in sites)

    # Then there is one mall and one office per kelurahan, kecamatan and city: 318 in all
    assert len(sites) == 318
    assert kinds == {"mall": 1, "kelurahan": 267, "kecamatan": 44, "city": 6}
    assert len({site["id"] for site in sites}) == len(sites)


def test_the_mall_has_its_eight_counters_and_the_bank_takes_50_a_day(sites):
    # Given the public service mall
    mall = next(site for site in sites if site["kind"] == "mall")

    # Then it is in Setiabudi with the eight agencies' counters, and only the bank has a quota of 50
    assert mall["id"] == "mpp-dki"
    assert wilayah.districts()[mall["area_code"]].name == "Setiabudi"
    counters = {counter["id"]: counter for counter in mall["counters"]}
    assert set(counters) == MALL_COUNTER_IDS
    assert counters["bank-dki"]["daily_quota"] == 50
    assert counters["bank-dki"]["agency"] == "Bank DKI"
    assert {counters[c]["agency"] for c in ("sim", "stnk")} == {"Polda Metro Jaya"}
    assert all(counters[c]["daily_quota"] is None for c in MALL_COUNTER_IDS - {"bank-dki"})


def test_every_kelurahan_site_stands_on_a_real_village_and_every_office_on_a_jakarta_area(sites):
    # Given the offices by kind
    villages = wilayah.jakarta_villages()
    districts = wilayah.districts()
    regencies = wilayah.regencies()

    for site in sites:
        code = site["area_code"]
        # Then each area code exists at its level and lies in DKI Jakarta, and the id carries it
        if site["kind"] == "kelurahan":
            assert code in villages, site["id"]
            assert site["name"] == f"Kantor Kelurahan {villages[code].name}"
        elif site["kind"] == "kecamatan":
            assert districts[code].regency_code.startswith("31."), site["id"]
            assert site["name"] == f"Kantor Kecamatan {districts[code].name}"
        elif site["kind"] == "city":
            assert regencies[code].province_code == "31", site["id"]
            assert site["name"].startswith(("Kantor Walikota ", "Kantor Bupati ")), site["id"]
        else:
            assert code in districts, site["id"]
        if site["kind"] != "mall":
            assert site["id"].endswith("-" + code.replace(".", "")), site["id"]


def test_every_kelurahan_of_jakarta_has_its_office(sites):
    # Given the kelurahan sites
    covered = {site["area_code"] for site in sites if site["kind"] == "kelurahan"}

    # Then none of the 267 kelurahan is missing
    assert covered == set(wilayah.jakarta_villages())


def test_every_site_shares_hours_cap_and_well_formed_counters(sites, services):
    # Given every site and the catalogue's ids
    service_ids = {service["id"] for service in services}
    people_per_slot = {"kelurahan": 2, "kecamatan": 3, "city": 4}

    for site in sites:
        # Then it opens 07:30-16:00 Monday to Friday in Jakarta time, capped at 50%
        assert site["opening_hours"] == {"open": "07:30", "close": "16:00", "days": [0, 1, 2, 3, 4]}
        assert site["timezone"] == "Asia/Jakarta"
        assert site["occupancy_cap_percent"] == 50
        assert site["capacity"] > 0 and site["address"]
        counter_ids = [counter["id"] for counter in site["counters"]]
        assert counter_ids and len(counter_ids) == len(set(counter_ids)), site["id"]
        for counter in site["counters"]:
            # And each counter offers only catalogue services, in 30-minute slots
            assert set(counter["service_ids"]) <= service_ids, (site["id"], counter["id"])
            assert counter["slot_minutes"] == 30
            assert counter["people_per_slot"] > 0
            assert counter["name_id"] and counter["name_en"] and counter["agency"]
        if site["kind"] != "mall":
            # And an office has one PTSP counter sized for its kind
            assert counter_ids == ["ptsp"], site["id"]
            assert site["counters"][0]["people_per_slot"] == people_per_slot[site["kind"]]
            assert site["counters"][0]["service_ids"], site["id"]


def test_every_service_can_be_handed_in_at_the_mall(sites, services):
    # Given the mall's PTSP counter
    mall = next(site for site in sites if site["kind"] == "mall")
    ptsp = next(counter for counter in mall["counters"] if counter["id"] == "ptsp")

    # Then it takes every service in the catalogue
    assert set(ptsp["service_ids"]) == {service["id"] for service in services}


def test_holidays_are_2026_dates_with_bilingual_names():
    # Given the 2026 holidays
    holidays = load_holidays()

    # Then each is a distinct 2026 date of a known type, named in both languages
    dates = [dt.date.fromisoformat(holiday["date"]) for holiday in holidays]
    assert holidays and all(day.year == 2026 for day in dates)
    assert len(dates) == len(set(dates))
    for holiday in holidays:
        assert holiday["type"] in {"libur_nasional", "cuti_bersama"}
        assert holiday["name_id"] and holiday["name_en"]
