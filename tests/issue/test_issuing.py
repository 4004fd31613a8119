"""The issue worker: an approved application becomes one signed permit, one PDF and one e-mail, whatever fails.

Approval itself (the officer decision route) is not driven here: the application is moved to APPROVED with
the shared `transition`, and the issue job is put on the queue exactly as the approval writes it.
"""

import datetime as dt
import json
from typing import Any

import boto3
import pytest

from functions.shared import aws as shared_aws
from functions.shared.applications import Status
from functions.shared.clock import JAKARTA
from functions.shared.documents import STATUS_LIST_COUNTER, document_number
from tests.kits.issue_kit import (
    REGION,
    IssueWorker,
    issue_job,
    pdf_pages,
    read_qr_from_pdf,
    token_of,
    verify_with_jwks,
)
from tests.kits.submit_kit import VALID_NIK

SERVICE_WITH_VALIDITY = "iptm_perpanjangan"  # valid 36 months


@pytest.fixture
def worker(aws: Any) -> IssueWorker:
    """Runs the issue function over the issue-jobs queue."""
    return IssueWorker(aws, boto3.client("sqs", region_name=REGION))


@pytest.fixture
def approved(citizen: Any, officer: Any) -> Any:
    """Return a function that submits an application and takes it to APPROVED; it returns the receipt."""

    def make(service_id: str = SERVICE_WITH_VALIDITY, **overrides: Any) -> dict[str, Any]:
        response = citizen.submit(citizen.body(service_id, **overrides))
        assert response.status == 201, response.body
        officer.move(response.body["id"], Status.IN_REVIEW, Status.APPROVED)
        return response.body

    return make


def _documents(tables: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in tables["DocumentsTable"].scan(ConsistentRead=True)["Items"] if not i["number"].startswith("~")]


def _pdf_objects(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _issued_mails(postman: Any) -> list[Any]:
    postman.deliver()
    return [m for m in postman.sent() if "terbit" in m.subject or "issued" in m.subject]


def test_an_approved_application_becomes_a_signed_one_page_pdf_whose_qr_verifies(
    approved, worker, tables, s3, aws, api, citizen
):
    # Given
    receipt = approved()
    worker.put(issue_job(receipt["id"]))
    # When
    worker.run()
    # Then the application is ISSUED and its document recorded
    record = tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]
    assert record["status"] == "ISSUED" and record["history"][-1]["actor"] == "system:issuer"
    (document,) = _documents(tables)
    assert document["number"] == document_number(receipt["id"]) and document["status"] == "valid"
    assert document["decision_ref"] == f"{receipt['id']}#3" and document["approved_by"] == "petugas"
    assert document["valid_until"] > document["issued_at"][:10]
    # And the PDF is one page whose QR code opens the verify page with a JWS any JOSE library verifies
    pdf = s3.get_object(Bucket=aws.refs["DocumentsBucket"], Key=document["pdf_key"])["Body"].read()
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1
    url = read_qr_from_pdf(pdf)
    assert url.startswith("http://127.0.0.1:3000/verify.html#") and url.split("#", 1)[1].isdigit()
    token = token_of(url)
    assert token == document["token"]
    jwks = api.get("/api/.well-known/jwks.json").body
    payload = verify_with_jwks(token, jwks)
    assert payload == {
        "n": document["number"],
        "s": SERVICE_WITH_VALIDITY,
        "h": "Siti Rahayu",
        "i": document["issued_at"][:10],
        "v": document["valid_until"],
        "o": "DPMPTSP Provinsi DKI Jakarta",
        "x": 0,
    }
    assert VALID_NIK not in url and VALID_NIK not in json.dumps(payload)
    # And the citizen's tracking page offers the PDF
    shown = citizen.track(receipt["id"], receipt["access_token"]).body["document"]
    assert shown["number"] == document["number"] and "Expires=" in shown["download_url"]


def test_the_same_job_delivered_three_times_issues_one_document_and_one_email(
    approved, worker, tables, s3, aws, postman
):
    # Given the job queued twice (an approval retried) and delivered once more later (SQS at least once)
    receipt = approved()
    worker.put(issue_job(receipt["id"]))
    worker.put(issue_job(receipt["id"]))
    # When
    worker.run(polls=3)
    worker.put(issue_job(receipt["id"]))
    worker.run(polls=3)
    # Then
    assert len(_documents(tables)) == 1
    assert len(_pdf_objects(s3, aws.refs["DocumentsBucket"])) == 1
    assert tables["DocumentsTable"].get_item(Key={"number": STATUS_LIST_COUNTER})["Item"]["next_index"] == 1
    assert worker.in_queue() == 0
    stats = tables["StatsTable"].get_item(Key={"pk": "TOTALS", "sk": "-"})["Item"]
    assert (stats["issued"], stats["in_process"]) == (1, 0)
    assert len(_issued_mails(postman)) == 1


def test_documents_take_successive_status_list_indices(approved, worker, tables):
    # Given
    first, second = approved(), approved()
    worker.put(issue_job(first["id"]))
    worker.put(issue_job(second["id"]))
    # When
    worker.run(polls=3)
    # Then
    assert sorted(int(d["status_index"]) for d in _documents(tables)) == [0, 1]


