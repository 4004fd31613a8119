"""`make redrive`: move dead-lettered messages back to the queues they came from, locally or on a deployed stage.

Which dead-letter queue belongs to which queue is read from each queue's own RedrivePolicy, and the queues
themselves from template.yaml (their logical ids locally, the stack outputs that `!Ref` them on AWS), so a new
queue needs nothing here. On a deployed stage SQS moves the messages itself (StartMessageMoveTask, one task per
dead-letter queue, waited for until it ends). moto has no move tasks, so locally they are received and sent back,
and a message leaves the dead-letter queue only after its source queue has taken it: if a move stops halfway, a
message can be on both queues, never on neither — harmless, because the consumers are idempotent (the notify
ledger sends nothing twice; an issue job issues nothing twice).
"""

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from devstack.template import load_template, resources_of_type

STATE_FILE = Path(".local/stack.json")


@dataclass(frozen=True, order=True)
class QueuePair:
    """A queue and the dead-letter queue its RedrivePolicy sends failed messages to."""

    source_url: str
    dlq_url: str

    @property
    def names(self) -> str:
        """e.g. "satupintu-dev-NotificationsDLQ → satupintu-dev-NotificationsQueue"."""
        return f"{self.dlq_url.rsplit('/', 1)[-1]} → {self.source_url.rsplit('/', 1)[-1]}"


def queue_pairs(sqs: Any, queue_urls: Iterable[str]) -> list[QueuePair]:
    """Pair every queue that has a RedrivePolicy with its dead-letter queue."""
    url_of_arn: dict[str, str] = {}
    dlq_arn_of: dict[str, str] = {}
    for url in queue_urls:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "RedrivePolicy"])["Attributes"]
        url_of_arn[attributes["QueueArn"]] = url
        if "RedrivePolicy" in attributes:
            dlq_arn_of[url] = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
    pairs = []
    for url, dlq_arn in dlq_arn_of.items():
        dlq_url = url_of_arn.get(dlq_arn)
        if dlq_url is None:  # a dead-letter queue outside the list: look it up by name and account
            _, _, _, _, account, name = dlq_arn.split(":", 5)
            dlq_url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        pairs.append(QueuePair(url, dlq_url))
    return sorted(pairs)


def _attributes_to_send(received: dict[str, Any]) -> dict[str, Any]:
    """Message attributes as SendMessage takes them (ReceiveMessage adds list fields SQS does not accept back)."""
    out = {}
    for name, value in received.items():
        kept = {"DataType": value["DataType"]}
        for field in ("StringValue", "BinaryValue"):
            if field in value:
                kept[field] = value[field]
        out[name] = kept
    return out


