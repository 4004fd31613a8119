"""Once an application or a question is stored, nothing that follows (logs, metrics, the queue) turns it into an error.

Seen on the local stack: a submission was stored, then Powertools' Metrics raised `SchemaValidationError: Must
contain a metric namespace` on its 100th value, the citizen got a 500, and the retry found its uploads taken.
"""

from typing import Any

import pytest

from tests.kits.submit_kit import image_bytes


@pytest.fixture
def metrics_one_value_short_of_a_flush_without_a_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Powertools' Metrics as the shared interpreter left it: no namespace, 99 values waiting (never flushed)."""
    from functions.shared.observability import metrics

    provider = metrics.provider
    monkeypatch.setattr(provider, "namespace", None)
    waiting = dict(provider.metric_set)
    provider.metric_set.clear()
    for _ in range(99):
        provider.add_metric(name="ApplicationsSubmitted", unit="Count", value=1)
    yield
    provider.metric_set.clear()
    provider.metric_set.update(waiting)


@pytest.fixture
def failing_log_line(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the logger raise on one message (a log handler that fails)."""
    from functions.shared.observability import logger

    real_info = logger.info

    def fail_on(message: str) -> None:
        def info(msg: object, *args: Any, **kwargs: Any) -> None:
            if msg == message:
                raise OSError("the log is unavailable")
            real_info(msg, *args, **kwargs)

        monkeypatch.setattr(logger, "info", info)

    return fail_on


def test_a_metric_that_fails_after_the_commit_still_answers_201_and_a_retry_gets_the_same_application(
    citizen, tables, queued, metrics_one_value_short_of_a_flush_without_a_namespace
):
    # Given
    body = citizen.body()
    key = "retry-after-a-metric-failure"
    # When
    first = citizen.submit(body, key=key)
    retry = citizen.submit(body, key=key)
    # Then
    assert first.status == 201, first.body
    assert retry.status == 201 and retry.body == first.body
    stored = tables["ApplicationsTable"].get_item(Key={"id": first.body["id"]})["Item"]
    assert stored["status"] == "SUBMITTED"
    assert [m["facts"]["application_id"] for m in queued()] == [first.body["id"]]


def test_a_log_line_that_fails_after_the_commit_still_answers_201_and_queues_the_email(
    citizen, tables, queued, failing_log_line
):
    # Given
    failing_log_line("application submitted")
    # When
    response = citizen.submit(citizen.body())
    # Then
    assert response.status == 201, response.body
    assert tables["ApplicationsTable"].get_item(Key={"id": response.body["id"]})["Item"]["status"] == "SUBMITTED"
    assert [m["facts"]["application_id"] for m in queued()] == [response.body["id"]]


def test_completing_a_returned_application_answers_200_when_a_step_after_the_commit_fails(
    citizen, officer, tables, failing_log_line
):
    # Given
    receipt = citizen.submit(citizen.body("sktm")).body
    officer.returns(receipt["id"], ["fc_kk"])
    new_kk = citizen.upload("sktm", "fc_kk", image_bytes("JPEG"), content_type="image/jpeg")
    failing_log_line("returned application completed")
    # When
    response = citizen.api.post(
        f"/api/applications/{receipt['id']}/documents",
        {"documents": [{"requirement_id": "fc_kk", "upload_id": new_kk}]},
        headers={"Authorization": f"Bearer {receipt['access_token']}"},
    )
    # Then
    assert response.status == 200, response.body
    assert tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]["status"] == "SUBMITTED"


def test_a_question_is_answered_201_when_a_step_after_the_commit_fails(
    api, catalogue, tables, queued, failing_log_line
):
    # Given
    failing_log_line("consultation received")
    question = {
        "name": "Budi Santoso",
        "email": "budi@example.id",
        "question": "Apakah SKTM bisa diurus di kelurahan tempat saya tinggal sekarang?",
        "locale": "id",
    }
    # When
    response = api.post("/api/consultations", question)
    # Then
    assert response.status == 201, response.body
    assert tables["ConsultationsTable"].get_item(Key={"id": response.body["id"]})["Item"]["status"] == "OPEN"
    assert [m["event"] for m in queued()] == ["consultation.received"]
