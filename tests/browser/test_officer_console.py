"""The officers' console on the local stack: sign in at Cognito, claim, return, approve; the citizen sees it all."""

import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

API_WAIT_MS = 60_000
SUBMIT_WAIT_MS = 120_000
RETURN_NOTE = "Pindaian tidak terbaca; unggah ulang."


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def sign_in(page: Page, local_stack) -> None:
    """Sign in as the seeded officer, as a person would, with the keyboard."""
    officer = local_stack.info["officer"]
    page.goto(site(local_stack, "officer.html"))
    page.get_by_label("Nama pengguna atau e-mail").fill(officer["username"])
    page.get_by_label("Kata sandi", exact=True).fill(officer["password"])
    page.get_by_label("Kata sandi", exact=True).press("Enter")
    expect(page.locator("#who")).to_contain_text(officer["username"], timeout=API_WAIT_MS)


def open_from_queue(page: Page, application_id: str, status: str) -> None:
    """Show the queue of one status and open an application from it."""
    page.get_by_role("link", name="Antrean permohonan").first.click()
    page.get_by_label("Status").select_option(status)
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_role("link", name=application_id).click()
    expect(page.locator("#detail-heading")).to_contain_text(application_id, timeout=API_WAIT_MS)


def decide(page: Page, action_label: str) -> None:
    """Choose a decision and save it."""
    page.get_by_label(action_label).check()
    page.get_by_role("button", name="Simpan keputusan").click()


def test_officer_claims_returns_and_approves_and_the_citizen_sees_approved(
    page: Page, local_stack, citizen_api, citizen_files, axe, screenshot
):
    # Given a citizen's application
    service = citizen_api.simplest_service(min_required=1)
    receipt = citizen_api.apply(service, citizen_files)
    asked = next(r for r in service["requirements"] if r["required"])

    # When the officer signs in and finds it in the queue
    sign_in(page, local_stack)
    queue = page.locator("#queue")
    expect(queue.get_by_role("link", name=receipt["id"])).to_be_visible(timeout=API_WAIT_MS)
    axe(page)
    screenshot(page, "officer-queue")
    page.get_by_role("link", name=receipt["id"]).click()

    # Then the detail shows the document behind a short-lived link, and nobody holds it yet
    expect(page.locator("#detail-heading")).to_contain_text(receipt["id"], timeout=API_WAIT_MS)
    expect(page.locator("#detail")).not_to_contain_text("null")
    expect(page.get_by_role("link", name=re.compile("^Buka "))).to_have_attribute(
        "href", re.compile("X-Amz-Expires=300")
    )

    # When the officer claims it, starts the review and returns it for one document
    page.get_by_role("button", name="Ambil permohonan ini").click()
    expect(page.get_by_role("button", name="Lepaskan")).to_be_visible(timeout=API_WAIT_MS)
    expect(page.locator("#detail")).to_contain_text(f"Dipegang oleh{local_stack.info['officer']['username']}")
    decide(page, "Mulai periksa")
    expect(page.locator(".notification-banner--success")).to_contain_text("Sedang diperiksa", timeout=API_WAIT_MS)
    page.get_by_label("Kembalikan untuk dilengkapi").check()
    page.get_by_label(asked["label_id"]).check()
    page.get_by_label("Alasan atau catatan").fill(RETURN_NOTE)
    axe(page)
    screenshot(page, "officer-decision-form")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.locator(".notification-banner--success")).to_contain_text("Dikembalikan", timeout=API_WAIT_MS)

    # When the citizen adds the document on the track page
    citizen = page.context.new_page()
    citizen.goto(site(local_stack, f"track.html#id={receipt['id']}&token={receipt['access_token']}"))
    expect(citizen.locator("#status")).to_have_text("Dikembalikan", timeout=API_WAIT_MS)
    citizen.locator(f"#file-{asked['id']}").set_input_files(str(citizen_files.pdf))
    expect(citizen.locator(f"#doc-{asked['id']}")).to_have_attribute("data-state", "uploaded", timeout=API_WAIT_MS)
    citizen.get_by_role("button", name="Kirim dokumen").click()
    expect(citizen.locator("#status")).to_have_text("Diajukan", timeout=SUBMIT_WAIT_MS)

    # And the officer reviews it again and approves
    open_from_queue(page, receipt["id"], "SUBMITTED")
    decide(page, "Mulai periksa")
    expect(page.locator(".notification-banner--success")).to_contain_text("Sedang diperiksa", timeout=API_WAIT_MS)
    decide(page, "Setujui")
    expect(page.locator(".notification-banner--success")).to_contain_text("Disetujui", timeout=API_WAIT_MS)
    screenshot(page, "officer-approved")

    # Then the tracking page shows it approved, and then issued: the approval queued the issue job, which the
    # issuing worker carries out on its own
    # (the page wiped the token from its address once read: the citizen follows the e-mail's link again)
    citizen.goto("about:blank")
    citizen.goto(site(local_stack, f"track.html#id={receipt['id']}&token={receipt['access_token']}"))
    expect(citizen.locator("#status")).to_have_attribute("data-status", re.compile("APPROVED|ISSUED"))
    expect(citizen.locator(".timeline")).to_contain_text("Disetujui", timeout=API_WAIT_MS)
    deadline = time.monotonic() + API_WAIT_MS / 1000
    while citizen.locator("#status").get_attribute("data-status") != "ISSUED" and time.monotonic() < deadline:
        citizen.wait_for_timeout(500)
        citizen.goto("about:blank")
        citizen.goto(site(local_stack, f"track.html#id={receipt['id']}&token={receipt['access_token']}"))
        citizen.locator("#status").wait_for(timeout=API_WAIT_MS)
    expect(citizen.locator("#status")).to_have_attribute("data-status", "ISSUED")


