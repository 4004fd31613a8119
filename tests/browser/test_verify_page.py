"""The verify page on the local stack: a permit's QR link judged genuine, revoked, tampered, or from the offline cache.

The permit comes from the real path: a citizen applies through the API, the application is approved with the
shared `transition` and the issue job is queued exactly as the officer decision queues it (the officer console is
not driven here), the stack's issue worker renders it, and the PDF is downloaded through the tracking link and
its QR code read back with poppler and zbar.
"""

import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Page, expect

from functions.issue.qr import from_digits, to_digits
from functions.issue.signing import b64url, b64url_decode, compact_json
from functions.shared import clock
from functions.shared.applications import Status, Tables, get_application, transition

pytestmark = pytest.mark.browser

VERDICT_WAIT_MS = 30_000
# Resolves once the page is controlled by its service worker (a function, not a string: the CSP forbids eval).
CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    const container = navigator.serviceWorker;
    await new Promise((resolve) => container.addEventListener("controllerchange", resolve, { once: true }));
  }
}"""


def _approve_and_queue(local_stack: Any, application_id: str) -> None:
    """Play the officer who approves: move the application to APPROVED and queue the issue job as approval does."""
    resources = local_stack.info["resources"]
    tables = Tables(applications=resources["ApplicationsTable"], stats=resources["StatsTable"])
    db = local_stack.client("dynamodb")
    record = get_application(local_stack.resource("dynamodb").Table(tables.applications), application_id)
    assert record is not None
    for status in (Status.IN_REVIEW, Status.APPROVED):
        record = transition(db, tables, record, status, actor="officer:test", at=clock.now())
    body = {
        "job": "issue_document",
        "application_id": application_id,
        "decision_ref": f"{application_id}#{record.version}",
        "approved_by": "officer:test",
    }
    local_stack.client("sqs").send_message(QueueUrl=resources["IssueJobsQueue"], MessageBody=json.dumps(body))


def _qr_link(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "permit.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(Path(folder) / "page")], check=True)
        (page,) = Path(folder).glob("page*.png")
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def issue_permit(local_stack: Any, citizen_api: Any, files: Any) -> dict[str, Any]:
    """Apply, approve, let the stack issue the permit, download it; return its number, QR link and the receipt."""
    receipt = citizen_api.apply(citizen_api.service("iptm_perpanjangan"), files)
    _approve_and_queue(local_stack, receipt["id"])
    deadline = time.monotonic() + 90
    while (document := citizen_api.track(receipt["id"], receipt["access_token"])["document"]) is None:
        assert time.monotonic() < deadline, "the stack's issue worker did not issue the permit"
        time.sleep(0.5)
    pdf = requests.get(document["download_url"], timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    return {"number": document["number"], "link": _qr_link(pdf.content), "receipt": receipt}


def revoke(local_stack: Any, number: str, reason: str) -> None:
    """Revoke a document as the stack's admin does, through the API with a real access token."""
    info = local_stack.info
    result = local_stack.client("cognito-idp").initiate_auth(
        ClientId=info["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": info["admin"]["username"], "PASSWORD": info["admin"]["password"]},
    )
    token = result["AuthenticationResult"]["AccessToken"]
    response = requests.post(
        f"{local_stack.api_url}/officer/documents/{number}/revoke",
        json={"reason": reason},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text


def _link_with(link: str, token: str) -> str:
    return link.split("#", 1)[0] + "#" + to_digits(token)


def _verdict(page: Page) -> Any:
    verdict = page.locator("#verdict")
    expect(verdict).to_be_visible(timeout=VERDICT_WAIT_MS)
    return verdict


@pytest.fixture(scope="module")
def permits(local_stack, citizen_api, module_citizen_files) -> dict[str, dict[str, Any]]:
    """Two permits issued on the stack: one left valid, one revoked."""
    files = module_citizen_files
    valid, revoked = issue_permit(local_stack, citizen_api, files), issue_permit(local_stack, citizen_api, files)
    revoke(local_stack, revoked["number"], "Diterbitkan berdasarkan dokumen yang tidak benar.")
    return {"valid": valid, "revoked": revoked}


def test_a_genuine_permit_is_genuine_and_valid(page: Page, permits, axe, screenshot):
    # Given the link in the permit's QR code (the JWS written as digits)
    link = permits["valid"]["link"]
    assert link.split("#", 1)[1].isdigit()
    # When a phone opens it
    page.goto(link)
    # Then
    verdict = _verdict(page)
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict.get_by_role("heading")).to_have_text("Asli dan berlaku")
    expect(page.locator(".summary-list")).to_contain_text(permits["valid"]["number"])
    expect(page.locator(".summary-list")).to_contain_text("Siti Rahayu")
    axe(page)
    screenshot(page, "verify-genuine-id")
    # And in English
    page.locator("#site-header").get_by_role("link", name="English").click()
    expect(verdict.get_by_role("heading")).to_have_text("Genuine and valid")


