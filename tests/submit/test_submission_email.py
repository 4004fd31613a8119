"""The e-mail a submission sends: no access token in any queue, table or log, nothing the applicant typed, and
no more than a few to one address an hour; its tracking link still opens the application."""

import datetime as dt
import json
import logging
import re

import boto3
import time_machine

from devstack.redrive import QueuePair, redrive
from functions.shared.clock import JAKARTA
from functions.shared.notifications import relay_outbox
from functions.shared.rate_limits import EMAILING_REQUESTS, RateLimiter
from tests.kits.submit_kit import REGION

# Five past nine in Jakarta: what a test does stays inside one hourly window of the limits.
MORNING = dt.datetime(2026, 3, 12, 9, 5, tzinfo=JAKARTA)
SENDER = "no-reply@satupintu.example"
LINK = re.compile(r"/track\.html#id=(?P<id>[^&\s\"]+)&(?:amp;)?token=(?P<token>[A-Za-z0-9_-]+)")


def _phishing_applicant(body: dict) -> dict:
    """The submission as a stranger would send it: someone else's address, a lure for a name."""
    applicant = {
        **body["applicant"],
        "name": "Bayar denda di https://denda-pajak.example/x",
        "email": "korban@example.id",
    }
    return {**body, "applicant": applicant}


def test_no_queue_outbox_ledger_or_log_ever_holds_the_access_token(
    citizen, aws, tables, postman, capfd, caplog, monkeypatch
):
    # Given the function's own and Powertools' logs at their most talkative
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools")
    seen: list[str] = []
    # When one application is submitted and its e-mail queued at once,
    first = citizen.submit(citizen.body()).body
    seen += postman.peek("NotificationsQueue")
    # and another while the queue is down, so its e-mail waits in the outbox
    from functions.shared import notifications

    def queue_down(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(notifications, "enqueue", queue_down)
        second = citizen.submit(citizen.body()).body
    outbox = tables["NotificationOutboxTable"].scan()["Items"]
    assert [item["notification_id"] for item in outbox] == [f"application.submitted:{second['id']}:0"]
    seen += [json.dumps(item, default=str) for item in outbox]
    # and SES refuses the first e-mail five times (sender not verified), so it is dead-lettered,
    sesv2 = boto3.client("sesv2", region_name=REGION)
    sesv2.delete_email_identity(EmailIdentity=SENDER)
    postman.deliver()
    seen += postman.peek("NotificationsDLQ")
    seen += [json.dumps(item, default=str) for item in tables["NotificationLedgerTable"].scan()["Items"]]
    # and then SES is fixed, the dead letter redriven, the outbox relayed, and everything delivered
    sesv2.create_email_identity(EmailIdentity=SENDER)
    redrive(postman.sqs, QueuePair(aws.refs["NotificationsQueue"], aws.refs["NotificationsDLQ"]), wait_s=0)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    assert relay_outbox(tables["NotificationOutboxTable"], later, postman.sqs, aws.refs["NotificationsQueue"]) == 1
    seen += postman.peek("NotificationsQueue")
    postman.deliver()

    # Then both e-mails went out, each once
    mails = postman.sent()
    assert sorted(m.to for m in mails) == ["siti.rahayu@example.id"] * 2
    assert len(seen) >= 5  # two queued bodies, the outbox item, the dead letter, its ledger row, and the relayed
    # and no queue body, outbox item, ledger row, stored item or log line held either token
    logs = capfd.readouterr()
    everywhere = [*seen, logs.out, logs.err, caplog.text]
    everywhere += [json.dumps(t.scan()["Items"], default=str) for t in tables.values()]
    for token in (first["access_token"], second["access_token"]):
        assert not [text for text in everywhere if token in text]


def test_the_email_link_carries_the_token_derived_when_sent_and_opens_the_application(citizen, postman):
    # Given
    receipt = citizen.submit(citizen.body(locale="en")).body
    # When the notify function sends the e-mail
    postman.deliver()
    # Then its link (text and HTML) holds the application's number and its token, in the fragment only
    (mail,) = postman.sent()
    for body in (mail.text, mail.html):
        link = LINK.search(body)
        assert link and (link["id"], link["token"]) == (receipt["id"], receipt["access_token"])
    # and following it opens the application
    link = LINK.search(mail.text)
    opened = citizen.track(link["id"], link["token"])
    assert opened.status == 200 and opened.body["id"] == receipt["id"]


def test_the_submission_email_echoes_nothing_the_applicant_typed(citizen, postman):
    # Given a submission naming someone else's address, with a lure for a name
    body = _phishing_applicant(citizen.body())
    # When
    receipt = citizen.submit(body).body
    postman.deliver()
    # Then the address gets the office's facts only: the number, the service, what happens next
    (mail,) = postman.sent()
    assert mail.to == "korban@example.id"
    assert receipt["id"] in mail.subject
    assert "Legalisasi" in mail.text
    for part in (mail.subject, mail.text, mail.html):
        assert body["applicant"]["name"] not in part
        assert "denda-pajak" not in part and "Bayar denda" not in part


def test_past_the_address_limit_the_application_is_stored_but_no_more_email_is_sent(citizen, tables, postman):
    # Given four applications in one hour that name one address
    with time_machine.travel(MORNING, tick=True):
        receipts = [citizen.submit(citizen.body()) for _ in range(4)]
        postman.deliver()
    # Then all four are stored and answered with their number and token,
    assert [r.status for r in receipts] == [201] * 4
    ids = {r.body["id"] for r in receipts}
    assert {i["id"] for i in tables["ApplicationsTable"].scan()["Items"]} == ids
    assert all(r.body["access_token"] for r in receipts)
    # but the address gets three e-mails, and nothing waits in the outbox for the fourth
    mails = postman.sent()
    assert len(mails) == 3 and all(m.to == "siti.rahayu@example.id" for m in mails)
    assert receipts[3].body["id"] not in " ".join(m.subject for m in mails)
    assert tables["NotificationOutboxTable"].scan()["Count"] == 0


def test_a_client_past_its_limit_is_refused_before_anything_is_stored(citizen, tables):
    # Given a client that made the API send its share of e-mail in these ten minutes
    client = "198.51.100.77"
    with time_machine.travel(MORNING, tick=True):
        limiter = RateLimiter.from_settings()
        for _ in range(EMAILING_REQUESTS.allowance):
            assert limiter.take(EMAILING_REQUESTS, client, MORNING) == 0
        body = citizen.body()
        # When it submits, and another client submits
        refused = citizen.api.post(
            "/api/applications",
            body,
            headers={"Idempotency-Key": "key-limit-0001", "CloudFront-Viewer-Address": f"{client}:443"},
        )
        other = citizen.api.post(
            "/api/applications",
            citizen.body(),
            headers={"Idempotency-Key": "key-limit-0002", "CloudFront-Viewer-Address": "198.51.100.78:443"},
        )
    # Then the first is a 429 in the error shape with Retry-After, and nothing of it was stored
    assert refused.status == 429
    assert refused.body["error"]["code"] == "throttled"
    assert refused.body["error"]["message"] and refused.body["error"]["message_en"]
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert [i["id"] for i in tables["ApplicationsTable"].scan()["Items"]] == [other.body["id"]]
    assert other.status == 201
