"""Opaque page cursors for list routes: DynamoDB's LastEvaluatedKey, carried by the client as base64url JSON."""

import base64
import json
from typing import Any

from functions.shared.dynamo import from_item, to_item
from functions.shared.errors import Unprocessable, detail


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """Return the cursor for the next page, or None on the last page."""
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(from_item(last_key), separators=(",", ":")).encode()).decode()


def decode_cursor(
    cursor: str | None, key_names: set[str], fixed: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """Return the ExclusiveStartKey a cursor stands for; `fixed` are key values it must share with the query.

    :raises Unprocessable: the cursor was not made by `encode_cursor` for this list.
    """
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        key = None
    if (
        not isinstance(key, dict)
        or set(key) != key_names
        or not all(isinstance(v, str) for v in key.values())
        or any(key.get(name) != value for name, value in (fixed or {}).items())
    ):
        raise Unprocessable(
            "Penanda halaman tidak valid.",
            "The page cursor is not valid.",
            code="invalid_cursor",
            details=[
                detail("cursor", "invalid_cursor", "Penanda halaman tidak valid.", "The page cursor is not valid.")
            ],
        )
    return to_item(key)
