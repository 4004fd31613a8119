"""A service's form values as people write them: whole numbers, decimals with a comma or a point, never negative."""

import pytest

from functions.submit.submission import check_fields

SERVICE = {
    "form_fields": [
        {"id": "floors", "label_id": "Jumlah lantai", "label_en": "Storeys", "type": "integer", "required": True},
        {"id": "area", "label_id": "Luas tanah", "label_en": "Land area", "type": "decimal", "required": True},
    ]
}


def _codes(fields):
    values, errors = check_fields(SERVICE, fields)
    return values, {e["field"]: e["code"] for e in errors}


@pytest.mark.parametrize(("typed", "kept"), [("12,5", 12.5), ("12.5", 12.5), ("12", 12), (12.5, 12.5), ("0", 0)])
def test_a_decimal_field_takes_a_comma_or_a_point(typed, kept):
    # When
    values, errors = _codes({"floors": 3, "area": typed})
    # Then
    assert errors == {}
    assert values["area"] == kept


@pytest.mark.parametrize("typed", ["2,5", "2.5", 2.5])
def test_an_integer_field_refuses_decimals_saying_so(typed):
    # When
    _, errors = _codes({"floors": typed, "area": 10})
    # Then
    assert errors == {"fields.floors": "not_a_whole_number"}
    _, messages = check_fields(SERVICE, {"floors": typed, "area": 10})
    assert messages[0]["message"] == "“Jumlah lantai” harus bilangan bulat, tanpa koma."
    assert messages[0]["message_en"] == "“Storeys” must be a whole number, with no decimals."


@pytest.mark.parametrize("typed", ["-2,5", "-3", -1])
def test_a_negative_number_must_be_zero_or_more_not_a_number(typed):
    # When
    _, errors = check_fields(SERVICE, {"floors": 1, "area": typed})
    # Then
    assert [(e["field"], e["code"]) for e in errors] == [("fields.area", "negative")]
    assert errors[0]["message"] == "“Luas tanah” harus nol atau lebih."
    assert errors[0]["message_en"] == "“Land area” must be zero or more."


@pytest.mark.parametrize("typed", ["dua", "1.250,5", "12,", True])
def test_anything_else_is_not_a_number(typed):
    # When
    _, errors = _codes({"floors": 1, "area": typed})
    # Then
    assert errors == {"fields.area": "not_a_number"}
