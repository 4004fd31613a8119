"""The deadlines job: mark the applications past their due date, and e-mail the supervisor a daily digest.

Reads each open status through the status index (never a scan). The mark (`overdue_since`) is not a change of
status: the version stays, so no officer's decision is made stale by it, and a file that is no longer overdue
(returned and resubmitted, its clock restarted) loses it.
"""

import datetime as dt
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import clock
from functions.shared.applications import ApplicationRecord
from functions.shared.catalogue import get_service
from functions.shared.deadlines import CLOCK_RUNNING, deadline
from functions.shared.dynamo import from_item
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import logger, metrics

# The digest lists this many files; the count says how many there are in all.
DIGEST_LIST_MAX = 100


def _open_applications(applications: Any) -> Any:
    """Yield every application whose clock is running, status by status, oldest first."""
    from boto3.dynamodb.conditions import Key

    for status in CLOCK_RUNNING:
        kwargs: dict[str, Any] = {"IndexName": "ByStatus", "KeyConditionExpression": Key("status").eq(status.value)}
        while True:
            page = applications.query(**kwargs)
            for item in page.get("Items", []):
                yield ApplicationRecord.model_validate(from_item(item)), item.get("overdue_since")
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _set_mark(applications: Any, record: ApplicationRecord, since: str | None) -> None:
    """Set or clear `overdue_since`, only while the application is still in the status it was read in."""
    update = "SET overdue_since = :since" if since else "REMOVE overdue_since"
    values: dict[str, Any] = {":status": record.status.value}
    if since:
        values[":since"] = since
    try:
        applications.update_item(
            Key={"id": record.id},
            UpdateExpression=update,
            ConditionExpression="#status = :status",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        # Decided meanwhile: its clock has stopped, nothing to mark.


def mark_overdue(applications: Any, catalogue: Any, today: dt.date) -> list[dict[str, Any]]:
    """Mark every open application past its due date (and unmark those no longer past it); return the overdue ones.

    Each row: ``{id, service_id, service_name_id, service_name_en, due_date, newly}``, the most overdue first.
    """
    overdue = []
    for record, marked in _open_applications(applications):
        service = get_service(catalogue, record.service_id)
        due = deadline(record, service, today)
        if due["overdue"]:
            if not marked:
                _set_mark(applications, record, today.isoformat())
            overdue.append(
                {
                    "id": record.id,
                    "service_id": record.service_id,
                    "service_name_id": (service or {}).get("name_id", record.service_id),
                    "service_name_en": (service or {}).get("name_en", record.service_id),
                    "due_date": due["due_date"],
                    "newly": not marked,
                }
            )
        elif marked:
            _set_mark(applications, record, None)
    return sorted(overdue, key=lambda row: (row["due_date"], row["id"]))


def digest(overdue: list[dict[str, Any]], supervisor: str, today: dt.date) -> Notification:
    """Return the supervisor's e-mail listing the overdue files (numbers, services and due dates; no personal data)."""
    listed = [
        {
            "label_id": f"{row['id']} — {row['service_name_id']} — jatuh tempo {row['due_date']}",
            "label_en": f"{row['id']} — {row['service_name_en']} — due {row['due_date']}",
        }
        for row in overdue[:DIGEST_LIST_MAX]
    ]
    return Notification(
        notification_id=f"{NotificationEvent.OFFICE_OVERDUE_DIGEST.value}:{today.isoformat()}",
        event=NotificationEvent.OFFICE_OVERDUE_DIGEST,
        to=supervisor,
        locale="id",
        facts={
            "digest_date": today.isoformat(),
            "overdue_count": len(overdue),
            "newly_overdue_count": sum(1 for row in overdue if row["newly"]),
            "overdue": listed,
        },
    )


def run_deadlines(
    applications: Any,
    catalogue: Any,
    db: Any,
    sqs: Any,
    *,
    notifications_queue_url: str,
    outbox_table: str,
    supervisor: str | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """Mark today's overdue files and e-mail the supervisor the digest (none when nothing is overdue)."""
    today = clock.today(now)
    overdue = mark_overdue(applications, catalogue, today)
    metrics.add_metric(name="ApplicationsOverdue", unit="Count", value=len(overdue))
    if overdue and supervisor:
        notification = digest(overdue, supervisor, today)
        try:
            db.transact_write_items(TransactItems=[outbox_put(notification, outbox_table, now)])
            dispatch([notification], sqs, notifications_queue_url, db, outbox_table)
        except ClientError as error:
            # Today's digest is already in the outbox (a second run the same day): the ledger sends it once.
            logger.info("overdue digest already queued today", extra={"error_code": error.response["Error"]["Code"]})
    elif overdue:
        logger.warning("no supervisor address configured: overdue digest not sent", extra={"count": len(overdue)})
    return {"overdue": len(overdue), "newly_overdue": sum(1 for row in overdue if row["newly"])}
