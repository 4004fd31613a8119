"""Fixtures for the application routes of submit and issue: a citizen on the in-process API, tables, buckets, the queue,
the postman and an officer. Registered for every test by tests/conftest.py."""

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from tests.kits.submit_kit import REGION, Citizen


@pytest.fixture
def citizen(api: Any, catalogue: Any) -> Citizen:
    """A citizen using the API on moto, with the real catalogue seeded."""
    return Citizen(api, catalogue)


@pytest.fixture
def tables(aws: Any) -> dict[str, Any]:
    """Every table of the stack by logical id, as boto3 Table resources."""
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    return {logical: dynamodb.Table(name) for logical, name in aws.refs.items() if logical.endswith("Table")}


@pytest.fixture
def s3(aws: Any) -> Any:
    """An S3 client on moto."""
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def queued(aws: Any) -> Any:
    """Return the notifications waiting on the queue, parsed (it drains what it reads)."""
    sqs = boto3.client("sqs", region_name=REGION)

    def read() -> list[dict[str, Any]]:
        messages = sqs.receive_message(
            QueueUrl=aws.refs["NotificationsQueue"], MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    return read


@dataclass
class Mail:
    """One e-mail moto's SES accepted, as a mail client reads it."""

    to: str
    subject: str
    text: str
    html: str


@dataclass
class Postman:
    """Runs the notify function over the notifications queue, as Lambda would, and reads what SES accepted."""

    resources: Any
    sqs: Any

    def deliver(self, max_polls: int = 200) -> None:
        """Poll the notifications queue through the notify function until nothing is left in it."""
        from devstack.lambda_runtime import Functions
        from devstack.pollers import QueuePoller
        from devstack.template import load_template, queue_sources
        from functions.notify import app

        app.outbox.cache_clear()
        template = load_template()
        (source,) = [s for s in queue_sources(template) if s.function == "NotifyFunction"]
        queue_url = self.resources.refs[source.queue]
        arn = self.resources.attrs[(source.queue, "Arn")]
        poller = QueuePoller(source, queue_url, arn, self.sqs, Functions(template), retry_delay_s=0)
        for _ in range(max_polls):
            if poller.poll_once() == 0 and not self.in_queue(source.queue):
                return
        raise AssertionError("the notifications queue did not drain")

    def in_queue(self, queue: str = "NotificationsQueue") -> int:
        """How many messages a queue holds, visible or in flight."""
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        counts = self.sqs.get_queue_attributes(QueueUrl=self.resources.refs[queue], AttributeNames=names)
        return sum(int(v) for v in counts["Attributes"].values())

    def peek(self, queue: str) -> list[str]:
        """Every message body on a queue, left there (visible again) for whoever comes next."""
        found: dict[str, dict[str, Any]] = {}
        url = self.resources.refs[queue]
        while batch := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get(
            "Messages", []
        ):
            found.update({m["MessageId"]: m for m in batch})
        for message in found.values():
            self.sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return [m["Body"] for m in found.values()]

    @staticmethod
    def sent() -> list[Mail]:
        """Every e-mail moto's SES (in this process) has accepted, oldest first."""
        import email
        from email import policy

        from moto.ses.models import ses_backends

        from devstack import resources as res

        out = []
        for raw in ses_backends[res.ACCOUNT_ID][REGION].sent_messages:
            message = email.message_from_string(raw.raw_data, policy=policy.default)
            text, html = message.get_body(("plain",)), message.get_body(("html",))
            out.append(
                Mail(
                    to=str(message["To"]),
                    subject=str(message["Subject"]),
                    text=text.get_content() if text else "",
                    html=html.get_content() if html else "",
                )
            )
        return out


@pytest.fixture
def postman(aws: Any) -> Postman:
    """Delivers the queued notifications through the notify function and shows the e-mails sent."""
    return Postman(aws, boto3.client("sqs", region_name=REGION))


@pytest.fixture
def officer(aws: Any) -> Any:
    """Moves applications through the shared transition, as the officer decisions will."""
    from functions.shared import clock
    from functions.shared.applications import Status, Tables, get_application, transition

    db = boto3.client("dynamodb", region_name=REGION)
    names = Tables(applications=aws.refs["ApplicationsTable"], stats=aws.refs["StatsTable"])
    table = boto3.resource("dynamodb", region_name=REGION).Table(names.applications)

    class Officer:
        def move(self, application_id: str, *statuses: Status, note: str | None = None, **changes: Any) -> Any:
            """Take the application through each status in turn; the last one gets the note and changes."""
            record = get_application(table, application_id)
            for i, status in enumerate(statuses):
                last = i == len(statuses) - 1
                record = transition(
                    db,
                    names,
                    record,
                    status,
                    actor="officer:petugas",
                    at=clock.now(),
                    note=note if last else None,
                    changes=changes if last else None,
                )
            return record

        def returns(self, application_id: str, missing: list[str], note: str = "Dokumen kurang jelas") -> Any:
            """Start the review and return the application for the documents listed."""
            return self.move(application_id, Status.IN_REVIEW, Status.RETURNED, note=note, missing_requirements=missing)

    return Officer()
