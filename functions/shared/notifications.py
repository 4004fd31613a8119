"""The notification message every producer puts on the notifications queue, and the one way to put it there.

Only functions/notify talks to SES; everyone else calls `enqueue`. A message carries what its
template needs and never a NIK.
"""

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from functions.shared import aws
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
    to: EmailStr
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
