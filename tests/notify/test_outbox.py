"""The notification outbox: a committed change never loses its e-mail, and the relay sends it exactly once."""

import datetime as dt
import json

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from devstack.lambda_runtime import Functions
from devstack.template import load_template
from functions.shared.consultations import open_consultation
from functions.shared.notifications import OUTBOX_RELAY_DELAY_S, dispatch, outbox_put, relay_outbox
from functions.shared.rate_limits import RateLimiter
from functions.submit.schemas import ConsultationRequest

REGION = "ap-southeast-3"


@pytest.fixture
def outbox_table(notify):
    """The outbox table on moto."""
    return boto3.resource("dynamodb", region_name=REGION).Table(notify.refs["NotificationOutboxTable"])


@pytest.fixture
def consultations(notify):
    """The consultations table on moto (the producer these tests drive)."""
    return boto3.resource("dynamodb", region_name=REGION).Table(notify.refs["ConsultationsTable"])


@pytest.fixture
def broken_sqs():
    """An SQS client whose every SendMessage fails before it leaves the process, as in an SQS outage."""
    client = boto3.client("sqs", region_name=REGION)

    def unreachable(**kwargs):
        raise EndpointConnectionError(endpoint_url="https://sqs.ap-southeast-3.amazonaws.com")

    client.meta.events.register("before-call.sqs.SendMessage", unreachable)
    return client


def _question() -> ConsultationRequest:
    return ConsultationRequest(
        name="Dewi Lestari",
        email="dewi.lestari@example.com",
        question="Apakah izin usaha mikro perlu NPWP? Saya baru mulai berjualan.",
        locale="id",
    )


def _ask(consultations, sqs, queue_url: str) -> str:
    """Open a consultation as the route does, now, from one client."""
    return open_consultation(
        consultations,
        None,
        sqs,
        queue_url,
        _question(),
        now=dt.datetime.now(dt.UTC),
        limiter=RateLimiter.from_settings(),
        client="203.0.113.7",
    )


