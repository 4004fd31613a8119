"""SQS batches with partial failures: each message handled on its own, and only the failed ones given back to SQS.

This is what Powertools' `BatchProcessor` with `process_partial_response` does for SQS, in a page. Importing that
utility brings asyncio and every Powertools event class, about 30 ms of each cold start of a queue consumer, which
put the notify function over the design's cold-start bar (bench/README.md). The protocol is Lambda's
`ReportBatchItemFailures` (set on each event source in template.yaml): the answer names the messages to deliver
again; SQS deletes the rest.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from functions.shared.observability import logger


@dataclass(frozen=True)
class SQSMessage:
    """One message of an SQS event, as a handler reads it."""

    message_id: str
    body: str


class BatchFailed(Exception):
    """Every message of a batch failed: raised so that Lambda counts an error and SQS delivers them all again."""


def process_sqs_batch(
    event: Mapping[str, Any], handle: Callable[[SQSMessage], None], *, raise_when_all_fail: bool = True
) -> dict[str, list[dict[str, str]]]:
    """Handle each message of an SQS event in turn; return the ids of those whose handler raised.

    :raises BatchFailed: when every message failed and raise_when_all_fail is set.
    """
    records = event["Records"]
    failed: list[dict[str, str]] = []
    errors: set[str] = set()
    for record in records:
        message = SQSMessage(message_id=record["messageId"], body=record["body"])
        try:
            handle(message)
        except Exception as error:
            # The handler has logged what it knows; only the kind of error is kept here, since a message may
            # quote the personal data it was about.
            failed.append({"itemIdentifier": message.message_id})
            errors.add(type(error).__name__)
    if failed:
        logger.warning(
            "messages left on the queue to be delivered again",
            extra={"failed": len(failed), "of": len(records), "error_types": sorted(errors)},
        )
    if records and len(failed) == len(records) and raise_when_all_fail:
        raise BatchFailed(f"all {len(records)} messages of the batch failed ({', '.join(sorted(errors))})")
    return {"batchItemFailures": failed}
