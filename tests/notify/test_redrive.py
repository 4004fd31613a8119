"""`make redrive`: dead letters go back to the queue they came from, found through the queues' RedrivePolicy."""

import json

import boto3
import pytest

from devstack.redrive import QueuePair, main, queue_logical_ids, queue_pairs, redrive, waiting
from devstack.template import load_template

REGION = "ap-southeast-3"


def _send(sqs, url: str, count: int, prefix: str = "m") -> list[str]:
    bodies = [json.dumps({"n": f"{prefix}-{i}"}) for i in range(count)]
    for body in bodies:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageAttributes={"event": {"DataType": "String", "StringValue": "application.submitted"}},
        )
    return bodies


def _take_all(sqs, url: str) -> list[dict]:
    found = {}
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60, MessageAttributeNames=["All"]
    ).get("Messages", []):
        found.update({m["MessageId"]: m for m in batch})
    return list(found.values())


def test_each_queue_is_paired_with_its_dead_letter_queue_from_its_redrive_policy(aws, sqs):
    # Given every queue of the template
    urls = [aws.refs[q] for q in queue_logical_ids(load_template())]

    # When
    pairs = queue_pairs(sqs, urls)

    # Then
    assert pairs == sorted(
        [
            QueuePair(aws.refs["IssueJobsQueue"], aws.refs["IssueJobsDLQ"]),
            QueuePair(aws.refs["NotificationsQueue"], aws.refs["NotificationsDLQ"]),
        ]
    )


def test_a_dead_letter_queue_left_out_of_the_list_is_found_by_its_arn(aws, sqs):
    # When only the source queue is given
    pairs = queue_pairs(sqs, [aws.refs["NotificationsQueue"]])

    # Then
    assert pairs == [QueuePair(aws.refs["NotificationsQueue"], aws.refs["NotificationsDLQ"])]


def test_redrive_moves_every_dead_letter_back_with_its_attributes(aws, sqs):
    # Given 13 dead letters (more than one receive batch)
    pair = QueuePair(aws.refs["NotificationsQueue"], aws.refs["NotificationsDLQ"])
    bodies = _send(sqs, pair.dlq_url, 13)

    # When
    moved = redrive(sqs, pair, wait_s=0)

    # Then all are on the source queue, as they were, and none is left behind
    assert moved == 13
    back = _take_all(sqs, pair.source_url)
    assert sorted(m["Body"] for m in back) == sorted(bodies)
    assert {m["MessageAttributes"]["event"]["StringValue"] for m in back} == {"application.submitted"}
    assert waiting(sqs, pair.dlq_url) == 0 and _take_all(sqs, pair.dlq_url) == []


def test_redrive_moves_no_more_than_it_is_asked_to(aws, sqs):
    # Given
    pair = QueuePair(aws.refs["IssueJobsQueue"], aws.refs["IssueJobsDLQ"])
    _send(sqs, pair.dlq_url, 5)

    # When
    moved = redrive(sqs, pair, limit=3, wait_s=0)

    # Then
    assert moved == 3
    assert len(_take_all(sqs, pair.source_url)) == 3
    assert len(_take_all(sqs, pair.dlq_url)) == 2


def test_a_deployed_stage_is_redriven_through_its_stack_outputs(aws, sqs, capsys):
    # Given a deployed stack whose outputs name the queues (as template.yaml's Outputs do)
    template = {
        "Resources": {
            "NotificationsDLQ": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "prod-notifications-dlq"}},
            "NotificationsQueue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "QueueName": "prod-notifications",
                    "RedrivePolicy": {
                        "deadLetterTargetArn": {"Fn::GetAtt": ["NotificationsDLQ", "Arn"]},
                        "maxReceiveCount": 5,
                    },
                },
            },
        },
        "Outputs": {
            "NotificationsQueueUrl": {"Value": {"Ref": "NotificationsQueue"}},
            "NotificationsDLQUrl": {"Value": {"Ref": "NotificationsDLQ"}},
        },
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="satupintu-prod", TemplateBody=json.dumps(template)
    )
    dlq_url = sqs.get_queue_url(QueueName="prod-notifications-dlq")["QueueUrl"]
    _send(sqs, dlq_url, 4)

    # When
    code = main(["--stage", "prod"])

    # Then
    assert code == 0
    assert "prod-notifications-dlq → prod-notifications: 4" in capsys.readouterr().out
    assert len(_take_all(sqs, sqs.get_queue_url(QueueName="prod-notifications")["QueueUrl"])) == 4


def test_without_a_running_local_stack_it_says_how_to_start_one(tmp_path):
    # When
    with pytest.raises(SystemExit) as stopped:
        main(["--state-file", str(tmp_path / "stack.json")])

    # Then
    assert "make dev" in str(stopped.value)
