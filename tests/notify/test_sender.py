"""The sending rules: the sent ledger makes a notification one e-mail at most, and accounts for every failure."""

import dataclasses
import json
import time

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from functions.notify import app
from functions.notify.sender import (
    LEDGER_DAYS,
    InDoubt,
    LedgerStatus,
    Outcome,
    PoisonMessage,
    Undelivered,
    deliver,
    refused_for_good,
)
from functions.shared.notifications import NotificationEvent

PLENTY_OF_TIME_S = 30.0


def _ses_error(code: str, message: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "SendEmail"
    )


def _fail_ses(*errors: BaseException) -> list[int]:
    """Make the next SES calls raise these errors, in order; return a list that counts the calls."""
    calls: list[int] = []
    queue = list(errors)

    def before_send(**_: object) -> None:
        calls.append(1)
        if queue:
            raise queue.pop(0)

    app.ses_client().meta.events.register("before-call.sesv2.SendEmail", before_send)
    return calls


def _row(ledger, notification_id: str) -> dict:
    return ledger.get_item(Key={"notification_id": notification_id}, ConsistentRead=True)["Item"]


def test_a_notification_is_sent_once_and_recorded_as_sent(notify, ledger, make_notification, sent_emails):
    # Given
    notification = make_notification(NotificationEvent.APPLICATION_SUBMITTED, locale="en")
    before = time.time()

    # When
    outcome = deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then one e-mail went to the person, in their language, from the sending identity
    assert outcome is Outcome.SENT
    (sent,) = sent_emails()
    assert sent.to == "siti.rahayu@example.com"
    assert sent.subject == "Application SP-2026-000123 received"
    assert sent.notification_id == notification.notification_id
    assert "no-reply@satupintu.example" in str(sent.message["From"])
    # and the ledger says SENT, with SES's message id, kept for 30 days
    row = _row(ledger, notification.notification_id)
    assert row["status"] == LedgerStatus.SENT
    assert row["ses_message_id"]
    assert row["event"] == "application.submitted"
    assert before + LEDGER_DAYS * 86_400 - 5 <= row["expires_at_epoch"] <= time.time() + LEDGER_DAYS * 86_400 + 5
    assert "claim_id" not in row and "lease_until" not in row


def test_the_link_carries_the_access_token_the_sender_derives_and_the_message_none(
    notify, ledger, make_notification, sent_emails, expected_token
):
    # Given an application's e-mail, which asks for its link's token and carries none
    notification = make_notification(NotificationEvent.APPLICATION_ISSUED, locale="en")
    body = notification.model_dump_json()
    token = expected_token(notification)
    assert token not in body

    # When it is delivered
    deliver(body, "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then the e-mail's link holds the token derived from the application's number, in its fragment only
    (sent,) = sent_emails()
    assert f"/track.html#id=SP-2026-000123&token={token}" in sent.text
    assert f"/track.html#id=SP-2026-000123&amp;token={token}" in sent.html
    # and the ledger row does not hold it
    assert token not in json.dumps(_row(ledger, notification.notification_id), default=str)


def test_kms_out_of_reach_claims_nothing_and_the_message_is_retried(notify, ledger, make_notification, sent_emails):
    # Given KMS cannot be reached when the link's token is to be derived
    notification = make_notification(NotificationEvent.APPLICATION_RETURNED)

    def unreachable(**_: object) -> None:
        raise EndpointConnectionError(endpoint_url="https://kms.ap-southeast-3.amazonaws.com")

    events = app.outbox().kms.meta.events
    events.register("before-call.kms.GenerateMac", unreachable)

    # When it is delivered
    with pytest.raises(Undelivered) as refused:
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then nothing was sent or claimed, so the retry sends it once KMS answers again
    assert not isinstance(refused.value, InDoubt)
    assert sent_emails() == []
    assert "Item" not in ledger.get_item(Key={"notification_id": notification.notification_id})
    events.unregister("before-call.kms.GenerateMac", unreachable)
    assert deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S) is Outcome.SENT


