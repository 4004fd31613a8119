"""What Lambda's SQS event source mapping and EventBridge schedules do, locally."""

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from devstack.lambda_runtime import Invoker
from devstack.template import QueueSource, ScheduleSource
from functions.shared.observability import logger


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """Build the event Lambda hands a function for a batch of SQS messages."""
    records = []
    for m in messages:
        attributes = {}
        for name, value in (m.get("MessageAttributes") or {}).items():
            attributes[name] = {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
        records.append(
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": attributes,
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


class QueuePoller(threading.Thread):
    """Receives batches, invokes the function, deletes what succeeded and leaves the failures to retry."""

    def __init__(
        self,
        source: QueueSource,
        queue_url: str,
        queue_arn: str,
        sqs: Any,
        functions: Invoker,
        retry_delay_s: int = 2,
    ) -> None:
        super().__init__(name=f"poller-{source.queue}", daemon=True)
        self.source = source
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.sqs = sqs
        self.functions = functions
        # Real SQS hides a failed message for the queue's visibility timeout (minutes); locally a
        # failure comes back after a couple of seconds so retries and redrive can be watched.
        self.retry_delay_s = retry_delay_s
        self.stopping = threading.Event()
        self.invocations = 0
        self.idle_pause_s = 0.2

    def run(self) -> None:
        """Poll until stopped."""
        while not self.stopping.is_set():
            try:
                # Short polls, with the pause outside moto: a long poll would hold the moto server's lock
                # and stall every other AWS call of the stack for its whole wait.
                if self.poll_once(wait_s=0) == 0:
                    self.stopping.wait(self.idle_pause_s)
            except Exception:
                if self.stopping.is_set():
                    return
                logger.exception("poller failure", extra={"queue": self.source.queue})
                self.stopping.wait(1)

    def poll_once(self, wait_s: int = 0) -> int:
        """Receive one batch and hand it to the function; return how many messages it held."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(10, self.source.batch_size),
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = sqs_event(messages, self.queue_arn, self.sqs.meta.region_name)
        failed_ids: set[str]
        try:
            result = self.functions.invoke(self.source.function, event)
            self.invocations += 1
            if self.source.report_batch_item_failures and isinstance(result, dict):
                failed_ids = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            else:
                failed_ids = set()
        except Exception:
            # A function error fails the whole batch, as it does on Lambda.
            logger.exception("function failed on a batch", extra={"function": self.source.function})
            failed_ids = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed_ids]
        retry = [m for m in messages if m["MessageId"] in failed_ids]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        for m in retry:
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=m["ReceiptHandle"],
                VisibilityTimeout=self.retry_delay_s,
            )
        return len(messages)

    def stop(self) -> None:
        """Ask the thread to finish its current poll and stop."""
        self.stopping.set()


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON_DAILY = re.compile(r"^cron\((\d+) (\d+) \* \* \? \*\)$")


def next_run(expression: str, now: datetime, timezone: str = "UTC") -> datetime:
    """Return when a schedule next fires: rate(N unit), or a daily cron(M H * * ? *) in its time zone."""
    if rate := _RATE.match(expression):
        count, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return now + timedelta(**{f"{unit}s": count})
    if cron := _CRON_DAILY.match(expression):
        minute, hour = int(cron.group(1)), int(cron.group(2))
        local_now = now.astimezone(ZoneInfo(timezone))
        candidate = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if candidate <= local_now:
            candidate += timedelta(days=1)
        return candidate.astimezone(UTC)
    raise ValueError(f"the local scheduler does not understand {expression!r}")


class Scheduler(threading.Thread):
    """Invokes scheduled functions at their times with their Input as the event."""

    def __init__(self, sources: list[ScheduleSource], functions: Invoker) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.functions = functions
        now = datetime.now(UTC)
        self.plan = [[s, next_run(s.expression, now, s.timezone)] for s in sources]
        self.stopping = threading.Event()

    def run(self) -> None:
        """Fire what is due, every second, until stopped."""
        while not self.stopping.wait(1):
            now = datetime.now(UTC)
            for entry in self.plan:
                source, due = entry
                if due <= now:
                    entry[1] = next_run(source.expression, now, source.timezone)
                    try:
                        self.functions.invoke(source.function, dict(source.input))
                    except Exception:
                        logger.exception("scheduled run failed", extra={"schedule": source.name})

    def stop(self) -> None:
        """Stop firing."""
        self.stopping.set()
