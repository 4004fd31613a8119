"""The submit function's input models refuse what cannot be stored, however the value is nested."""

import pytest
from pydantic import ValidationError

from functions.submit.schemas import UploadRequest


def nested(depth: int, innermost: object) -> object:
    """Return `innermost` inside `depth` lists."""
    value = innermost
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("innermost", ["teks", "\ud800"], ids=["valid text", "lone surrogate"])
def test_a_value_nested_far_deeper_than_any_body_is_refused_as_invalid_not_a_crash(innermost):
    # Given: nesting far deeper than the interpreter's recursion limit
    value = nested(5000, innermost)
    # When / Then: a plain validation error, not a RecursionError
    with pytest.raises(ValidationError):
        UploadRequest.model_validate(value)


def test_a_lone_surrogate_deep_inside_is_found():
    # Given
    body = {
        "service_id": "sktm",
        "requirement_id": "fc_ktp",
        "filename": "ktp.pdf",
        "content_type": "application/pdf",
        "size": 10,
        "extra": nested(100, {"key": ["\udfff"]}),
    }
    # When / Then
    with pytest.raises(ValidationError, match="valid Unicode"):
        UploadRequest.model_validate(body)
