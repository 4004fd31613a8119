"""Issued documents (the permit a citizen downloads and anyone can verify): the stored item and its status.

One item per document in the documents table, keyed by its number, which is derived from the
application's tracking number (``SP-2611-7K3M9Q`` → ``DOK-2611-7K3M9Q``): an application has at most
one document, and a redelivered issue job finds the number taken instead of issuing a second one.

Each document also has a *status-list index*: its bit in the signed revocation list that offline
verifiers download whole (W3C Bitstring Status List), so checking a permit against the list tells the
issuer nothing about which permit was checked. Two further items of the same table keep that list:
``STATUS_LIST_COUNTER`` (the next free index, taken in the issuing transaction) and
``STATUS_LIST_REVOKED`` (the set of revoked indices, added to in the revoking transaction).
"""

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from functions.shared.applications import normalise_tracking_number
from functions.shared.clock import JAKARTA
from functions.shared.dynamo import from_item
from functions.shared.transactions import attr

DOCUMENT_PREFIX = "DOK"
APPLICATION_PREFIX = "SP"
# Meta items of the documents table; no document number starts with "~".
STATUS_LIST_COUNTER = "~status-list#next-index"
STATUS_LIST_REVOKED = "~status-list#revoked"
# Entries in the published list: a verifier cannot tell a small office from a large one by its size
# (W3C Bitstring Status List asks for at least 131,072); it grows by whole blocks if ever outgrown.
STATUS_LIST_BLOCK = 131_072

DocumentStatus = Literal["valid", "revoked"]
Verdict = Literal["valid", "revoked", "expired"]


class DocumentRecord(BaseModel):
    """The documents table item."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True, defer_build=True)

    number: str
    application_id: str
    service_id: str
    holder_name: str
    issued_at: str
    # A Jakarta date (the last day it is valid), or None for a document with no end date.
    valid_until: str | None = None
    office: str
    decision_ref: str
    approved_by: str
    status_index: int
    pdf_key: str
    token: str  # the compact JWS printed in the QR code
    status: DocumentStatus = "valid"
    revoked_at: str | None = None
    revoked_by: str | None = None
    revocation_reason: str | None = None
    # Goes with its application (functions/shared/retention.py).
    expires_at_epoch: int | None = None


def document_number(application_id: str) -> str:
    """Return the one document number an application's permit can have."""
    return DOCUMENT_PREFIX + application_id.removeprefix(APPLICATION_PREFIX)


def normalise_document_number(text: str) -> str | None:
    """Return the canonical form of a typed document number (read like a tracking number), or None."""
    parts = text.strip().upper().split("-", 1)
    if len(parts) != 2 or parts[0] != DOCUMENT_PREFIX:
        return None
    application = normalise_tracking_number(f"{APPLICATION_PREFIX}-{parts[1]}")
    return document_number(application) if application else None


def get_document(table: Any, number: str) -> DocumentRecord | None:
    """Return one document (strongly consistent), or None."""
    if number.startswith("~"):
        return None
    item = table.get_item(Key={"number": number}, ConsistentRead=True).get("Item")
    return DocumentRecord.model_validate(from_item(item)) if item else None


def verdict(document: DocumentRecord, today: dt.date) -> Verdict:
    """Say whether a document is valid, revoked, or past its last valid day (Jakarta dates)."""
    if document.status == "revoked":
        return "revoked"
    if document.valid_until and dt.date.fromisoformat(document.valid_until) < today:
        return "expired"
    return "valid"


def verification_view(document: DocumentRecord, at: dt.datetime) -> dict[str, Any]:
    """Return `GET /documents/{number}/verify`'s body: what anyone holding the paper may check."""
    status = verdict(document, at.astimezone(JAKARTA).date())
    view: dict[str, Any] = {
        "number": document.number,
        "status": status,
        "service_id": document.service_id,
        "holder_name": document.holder_name,
        "issued_at": document.issued_at,
        "valid_until": document.valid_until,
    }
    if status == "revoked":
        view["reason"] = document.revocation_reason
        view["revoked_at"] = document.revoked_at
    return view


def read_next_index(table: Any) -> int:
    """Return the next free status-list index (strongly consistent)."""
    item = table.get_item(Key={"number": STATUS_LIST_COUNTER}, ConsistentRead=True).get("Item") or {}
    return int(item.get("next_index", 0))


def take_index(table_name: str, index: int) -> dict[str, Any]:
    """Return the TransactWriteItems entry that takes `index`, only if it is still the next free one."""
    return {
        "Update": {
            "TableName": table_name,
            "Key": {"number": attr(STATUS_LIST_COUNTER)},
            "UpdateExpression": "SET next_index = :next",
            # Optimistic: two issuers who read the same index cannot both take it; the loser reads again.
            "ConditionExpression": "next_index = :index OR (attribute_not_exists(next_index) AND :index = :zero)",
            "ExpressionAttributeValues": {":next": attr(index + 1), ":index": attr(index), ":zero": attr(0)},
        }
    }


def put_document(table_name: str, document: DocumentRecord) -> dict[str, Any]:
    """Return the TransactWriteItems entry that records a new document, refused if its number exists."""
    values = {k: v for k, v in document.model_dump(mode="json").items() if v is not None}
    return {
        "Put": {
            "TableName": table_name,
            "Item": {name: attr(value) for name, value in values.items()},
            "ConditionExpression": "attribute_not_exists(#number)",
            "ExpressionAttributeNames": {"#number": "number"},
        }
    }


def revoke_items(table_name: str, document: DocumentRecord, reason: str, by: str, at: str) -> list[dict[str, Any]]:
    """Return the TransactWriteItems entries that revoke a valid document and set its status-list bit."""
    return [
        {
            "Update": {
                "TableName": table_name,
                "Key": {"number": attr(document.number)},
                "UpdateExpression": "SET #status = :revoked, revoked_at = :at, revoked_by = :by,"
                " revocation_reason = :reason",
                "ConditionExpression": "#status = :valid",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":revoked": attr("revoked"),
                    ":valid": attr("valid"),
                    ":at": attr(at),
                    ":by": attr(by),
                    ":reason": attr(reason),
                },
            }
        },
        {
            "Update": {
                "TableName": table_name,
                "Key": {"number": attr(STATUS_LIST_REVOKED)},
                # A number set: ADD is atomic, so two revocations at once both land.
                "UpdateExpression": "ADD revoked :index",
                "ExpressionAttributeValues": {":index": {"NS": [str(document.status_index)]}},
            }
        },
    ]


def read_revoked(table: Any) -> tuple[int, set[int]]:
    """Return how many indices have been given out and the set of revoked ones (strongly consistent)."""
    item = table.get_item(Key={"number": STATUS_LIST_REVOKED}, ConsistentRead=True).get("Item") or {}
    return read_next_index(table), {int(i) for i in item.get("revoked", set())}
