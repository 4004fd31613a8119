"""Paper applications' drafts: what a citizen filled in online before printing a cover sheet for the envelope.

A citizen who sends their documents on paper (a drop box or a courier) fills the form online and prints a cover
sheet whose QR code carries the draft's reference. The officer who opens the envelope scans it (or types the
reference) and the intake form is filled from the draft. A draft holds the service, the form and the applicant,
never a document and never a token, and is gone 30 days after it was saved.
"""

import datetime as dt
import secrets
from typing import Any

from functions.shared import person_index, retention
from functions.shared.applications import CROCKFORD, timestamp
from functions.shared.dynamo import from_item, to_item
from functions.shared.errors import Unprocessable, detail
from functions.shared.transactions import attr
from functions.submit.schemas import DraftRequest

DRAFT_LIFETIME = retention.PAPER_DRAFT.keep
REFERENCE_PREFIX = "DR"
# Ten symbols of Crockford's base32: 50 bits, so a reference cannot be guessed even before the rate limit, and
# read aloud in two groups of five without I, L, O or U to mishear.
_GROUP = 5
_CROCKFORD_READS = {"O": "0", "I": "1", "L": "1"}


def new_reference() -> str:
    """Return a fresh reference like ``DR-7K3M9-Q2HXA``."""
    symbols = "".join(secrets.choice(CROCKFORD) for _ in range(2 * _GROUP))
    return f"{REFERENCE_PREFIX}-{symbols[:_GROUP]}-{symbols[_GROUP:]}"


def normalise_reference(text: str) -> str | None:
    """Return the canonical form of a typed or scanned reference (any case, spaces, O for 0, I/L for 1), or None."""
    compact = "".join(text.split()).upper().replace("-", "")
    if not compact.startswith(REFERENCE_PREFIX):
        return None
    symbols = "".join(_CROCKFORD_READS.get(c, c) for c in compact[len(REFERENCE_PREFIX) :])
    if len(symbols) != 2 * _GROUP or any(c not in CROCKFORD for c in symbols):
        return None
    return f"{REFERENCE_PREFIX}-{symbols[:_GROUP]}-{symbols[_GROUP:]}"


def save_draft(table: Any, request: DraftRequest, now: dt.datetime, index_key: bytes) -> dict[str, Any]:
    """Store a paper application's draft; return ``{reference, expires_at}``.

    A draft with a NIK carries its index HMAC (`index_key`, functions/shared/person_index.py): an erasure finds it.
    """
    nik_index = person_index.draft_nik_hmac(index_key, request.applicant.nik)
    expires = now + DRAFT_LIFETIME
    while True:
        reference = new_reference()
        item = {
            "reference": reference,
            "service_id": request.service_id,
            "applicant": request.applicant.model_dump(mode="json"),
            "fields": request.fields,
            "locale": request.locale,
            "channel": request.channel,
            "created_at": timestamp(now),
            "expires_at": timestamp(expires),
            "expires_at_epoch": int(expires.timestamp()),
        }
        if nik_index:
            item["nik_hmac"] = nik_index
        try:
            table.put_item(
                Item=to_item(item),
                ConditionExpression="attribute_not_exists(#reference)",
                ExpressionAttributeNames={"#reference": "reference"},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            continue  # 50 random bits collided: draw again
        return {"reference": reference, "expires_at": item["expires_at"]}


def find_draft(table: Any, reference: str, now: dt.datetime) -> dict[str, Any] | None:
    """Return the draft with this reference (typed in any reasonable way), or None if unknown or expired."""
    canonical = normalise_reference(reference)
    if canonical is None:
        return None
    found = table.get_item(Key={"reference": canonical}, ConsistentRead=True).get("Item")
    # TTL deletes within days, not at once: an expired draft is treated as gone.
    if not found or int(found["expires_at_epoch"]) <= int(now.timestamp()):
        return None
    return from_item(found)


def unknown_cover_sheet() -> Unprocessable:
    """Return the 422 for a cover sheet reference that names no draft (mistyped, or expired)."""
    message_id = "Nomor lembar sampul tidak ditemukan atau sudah kedaluwarsa (30 hari). Periksa nomornya."
    message_en = "No cover sheet has this reference, or it has expired (30 days). Check the reference."
    return Unprocessable(
        message_id,
        message_en,
        code="unknown_cover_sheet",
        details=[detail("cover_sheet_ref", "unknown_cover_sheet", message_id, message_en)],
    )


def cover_sheet_used_detail(application_id: str) -> dict[str, Any]:
    """Return the detail for a cover sheet already keyed in as another application."""
    return detail(
        "cover_sheet_ref",
        "cover_sheet_used",
        f"Lembar sampul ini sudah dicatat sebagai permohonan {application_id}.",
        f"This cover sheet was already keyed in as application {application_id}.",
        application_id=application_id,
    )


def mark_used_item(table_name: str, reference: str, application_id: str, now: dt.datetime) -> dict[str, Any]:
    """Return the TransactWriteItems entry that marks a draft used by an application (once, while it lives)."""
    return {
        "Update": {
            "TableName": table_name,
            "Key": {"reference": attr(reference)},
            "UpdateExpression": "SET used_by = :id, used_at = :at",
            "ConditionExpression": "attribute_exists(#reference) AND attribute_not_exists(used_by)",
            "ExpressionAttributeNames": {"#reference": "reference"},
            "ExpressionAttributeValues": {":id": attr(application_id), ":at": attr(timestamp(now))},
        }
    }