def test_a_revoked_permit_is_genuine_but_revoked_with_its_reason(page: Page, permits, axe, screenshot):
    # When
    page.goto(permits["revoked"]["link"])
    # Then
    verdict = _verdict(page)
    expect(verdict).to_have_attribute("data-verdict", "revoked")
    expect(verdict.get_by_role("heading")).to_have_text("Asli, tetapi sudah dicabut")
    expect(verdict).to_contain_text("Diterbitkan berdasarkan dokumen yang tidak benar.")
    axe(page)
    screenshot(page, "verify-revoked-id")


def test_a_changed_name_or_another_key_is_not_genuine(page: Page, permits, screenshot):
    # Given the genuine token with the holder's name changed, and one signed by another key under our kid
    link = permits["valid"]["link"]
    header, payload, signature = from_digits(link.split("#", 1)[1]).split(".")
    changed = {**json.loads(b64url_decode(payload)), "h": "Budi Santoso"}
    tampered = f"{header}.{b64url(compact_json(changed))}.{signature}"
    kid = json.loads(b64url_decode(header))["kid"]
    forged = jwt.api_jws.encode(
        b64url_decode(payload), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers={"kid": kid}
    )
    for name, token in (("changed", tampered), ("other-key", forged)):
        # When
        page.goto(_link_with(link, token))
        # Then
        verdict = _verdict(page)
        expect(verdict).to_have_attribute("data-verdict", "forged")
        expect(verdict.get_by_role("heading")).to_have_text("Tidak asli")
        expect(page.get_by_text("Budi Santoso")).to_have_count(0)
        expect(page.locator("#result")).to_have_text(re.compile(r"^Tidak asli.*Jangan terima dokumen ini\.$"))
        screenshot(page, f"verify-forged-{name}-id")
        page.goto("about:blank")


def test_a_pasted_link_is_checked_too(page: Page, local_stack, permits):
    # Given the verify page opened from the footer, without a link
    page.goto(local_stack.site_url.rstrip("/") + "/verify.html")
    # When the link is pasted
    page.get_by_label("Tautan dari kode QR").fill(permits["valid"]["link"])
    page.get_by_role("button", name="Periksa", exact=True).click()
    # Then
    expect(_verdict(page)).to_have_attribute("data-verdict", "valid")


def test_offline_the_saved_list_tells_genuine_from_revoked_and_no_request_names_a_permit(
    page: Page, local_stack, permits, screenshot, console_errors
):
    # Given the verify page visited once online (its service worker saves the page, the key and the status list)
    console_errors.allow(r"ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR")
    page.goto(local_stack.site_url.rstrip("/") + "/verify.html")
    page.evaluate(CONTROLLED)
    page.reload()
    page.evaluate(CONTROLLED)
    requests_seen: list[str] = []
    page.context.on("request", lambda request: requests_seen.append(request.url))
    # When the phone is offline and a permit's QR code is opened
    page.context.set_offline(True)
    page.goto(permits["valid"]["link"])
    # Then it is genuine, not revoked as of the saved list's time
    verdict = _verdict(page)
    expect(verdict).to_have_attribute("data-verdict", "valid_offline")
    expect(verdict.get_by_role("heading")).to_contain_text("Asli, tidak dicabut per")
    screenshot(page, "verify-offline-valid-id")
    # And the revoked one is revoked, from the saved list alone
    page.goto(permits["revoked"]["link"])
    verdict = _verdict(page)
    expect(verdict).to_have_attribute("data-verdict", "revoked")
    screenshot(page, "verify-offline-revoked-id")
    page.context.set_offline(False)
    # And no request went out that names a permit
    for number in (permits["valid"]["number"], permits["revoked"]["number"]):
        assert not [url for url in requests_seen if number in url]