def test_signing_out_forgets_the_session_and_a_wrong_password_is_told(page: Page, local_stack, axe, console_errors):
    # Given: Cognito answers a wrong password with a 400, which the browser logs
    console_errors.allow(r"status of 400 .*" + re.escape(local_stack.info["aws_endpoint_url"]))
    # When a wrong password is typed
    page.goto(site(local_stack, "officer.html"))
    page.get_by_label("Nama pengguna atau e-mail").fill(local_stack.info["officer"]["username"])
    page.get_by_label("Kata sandi", exact=True).fill("bukan-kata-sandinya")
    page.get_by_role("button", name="Masuk").click()
    # Then
    expect(page.locator(".error-summary")).to_contain_text("salah", timeout=API_WAIT_MS)
    axe(page)
    # When the officer signs in and out
    sign_in(page, local_stack)
    page.get_by_role("button", name="Keluar").click()
    # Then the console is hidden and nothing is kept in storage
    expect(page.locator("#console")).to_be_hidden()
    assert page.evaluate("() => localStorage.length + sessionStorage.length") <= 1  # the language choice at most


def test_an_officer_answers_a_question_and_the_asker_reads_it_from_the_emails_link(page: Page, local_stack, axe):
    # Given a question sent through the public API
    question = "Apakah SKTM bisa diurus di kelurahan tempat saya tinggal sekarang?"
    asked = requests.post(
        f"{local_stack.api_url}/consultations",
        json={"name": "Budi", "email": "budi.tanya@example.com", "service_id": "sktm", "question": question},
        timeout=60,
    )
    consultation_id = asked.json()["id"]

    # When the officer answers it in the console
    sign_in(page, local_stack)
    page.locator("#tab-consultations").click()
    card = page.locator("form.consultation", has_text=consultation_id)
    expect(card).to_contain_text(question, timeout=API_WAIT_MS)
    axe(page)
    card.get_by_label("Jawaban").fill("Bisa, bawa KTP dan KK ke kelurahan domisili.")
    card.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator(".notification-banner--success", has_text=consultation_id)).to_be_visible(timeout=API_WAIT_MS)

    # Then the answer e-mail's link opens the question's page with the answer
    mails: list[dict] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        mails = [
            m
            for m in requests.get(local_stack.mailbox_url + ".json", timeout=10).json()
            if "budi.tanya@example.com" in m["to"] and consultation_id in m["subject"] and "answer.html" in m["text"]
        ]
        if len(mails) >= 2:
            break
        time.sleep(1)
    link = re.search(r"https?://\S+/answer\.html#\S+", mails[-1]["text"]).group(0)
    page.goto(link)
    expect(page.locator("#answer")).to_contain_text("Bisa, bawa KTP dan KK", timeout=API_WAIT_MS)
    expect(page.locator("#answer")).to_contain_text(question)
    assert "token" not in page.url
    axe(page)