def _fail(service: str, operation: str, times: int) -> Any:
    """Make the shared client's `operation` fail `times` times (botocore's own event hook), as an outage would."""
    from botocore.exceptions import ClientError

    left = {"n": times}

    def refuse(**_: Any) -> None:
        if left["n"] > 0:
            left["n"] -= 1
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "injected"}}, operation)

    shared_aws.client(service).meta.events.register(f"before-call.{service}.{operation}", refuse)
    return left


@pytest.mark.parametrize(
    ("service", "operation"),
    [("kms", "Sign"), ("s3", "PutObject"), ("dynamodb", "TransactWriteItems")],
)
def test_a_failing_kms_s3_or_dynamodb_call_leaves_the_job_to_be_retried_and_loses_nothing(
    approved, worker, tables, s3, aws, postman, service, operation
):
    # Given
    receipt = approved()
    worker.put(issue_job(receipt["id"]))
    # Transactions are retried inside one attempt on conflicts only; an outage fails the attempt.
    _fail(service, operation, times=2)
    # When the first two deliveries fail
    worker.run(polls=1)
    worker.run(polls=1)
    # Then nothing was issued, nothing is left half-done, and the job is still queued
    assert _documents(tables) == []
    assert _pdf_objects(s3, aws.refs["DocumentsBucket"]) == []
    assert tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]["status"] == "APPROVED"
    assert worker.in_queue() == 1
    # When the service is back
    worker.run(polls=2)
    # Then exactly one document and one e-mail
    assert len(_documents(tables)) == 1 and worker.in_queue() == 0
    assert len(_issued_mails(postman)) == 1


def test_a_job_that_keeps_failing_is_kept_in_the_dead_letter_queue(approved, worker, tables):
    # Given KMS down for good
    receipt = approved()
    worker.put(issue_job(receipt["id"]))
    _fail("kms", "Sign", times=100)
    # When it is delivered as often as the queue allows (5 receives), and once more
    worker.run(polls=1)
    for _ in range(5):
        worker.run(polls=1)
    # Then it rests in the dead-letter queue, and the application waits APPROVED
    assert worker.in_queue() == 0 and worker.in_queue("IssueJobsDLQ") == 1
    assert tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]["status"] == "APPROVED"


def test_a_job_for_an_application_that_is_not_approved_is_kept_not_dropped(citizen, worker, tables):
    # Given a submitted application nobody approved, and a job that is not even readable
    receipt = citizen.submit(citizen.body()).body
    worker.put(issue_job(receipt["id"]))
    worker.put('{"job": "issue_document"}')
    # When
    for _ in range(6):
        worker.run(polls=1)
    # Then neither is carried out, and both wait for an operator
    assert _documents(tables) == []
    assert worker.in_queue("IssueJobsDLQ") == 2


def test_a_delivery_that_loses_the_race_to_another_discards_its_pdf_and_sends_nothing(
    approved, worker, tables, s3, aws, postman, monkeypatch
):
    # Given one delivery has issued the permit, and a second one that read before it committed (it saw no document)
    from functions.issue import issuing

    receipt = approved()
    worker.put(issue_job(receipt["id"]))
    worker.run()
    real_get_document = issuing.get_document
    stale = {"reads": 0}

    def read_before_the_other_committed(table: Any, number: str) -> Any:
        stale["reads"] += 1
        return None if stale["reads"] == 1 else real_get_document(table, number)

    monkeypatch.setattr(issuing, "get_document", read_before_the_other_committed)
    application = tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]
    # When it goes on (it read the application while still APPROVED)
    from functions.issue import app
    from functions.shared.applications import ApplicationRecord

    approved_then = ApplicationRecord.model_validate(
        {**application, "status": "APPROVED", "version": int(application["version"]) - 1}
    )
    monkeypatch.setattr(issuing, "get_application", lambda table, application_id: approved_then)
    outcome = issuing.issue_document(
        issuing.IssueJob.model_validate_json(issue_job(receipt["id"])), app.issuer(), dt.datetime.now(JAKARTA)
    )
    # Then it stands down: one document, one PDF, one e-mail
    assert outcome.outcome == issuing.Outcome.ALREADY_ISSUED
    assert len(_documents(tables)) == 1 and len(_pdf_objects(s3, aws.refs["DocumentsBucket"])) == 1
    assert len(_issued_mails(postman)) == 1


def test_a_status_list_index_taken_meanwhile_makes_the_issuer_take_the_next(approved, worker, tables, monkeypatch):
    # Given the counter moved on after this issuer read it (another document took index 0)
    from functions.issue import issuing
    from functions.shared import documents

    receipt = approved()
    tables["DocumentsTable"].put_item(Item={"number": STATUS_LIST_COUNTER, "next_index": 1})
    stale = [0]

    def read_next_index(table: Any) -> int:
        return stale.pop() if stale else documents.read_next_index(table)

    monkeypatch.setattr(issuing, "read_next_index", read_next_index)
    worker.put(issue_job(receipt["id"]))
    # When
    worker.run()
    # Then the document has index 1, and the counter stands at 2
    (document,) = _documents(tables)
    assert document["status_index"] == 1
    assert tables["DocumentsTable"].get_item(Key={"number": STATUS_LIST_COUNTER})["Item"]["next_index"] == 2