def test_a_redelivered_notification_sends_nothing(notify, make_notification, sent_emails):
    # Given a notification already sent
    body = make_notification(NotificationEvent.BOOKING_CONFIRMED).model_dump_json()
    deliver(body, "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # When SQS delivers it again, and a producer enqueued it a second time
    again = deliver(body, "m-1", app.outbox(), PLENTY_OF_TIME_S)
    twice = deliver(body, "m-2", app.outbox(), PLENTY_OF_TIME_S)

    # Then nothing more is sent
    assert again is Outcome.ALREADY_SETTLED and twice is Outcome.ALREADY_SETTLED
    assert len(sent_emails()) == 1


def test_throttling_releases_the_claim_so_a_retry_sends_exactly_once(notify, ledger, make_notification, sent_emails):
    # Given SES throttles the first call
    calls = _fail_ses(_ses_error("TooManyRequestsException", "Maximum sending rate exceeded.", 429))
    notification = make_notification(NotificationEvent.APPLICATION_APPROVED)

    # When it is delivered, then delivered again
    with pytest.raises(Undelivered) as refused:
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)
    row = _row(ledger, notification.notification_id)
    outcome = deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then the first attempt was recorded as FAILED (retryable), one call each (no SDK retry), one e-mail in all
    assert row["status"] == LedgerStatus.FAILED and row["reason"].startswith("TooManyRequestsException")
    assert "TooManyRequestsException" in str(refused.value)
    assert outcome is Outcome.SENT
    assert len(calls) == 2
    assert len(sent_emails()) == 1
    assert _row(ledger, notification.notification_id)["attempts"] == 2


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("BadRequestException", "Illegal address: siti.rahayu@example.com"),
        ("MessageRejected", "Message contains content that is not allowed."),
    ],
)
def test_a_permanent_rejection_of_the_message_is_recorded_and_never_retried(
    notify, ledger, make_notification, sent_emails, code, message
):
    # Given SES refuses this message for good
    calls = _fail_ses(_ses_error(code, message))
    notification = make_notification(NotificationEvent.APPLICATION_REJECTED)

    # When it is delivered, and delivered again
    first = deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)
    again = deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then it is acknowledged (no retry), recorded REJECTED with the reason but no address, and SES is not asked twice
    assert first is Outcome.REJECTED and again is Outcome.ALREADY_SETTLED
    row = _row(ledger, notification.notification_id)
    assert row["status"] == LedgerStatus.REJECTED
    assert row["reason"].startswith(code)
    assert "siti.rahayu" not in json.dumps(row, default=str)
    assert len(calls) == 1 and sent_emails() == []


def test_an_unverified_sender_is_the_accounts_problem_and_waits_for_a_retry(
    notify, ledger, make_notification, sent_emails
):
    # Given the sending identity is not verified any more
    app.ses_client().delete_email_identity(EmailIdentity="no-reply@satupintu.example")
    notification = make_notification(NotificationEvent.CONSULTATION_RECEIVED)

    # When it is delivered
    with pytest.raises(Undelivered):
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then nothing is sent, the ledger says why and lets a later attempt try again
    row = _row(ledger, notification.notification_id)
    assert row["status"] == LedgerStatus.FAILED
    assert row["reason"].startswith("MessageRejected") and "<address>" in row["reason"]
    # and once the identity is verified again, the next delivery sends it
    app.ses_client().create_email_identity(EmailIdentity="no-reply@satupintu.example")
    assert deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S) is Outcome.SENT
    assert len(sent_emails()) == 1


def test_a_connection_that_never_opened_is_retried(notify, ledger, make_notification, sent_emails):
    # Given
    _fail_ses(EndpointConnectionError(endpoint_url="https://email.ap-southeast-3.amazonaws.com"))
    notification = make_notification(NotificationEvent.BOOKING_REMINDER)

    # When
    with pytest.raises(Undelivered) as refused:
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then it was surely not sent, so the next delivery sends it
    assert not isinstance(refused.value, InDoubt)
    assert _row(ledger, notification.notification_id)["status"] == LedgerStatus.FAILED
    assert deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S) is Outcome.SENT
    assert len(sent_emails()) == 1


