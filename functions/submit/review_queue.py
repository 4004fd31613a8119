"""The officers' review queue: applications in one status, oldest first, with the NIK masked."""

from typing import Any

from functions.shared.applications import ApplicationRecord, Status
from functions.shared.dynamo import from_item
from functions.submit.paging import decode_cursor, encode_cursor

_INDEX_KEYS = {"id", "status", "updated_at"}


def mask_nik(nik: str) -> str:
    """Return a NIK with all but its last four digits hidden."""
    return "•" * max(len(nik) - 4, 0) + nik[-4:]


def summarise(record: ApplicationRecord) -> dict[str, Any]:
    """Return what the queue shows of one application."""
    return {
        "id": record.id,
        "service_id": record.service_id,
        "status": record.status.value,
        "channel": record.channel,
        "applicant_name": record.applicant.name,
        "nik_masked": mask_nik(record.applicant.nik),
        "documents": len(record.documents),
        "submitted_at": record.submitted_at,
        "updated_at": record.updated_at,
    }


def list_applications(
    table: Any, status: Status, service_id: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Return a page of applications in one status (of one service, if given), the longest-waiting first."""
    from boto3.dynamodb.conditions import Attr, Key

    kwargs: dict[str, Any] = {
        "IndexName": "ByStatus",
        "KeyConditionExpression": Key("status").eq(status.value),
        "ScanIndexForward": True,
        "Limit": limit,
    }
    if service_id:
        kwargs["FilterExpression"] = Attr("service_id").eq(service_id)
    start = decode_cursor(cursor, _INDEX_KEYS, {"status": status.value})
    if start:
        kwargs["ExclusiveStartKey"] = start
    page = table.query(**kwargs)
    records = [ApplicationRecord.model_validate(from_item(i)) for i in page.get("Items", [])]
    return {
        "applications": [summarise(r) for r in records],
        "next_cursor": encode_cursor(page.get("LastEvaluatedKey")),
    }
