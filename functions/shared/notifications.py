"""The notification message every producer puts on the notifications queue, and the one way to put it there.

Only functions/notify talks to SES; everyone else calls `enqueue`. A message carries what its
template needs and never a NIK, nor a secret: a link that needs the holder's access token says so
(`link_access`), and the notify function derives the token when it sends (functions/shared/access_tokens.py),
so no queue, dead-letter queue, outbox or ledger ever holds one.

E-mail is never a megaphone. Nobody has proved they own the address a request names, so the facts are
the office's own (numbers, the catalogue's service names, dates), never free text from the request: no
name, no question. What a person typed and must see again (the question an officer answers) is listed in
USER_TEXT_FACTS: the e-mail shows it escaped and with its links defanged. How many such e-mails one
address may get is limited where they are produced (functions/shared/rate_limits.py).

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

from functions.shared import aws, clock, retention
from functions.shared.access_tokens import TokenPurpose
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
    APPLICATION_DOCUMENT_REVOKED = "application.document_revoked"
    BOOKING_CONFIRMED = "booking.confirmed"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_WAITLIST_PROMOTED = "booking.waitlist_promoted"
    BOOKING_REFUSED = "booking.refused"
    BOOKING_REMINDER = "booking.reminder"
    CONSULTATION_RECEIVED = "consultation.received"
    CONSULTATION_ANSWERED = "consultation.answered"
    # To the supervisor (admin), once a day: the applications past their due date.
    OFFICE_OVERDUE_DIGEST = "office.overdue_digest"


# No event needs the person's name: greeting someone by a name nobody checked is how a stranger's text gets
# into an e-mail to someone else.
_APPLICATION = ("application_id", "service_name_id", "service_name_en")
_BOOKING = ("booking_id", "ticket_code", "site_name", "date", "start")
_CONSULTATION = ("consultation_id", "service_name_id", "service_name_en")

# The facts each event's template needs; a producer that leaves one out is refused at once.
REQUIRED_FACTS: dict[NotificationEvent, tuple[str, ...]] = {
    NotificationEvent.APPLICATION_SUBMITTED: (*_APPLICATION, "submitted_at"),
    NotificationEvent.APPLICATION_RETURNED: (*_APPLICATION, "missing_requirements", "note"),
    # How the survey is done (a visit, or photos and video from the applicant), in both languages.
    NotificationEvent.APPLICATION_SURVEY_SCHEDULED: (*_APPLICATION, "survey_date", "survey_how_id", "survey_how_en"),
    NotificationEvent.APPLICATION_APPROVED: _APPLICATION,
    NotificationEvent.APPLICATION_ISSUED: (*_APPLICATION, "document_number", "valid_until"),
    NotificationEvent.APPLICATION_REJECTED: (*_APPLICATION, "reason"),
    NotificationEvent.APPLICATION_DOCUMENT_REVOKED: (*_APPLICATION, "document_number", "reason"),
    NotificationEvent.BOOKING_CONFIRMED: _BOOKING,
    NotificationEvent.BOOKING_CANCELLED: _BOOKING,
    NotificationEvent.BOOKING_WAITLIST_PROMOTED: _BOOKING,
    # Turned away at the door with a fever: no temperature in it (health data, to an address nobody proved); the
    # e-mail points to the online services and the e-mail consultation instead.
    NotificationEvent.BOOKING_REFUSED: _BOOKING,
    NotificationEvent.BOOKING_REMINDER: _BOOKING,
    # The acknowledgement goes to an address nobody has proved: the office's facts only, never the question.
    NotificationEvent.CONSULTATION_RECEIVED: _CONSULTATION,
    # An officer has read the question and answers it: quoted back, as user text (below).
    NotificationEvent.CONSULTATION_ANSWERED: (*_CONSULTATION, "question", "answer"),
    # Numbers, services and dates only: no applicant's name or NIK goes into the digest.
    NotificationEvent.OFFICE_OVERDUE_DIGEST: ("digest_date", "overdue_count", "newly_overdue_count", "overdue"),
}

# Facts that hold what a member of the public typed: an e-mail shows them escaped, with every link and address
# in them defanged ("hxxps://example[.]com"), so no mail client turns them into something to click.
USER_TEXT_FACTS = frozenset({"name", "question"})

# The page a family of events links to, and the fact naming the thing on it; its access token is derived at send.
LINKED_FAMILIES: dict[TokenPurpose, str] = {
    TokenPurpose.APPLICATION: "application_id",
    TokenPurpose.BOOKING: "booking_id",
    TokenPurpose.CONSULTATION: "consultation_id",
}

_LOOKS_LIKE_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")

FactValue = str | int | float | bool | None | list[str] | list[dict[str, str]]


class Notification(BaseModel):
    """One e-mail to one person about one event; `notification_id` is set by the producer, stable per event."""

    # A refused message must never echo an address or a fact into a log through its error text.
    model_config = ConfigDict(hide_input_in_errors=True, defer_build=True)

    notification_id: str = Field(min_length=8, max_length=200, pattern=r"^[A-Za-z0-9._:#-]+$")
    event: NotificationEvent
    # The same rule the API applied when the address came in: a message is never sent where the API would refuse.
    to: EmailAddress
    locale: Literal["id", "en"] = "id"
    facts: dict[str, FactValue] = {}
    # Whose access token the e-mail's link carries (in its URL fragment, never to a server log). Not the token:
    # the notify function derives it from the id fact when it sends, so no queue or table ever holds it.
    link_access: TokenPurpose | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_token_carried(cls, data: Any) -> Any:
        """Read a message of an earlier version, which carried the token itself, as one that asks for its link."""
        if isinstance(data, dict) and "link_token" in data:
            carried = data.get("link_token")
            data = {key: value for key, value in data.items() if key != "link_token"}
            family = str(data.get("event", "")).split(".", 1)[0]
            if carried and data.get("link_access") is None and family in set(TokenPurpose):
                data["link_access"] = family
        return data

    @model_validator(mode="after")
    def _complete_and_free_of_nik(self) -> "Notification":
        missing = [f for f in REQUIRED_FACTS[self.event] if f not in self.facts]
        if missing:
            raise ValueError(f"{self.event} needs facts: {', '.join(missing)}")
        if self.link_access is not None and not self.event.value.startswith(f"{self.link_access.value}."):
            raise ValueError(f"{self.event} cannot link with a {self.link_access} access token")
        if _LOOKS_LIKE_NIK.search(self.model_dump_json()):
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
# An item no relay could queue in a week is dropped by TTL (it carries an address): retention.NOTIFICATION_OUTBOX.


def outbox_put(notification: Notification, table_name: str | None = None, now: dt.datetime | None = None) -> dict:
    """Return the TransactWriteItems entry that stores a notification in the outbox, in the caller's transaction."""
    now = now or clock.now()
    epoch = int(now.timestamp())
    return {
        "Put": {
            "TableName": table_name or get_settings().notification_outbox_table,
            "Item": {
                "notification_id": {"S": notification.notification_id},
                "body": {"S": notification.model_dump_json()},
                "created_at_epoch": {"N": str(epoch)},
                "expires_at_epoch": {"N": str(retention.outbox_expires_at(now))},
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
