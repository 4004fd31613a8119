"""The stack's moto server holds a busy day: transactions copy only what they touch, and roll back exactly."""

import gc
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto.dynamodb.models.dynamo_type import Item
from moto.sqs.models import Message

from devstack.moto_server import MotoServer

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-southeast-3"


@pytest.fixture(scope="module")
def server() -> Any:
    """The stack's moto server (patched), on a free port."""
    moto = MotoServer("127.0.0.1", 0)
    moto.start()
    yield moto
    moto.stop()


@pytest.fixture
def db(server: MotoServer) -> Any:
    """A DynamoDB client on that server."""
    return boto3.client(
        "dynamodb",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def table(db: Any, request: pytest.FixtureRequest) -> str:
    """A fresh table with a hash and a range key, named after the test."""
    name = request.node.name[:200]
    db.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _live(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


def _put(table: str, pk: str, **attributes: str) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": "A"}, **{k: {"S": v} for k, v in attributes.items()}}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def _rows(db: Any, table: str) -> dict[str, dict[str, Any]]:
    items = db.scan(TableName=table, ConsistentRead=True)["Items"]
    return {i["pk"]["S"]: {k: v["S"] for k, v in i.items()} for i in items}


def test_a_day_of_one_item_transactions_keeps_only_the_stored_items_alive(db, table):
    # Given
    before = _live(Item)
    # When: 600 applications, each its own one-item transaction (unpatched moto keeps 180,300 items alive)
    for n in range(600):
        db.transact_write_items(TransactItems=[_put(table, f"APP#{n}")])
    # Then
    assert len(_rows(db, table)) == 600
    assert _live(Item) - before <= 600 + 10


def test_a_cancelled_transaction_changes_nothing(db, table):
    # Given: one item to update, one to delete, one whose condition will fail
    db.transact_write_items(
        TransactItems=[_put(table, "update-me", status="SUBMITTED"), _put(table, "delete-me"), _put(table, "exists")]
    )
    before = _rows(db, table)
    # When: a put, an update and a delete pass their conditions, then a put finds its item taken
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(
            TransactItems=[
                _put(table, "new"),
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": "update-me"}, "sk": {"S": "A"}},
                        "UpdateExpression": "SET #s = :s, note = :n",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":s": {"S": "APPROVED"}, ":n": {"S": "ok"}},
                    }
                },
                {"Delete": {"TableName": table, "Key": {"pk": {"S": "delete-me"}, "sk": {"S": "A"}}}},
                _put(table, "exists"),
            ]
        )
    # Then
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _rows(db, table) == before


def test_a_transaction_moto_refuses_halfway_changes_nothing(db, table):
    # Given
    db.transact_write_items(TransactItems=[_put(table, "kept", status="SUBMITTED")])
    before = _rows(db, table)
    # When: the first write is done before moto sees the second names the same item (a ValidationException)
    update = {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": "kept"}, "sk": {"S": "A"}},
            "UpdateExpression": "SET #s = :s",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":s": {"S": "REJECTED"}},
        }
    }
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[_put(table, "new"), update, update])
    # Then
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _rows(db, table) == before


def test_a_committed_transaction_still_writes_every_item(db, table):
    # When
    db.transact_write_items(TransactItems=[_put(table, "a", v="1"), _put(table, "b", v="2")])
    # Then
    assert _rows(db, table) == {"a": {"pk": "a", "sk": "A", "v": "1"}, "b": {"pk": "b", "sk": "A", "v": "2"}}


def test_deleted_queue_messages_are_freed_and_motos_dashboard_still_lists_what_lives(server, db, table):
    # Given
    sqs = boto3.client(
        "sqs", endpoint_url=server.url, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    url = sqs.create_queue(QueueName="freed")["QueueUrl"]
    db.transact_write_items(TransactItems=[_put(table, "listed")])
    before = _live(Message)
    # When: 300 messages sent, received and deleted
    for n in range(300):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))
        (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Then
    assert _live(Message) - before <= 5
    dashboard = requests.get(f"{server.url}/moto-api/data.json", timeout=30).json()
    assert table in {t["name"] for t in dashboard["dynamodb"]["Table"]}
    assert "freed" in {q["name"] for q in dashboard["sqs"]["Queue"]}
    assert len(dashboard["dynamodb"]["Item"]) >= 1


def test_unpatched_moto_still_copies_whole_tables_so_the_patch_is_still_needed():
    # Given: moto as installed, in a fresh interpreter, without the stack's patch
    script = textwrap.dedent(
        """
        import gc
        import boto3
        from moto import mock_aws
        from moto.dynamodb.models.dynamo_type import Item
        with mock_aws():
            db = boto3.client("dynamodb", region_name="ap-southeast-3",
                              aws_access_key_id="t", aws_secret_access_key="t")
            db.create_table(TableName="t", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
            for n in range(100):
                db.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": {"id": {"S": str(n)}}}}])
            gc.collect()
            print(sum(1 for o in gc.get_objects() if isinstance(o, Item)))
        """
    )
    # When
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    # Then: 100 items stored, 5,050 alive (n(n+1)/2). When this fails, moto fixed it: drop devstack/moto_patches.py.
    assert int(out.stdout.strip()) == 100 * 101 // 2
