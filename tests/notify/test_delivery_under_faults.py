"""Never lose a notification, never send one twice: the real notify handler fed by the local event source mapping,
with SES throttling, crashes and poison messages injected (moto in-process, polled by hand, retries at once)."""

import json
import random
from collections import Counter

from botocore.exceptions import ClientError

from devstack.lambda_runtime import Functions
from devstack.redrive import QueuePair, redrive
from devstack.template import load_template
from functions.notify import app
from functions.notify.sender import LedgerStatus
from functions.shared.notifications import NotificationEvent, enqueue

MAX_RECEIVES = 5  # the notifications queue's maxReceiveCount in template.yaml


class SimulatedCrash(Exception):
    """The instance dies after the handler returned, before the poller could acknowledge the batch."""


class CrashingFunctions(Functions):
    """Runs the real handler, then crashes for a share of invocations (seeded), as a killed instance would."""

    def __init__(self, share: float, seed: int, first_only: bool = False) -> None:
        super().__init__(load_template())
        self.share = share
        self.random = random.Random(seed)
        self.first_only = first_only
        self.crashes = 0
        self.calls = 0

    def invoke(self, function: str, event: dict) -> object:
        """Invoke, and maybe crash before the answer reaches the poller."""
        result = super().invoke(function, event)
        self.calls += 1
        crash = self.calls == 1 if self.first_only else self.random.random() < self.share
        if crash:
            self.crashes += 1
            raise SimulatedCrash("after sending, before the batch was acknowledged")
        return result


def _throttle_ses(share: float, seed: int) -> Counter:
    """Make a share of SES calls fail with throttling (seeded); return the tally of calls and throttles."""
    chance = random.Random(seed)
    tally: Counter = Counter()

    def before_send(**_: object) -> None:
        tally["calls"] += 1
        if chance.random() < share:
            tally["throttled"] += 1
            raise ClientError(
                {
                    "Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded."},
                    "ResponseMetadata": {"HTTPStatusCode": 429},
                },
                "SendEmail",
            )

    app.ses_client().meta.events.register("before-call.sesv2.SendEmail", before_send)
    return tally


def _ids_of(messages: list[dict]) -> list[str]:
    ids = []
    for m in messages:
        try:
            ids.append(json.loads(m["Body"])["notification_id"])
        except (ValueError, KeyError):
            ids.append(m["Body"])
    return ids


def test_produced_equals_delivered_plus_dead_lettered_with_no_duplicate_under_throttling_crashes_and_poison(
    queues, sqs, ledger, make_notification, sent_emails
):
    # Given 26 notifications (every event, both languages), 6 of them enqueued twice by their producer,
    notifications = [
        make_notification(event, locale, notification_id=f"fault-{n:03d}", to=f"warga{n}@example.com")
        for n, (event, locale) in enumerate((e, loc) for e in NotificationEvent for loc in ("id", "en"))
    ]
    for notification in notifications + notifications[::5]:
        enqueue(notification, sqs=sqs, queue_url=queues.queue_url)
    # and two poison messages: not JSON, and an event no version knows
    poison = [
        "{not json",
        json.dumps(
            json.loads(notifications[0].model_dump_json())
            | {"notification_id": "fault-poison", "event": "application.teleported"}
        ),
    ]
    for body in poison:
        sqs.send_message(QueueUrl=queues.queue_url, MessageBody=body)
    # and SES throttles 30% of calls, and 20% of invocations crash before their batch is acknowledged
    tally = _throttle_ses(share=0.3, seed=1)
    functions = CrashingFunctions(share=0.2, seed=11)

    # When the queue is drained
    queues.drain(queues.poller(functions))

    # Then the faults really happened
    assert tally["throttled"] > 0 and functions.crashes > 0
    # and no notification was e-mailed twice
    delivered = Counter(e.notification_id for e in sent_emails())
    assert delivered and max(delivered.values()) == 1
    # and every notification was either delivered or is in the dead-letter queue, and so is the poison
    dead = set(_ids_of(queues.dead_letters()))
    produced = {n.notification_id for n in notifications}
    assert produced <= set(delivered) | dead
    assert {"{not json", "fault-poison"} <= dead
    assert set(delivered) <= produced
    # and one that was delivered but dead-lettered anyway (crashed after sending, every time) is SENT in the ledger
    for notification_id in set(delivered) & dead:
        assert ledger.get_item(Key={"notification_id": notification_id})["Item"]["status"] == LedgerStatus.SENT

    # When the faults are gone and the dead-letter queue is redriven
    app.ses_client.cache_clear()
    app.outbox.cache_clear()
    redrive(sqs, QueuePair(queues.queue_url, queues.dlq_url), wait_s=0)
    queues.drain(queues.poller())

    # Then every notification has been e-mailed exactly once, and only the poison is left dead-lettered
    delivered = Counter(e.notification_id for e in sent_emails())
    assert set(delivered) == produced and set(delivered.values()) == {1}
    assert sorted(_ids_of(queues.dead_letters())) == sorted(["{not json", "fault-poison"])


