"""Fixtures for the submit function's paper intake and drafts: a citizen and an officer on the in-process API."""

import json
from typing import Any

import boto3
import pytest

from tests.handlers.applications.submit_kit import REGION, Citizen


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
def queued(aws: Any) -> Any:
    """Return the notifications waiting on the queue, parsed (it drains what it reads)."""
    sqs = boto3.client("sqs", region_name=REGION)

    def read() -> list[dict[str, Any]]:
        messages = sqs.receive_message(
            QueueUrl=aws.refs["NotificationsQueue"], MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    return read