def test_a_call_that_timed_out_after_leaving_is_in_doubt_and_never_resent(
    notify, ledger, make_notification, sent_emails
):
    # Given SES's answer never arrives (it may have accepted the e-mail)
    calls = _fail_ses(ReadTimeoutError(endpoint_url="https://email.ap-southeast-3.amazonaws.com"))
    notification = make_notification(NotificationEvent.APPLICATION_ISSUED)

    # When it is delivered, and delivered again
    with pytest.raises(InDoubt):
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)
    with pytest.raises(InDoubt):
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then SES was called once, and the ledger leaves the decision to an operator
    assert len(calls) == 1
    assert _row(ledger, notification.notification_id)["status"] == LedgerStatus.IN_DOUBT


def test_a_claim_held_by_a_live_attempt_makes_a_second_copy_wait(notify, ledger, make_notification, sent_emails):
    # Given another attempt has just claimed the notification and may still be inside its send (a twin delivery)
    notification = make_notification(NotificationEvent.BOOKING_CANCELLED)
    ledger.put_item(
        Item={
            "notification_id": notification.notification_id,
            "status": "SENDING",
            "claim_id": "the-other-attempt",
            "lease_until": int(time.time()) + 60,
        }
    )
    calls = _fail_ses()

    # When the twin arrives
    with pytest.raises(Undelivered) as refused:
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then it does not send, and it is not declared in doubt while the claimant may still finish
    assert not isinstance(refused.value, InDoubt)
    assert calls == [] and sent_emails() == []
    assert _row(ledger, notification.notification_id)["status"] == LedgerStatus.SENDING


def test_an_attempt_that_died_between_claim_and_record_leaves_the_notification_in_doubt(
    notify, ledger, make_notification, sent_emails
):
    # Given SES accepted the e-mail but the ledger could not record it (the instance died at that moment)
    notification = make_notification(NotificationEvent.APPLICATION_SUBMITTED)

    def ledger_down(params, **_: object) -> None:
        if params.get("ExpressionAttributeValues", {}).get(":sent") in ("SENT", {"S": "SENT"}):
            raise RuntimeError("crash after SES accepted, before the ledger recorded it")

    events = app.outbox().ledger.meta.client.meta.events
    events.register("before-parameter-build.dynamodb.UpdateItem", ledger_down)
    with pytest.raises(InDoubt):
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)
    events.unregister("before-parameter-build.dynamodb.UpdateItem", ledger_down)
    assert len(sent_emails()) == 1

    # When it comes back while the claim's lease runs, and again after the lease has ended
    with pytest.raises(Undelivered):
        deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)
    later = dataclasses.replace(app.outbox(), clock=lambda: time.time() + PLENTY_OF_TIME_S + 60)
    with pytest.raises(InDoubt):
        deliver(notification.model_dump_json(), "m-1", later, PLENTY_OF_TIME_S)

    # Then it is never sent a second time, and the ledger marks it for an operator
    assert len(sent_emails()) == 1
    row = _row(ledger, notification.notification_id)
    assert row["status"] == LedgerStatus.IN_DOUBT and "never finished" in row["reason"]


def test_too_little_time_left_sends_and_claims_nothing(notify, ledger, make_notification, sent_emails):
    # Given
    notification = make_notification(NotificationEvent.BOOKING_WAITLIST_PROMOTED)

    # When
    with pytest.raises(Undelivered):
        deliver(notification.model_dump_json(), "m-1", app.outbox(), time_left_s=2.0)

    # Then
    assert sent_emails() == []
    assert "Item" not in ledger.get_item(Key={"notification_id": notification.notification_id})


