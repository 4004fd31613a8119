"""Verification, the public key, the signed status list and revocation of issued documents."""

import datetime as dt
import json
from typing import Any

import boto3
import pytest
import time_machine

from functions.issue.status_list import STATUS_LIST_BLOCK, decode_bits, is_set
from functions.shared.applications import Status
from functions.shared.clock import JAKARTA
from functions.shared.documents import document_number
from tests.kits.issue_kit import REGION, IssueWorker, issue_job, verify_with_jwks

ADMIN = {"username": "admin-dki", "cognito:groups": "[officer admin]"}
OFFICER = {"username": "petugas", "cognito:groups": "[officer]"}
ISSUED_AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA)


@pytest.fixture
def issued(citizen: Any, officer: Any, aws: Any) -> Any:
    """Return a function that submits, approves and issues an application (at ISSUED_AT); it returns the document."""
    worker = IssueWorker(aws, boto3.client("sqs", region_name=REGION))
    documents = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["DocumentsTable"])

    def make(service_id: str = "iptm_perpanjangan") -> dict[str, Any]:
        with time_machine.travel(ISSUED_AT, tick=False):
            receipt = citizen.submit(citizen.body(service_id)).body
            officer.move(receipt["id"], Status.IN_REVIEW, Status.APPROVED)
            worker.put(issue_job(receipt["id"]))
            worker.run()
        item = documents.get_item(Key={"number": document_number(receipt["id"])})["Item"]
        return {**item, "receipt": receipt}

    return make


@pytest.fixture
def the_next_day() -> Any:
    """Run the test the day after ISSUED_AT: the e-mails queued then are delivered within their queue's retention."""
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=1), tick=True):
        yield


def _status_bits(api: Any) -> tuple[dict[str, Any], bytes]:
    response = api.get("/api/status-list")
    assert response.status == 200, response.body
    payload = verify_with_jwks(response.body["status_list"], api.get("/api/.well-known/jwks.json").body)
    return payload, decode_bits(payload["bits"])


def test_a_valid_document_verifies_with_the_facts_printed_on_it(issued, api):
    # Given
    document = issued()
    # When
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=30), tick=False):
        response = api.get(f"/api/documents/{document['number'].lower()}/verify")
    # Then
    assert response.status == 200
    assert response.body == {
        "number": document["number"],
        "status": "valid",
        "reason": None,
        "revoked_at": None,
        "service_id": "iptm_perpanjangan",
        "holder_name": "Siti Rahayu",
        "issued_at": "2026-12-02T10:00:00.000+07:00",
        "valid_until": "2029-12-02",
    }


def test_a_document_past_its_last_day_is_expired(issued, api):
    # Given a permit valid 36 months, until 2 December 2029
    document = issued()
    # When
    with time_machine.travel(dt.datetime(2029, 12, 2, 23, 59, tzinfo=JAKARTA), tick=False):
        last_day = api.get(f"/api/documents/{document['number']}/verify").body["status"]
    with time_machine.travel(dt.datetime(2029, 12, 3, 0, 1, tzinfo=JAKARTA), tick=False):
        day_after = api.get(f"/api/documents/{document['number']}/verify").body["status"]
    # Then
    assert (last_day, day_after) == ("valid", "expired")


@pytest.mark.parametrize("number", ["DOK-2612-ZZZZZZ", "SP-2612-ZZZZZZ", "nonsense", "~status-list"])
def test_an_unknown_number_is_a_clear_404(api, number):
    # When
    response = api.get(f"/api/documents/{number}/verify")
    # Then
    assert response.status == 404 and response.body["error"]["code"] == "document_not_found"


def test_the_jwks_publishes_one_p256_key_named_by_its_thumbprint(api):
    # When
    response = api.get("/api/.well-known/jwks.json")
    # Then
    (key,) = response.body["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
    assert key["kid"] == boto3_thumbprint(key)
    assert "public" in response.headers["Cache-Control"]


def boto3_thumbprint(key: dict[str, str]) -> str:
    """RFC 7638 thumbprint computed by joserfc-free means: the canonical JSON, SHA-256, base64url."""
    import base64
    import hashlib

    canonical = json.dumps({k: key[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def test_the_status_list_is_signed_and_has_at_least_131072_entries_none_revoked(issued, api):
    # Given
    issued()
    # When
    payload, bits = _status_bits(api)
    # Then
    assert len(bits) * 8 >= STATUS_LIST_BLOCK == 131_072
    assert not any(bits)
    assert payload["ttl"] > 0 and payload["iat"] > 0


def test_an_admin_revokes_a_document_and_every_verifier_and_the_holder_are_told(
    the_next_day, issued, api, postman, citizen
):
    # Given
    document = issued()
    _status_bits(api)  # a list signed before the revocation must not be served after it
    # When
    response = api.post(
        f"/api/officer/documents/{document['number']}/revoke",
        {"reason": "Diterbitkan berdasarkan dokumen yang tidak benar."},
        claims=ADMIN,
    )
    # Then
    assert response.status == 200 and response.body["status"] == "revoked"
    verified = api.get(f"/api/documents/{document['number']}/verify").body
    assert (verified["status"], verified["reason"]) == ("revoked", "Diterbitkan berdasarkan dokumen yang tidak benar.")
    _, bits = _status_bits(api)
    assert is_set(bits, int(document["status_index"])) and sum(bin(b).count("1") for b in bits) == 1
    postman.deliver()
    (mail,) = [m for m in postman.sent() if "dicabut" in m.subject]
    assert document["number"] in mail.text and "dokumen yang tidak benar" in mail.text
    receipt = document["receipt"]
    shown = citizen.track(receipt["id"], receipt["access_token"]).body["document"]
    assert (shown["status"], shown["download_url"]) == ("revoked", None)


def test_revoking_twice_is_a_conflict_and_tells_the_holder_once(the_next_day, issued, api, postman):
    # Given
    document = issued()
    path = f"/api/officer/documents/{document['number']}/revoke"
    api.post(path, {"reason": "Izin dicabut atas permintaan pemegang."}, claims=ADMIN)
    # When
    again = api.post(path, {"reason": "Izin dicabut atas permintaan pemegang."}, claims=ADMIN)
    # Then
    assert again.status == 409 and again.body["error"]["code"] == "already_revoked"
    postman.deliver()
    assert len([m for m in postman.sent() if "dicabut" in m.subject]) == 1


def test_only_an_admin_may_revoke_and_a_reason_is_required(issued, api):
    # Given
    document = issued()
    path = f"/api/officer/documents/{document['number']}/revoke"
    body = {"reason": "Diterbitkan berdasarkan dokumen yang tidak benar."}
    # When
    anonymous = api.post(path, body)
    officer = api.post(path, body, claims=OFFICER)
    no_reason = api.post(path, {"reason": "  "}, claims=ADMIN)
    unknown = api.post("/api/officer/documents/DOK-2612-ZZZZZZ/revoke", body, claims=ADMIN)
    # Then
    assert (anonymous.status, officer.status, no_reason.status, unknown.status) == (401, 403, 422, 404)
    assert api.get(f"/api/documents/{document['number']}/verify").body["status"] == "valid"


def test_the_holder_sees_a_permit_past_its_last_day_as_expired_and_can_still_download_it(issued, citizen):
    # Given a permit valid until 2 December 2029
    receipt = issued()["receipt"]
    # When
    with time_machine.travel(dt.datetime(2029, 12, 3, 8, 0, tzinfo=JAKARTA), tick=False):
        shown = citizen.track(receipt["id"], receipt["access_token"]).body["document"]
    # Then
    assert shown["status"] == "expired" and shown["download_url"]
