"""Concurrent submissions, each in its own process (as separate Lambda instances are), against moto's server.

In-process moto is not thread-safe, and one process would share Powertools' router state, so each
submission runs in a separate Python process talking to one moto server that serialises requests
(as DynamoDB serialises writes to an item).
"""

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from devstack import resources as res
from devstack.gateway import http_api_event
from devstack.moto_server import MotoServer
from devstack.template import Route, load_template
from functions.shared.aws import reset_clients
from functions.shared.catalogue import put_catalogue
from functions.shared.settings import reset_settings
from tests.kits.submit_kit import ONE_DOCUMENT_SERVICE, VALID_NIK, form_values, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "tests" / "kits" / "submission_worker.py"
REGION = "ap-southeast-3"
RACERS = 10


@pytest.fixture(scope="module")
def stack() -> Any:
    """A moto server with template.yaml's resources, the one-document service, and the submit function's env."""
    server = MotoServer("127.0.0.1", 0)
    server.start()
    with pytest.MonkeyPatch.context() as env:
        for name, value in res.fake_aws_environment(server.url).items():
            env.setenv(name, value)
        session = boto3.session.Session(region_name=REGION)
        created, _, environment = res.provision(
            session, load_template(), "race", "http://127.0.0.1:3000", functions=["SubmitFunction"]
        )
        for name, value in environment.items():
            env.setenv(name, value)
        reset_settings()
        reset_clients()
        from seed.catalogue import load_services

        service = next(s for s in load_services() if s["id"] == ONE_DOCUMENT_SERVICE)
        put_catalogue(session.resource("dynamodb").Table(created.refs["CatalogueTable"]), [service], [])
        yield created, session
        reset_settings()
        reset_clients()
    server.stop()


def _event(method: str, path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    request = Request(EnvironBuilder(path=path, method=method, headers=headers, json=body).get_environ())
    return http_api_event(request, Route("SubmitFunction", method, path), {}, None)


def _upload(session: Any) -> str:
    """Ask for an upload in-process and POST a real PDF to the moto server through the presigned form."""
    from functions.submit.app import lambda_handler

    body = {
        "service_id": ONE_DOCUMENT_SERVICE,
        "requirement_id": "fc_iptb",
        "filename": "iptb.pdf",
        "content_type": "application/pdf",
        "size": len(pdf_bytes()),
    }
    from devstack.lambda_runtime import LocalContext

    result = lambda_handler(_event("POST", "/api/uploads", body, {}), LocalContext(function_name="SubmitFunction"))
    ticket = json.loads(result["body"])
    posted = requests.post(
        ticket["url"], data=ticket["fields"], files={"file": ("iptb.pdf", pdf_bytes(), "application/pdf")}, timeout=10
    )
    assert posted.status_code in (200, 201, 204)
    return ticket["upload_id"]


def _submission(upload_id: str) -> dict[str, Any]:
    from seed.catalogue import load_services

    service = next(s for s in load_services() if s["id"] == ONE_DOCUMENT_SERVICE)
    return {
        "service_id": ONE_DOCUMENT_SERVICE,
        "applicant": {"nik": VALID_NIK, "name": "Siti Rahayu", "email": "siti@example.id", "phone": "081234567890"},
        "fields": form_values(service),
        "documents": [{"requirement_id": "fc_iptb", "upload_id": upload_id}],
        "locale": "id",
        "declaration": True,
    }


def _race(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Start one worker process per event, release them together, return what each answered."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER)],
            cwd=ROOT,
            # This checkout's `functions`, whatever package an installed copy points at.
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in events
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready"
        for worker, event in zip(workers, events, strict=True):
            worker.stdin.write(json.dumps(event))
            worker.stdin.close()
        answers = [json.loads(worker.stdout.readline()) for worker in workers]
    finally:
        for worker in workers:
            worker.wait(timeout=60)
    return answers


def _applications(stack: Any) -> list[dict[str, Any]]:
    created, session = stack
    return session.resource("dynamodb").Table(created.refs["ApplicationsTable"]).scan()["Items"]


def test_ten_concurrent_submissions_with_one_key_make_exactly_one_application(stack):
    # Given
    _, session = stack
    before = len(_applications(stack))
    key = str(uuid.uuid4())
    event = _event("POST", "/api/applications", _submission(_upload(session)), {"Idempotency-Key": key})
    # When
    answers = _race([event] * RACERS)
    # Then
    statuses = Counter(a["status"] for a in answers)
    assert set(statuses) <= {201, 409} and statuses[201] >= 1, answers
    assert all(a["body"]["error"]["code"] == "request_in_progress" for a in answers if a["status"] == 409)
    receipts = {(a["body"]["id"], a["body"]["access_token"]) for a in answers if a["status"] == 201}
    assert len(receipts) == 1
    applications = _applications(stack)
    assert len(applications) == before + 1
    assert {a["id"] for a in applications} >= {next(iter(receipts))[0]}


def test_ten_concurrent_submissions_of_one_upload_under_different_keys_attach_it_once(stack):
    # Given
    _, session = stack
    before = len(_applications(stack))
    body = _submission(_upload(session))
    events = [_event("POST", "/api/applications", body, {"Idempotency-Key": str(uuid.uuid4())}) for _ in range(10)]
    # When
    answers = _race(events)
    # Then
    statuses = Counter(a["status"] for a in answers)
    assert statuses == {201: 1, 422: RACERS - 1}, answers
    assert {a["body"]["error"]["code"] for a in answers if a["status"] == 422} == {"upload_already_used"}
    assert len(_applications(stack)) == before + 1
