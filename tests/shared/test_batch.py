"""SQS partial batch responses: only the messages whose handler raised go back to the queue."""

import io

import pytest

from functions.shared.batch import BatchFailed, SQSMessage, process_sqs_batch
from functions.shared.observability import logger


def _event(*bodies: str) -> dict:
    """An SQS event as Lambda delivers it, message ids m-0, m-1, ..."""
    return {
        "Records": [
            {"messageId": f"m-{i}", "receiptHandle": "r", "body": body, "attributes": {}, "eventSource": "aws:sqs"}
            for i, body in enumerate(bodies)
        ]
    }


def _fail_on(*bad: str):
    handled: list[SQSMessage] = []

    def handle(message: SQSMessage) -> None:
        handled.append(message)
        if message.body in bad:
            raise ValueError(f"cannot handle {message.body}")

    return handle, handled


def test_only_the_messages_that_failed_are_given_back_in_their_order():
    # Given
    handle, handled = _fail_on("b", "d")
    # When
    response = process_sqs_batch(_event("a", "b", "c", "d"), handle)
    # Then every message was tried once, and the failed ones are named for SQS to deliver again
    assert [m.body for m in handled] == ["a", "b", "c", "d"]
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-3"}]}


def test_a_batch_that_all_succeeded_gives_nothing_back():
    handle, _ = _fail_on()
    assert process_sqs_batch(_event("a", "b"), handle) == {"batchItemFailures": []}
    assert process_sqs_batch({"Records": []}, handle) == {"batchItemFailures": []}


def test_a_batch_that_all_failed_raises_unless_told_to_report_it():
    # Given
    handle, _ = _fail_on("a", "b")
    # When / Then: by default Lambda sees an error
    with pytest.raises(BatchFailed, match="all 2 messages"):
        process_sqs_batch(_event("a", "b"), handle)
    # And a consumer for which a failed send is no function error reports every message instead
    response = process_sqs_batch(_event("a", "b"), handle, raise_when_all_fail=False)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-0"}, {"itemIdentifier": "m-1"}]}


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What the functions' logger writes during the test."""
    stream = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", stream)
    return stream


def test_what_is_logged_or_raised_names_no_content_of_a_message(logged):
    # Given a handler whose error quotes the message, personal data and all
    handle, _ = _fail_on("rahasia.pribadi@example.com")
    # When
    with pytest.raises(BatchFailed) as failed:
        process_sqs_batch(_event("rahasia.pribadi@example.com"), handle)
    # Then only the kind of error travels on
    assert "rahasia" not in str(failed.value) and "ValueError" in str(failed.value)
    assert "rahasia" not in logged.getvalue()
    assert "ValueError" in logged.getvalue()
