"""The notification message every producer puts on the notifications queue, and the one way to put it there.

Only functions/notify talks to SES; everyone else calls `enqueue`. A message carries what its
template needs and never a NIK.

A producer that changes state writes its notification to the outbox table in the same transaction
(`outbox_put`) and, once committed, calls `dispatch`: queued and deleted from the outbox at once, or,
if the queue fails, left there for `relay_outbox` (the notify function's schedule) to queue later.
So no committed change loses its e-mail. The relay may race a slow producer and queue a notification
twice; that is harmless, because the notify function's sent ledger sends each notification_id once.
"""

import datetime as dt
import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from functions.shared import aws, clock
from functions.shared.email_address import EmailAddress
from functions.shared.observability import logger, metrics
from functions.shared.settings import get_settings


class NotificationEvent(StrEnum):
    """What happened, from the person's point of view."""

    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_RETURNED = "application.returned"
    APPLICATION_SURVEY_SCHEDULED = "application.survey_scheduled"
    APPLICATION_APPROVED = "application.approved"
    APPLICATION_ISSUED = "application.issued"
    APPLICATION_REJECTED = "application.rejected"
    BOOKING_CONFIRMED = "booking.confirmed"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_WAITLIST_PROMOTED = "booking.waitlist_promoted"
    BOOKING_REFUSED = "booking.refused"
    BOOKING_REMINDER = "booking.reminder"
    CONSULTATION_RECEIVED = "consultation.received"
    CONSULTATION_ANSWERED = "consultation.answered"


_APPLICATION = ("name", "application_id", "service_name_id", "service_name_en")
_BOOKING = ("name", "booking_id", "ticket_code", "site_name", "date", "start")

# The facts each event's template needs; a producer that leaves one out is refused at once.
REQUIRED_FACTS: dict[NotificationEvent, tuple[str, ...]] = {
    NotificationEvent.APPLICATION_SUBMITTED: (*_APPLICATION, "submitted_at"),
    NotificationEvent.APPLICATION_RETURNED: (*_APPLICATION, "missing_requirements", "note"),
    NotificationEvent.APPLICATION_SURVEY_SCHEDULED: (*_APPLICATION, "survey_date"),
    NotificationEvent.APPLICATION_APPROVED: _APPLICATION,
    NotificationEvent.APPLICATION_ISSUED: (*_APPLICATION, "document_number", "valid_until"),
    NotificationEvent.APPLICATION_REJECTED: (*_APPLICATION, "reason"),
    NotificationEvent.BOOKING_CONFIRMED: _BOOKING,
    NotificationEvent.BOOKING_CANCELLED: _BOOKING,
    NotificationEvent.BOOKING_WAITLIST_PROMOTED: _BOOKING,
    NotificationEvent.BOOKING_REFUSED: (*_BOOKING, "temperature_c"),
    NotificationEvent.BOOKING_REMINDER: _BOOKING,
    NotificationEvent.CONSULTATION_RECEIVED: ("name", "consultation_id", "question"),
    NotificationEvent.CONSULTATION_ANSWERED: ("name", "consultation_id", "question", "answer"),
}

_LOOKS_LIKE_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")

FactValue = str | int | float | bool | None | list[str] | list[dict[str, str]]


class Notification(BaseModel):
    """One e-mail to one person about one event; `notification_id` is set by the producer, stable per event."""

    # A refused message must never echo an address or a fact into a log through its error text.
    model_config = ConfigDict(hide_input_in_errors=True)

    notification_id: str = Field(min_length=8, max_length=200, pattern=r"^[A-Za-z0-9._:#-]+$")
    event: NotificationEvent
    # The same rule the API applied when the address came in: a message is never sent where the API would refuse.
    to: EmailAddress
    locale: Literal["id", "en"] = "id"
    facts: dict[str, FactValue] = {}
    # A secret that only travels in the link's URL fragment (never to a server log): the access token.
    link_token: str | None = None

    @model_validator(mode="after")
    def _complete_and_free_of_nik(self) -> "Notification":
        missing = [f for f in REQUIRED_FACTS[self.event] if f not in self.facts]
        if missing:
            raise ValueError(f"{self.event} needs facts: {', '.join(missing)}")
        if _LOOKS_LIKE_NIK.search(self.model_dump_json(exclude={"link_token"})):
            raise ValueError("a notification must not carry a NIK")
        return self


