"""Page cursors: what DynamoDB's LastEvaluatedKey says, carried by the client, and nothing a client makes up."""

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.shared.errors import Unprocessable
from functions.shared.paging import decode_cursor, encode_cursor

KEYS = {"id", "status", "created_at"}


def _key(consultation_id: str, status: str = "OPEN", created_at: str = "2026-11-23T08:00:00.000+07:00") -> dict:
    return {"id": consultation_id, "status": status, "created_at": created_at}


def _cursor(raw: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def test_the_last_page_has_no_cursor():
    assert encode_cursor(None) is None and encode_cursor({}) is None
    assert decode_cursor(None, KEYS) is None and decode_cursor("", KEYS) is None


@given(st.text(min_size=1, max_size=40), st.sampled_from(["OPEN", "ANSWERED"]))
def test_a_cursor_gives_back_the_key_it_was_made_from(consultation_id, status):
    key = _key(consultation_id, status)
    cursor = encode_cursor(key)
    # URL-safe: it goes into a query string as it is
    assert cursor is not None and set(cursor) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
    )
    assert decode_cursor(cursor, KEYS, {"status": status}) == key


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        _cursor(["a", "list"]),
        _cursor({"id": "KS-1", "status": "OPEN"}),  # a key of another list
        _cursor({**_key("KS-1"), "extra": "x"}),
        _cursor({**_key("KS-1"), "id": 7}),  # not a string
        _cursor(_key("KS-1", status="ANSWERED")),  # made for the other status
    ],
)
def test_a_cursor_this_list_did_not_make_is_refused_naming_the_cursor(cursor):
    with pytest.raises(Unprocessable) as refused:
        decode_cursor(cursor, KEYS, {"status": "OPEN"})
    assert refused.value.code == "invalid_cursor"
    assert [d["field"] for d in refused.value.details] == ["cursor"]