def test_a_crash_after_sending_before_the_acknowledgement_sends_nothing_twice(
    queues, sqs, make_notification, sent_emails
):
    # Given ten notifications in one batch
    for n in range(10):
        enqueue(
            make_notification(NotificationEvent.BOOKING_REMINDER, notification_id=f"crash-{n:03d}"),
            sqs=sqs,
            queue_url=queues.queue_url,
        )
    # and an instance that dies after the handler has sent the whole batch, before SQS hears of it
    functions = CrashingFunctions(share=0, seed=0, first_only=True)

    # When the queue is drained
    queues.drain(queues.poller(functions))

    # Then the batch came back, and yet each notification was e-mailed once
    assert functions.crashes == 1 and functions.calls >= 2
    delivered = Counter(e.notification_id for e in sent_emails())
    assert delivered == Counter({f"crash-{n:03d}": 1 for n in range(10)})
    assert queues.dead_letters() == []


def test_a_crash_between_ses_accepting_and_the_ledger_recording_never_resends(
    queues, sqs, ledger, make_notification, sent_emails
):
    # Given the instance dies right after SES accepted the e-mail, before the ledger recorded it
    notification = make_notification(NotificationEvent.APPLICATION_ISSUED, notification_id="window-0001")
    enqueue(notification, sqs=sqs, queue_url=queues.queue_url)

    def die_before_recording(params, **_: object) -> None:
        if params.get("ExpressionAttributeValues", {}).get(":sent") in ("SENT", {"S": "SENT"}):
            raise RuntimeError("the instance died here")

    events = app.outbox().ledger.meta.client.meta.events
    events.register("before-parameter-build.dynamodb.UpdateItem", die_before_recording)

    # When the queue is drained, then the message is redriven and drained again (the ledger is fine by then)
    poller = queues.poller()
    queues.drain(poller)
    events.unregister("before-parameter-build.dynamodb.UpdateItem", die_before_recording)
    in_dlq_first = _ids_of(queues.dead_letters())
    redrive(sqs, QueuePair(queues.queue_url, queues.dlq_url), wait_s=0)
    queues.drain(poller)

    # Then the e-mail went out once; the message waits in the dead-letter queue for an operator, never resent
    assert [e.notification_id for e in sent_emails()] == ["window-0001"]
    assert in_dlq_first == ["window-0001"]
    assert _ids_of(queues.dead_letters()) == ["window-0001"]
    assert ledger.get_item(Key={"notification_id": "window-0001"})["Item"]["status"] == LedgerStatus.SENDING


def test_an_invalid_address_is_recorded_and_acknowledged_at_once(queues, sqs, ledger, make_notification, sent_emails):
    # Given SES refuses the address for good
    def refuse(**_: object) -> None:
        raise ClientError(
            {
                "Error": {"Code": "BadRequestException", "Message": "Illegal address"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            },
            "SendEmail",
        )

    app.ses_client().meta.events.register("before-call.sesv2.SendEmail", refuse)
    enqueue(
        make_notification(NotificationEvent.APPLICATION_RETURNED, notification_id="invalid-0001"),
        sqs=sqs,
        queue_url=queues.queue_url,
    )
    poller = queues.poller()

    # When the queue is drained
    queues.drain(poller)

    # Then it was handled once, recorded REJECTED, and neither retried nor dead-lettered
    assert poller.invocations == 1
    assert ledger.get_item(Key={"notification_id": "invalid-0001"})["Item"]["status"] == LedgerStatus.REJECTED
    assert queues.dead_letters() == [] and sent_emails() == []


def test_an_unverified_sender_is_retried_five_times_then_kept_for_a_redrive(
    queues, sqs, ledger, make_notification, sent_emails
):
    # Given the sending identity is not verified
    app.ses_client().delete_email_identity(EmailIdentity="no-reply@satupintu.example")
    enqueue(
        make_notification(NotificationEvent.CONSULTATION_ANSWERED, notification_id="sender-0001"),
        sqs=sqs,
        queue_url=queues.queue_url,
    )
    poller = queues.poller()

    # When the queue is drained
    queues.drain(poller)

    # Then it was tried maxReceiveCount times, not forever, and rests in the dead-letter queue with its reason
    assert poller.invocations == MAX_RECEIVES
    assert _ids_of(queues.dead_letters()) == ["sender-0001"]
    row = ledger.get_item(Key={"notification_id": "sender-0001"})["Item"]
    assert row["status"] == LedgerStatus.FAILED and row["reason"].startswith("MessageRejected")
    assert sent_emails() == []

    # When the operator verifies the sender and redrives
    app.ses_client().create_email_identity(EmailIdentity="no-reply@satupintu.example")
    assert redrive(sqs, QueuePair(queues.queue_url, queues.dlq_url), wait_s=0) == 1
    queues.drain(poller)

    # Then it is delivered, once
    assert [e.notification_id for e in sent_emails()] == ["sender-0001"]
    assert queues.dead_letters() == []
