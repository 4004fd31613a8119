"""Fixtures for the notify function: sample notifications of every event, the sent ledger, what moto's SES sent."""

import email
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from typing import Any

import boto3
import pytest

from devstack import resources as res
from devstack.lambda_runtime import Functions
from devstack.pollers import QueuePoller
from devstack.template import load_template, queue_sources
from functions.notify import app
from functions.shared.access_tokens import TokenPurpose, derive_access_token
from functions.shared.notifications import Notification, NotificationEvent

REGION = "ap-southeast-3"
# "the family's": an application's or a booking's link carries its access token, as their producers ask.
FAMILY_LINK = "family"

_APPLICATION = {
    "application_id": "SP-2026-000123",
    "service_name_id": "Izin Usaha Mikro Kecil",
    "service_name_en": "Micro and small business permit",
}
_BOOKING = {
    "booking_id": "BK-7F3A9C21",
    "ticket_code": "A-017",
    "site_name": "Mal Pelayanan Publik DKI Jakarta",
    "date": "2026-03-13",
    "start": "09:30",
}
_CONSULTATION = {
    "consultation_id": "KS-000042",
    "service_name_id": "Izin Usaha Mikro Kecil",
    "service_name_en": "Micro and small business permit",
}
_QUESTION = "Apakah izin usaha mikro perlu NPWP?\nSaya baru mulai berjualan."
SAMPLE_FACTS: dict[NotificationEvent, dict[str, Any]] = {
    NotificationEvent.APPLICATION_SUBMITTED: {**_APPLICATION, "submitted_at": "2026-03-12T02:30:00Z"},
    NotificationEvent.APPLICATION_RETURNED: {
        **_APPLICATION,
        "missing_requirements": [
            {"label_id": "Akta pendirian usaha", "label_en": "Deed of establishment"},
            {"label_id": "Foto lokasi usaha", "label_en": "Photo of the business premises"},
        ],
        "note": "Pindai akta dalam warna.",
    },
    NotificationEvent.APPLICATION_SURVEY_SCHEDULED: {
        **_APPLICATION,
        "survey_date": "2026-03-20",
        "survey_how_id": "Petugas kami akan datang ke lokasi.",
        "survey_how_en": "Our officers will visit the site.",
    },
    NotificationEvent.APPLICATION_APPROVED: dict(_APPLICATION),
    NotificationEvent.APPLICATION_ISSUED: {
        **_APPLICATION,
        "document_number": "503/IUMK/2026/000123",
        "valid_until": "2031-03-12",
    },
    NotificationEvent.APPLICATION_REJECTED: {**_APPLICATION, "reason": "Lokasi usaha berada di zona hijau."},
    NotificationEvent.APPLICATION_DOCUMENT_REVOKED: {
        **_APPLICATION,
        "document_number": "DOK-2603-7K3M9Q",
        "reason": "Izin diterbitkan berdasarkan dokumen yang tidak benar.",
    },
    NotificationEvent.BOOKING_CONFIRMED: dict(_BOOKING),
    NotificationEvent.BOOKING_CANCELLED: dict(_BOOKING),
    NotificationEvent.BOOKING_WAITLIST_PROMOTED: dict(_BOOKING),
    NotificationEvent.BOOKING_REFUSED: _BOOKING,
    NotificationEvent.BOOKING_REMINDER: dict(_BOOKING),
    NotificationEvent.CONSULTATION_RECEIVED: dict(_CONSULTATION),
    NotificationEvent.CONSULTATION_ANSWERED: {
        **_CONSULTATION,
        "question": _QUESTION,
        "answer": "Untuk IUMK, NPWP tidak wajib.\nCukup KTP dan surat keterangan domisili.",
    },
    NotificationEvent.OFFICE_OVERDUE_DIGEST: {
        "digest_date": "2026-03-13",
        "overdue_count": 1,
        "newly_overdue_count": 1,
        "overdue": [
            {
                "label_id": "SP-2026-000123 — Izin Usaha Mikro Kecil — jatuh tempo 2026-03-12",
                "label_en": "SP-2026-000123 — Micro and small business permit — due 2026-03-12",
            }
        ],
    },
}


def _sample_notification(
    event: NotificationEvent = NotificationEvent.APPLICATION_SUBMITTED,
    locale: str = "id",
    notification_id: str | None = None,
    to: str = "siti.rahayu@example.com",
    link_access: str | None = FAMILY_LINK,
    **facts: Any,
) -> Notification:
    """A complete notification of an event, with its sample facts (overridden by `facts`)."""
    family = event.value.split(".", 1)[0]
    if link_access == FAMILY_LINK:
        link_access = family if family in set(TokenPurpose) else None
    return Notification(
        notification_id=notification_id or f"{event.value}:{locale}:0001",
        event=event,
        to=to,
        locale=locale,
        facts={**SAMPLE_FACTS[event], **facts},
        link_access=link_access,
    )


