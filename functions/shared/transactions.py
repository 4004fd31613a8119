"""DynamoDB transactions for every stored item: one call that retries what may be retried and names what failed.

Applications, consultations and bookings each change several items at once (the item, its counters,
its guards, the notification outbox). `transact` runs such a change as one TransactWriteItems and,
when DynamoDB cancels it, says which of the caller's items failed its condition, so the caller can
answer in the domain's words (a taken number, a full slot, a stale status) instead of a 500.
"""

import random
import time
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from functions.shared.dynamo import to_item

# Cancellation reasons that say "try again", not "no": another transaction held an item, or a
# partition was throttled. Real DynamoDB answers TransactionConflict under contention (DynamoDB
# Local never does), so the retry path is exercised by tests that inject it.
RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
# Errors of the whole call that say "try again": DynamoDB Local answers a lock wait that timed out under a
# rush with InternalServerError. Whether such an attempt committed is not known, so every attempt of one
# `transact` carries the same ClientRequestToken: a retry of an attempt that did commit changes nothing.
RETRYABLE_ERRORS = frozenset({"InternalServerError", "TransactionInProgressException"})
MAX_ATTEMPTS = 6


class TransactionCancelled(Exception):
    """A condition failed; `failed` are the indices (in the items given) whose condition failed."""

    def __init__(self, failed: list[int]) -> None:
        super().__init__(f"conditions failed at {failed}")
        self.failed = failed

    def shifted(self, by: int) -> "TransactionCancelled":
        """Return the same failure with indices as a caller saw them, that put `by` items of its own first."""
        return TransactionCancelled([i - by for i in self.failed if i >= by])


class TransactionNotCommitted(Exception):
    """DynamoDB kept cancelling for retryable reasons (conflicts, throttling) after every attempt."""


@cache
def _serializer() -> Any:
    # boto3 loads on first use, not at import: it is a third of a cold start.
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def attr(value: Any) -> dict[str, Any]:
    """Return a Python value as a DynamoDB attribute value (floats as Decimal), for the low-level client."""
    return _serializer().serialize(to_item(value))


def item(values: dict[str, Any]) -> dict[str, Any]:
    """Return a whole item as DynamoDB attribute values."""
    return {name: attr(value) for name, value in values.items()}


def transact(
    db: Any,
    items: Sequence[dict[str, Any]],
    *,
    attempts: int = MAX_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run TransactWriteItems, retrying conflicts and throttling with jittered backoff.

    :raises TransactionCancelled: a condition failed (never retried: the answer is no).
    :raises TransactionNotCommitted: still cancelled for retryable reasons after `attempts`.
    """
    import uuid

    from botocore.exceptions import ClientError

    token = uuid.uuid4().hex
    for attempt in range(attempts):
        try:
            db.transact_write_items(TransactItems=list(items), ClientRequestToken=token)
            return
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in RETRYABLE_ERRORS:
                if attempt < attempts - 1:
                    sleep(random.uniform(0, 0.05 * 2**attempt))
                continue
            if code not in {"TransactionCanceledException", "TransactionConflictException"}:
                raise
            codes = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            failed = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            if failed:
                raise TransactionCancelled(failed) from None
            if codes and not RETRYABLE_REASONS.intersection(codes):
                raise
        if attempt < attempts - 1:
            sleep(random.uniform(0, 0.05 * 2**attempt))
    raise TransactionNotCommitted(f"cancelled {attempts} times by conflicts or throttling")
