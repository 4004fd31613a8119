"""The officers' review queue: applications in one status, oldest first, with due dates, holders and the NIK masked.

Read from the status index (never a scan). The due date is counted when the queue is read, from the service's
time standard and the working-day calendar, so it is right even before the deadlines job has run.
"""

import datetime as dt
from typing import Any, Literal

from functions.shared.applications import ApplicationRecord, Status
from functions.shared.catalogue import get_service
from functions.shared.deadlines import deadline
from functions.shared.dynamo import from_item
from functions.shared.paging import decode_cursor, encode_cursor

_INDEX_KEYS = {"id", "status", "updated_at"}
# `assignee=none` lists the applications nobody holds.
NOBODY = "none"


def mask_nik(nik: str) -> str:
    """Return a NIK with all but its last four digits hidden."""
    return "•" * max(len(nik) - 4, 0) + nik[-4:]


def summarise(record: ApplicationRecord, service: dict[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """Return what the queue shows of one application."""
    return {
        "id": record.id,
        "service_id": record.service_id,
        "service_name_id": (service or {}).get("name_id", record.service_id),
        "service_name_en": (service or {}).get("name_en", record.service_id),
        "status": record.status.value,
        "version": record.version,
        "channel": record.channel,
        "applicant_name": record.applicant.name,
        "nik_masked": mask_nik(record.applicant.nik),
        "documents": len(record.documents),
        "submitted_at": record.submitted_at,
        "updated_at": record.updated_at,
        "assignee": (record.assignee or {}).get("username"),
        "assignee_name": (record.assignee or {}).get("name"),
        **deadline(record, service, today),
    }


def list_applications(
    table: Any,
    catalogue: Any,
    status: Status,
    service_id: str | None,
    cursor: str | None,
    limit: int,
    today: dt.date,
    *,
    assignee: str | None = None,
    overdue: Literal["yes", "no"] | None = None,
) -> dict[str, Any]:
    """Return a page of applications in one status, the longest-waiting first, filtered as asked.

    Filters narrow each page of the index, so a page may hold fewer than `limit` rows while `next_cursor` is set.
    """
    from boto3.dynamodb.conditions import Attr, Key

    kwargs: dict[str, Any] = {
        "IndexName": "ByStatus",
        "KeyConditionExpression": Key("status").eq(status.value),
        "ScanIndexForward": True,
        "Limit": limit,
    }
    filters = []
    if service_id:
        filters.append(Attr("service_id").eq(service_id))
    if assignee == NOBODY:
        filters.append(Attr("assignee").not_exists() | Attr("assignee").attribute_type("NULL"))
    elif assignee:
        filters.append(Attr("assignee.username").eq(assignee))
    if filters:
        condition = filters[0]
        for more in filters[1:]:
            condition = condition & more
        kwargs["FilterExpression"] = condition
    start = decode_cursor(cursor, _INDEX_KEYS, {"status": status.value})
    if start:
        kwargs["ExclusiveStartKey"] = start
    page = table.query(**kwargs)
    records = [ApplicationRecord.model_validate(from_item(i)) for i in page.get("Items", [])]
    rows = [summarise(r, get_service(catalogue, r.service_id), today) for r in records]
    if overdue is not None:
        rows = [r for r in rows if r["overdue"] == (overdue == "yes")]
    return {"applications": rows, "next_cursor": encode_cursor(page.get("LastEvaluatedKey"))}
