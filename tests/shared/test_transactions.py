"""The one transaction helper: conflicts and throttling are retried, a failed condition is named, never retried."""

import pytest
from botocore.exceptions import ClientError

from functions.shared.transactions import TransactionCancelled, TransactionNotCommitted, transact


def _cancelled(*codes: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
            "CancellationReasons": [{"Code": code} for code in codes],
        },
        "TransactWriteItems",
    )


class _Db:
    """A DynamoDB client whose first transactions fail as told, then succeed."""

    def __init__(self, *failures: ClientError) -> None:
        self.failures = list(failures)
        self.calls = 0
        self.tokens: list[str] = []

    def transact_write_items(self, TransactItems, ClientRequestToken):
        self.calls += 1
        self.tokens.append(ClientRequestToken)
        if self.failures:
            raise self.failures.pop(0)
        return {}


def test_a_conflict_and_a_throttled_partition_are_retried_until_the_transaction_commits():
    # Given
    db = _Db(_cancelled("None", "TransactionConflict"), _cancelled("ThrottlingError", "None"))
    # When
    transact(db, [{}, {}], sleep=lambda _: None)
    # Then
    assert db.calls == 3


def test_a_failed_condition_names_the_items_and_is_not_retried():
    # Given
    db = _Db(_cancelled("None", "ConditionalCheckFailed", "TransactionConflict", "ConditionalCheckFailed"))
    # When
    with pytest.raises(TransactionCancelled) as cancelled:
        transact(db, [{}] * 4, sleep=lambda _: None)
    # Then
    assert cancelled.value.failed == [1, 3]
    assert db.calls == 1
    assert cancelled.value.shifted(1).failed == [0, 2]


def test_endless_conflicts_end_in_a_clear_error_after_the_attempts():
    # Given
    db = _Db(*[_cancelled("TransactionConflict")] * 10)
    # When / Then
    with pytest.raises(TransactionNotCommitted):
        transact(db, [{}], attempts=4, sleep=lambda _: None)
    assert db.calls == 4


def test_another_error_is_raised_as_it_came():
    db = _Db(ClientError({"Error": {"Code": "ValidationException", "Message": "bad"}}, "TransactWriteItems"))
    with pytest.raises(ClientError, match="ValidationException"):
        transact(db, [{}], sleep=lambda _: None)


def test_a_call_that_may_have_committed_is_retried_with_the_same_request_token():
    # Given an attempt that timed out waiting for a lock (outcome unknown), then one that commits
    timed_out = ClientError({"Error": {"Code": "InternalServerError", "Message": "lock wait"}}, "TransactWriteItems")
    db = _Db(timed_out, _cancelled("TransactionConflict"))
    # When
    transact(db, [{}], sleep=lambda _: None)
    # Then it was tried again, always as the same request, so DynamoDB applies it at most once
    assert db.calls == 3
    assert len(set(db.tokens)) == 1 and len(db.tokens[0]) <= 36