def enqueue(notification: Notification, sqs: Any | None = None, queue_url: str | None = None) -> str:
    """Put a notification on the notifications queue; return the SQS message id."""
    sqs = sqs or aws.client("sqs")
    response = sqs.send_message(
        QueueUrl=queue_url or get_settings().notifications_queue_url,
        MessageBody=notification.model_dump_json(),
        MessageAttributes={"event": {"DataType": "String", "StringValue": notification.event.value}},
    )
    return response["MessageId"]


# The relay leaves younger items alone: their producer is most likely still dispatching them itself.
OUTBOX_RELAY_DELAY_S = 60
# An item no relay could queue in a week is dropped by TTL (it carries an address and a link token).
OUTBOX_TTL_S = 7 * 24 * 3600


def outbox_put(notification: Notification, table_name: str | None = None, now: dt.datetime | None = None) -> dict:
    """Return the TransactWriteItems entry that stores a notification in the outbox, in the caller's transaction."""
    epoch = int((now or clock.now()).timestamp())
    return {
        "Put": {
            "TableName": table_name or get_settings().notification_outbox_table,
            "Item": {
                "notification_id": {"S": notification.notification_id},
                "body": {"S": notification.model_dump_json()},
                "created_at_epoch": {"N": str(epoch)},
                "expires_at_epoch": {"N": str(epoch + OUTBOX_TTL_S)},
            },
            "ConditionExpression": "attribute_not_exists(notification_id)",
        }
    }


def dispatch(
    notifications: list[Notification],
    sqs: Any | None = None,
    queue_url: str | None = None,
    db: Any | None = None,
    table_name: str | None = None,
) -> int:
    """Queue notifications whose outbox items were just committed and delete those items; return how many went.

    Never raises: the change is committed, and what fails here stays in the outbox for the relay.
    """
    db = db or aws.client("dynamodb")
    table_name = table_name or get_settings().notification_outbox_table
    sent = 0
    for notification in notifications:
        try:
            enqueue(notification, sqs, queue_url)
            db.delete_item(TableName=table_name, Key={"notification_id": {"S": notification.notification_id}})
            sent += 1
        except Exception as error:
            logger.warning(
                "notification left in the outbox for the relay",
                extra={"notification_id": notification.notification_id, "error_type": type(error).__name__},
            )
            metrics.add_metric(name="NotificationsLeftInOutbox", unit="Count", value=1)
    return sent


def relay_outbox(outbox_table: Any, now: dt.datetime, sqs: Any | None = None, queue_url: str | None = None) -> int:
    """Queue and delete every outbox item older than OUTBOX_RELAY_DELAY_S; return how many were queued.

    The outbox holds only what producers could not queue themselves, so a Scan is small.
    """
    from boto3.dynamodb.conditions import Attr

    cutoff = int(now.timestamp()) - OUTBOX_RELAY_DELAY_S
    kwargs: dict[str, Any] = {"FilterExpression": Attr("created_at_epoch").lte(cutoff), "ConsistentRead": True}
    relayed = 0
    while True:
        page = outbox_table.scan(**kwargs)
        for item in page.get("Items", []):
            notification_id = item["notification_id"]
            try:
                enqueue(Notification.model_validate_json(item["body"]), sqs, queue_url)
                outbox_table.delete_item(Key={"notification_id": notification_id})
                relayed += 1
            except Exception as error:  # left for the next run; TTL ends an item no run can queue
                logger.error(
                    "outbox item not relayed",
                    extra={"notification_id": notification_id, "error_type": type(error).__name__},
                )
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    if relayed:
        logger.warning("outbox relayed notifications their producers could not queue", extra={"count": relayed})
        metrics.add_metric(name="NotificationsRelayedFromOutbox", unit="Count", value=relayed)
    return relayed
