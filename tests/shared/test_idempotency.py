"""Idempotency-Key handling around Powertools Idempotency, on moto's DynamoDB."""

from typing import Any

import pytest

from devstack.lambda_runtime import LocalContext
from functions.shared.errors import BadRequest, Conflict, Unprocessable
from functions.shared.idempotency import require_key, run_once


@pytest.fixture
def idempotency_table(aws):
    """template.yaml's IdempotencyTable on moto, with every function's environment set."""
    return aws.refs["IdempotencyTable"]


calls: list[dict[str, Any]] = []


def fresh_context() -> LocalContext:
    """A Lambda context with its whole timeout ahead (the in-progress lock lasts as long as the invocation)."""
    return LocalContext(function_name="test")


def record_call(request: dict[str, Any]) -> dict[str, Any]:
    """Count the calls and answer with a number."""
    calls.append(request["payload"])
    return {"id": f"answer-{len(calls)}"}


def ask_again_while_running(request: dict[str, Any]) -> dict[str, Any]:
    """Send the same key again from inside the first request, as a concurrent duplicate would."""
    return run_once(
        ask_again_while_running, request["idempotency_key"], request["payload"], lambda_context=fresh_context()
    )


def test_the_same_key_and_payload_run_once_and_replay_the_answer(idempotency_table):
    # Given
    calls.clear()
    # When
    first = run_once(record_call, "key-aaaa-0001", {"a": 1}, lambda_context=fresh_context())
    second = run_once(record_call, "key-aaaa-0001", {"a": 1}, lambda_context=fresh_context())
    third = run_once(record_call, "key-aaaa-0002", {"a": 1}, lambda_context=fresh_context())
    # Then
    assert first == second == {"id": "answer-1"}
    assert third == {"id": "answer-2"}
    assert len(calls) == 2


def test_the_same_key_with_another_payload_is_refused(idempotency_table):
    # Given
    run_once(record_call, "key-bbbb-0001", {"a": 1}, lambda_context=fresh_context())
    # When / Then
    with pytest.raises(Unprocessable) as refused:
        run_once(record_call, "key-bbbb-0001", {"a": 2}, lambda_context=fresh_context())
    assert refused.value.code == "idempotency_key_reused"


def test_a_duplicate_while_the_first_is_running_is_a_409(idempotency_table):
    # When / Then
    with pytest.raises(Conflict) as busy:
        run_once(ask_again_while_running, "key-cccc-0001", {"a": 1}, lambda_context=fresh_context())
    assert busy.value.code == "request_in_progress"


@pytest.mark.parametrize("header", [None, "", "short", "has spaces in it", "x" * 129])
def test_a_missing_or_malformed_key_is_a_400(header):
    # When / Then
    with pytest.raises(BadRequest) as refused:
        require_key(header)
    assert refused.value.code in {"idempotency_key_required", "idempotency_key_invalid"}
