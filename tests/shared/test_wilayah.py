"""The wilayah loaders read the whole idn-area-data copy, once, and link each level to its parent."""

import pytest

from functions.shared import wilayah


def test_each_table_has_the_rows_the_data_readme_promises():
    # Given the copied idn-area-data files
    # When each table is loaded
    # Then the row counts match the data's README (38 / 514 / 7,285 / 267)
    assert len(wilayah.provinces()) == 38
    assert len(wilayah.regencies()) == 514
    assert len(wilayah.districts()) == 7285
    assert len(wilayah.jakarta_villages()) == 267


def test_every_area_points_to_an_existing_parent():
    # Given all four tables
    provinces, regencies, districts = wilayah.provinces(), wilayah.regencies(), wilayah.districts()

    # Then each child's parent code exists and prefixes the child's own code
    for regency in regencies.values():
        assert regency.province_code in provinces and regency.code.startswith(regency.province_code + ".")
    for district in districts.values():
        assert district.regency_code in regencies and district.code.startswith(district.regency_code + ".")
    for village in wilayah.jakarta_villages().values():
        assert village.district_code in districts and village.code.startswith(village.district_code + ".")
        assert village.code.startswith(wilayah.JAKARTA_PROVINCE_CODE + ".")


def test_setiabudi_and_jakarta_are_found_by_code():
    # When looking up DKI Jakarta, South Jakarta and Setiabudi
    # Then the names come back as in the source
    assert wilayah.provinces()["31"] == "Daerah Khusus Ibukota Jakarta"
    assert wilayah.regencies()["31.74"].name == "Kota Administrasi Jakarta Selatan"
    assert wilayah.districts()["31.74.02"].name == "Setiabudi"


def test_quoted_csv_names_are_unquoted():
    # Given a district whose name contains a double quote, stored CSV-escaped
    # Then the loader returns the name as written
    assert wilayah.districts()["35.29.22"].name == 'Ra"as'


def test_tables_are_loaded_once_and_cannot_be_changed():
    # When a table is asked for twice
    first, second = wilayah.districts(), wilayah.districts()

    # Then it is the same cached, read-only object
    assert first is second
    with pytest.raises(TypeError):
        first["99.99.99"] = None  # type: ignore[index]
