"""What a citizen sees of their own application: found by number and access token, nothing personal shown."""

import datetime as dt
from typing import Any

from functions.shared.access_tokens import bearer_token, token_matches
from functions.shared.applications import ApplicationRecord, Status, get_application, normalise_tracking_number
from functions.shared.dynamo import from_item
from functions.shared.errors import NotFound, Unauthorized
from functions.submit.submission import requirement_label

# Long enough to start the download on a slow phone connection, short enough not to be passed around.
DOWNLOAD_URL_LIFETIME_S = 300


def not_found() -> NotFound:
    """Return the one answer for an unknown number and a wrong token alike."""
    return NotFound(
        "Permohonan tidak ditemukan, atau kode aksesnya salah.",
        "No application with that number and access code.",
        code="application_not_found",
    )


def find_own_application(table: Any, application_id: str, authorization: str | None) -> ApplicationRecord:
    """Return the application whose access token the caller holds.

    :raises Unauthorized: no bearer token at all.
    :raises NotFound: no such application, or the token is not its token (the same answer for both).
    """
    token = bearer_token(authorization)
    if token is None:
        raise Unauthorized(
            "Sertakan kode akses permohonan (Authorization: Bearer <kode>).",
            "Send the application's access token (Authorization: Bearer <token>).",
        )
    canonical = normalise_tracking_number(application_id)
    record = get_application(table, canonical) if canonical else None
    # Compared even when there is no application, so both answers take the same time.
    if not token_matches(token, record.access_token_hash if record else None) or record is None:
        raise not_found()
    return record


def issued_document(
    documents_table: Any, s3: Any, bucket: str, application_id: str, today: dt.date
) -> dict[str, Any] | None:
    """Return the permit issued for an application (valid, revoked or expired), with a short-lived download link."""
    from boto3.dynamodb.conditions import Key

    items = documents_table.query(
        IndexName="ByApplication", KeyConditionExpression=Key("application_id").eq(application_id)
    ).get("Items", [])
    if not items:
        return None
    document = from_item(max(items, key=lambda i: str(i.get("issued_at", ""))))
    status = str(document.get("status", "valid"))
    if status == "valid" and document.get("valid_until") and str(document["valid_until"]) < today.isoformat():
        status = "expired"
    view = {
        "number": document["number"],
        "status": status,
        "issued_at": document.get("issued_at"),
        "valid_until": document.get("valid_until"),
        "download_url": None,
    }
    key = document.get("pdf_key")
    # A revoked permit is not handed out again; an expired one stays the holder's record.
    if status != "revoked" and key:
        view["download_url"] = s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{document["number"]}.pdf"',
            },
            ExpiresIn=DOWNLOAD_URL_LIFETIME_S,
        )
    return view


def tracking_view(
    record: ApplicationRecord, service: dict[str, Any] | None, document: dict[str, Any] | None
) -> dict[str, Any]:
    """Return `GET /applications/{id}`'s body: status, history without actors, what is missing, the permit."""
    missing = (
        [requirement_label(service or {}, r) for r in record.missing_requirements]
        if record.status == Status.RETURNED
        else []
    )
    return {
        "id": record.id,
        "service_id": record.service_id,
        "status": record.status.value,
        "submitted_at": record.submitted_at,
        "updated_at": record.updated_at,
        "history": [{"status": h.status.value, "at": h.at, "note": h.note} for h in record.history],
        "missing_requirements": missing,
        "document": document,
    }