def _expected_token(notification: Notification, kms: Any = None, key_id: str | None = None) -> str:
    """The access token the notify function must put in this notification's link (derived as it derives it)."""
    from functions.notify.emails import link_subject

    subject = link_subject(notification)
    assert subject is not None and notification.link_access is not None
    return derive_access_token(subject, kms, key_id, purpose=notification.link_access)


@dataclass
class SentEmail:
    """One e-mail moto's SES accepted, parsed as a mail client would."""

    notification_id: str
    to: str
    subject: str
    text: str
    html: str
    message: email.message.EmailMessage


def _sent_emails() -> list[SentEmail]:
    """Every raw e-mail moto's SES (in this process) has accepted, oldest first."""
    from moto.ses.models import ses_backends

    out = []
    for sent in ses_backends[res.ACCOUNT_ID][REGION].sent_messages:
        message = email.message_from_string(sent.raw_data, policy=policy.default)
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        out.append(
            SentEmail(
                notification_id=str(message["X-Satu-Pintu-Notification"]),
                to=str(message["To"]),
                subject=str(message["Subject"]),
                text=text.get_content() if text else "",
                html=html.get_content() if html else "",
                message=message,
            )
        )
    return out


@pytest.fixture
def notify(aws: res.LocalResources) -> Iterator[res.LocalResources]:
    """The template's resources on moto, and the notify function's clients built afresh for them."""
    app.outbox.cache_clear()
    app.ses_client.cache_clear()
    yield aws
    app.outbox.cache_clear()
    app.ses_client.cache_clear()


@pytest.fixture
def ledger(notify: res.LocalResources) -> Any:
    """The sent ledger table."""
    return boto3.resource("dynamodb", region_name=REGION).Table(notify.refs["NotificationLedgerTable"])


@pytest.fixture
def sqs(notify: res.LocalResources) -> Any:
    """An SQS client on moto."""
    return boto3.client("sqs", region_name=REGION)


def _notify_poller(resources: res.LocalResources, sqs: Any, functions: Functions | None = None) -> QueuePoller:
    """Lambda's event source mapping for the notify function, driven by hand: failures come back at once."""
    template = load_template()
    (source,) = [s for s in queue_sources(template) if s.function == "NotifyFunction"]
    return QueuePoller(
        source,
        resources.refs[source.queue],
        resources.attrs[(source.queue, "Arn")],
        sqs,
        functions or Functions(template),
        retry_delay_s=0,
    )


def _drain(poller: QueuePoller, sqs: Any, max_polls: int = 500) -> int:
    """Poll until the queue holds nothing visible or in flight; return how many polls it took."""
    for polls in range(1, max_polls + 1):
        if poller.poll_once() == 0:
            counts = sqs.get_queue_attributes(
                QueueUrl=poller.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if all(int(v) == 0 for v in counts.values()):
                return polls
    raise AssertionError(f"the queue did not drain in {max_polls} polls")


def _dead_letters(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Return every message on a queue and leave them there, visible again (for counting what was dead-lettered)."""
    found: dict[str, dict[str, Any]] = {}
    while batch := sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=60, MessageAttributeNames=["All"]
    ).get("Messages", []):
        found.update({m["MessageId"]: m for m in batch})
    for message in found.values():
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return list(found.values())


@pytest.fixture
def make_notification() -> Callable[..., Notification]:
    """Build a complete notification of an event: (event, locale, notification_id, to, link_access, **facts)."""
    return _sample_notification


@pytest.fixture
def expected_token() -> Callable[..., str]:
    """The access token a notification's link must carry: (notification, kms=None, key_id=None)."""
    return _expected_token


@pytest.fixture
def sample_facts() -> dict[NotificationEvent, dict[str, Any]]:
    """The sample facts of every event."""
    return SAMPLE_FACTS


@pytest.fixture
def sent_emails() -> Callable[[], list[SentEmail]]:
    """Read what moto's SES has accepted so far: call it after the deed."""
    return _sent_emails


@dataclass
class QueueDriver:
    """Drives the notify function's queue by hand, as Lambda's event source mapping would."""

    resources: res.LocalResources
    sqs: Any

    @property
    def queue_url(self) -> str:
        """The notifications queue."""
        return self.resources.refs["NotificationsQueue"]

    @property
    def dlq_url(self) -> str:
        """Its dead-letter queue."""
        return self.resources.refs["NotificationsDLQ"]

    def poller(self, functions: Functions | None = None) -> QueuePoller:
        """A poller for the notify function whose failures come back at once."""
        return _notify_poller(self.resources, self.sqs, functions)

    def drain(self, poller: QueuePoller, max_polls: int = 500) -> int:
        """Poll until the queue is empty; return how many polls it took."""
        return _drain(poller, self.sqs, max_polls)

    def dead_letters(self) -> list[dict[str, Any]]:
        """What sits in the dead-letter queue (left there)."""
        return _dead_letters(self.sqs, self.dlq_url)


@pytest.fixture
def queues(notify: res.LocalResources, sqs: Any) -> QueueDriver:
    """The notifications queue, its dead-letter queue and a hand-driven poller for them."""
    return QueueDriver(notify, sqs)