def _waiting(sqs, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def _later(seconds: float = OUTBOX_RELAY_DELAY_S + 1) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def test_a_queue_that_fails_after_the_commit_leaves_the_email_in_the_outbox_and_the_relay_sends_it_once(
    consultations, outbox_table, broken_sqs, sqs, queues, sent_emails
):
    # Given a question stored while SQS refuses every message
    consultation_id = _ask(consultations, broken_sqs, queues.queue_url)
    notification_id = f"consultation.received:{consultation_id}"
    assert consultations.get_item(Key={"id": consultation_id})["Item"]["status"] == "OPEN"
    assert [i["notification_id"] for i in outbox_table.scan()["Items"]] == [notification_id]
    assert _waiting(sqs, queues.queue_url) == 0

    # When the relay runs after its delay, twice, and the notify function drains the queue
    first = relay_outbox(outbox_table, _later(), sqs, queues.queue_url)
    second = relay_outbox(outbox_table, _later(), sqs, queues.queue_url)
    queues.drain(queues.poller())

    # Then the acknowledgement went out exactly once, and the outbox is empty
    assert (first, second) == (1, 0)
    assert [e.notification_id for e in sent_emails()] == [notification_id]
    assert sent_emails()[0].to == "dewi.lestari@example.com"
    assert outbox_table.scan()["Count"] == 0
    assert queues.dead_letters() == []


def test_a_successful_dispatch_queues_the_email_and_leaves_no_outbox_item(consultations, outbox_table, sqs, queues):
    # When
    consultation_id = _ask(consultations, sqs, queues.queue_url)
    # Then
    assert outbox_table.scan()["Count"] == 0
    assert _waiting(sqs, queues.queue_url) == 1
    assert relay_outbox(outbox_table, _later(), sqs, queues.queue_url) == 0
    assert consultations.get_item(Key={"id": consultation_id})["Item"]["status"] == "OPEN"


def test_the_relay_leaves_items_younger_than_its_delay_to_their_producer(
    notify, outbox_table, make_notification, sqs, queues
):
    # Given an item committed ten seconds ago, and one committed two minutes ago
    now = dt.datetime.now(dt.UTC)
    db = boto3.client("dynamodb", region_name=REGION)
    young = make_notification(notification_id="application.submitted:SP-2611-YOUNG0:0")
    old = make_notification(notification_id="application.submitted:SP-2611-OLD000:0")
    db.transact_write_items(TransactItems=[outbox_put(young, now=now - dt.timedelta(seconds=10))])
    db.transact_write_items(TransactItems=[outbox_put(old, now=now - dt.timedelta(seconds=120))])

    # When
    relayed = relay_outbox(outbox_table, now, sqs, queues.queue_url)

    # Then only the old one is queued; the young one stays
    assert relayed == 1
    assert [i["notification_id"] for i in outbox_table.scan()["Items"]] == [young.notification_id]
    (message,) = sqs.receive_message(QueueUrl=queues.queue_url, MaxNumberOfMessages=10)["Messages"]
    assert old.notification_id in message["Body"]


def test_the_relay_pages_through_a_large_outbox(notify, outbox_table, make_notification, sqs, queues):
    # Given more items than one Scan page of moto returns with a small limit
    db = boto3.client("dynamodb", region_name=REGION)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ids = [f"consultation.received:KS-2611-{i:06d}" for i in range(25)]
    for notification_id in ids:
        db.transact_write_items(
            TransactItems=[outbox_put(make_notification(notification_id=notification_id), now=past)]
        )
    scans = []
    original_scan = outbox_table.scan

    def small_pages(**kwargs):
        scans.append(kwargs.get("ExclusiveStartKey"))
        return original_scan(Limit=10, **kwargs)

    outbox_table.scan = small_pages

    # When
    relayed = relay_outbox(outbox_table, dt.datetime.now(dt.UTC), sqs, queues.queue_url)

    # Then every item is queued, over several pages
    assert relayed == len(ids)
    assert len(scans) >= 3
    assert _waiting(sqs, queues.queue_url) == len(ids)


def test_a_dispatch_that_fails_never_raises_and_keeps_the_item(notify, outbox_table, make_notification, broken_sqs):
    # Given a committed outbox item
    notification = make_notification(notification_id="application.submitted:SP-2611-KEEP00:0")
    db = boto3.client("dynamodb", region_name=REGION)
    db.transact_write_items(TransactItems=[outbox_put(notification)])
    # When
    sent = dispatch([notification], broken_sqs, notify.refs["NotificationsQueue"], db)
    # Then
    assert sent == 0
    assert outbox_table.get_item(Key={"notification_id": notification.notification_id})["Item"]["body"]


def test_the_relay_racing_the_producer_still_sends_one_email(
    notify, outbox_table, make_notification, sqs, queues, sent_emails
):
    # Given a producer that queued its notification while the relay, reading the same item, queued it too
    notification = make_notification(notification_id="application.submitted:SP-2611-RACE00:0")
    db = boto3.client("dynamodb", region_name=REGION)
    db.transact_write_items(TransactItems=[outbox_put(notification, now=_later(-120))])
    relayed = relay_outbox(outbox_table, dt.datetime.now(dt.UTC), sqs, queues.queue_url)
    dispatch([notification], sqs, queues.queue_url, db)
    # When
    queues.drain(queues.poller())
    # Then the sent ledger lets only one through
    assert relayed == 1
    assert [e.notification_id for e in sent_emails()] == [notification.notification_id]


def test_the_notify_function_runs_the_relay_on_its_schedule(notify, outbox_table, make_notification, sqs, queues):
    # Given an item left two minutes ago, and the schedule the template declares
    notification = make_notification(notification_id="application.submitted:SP-2611-SCHED0:0")
    db = boto3.client("dynamodb", region_name=REGION)
    db.transact_write_items(TransactItems=[outbox_put(notification, now=_later(-120))])
    template = load_template()
    schedule = template["Resources"]["NotifyFunction"]["Properties"]["Events"]["OutboxRelay"]["Properties"]

    # When
    result = Functions(template).invoke("NotifyFunction", json.loads(schedule["Input"]))

    # Then
    assert result == {"job": "relay_outbox", "count": 1}
    assert outbox_table.scan()["Count"] == 0
    assert _waiting(sqs, queues.queue_url) == 1
