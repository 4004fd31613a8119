"""Through the real local stack over HTTP: real files through the presigned POST, a submission, one e-mail."""

import time
import uuid

import pytest
import requests

from tests.kits.submit_kit import FILES, VALID_NIK, form_values

pytestmark = pytest.mark.stack

SERVICE = "sktm"
# One real file of each accepted type, spread over the requirements.
TYPES = ["application/pdf", "image/jpeg", "image/png"]


def _mail_to(stack, address: str, timeout_s: float = 30) -> list[dict]:
    """The mailbox's e-mails to one address, once at least one has arrived (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        mails = [m for m in requests.get(f"{stack.mailbox_url}.json", timeout=10).json() if address in m["to"]]
        if mails or time.monotonic() > deadline:
            return mails
        time.sleep(0.2)


def _upload(api: str, requirement_id: str, content_type: str) -> str:
    content = FILES[content_type]()
    ticket = requests.post(
        f"{api}/uploads",
        json={
            "service_id": SERVICE,
            "requirement_id": requirement_id,
            "filename": f"{requirement_id}.bin",
            "content_type": content_type,
            "size": len(content),
        },
        timeout=10,
    )
    assert ticket.status_code == 201, ticket.text
    ticket = ticket.json()
    # What a browser does with the presigned POST: the fields, then the file, as multipart/form-data.
    posted = requests.post(
        ticket["url"], data=ticket["fields"], files={"file": (requirement_id, content, content_type)}, timeout=10
    )
    assert posted.status_code in (200, 201, 204), posted.text
    return ticket["upload_id"]


def test_real_files_and_a_submission_give_exactly_one_email_in_the_applicants_language(local_stack):
    # Given: every required document uploaded as a real file through its presigned POST
    api = local_stack.api_url
    service = requests.get(f"{api}/services/{SERVICE}", timeout=10).json()
    required = [r["id"] for r in service["requirements"] if r["required"]]
    documents = [
        {"requirement_id": r, "upload_id": _upload(api, r, TYPES[i % len(TYPES)])} for i, r in enumerate(required)
    ]
    address = f"rahayu.{uuid.uuid4().hex[:10]}@example.com"
    body = {
        "service_id": SERVICE,
        "applicant": {"nik": VALID_NIK, "name": "Siti Rahayu", "email": address, "phone": "+62 812-3456-7890"},
        "fields": form_values(service),
        "documents": documents,
        "locale": "en",
        "declaration": True,
    }
    key = str(uuid.uuid4())
    # When: submitted, and sent again as a retry would
    first = requests.post(f"{api}/applications", json=body, headers={"Idempotency-Key": key}, timeout=30)
    retry = requests.post(f"{api}/applications", json=body, headers={"Idempotency-Key": key}, timeout=30)
    # Then
    assert first.status_code == 201, first.text
    assert retry.status_code == 201 and retry.json() == first.json()
    receipt = first.json()
    mails = _mail_to(local_stack, address)
    local_stack.wait_for_queue_drained("NotificationsQueue")
    mails = _mail_to(local_stack, address)
    assert len(mails) == 1
    (mail,) = mails
    assert mail["subject"] == f"Application {receipt['id']} received"
    # no name typed into the request (nobody proved the address is the applicant's), and the link's token
    # derived by the stack's notify function when it sent the e-mail
    assert "Hello," in mail["text"] and "Siti Rahayu" not in mail["text"] + mail["html"]
    assert f"track.html#id={receipt['id']}&token={receipt['access_token']}" in mail["text"]
    assert VALID_NIK not in mail["text"] and VALID_NIK not in mail["html"]
    holder = {"Authorization": f"Bearer {receipt['access_token']}"}
    tracked = requests.get(f"{api}/applications/{receipt['id']}", headers=holder, timeout=10)
    assert tracked.status_code == 200 and tracked.json()["status"] == "SUBMITTED"
    assert tracked.headers["Cache-Control"] == "no-store"
    stranger = requests.get(
        f"{api}/applications/{receipt['id']}", headers={"Authorization": "Bearer not-the-token"}, timeout=10
    )
    assert stranger.status_code == 404