def waiting(sqs: Any, queue_url: str) -> int:
    """Return how many messages a queue holds that are ready to be received (approximate on AWS)."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def redrive(sqs: Any, pair: QueuePair, limit: int | None = None, wait_s: int = 1) -> int:
    """Move messages from a dead-letter queue back to its source queue; return how many moved.

    At most `limit` (by default, what the dead-letter queue held when called), so that messages which fail again
    at once and come back are not chased round in circles.

    :raises RuntimeError: SQS refused to take some messages back (they stay in the dead-letter queue).
    """
    limit = waiting(sqs, pair.dlq_url) if limit is None else limit
    moved = 0
    while moved < limit:
        batch = sqs.receive_message(
            QueueUrl=pair.dlq_url,
            MaxNumberOfMessages=min(10, limit - moved),
            WaitTimeSeconds=wait_s,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            break
        entries = [
            {
                "Id": str(i),
                "MessageBody": m["Body"],
                "MessageAttributes": _attributes_to_send(m.get("MessageAttributes", {})),
            }
            for i, m in enumerate(batch)
        ]
        result = sqs.send_message_batch(QueueUrl=pair.source_url, Entries=entries)
        taken = {entry["Id"] for entry in result.get("Successful", [])}
        done = [(str(i), m) for i, m in enumerate(batch) if str(i) in taken]
        if done:
            sqs.delete_message_batch(
                QueueUrl=pair.dlq_url, Entries=[{"Id": i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in done]
            )
        moved += len(done)
        if result.get("Failed"):
            for i, m in enumerate(batch):
                if str(i) not in taken:  # back in view at once, for the next run
                    sqs.change_message_visibility(
                        QueueUrl=pair.dlq_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
                    )
            codes = sorted({f["Code"] for f in result["Failed"]})
            raise RuntimeError(f"{pair.names}: SQS refused {len(result['Failed'])} message(s): {', '.join(codes)}")
    return moved


def queue_arn(sqs: Any, queue_url: str) -> str:
    """Return a queue's ARN."""
    return sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def move_task(
    sqs: Any, pair: QueuePair, poll_s: float = 5, sleep: Callable[[float], None] = time.sleep, timeout_s: float = 3600
) -> int:
    """Have SQS move a dead-letter queue's messages back to its source queue; wait for the task; return how many.

    SQS runs one move task per dead-letter queue at a time and moves only what the queue held when it started.

    :raises RuntimeError: the task failed or was cancelled, or did not end within `timeout_s`.
    """
    dlq_arn = queue_arn(sqs, pair.dlq_url)
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=queue_arn(sqs, pair.source_url))
    waited = 0.0
    while True:
        # Newest first; only a running task shows its handle, so the newest is the one just started.
        task = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=1)["Results"][0]
        if task.get("TaskHandle", handle["TaskHandle"]) != handle["TaskHandle"]:
            raise RuntimeError(f"{pair.names}: another move task is running ({task['TaskHandle']})")
        if task["Status"] == "COMPLETED":
            return int(task.get("ApproximateNumberOfMessagesMoved", 0))
        if task["Status"] in {"FAILED", "CANCELLED"}:
            reason = task.get("FailureReason", "no reason given")
            raise RuntimeError(f"{pair.names}: the move task ended {task['Status']}: {reason}")
        if waited >= timeout_s:
            raise RuntimeError(f"{pair.names}: the move task is still {task['Status']} after {timeout_s:.0f} s")
        sleep(poll_s)
        waited += poll_s


def queue_logical_ids(template: dict[str, Any]) -> list[str]:
    """Return the logical ids of the template's SQS queues."""
    return sorted(resources_of_type(template, "AWS::SQS::Queue"))


def queue_outputs(template: dict[str, Any]) -> list[str]:
    """Return the names of the stack outputs whose value is a queue's URL (`!Ref` of a queue)."""
    queues = set(queue_logical_ids(template))
    return sorted(
        name
        for name, output in (template.get("Outputs") or {}).items()
        if isinstance(output.get("Value"), dict) and output["Value"].get("Ref") in queues
    )


def _local_queues(state_file: Path) -> tuple[Any, list[str]]:
    if not state_file.exists():
        sys.exit(f"The local stack is not running (no {state_file}): start it with `make dev`.")
    state = json.loads(state_file.read_text())
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=state["region"]
    )
    sqs = session.client("sqs", endpoint_url=state["aws_endpoint_url"])
    resources = state["resources"]
    return sqs, [resources[q] for q in queue_logical_ids(load_template()) if q in resources]


def _stage_queues(stage: str, stack_name: str | None) -> tuple[Any, list[str]]:
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name or f"satupintu-{stage}")
    values = {o["OutputKey"]: o["OutputValue"] for o in stack["Stacks"][0].get("Outputs", [])}
    return boto3.client("sqs"), [values[name] for name in queue_outputs(load_template()) if name in values]


def main(argv: Sequence[str] | None = None) -> int:
    """Redrive every dead-letter queue of the local stack, or with --stage of a deployed one; print what moved."""
    parser = argparse.ArgumentParser(prog="python -m devstack.redrive", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stage", help="a deployed stage (AWS credentials from the environment); omit for local")
    parser.add_argument("--stack-name", help="CloudFormation stack name (default satupintu-<stage>)")
    parser.add_argument("--state-file", type=Path, default=STATE_FILE, help="the local stack's state file")
    args = parser.parse_args(argv)
    sqs, urls = _stage_queues(args.stage, args.stack_name) if args.stage else _local_queues(args.state_file)
    pairs = queue_pairs(sqs, urls)
    if not pairs:
        print("Tidak ada antrean dengan dead-letter queue / No queue has a dead-letter queue.")
        return 1
    for pair in pairs:
        # A long poll against the local stack would hold its one-request-at-a-time lock for the whole wait.
        moved = move_task(sqs, pair) if args.stage else redrive(sqs, pair, wait_s=0)
        left = waiting(sqs, pair.dlq_url)
        print(f"{pair.names}: {moved} dipindahkan / moved, {left} tersisa / left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
