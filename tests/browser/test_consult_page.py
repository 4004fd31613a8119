"""The consultation page on the local stack: a question for an officer, with the form's error pattern."""

import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

API_WAIT_MS = 60_000
REFERENCE = re.compile(r"^KS-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$")


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def mail_to(local_stack, address: str, containing: str, timeout_s: float = 60) -> dict:
    """Wait for the local mailbox to hold an e-mail to `address` whose text contains `containing`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for mail in requests.get(f"{local_stack.mailbox_url}.json", timeout=10).json():
            if address in mail["to"] and containing in mail["text"]:
                return mail
        time.sleep(0.5)
    raise AssertionError(f"no e-mail to {address} mentioning {containing}")


def test_a_question_is_checked_then_sent_and_acknowledged(
    page: Page, local_stack, citizen_api, console_errors, axe, screenshot
):
    # Given the consultation page opened from a service's page (the browser logs the server's 422)
    console_errors.allow(r"status of 422")
    service = citizen_api.simplest_service(min_required=1)
    page.goto(site(local_stack, f"consult.html?service={service['id']}"))
    expect(page.get_by_label("Layanan (tidak wajib)")).to_have_value(service["id"], timeout=API_WAIT_MS)
    axe(page)

    # When the citizen sends the form with a one-letter name and a question that is too short
    page.get_by_label("Nama").fill("B")
    page.get_by_label("Pertanyaan Anda").fill("PBG?")
    page.get_by_role("button", name="Kirim pertanyaan").click()

    # Then each problem is named, linked to its field, with the typed text kept
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Nama harus 2 sampai 100 karakter", "Masukkan alamat e-mail Anda", "Pertanyaan paling sedikit 10 karakter"]
    )
    expect(summary.get_by_role("link").nth(2)).to_have_attribute("href", "#question")
    expect(page.locator("#question-error")).to_have_text("Galat: Pertanyaan paling sedikit 10 karakter")
    expect(page.get_by_label("Pertanyaan Anda")).to_have_value("PBG?")
    assert page.title() == "Galat: Konsultasi daring — Satu Pintu"
    axe(page)
    screenshot(page, "consult-errors-id")

    # When the address is one only the server can refuse (a reserved domain)
    page.get_by_label("Nama").fill("Budi Santoso")
    page.get_by_label("Alamat e-mail").fill("budi@contoh.test")
    question = "Apakah permohonan ini boleh diajukan oleh penyewa bangunan, bukan pemiliknya?"
    page.get_by_label("Pertanyaan Anda").fill(question)
    page.get_by_role("button", name="Kirim pertanyaan").click()

    # Then the server's refusal is shown on the e-mail field
    expect(summary.get_by_role("link")).to_have_text(
        ["Masukkan alamat e-mail dengan format yang benar, misalnya nama@contoh.id"], timeout=API_WAIT_MS
    )
    expect(summary.get_by_role("link")).to_have_attribute("href", "#email")
    expect(page.locator("#email-error")).to_be_visible()

    # When the citizen switches to English, corrects the address and sends again
    page.locator("#site-header").get_by_role("link", name="English").click()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter an e-mail address in the correct format, like name@example.com"]
    )
    expect(page.get_by_label("Service (optional)")).to_have_value(service["id"])
    page.get_by_label("E-mail address").fill("budi.santoso@example.com")
    page.get_by_role("button", name="Send question").click()

    # Then the question is sent: a confirmation with its reference, focused, and no error left
    reference = page.locator("#consultation-reference")
    expect(reference).to_have_text(REFERENCE, timeout=API_WAIT_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Question sent")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.locator("main")).to_contain_text("budi.santoso@example.com")
    expect(page.locator(".error-summary")).to_have_count(0)
    assert page.title() == "Question sent — Satu Pintu"
    axe(page)
    screenshot(page, "consult-sent-en")

    # And the citizen is told by e-mail, under the same reference
    mail_to(local_stack, "budi.santoso@example.com", reference.text_content())
