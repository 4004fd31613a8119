"""`make redrive`: dead letters go back to the queue they came from, found through the queues' RedrivePolicy.

On a deployed stage SQS moves them (StartMessageMoveTask). moto has no move tasks: those tests answer the two calls
themselves (`MoveTasks`), after botocore has checked each request against SQS's API model, and move the messages
on moto's queues as SQS would.
"""

import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from devstack.redrive import QueuePair, main, move_task, queue_arn, queue_logical_ids, queue_pairs, redrive, waiting
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


class MoveTasks:
    """SQS's message move tasks, which moto lacks, answered over moto's queues; each validated request is kept."""

    def __init__(self, sqs: Any, statuses: tuple[str, ...] = ("RUNNING", "COMPLETED"), reason: str = "") -> None:
        self.sqs = sqs
        self.statuses = list(statuses)
        self.reason = reason
        self.started: list[dict[str, Any]] = []
        self.moved = 0

    def register(self, events: Any) -> None:
        events.register("before-call.sqs.StartMessageMoveTask", self._start)
        events.register("before-call.sqs.ListMessageMoveTasks", self._list)

    def _url(self, arn: str) -> str:
        return self.sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]

    def _start(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        request = json.loads(params["body"])
        self.started.append(request)
        self.moved = redrive(self.sqs, QueuePair(self._url(request["DestinationArn"]), self._url(request["SourceArn"])))
        return AWSResponse("", 200, {}, None), {"TaskHandle": f"task-{len(self.started)}"}

    def _list(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        request = json.loads(params["body"])
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        task = {"Status": status, "SourceArn": request["SourceArn"], "ApproximateNumberOfMessagesMoved": self.moved}
        if status == "RUNNING":
            task["TaskHandle"] = f"task-{len(self.started)}"
        if self.reason:
            task["FailureReason"] = self.reason
        return AWSResponse("", 200, {}, None), {"Results": [task]}


def test_a_move_task_is_started_for_the_pair_and_waited_for_until_it_completes(aws, sqs):
    # Given 7 dead letters
    pair = QueuePair(aws.refs["IssueJobsQueue"], aws.refs["IssueJobsDLQ"])
    _send(sqs, pair.dlq_url, 7)
    tasks = MoveTasks(sqs, statuses=("RUNNING", "RUNNING", "COMPLETED"))
    tasks.register(sqs.meta.events)
    pauses: list[float] = []

    # When
    moved = move_task(sqs, pair, poll_s=2, sleep=pauses.append)

    # Then
    assert moved == 7
    assert tasks.started == [
        {"SourceArn": queue_arn(sqs, pair.dlq_url), "DestinationArn": queue_arn(sqs, pair.source_url)}
    ]
    assert pauses == [2, 2]
    assert len(_take_all(sqs, pair.source_url)) == 7


@pytest.mark.parametrize("status", ["FAILED", "CANCELLED"])
def test_a_move_task_that_fails_is_an_error_with_its_reason(aws, sqs, status):
    # Given
    pair = QueuePair(aws.refs["NotificationsQueue"], aws.refs["NotificationsDLQ"])
    MoveTasks(sqs, statuses=(status,), reason="AccessDenied on the destination").register(sqs.meta.events)

    # When
    with pytest.raises(RuntimeError) as failed:
        move_task(sqs, pair, sleep=lambda s: None)

    # Then
    assert status in str(failed.value) and "AccessDenied" in str(failed.value)


def test_a_move_task_that_never_ends_is_given_up_on(aws, sqs):
    # Given
    pair = QueuePair(aws.refs["NotificationsQueue"], aws.refs["NotificationsDLQ"])
    MoveTasks(sqs, statuses=("RUNNING",)).register(sqs.meta.events)

    # When
    with pytest.raises(RuntimeError) as failed:
        move_task(sqs, pair, poll_s=60, sleep=lambda s: None, timeout_s=300)

    # Then
    assert "still RUNNING after 300 s" in str(failed.value)


def test_a_deployed_stage_is_redriven_through_its_stack_outputs(aws, sqs, capsys, monkeypatch):
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
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()
    tasks = MoveTasks(sqs)
    tasks.register(boto3.DEFAULT_SESSION.events)

    # When
    code = main(["--stage", "prod"])

    # Then SQS was asked to move each dead-letter queue back to its own queue
    assert code == 0
    assert [t["SourceArn"].rsplit(":", 1)[-1] for t in tasks.started] == ["prod-notifications-dlq"]
    assert tasks.started[0]["DestinationArn"].endswith(":prod-notifications")
    assert "prod-notifications-dlq → prod-notifications: 4" in capsys.readouterr().out
    assert len(_take_all(sqs, sqs.get_queue_url(QueueName="prod-notifications")["QueueUrl"])) == 4


def test_without_a_running_local_stack_it_says_how_to_start_one(tmp_path):
    # When
    with pytest.raises(SystemExit) as stopped:
        main(["--state-file", str(tmp_path / "stack.json")])

    # Then
    assert "make dev" in str(stopped.value)
