"""The visit page on the local stack: book a kelurahan office on a phone, see the ticket, reschedule, cancel."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

API_WAIT_MS = 60_000
PHONE = {"width": 390, "height": 844}


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def choose_kelurahan(page: Page) -> None:
    """Pick a kelurahan office by city and district, as a citizen does (once the page has shown the mall)."""
    expect(page.locator("#counter option").first).to_be_attached(timeout=API_WAIT_MS)
    page.select_option("#kind", "kelurahan")
    expect(page.locator("#village option").first).to_be_attached(timeout=API_WAIT_MS)
    page.select_option("#city", index=0)
    expect(page.locator("#village option").first).to_be_attached(timeout=API_WAIT_MS)


def fill_person(page: Page, nik: str) -> None:
    page.fill("#nik", nik)
    page.fill("#name", "Siti Aminah")
    page.fill("#email", "siti.visit@example.com")
    for symptom in ("fever", "cough", "flu"):
        page.check(f"#health-{symptom}-no")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_book_see_reschedule_and_cancel_a_visit_on_a_phone(local_stack, page: Page, axe, screenshot, lang):
    # Given the visit page on a phone
    page.set_viewport_size(PHONE)
    page.goto(site(local_stack, f"visit.html?lang={lang}"))
    choose_kelurahan(page)
    expect(page.locator("#start .radios__input").first).to_be_visible(timeout=API_WAIT_MS)
    assert axe(page) == []
    # When nothing is filled in, the errors are named
    page.click("#book-submit")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.title().startswith("Galat: " if lang == "id" else "Error: ")
    # When the citizen picks the first time and declares they are well
    page.locator("#start .radios__input").first.check()
    fill_person(page, "3171010101900011" if lang == "id" else "3171010101900012")
    page.click("#book-submit")
    # Then the ticket shows its code and the QR, printable
    expect(page.locator(".panel--confirmation")).to_be_visible(timeout=API_WAIT_MS)
    code = page.locator(".panel--confirmation .reference").inner_text()
    assert re.match(r"^PTSP-\d{4}-[0-9A-Z]{4}$", code)
    expect(page.locator("img.ticket__qr")).to_be_visible()
    assert axe(page) == []
    screenshot(page, f"visit-ticket-{lang}")
    # When they open their booking and reschedule it to another time
    page.click("text=" + ("Buka pemesanan saya" if lang == "id" else "Open my booking"))
    expect(page.locator("#reschedule")).to_be_visible(timeout=API_WAIT_MS)
    before = page.locator(".summary-list__value").nth(3).inner_text()
    page.click("#reschedule")
    expect(page.locator("#move-start .radios__input").nth(1)).to_be_visible(timeout=API_WAIT_MS)
    page.locator("#move-start .radios__input").nth(1).check()
    page.click("#move-submit")
    expect(page.locator(".notification-banner--success")).to_be_visible(timeout=API_WAIT_MS)
    assert page.locator(".summary-list__value").nth(3).inner_text() != before
    assert axe(page) == []
    # And cancel it
    page.click("#cancel-booking")
    expect(page.locator(".tag[data-status='CANCELLED']")).to_be_visible(timeout=API_WAIT_MS)
    screenshot(page, f"visit-cancelled-{lang}")


def test_a_symptom_gets_advice_to_stay_home(local_stack, page: Page, axe, console_errors):
    # The refusal is a 422, which the browser reports on its console.
    console_errors.allow(r"status of 422")
    page.goto(site(local_stack, "visit.html"))
    expect(page.locator("#start .radios__input").first).to_be_visible(timeout=API_WAIT_MS)
    page.locator("#start .radios__input").first.check()
    fill_person(page, "3171010101900013")
    page.check("#health-fever-yes")
    page.click("#book-submit")
    expect(page.locator(".error-panel")).to_contain_text("Jangan datang dulu", timeout=API_WAIT_MS)
    expect(page.locator(".error-panel a[href='consult.html']")).to_be_visible()
    assert axe(page) == []


def test_the_visit_page_stays_under_100_kb_transferred(local_stack, page: Page):
    # Given the visit page, loaded with everything it fetches (styles, scripts, sites, slots)
    page.goto(site(local_stack, "visit.html"))
    page.wait_for_load_state("networkidle", timeout=API_WAIT_MS)
    # Then the bytes transferred, by the browser's own count, stay under the bar for phones
    transferred = page.evaluate(
        """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
            .reduce((sum, entry) => sum + entry.transferSize, 0)"""
    )
    assert 0 < transferred < 100_000, f"visit.html transferred {transferred} bytes"