def test_an_unreadable_message_is_recorded_as_poison_without_its_content(notify, ledger, make_notification):
    # Given a message with a bad address and an event this version does not know
    body = json.loads(make_notification(NotificationEvent.APPLICATION_SUBMITTED).model_dump_json())
    body.update({"to": "siti.rahayu-at-example.com", "event": "application.teleported"})

    # When it is delivered
    with pytest.raises(PoisonMessage) as refused:
        deliver(json.dumps(body), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then the ledger keeps the fields at fault, never what they held
    row = _row(ledger, body["notification_id"])
    assert row["status"] == LedgerStatus.POISON
    assert "event" in row["reason"] and "to" in row["reason"]
    assert row["sqs_message_id"] == "m-1"
    for text in (json.dumps(row, default=str), str(refused.value)):
        assert "siti" not in text and "teleported" not in text


def test_a_message_that_is_not_json_is_kept_under_its_queue_message_id(notify, ledger):
    # When
    with pytest.raises(PoisonMessage):
        deliver("{not json", "m-42", app.outbox(), PLENTY_OF_TIME_S)

    # Then
    assert _row(ledger, "sqs-message:m-42")["status"] == LedgerStatus.POISON


def test_a_poison_record_does_not_block_the_notification_once_it_can_be_read(notify, make_notification, sent_emails):
    # Given a message that was poison under this id (say, its event was deployed later)
    notification = make_notification(NotificationEvent.BOOKING_REFUSED)
    body = json.loads(notification.model_dump_json()) | {"event": "booking.unknown"}
    with pytest.raises(PoisonMessage):
        deliver(json.dumps(body), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # When the readable notification comes
    outcome = deliver(notification.model_dump_json(), "m-1", app.outbox(), PLENTY_OF_TIME_S)

    # Then it is sent
    assert outcome is Outcome.SENT and len(sent_emails()) == 1


def test_nothing_logged_or_raised_names_the_person(notify, make_notification, capsys):
    # Given failures of every kind for a person whose address and name must stay out of the logs
    person = {"to": "rahasia.pribadi@example.com", "name": "Rahasia Pribadi"}
    outcomes = []
    _fail_ses(
        _ses_error("MessageRejected", "Email address is not verified: rahasia.pribadi@example.com"),
        _ses_error("TooManyRequestsException", "Maximum sending rate exceeded.", 429),
        ReadTimeoutError(endpoint_url="https://email.ap-southeast-3.amazonaws.com"),
    )
    for n, event in enumerate(
        [
            NotificationEvent.APPLICATION_SUBMITTED,
            NotificationEvent.BOOKING_CONFIRMED,
            NotificationEvent.BOOKING_REMINDER,
            NotificationEvent.CONSULTATION_RECEIVED,
        ]
    ):
        notification = make_notification(
            event, notification_id=f"privacy-{n:04d}", to=person["to"], name=person["name"]
        )
        try:
            outcomes.append(deliver(notification.model_dump_json(), f"m-{n}", app.outbox(), PLENTY_OF_TIME_S))
        except Undelivered as error:
            outcomes.append(str(error))
    poison = json.loads(make_notification(notification_id="privacy-poison", to=person["to"]).model_dump_json())
    poison["to"] = "rahasia.pribadi(at)example.com"
    try:
        deliver(json.dumps(poison), "m-p", app.outbox(), PLENTY_OF_TIME_S)
    except Undelivered as error:
        outcomes.append(str(error))

    # Then the logs and the error texts carry ids and reasons, never the address or the name
    logged = capsys.readouterr()
    everything = logged.out + logged.err + " ".join(map(str, outcomes))
    assert "privacy-0001" in everything  # the logs do say which notification
    assert "rahasia" not in everything.lower()


@pytest.mark.parametrize(
    ("code", "message", "for_good"),
    [
        ("MessageRejected", "Message contains content that is not allowed.", True),
        ("MessageRejected", "Email address is not verified: no-reply@satupintu.example", False),
        ("BadRequestException", "Illegal address", True),
        ("BadRequestException", "Missing final '@domain'", True),
        ("BadRequestException", "Configuration set name is invalid", False),
        ("InvalidParameterValue", "Missing domain", True),
        ("TooManyRequestsException", "Maximum sending rate exceeded.", False),
        ("AccountSuspendedException", "Your account is suspended.", False),
        ("SendingPausedException", "Sending is paused for this account.", False),
        ("MailFromDomainNotVerifiedException", "MAIL FROM domain not verified.", False),
        ("NotFoundException", "Configuration set does not exist.", False),
        ("InternalFailure", "Internal error", False),
    ],
)
def test_only_a_refusal_of_the_message_itself_is_final(code, message, for_good):
    assert refused_for_good(code, message, "no-reply@satupintu.example") is for_good
