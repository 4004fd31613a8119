"""Fixtures for the citizen's application routes: a citizen on the in-process API, tables, buckets, the queue."""

import json
from typing import Any

import boto3
import pytest
from submit_kit import REGION, Citizen


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
