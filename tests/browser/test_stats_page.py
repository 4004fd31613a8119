"""The statistics page on the local stack: the published figures, including an application just made."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

API_WAIT_MS = 60_000
JAKARTA = dt.timezone(dt.timedelta(hours=7))
TOTALS = {
    "submitted": ("Diajukan", "Submitted"),
    "new": ("Menunggu diperiksa", "Waiting for review"),
    "in_process": ("Diproses", "In process"),
    "returned": ("Dikembalikan", "Returned"),
    "issued": ("Terbit", "Issued"),
    "rejected": ("Ditolak", "Rejected"),
}


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def grouped(n: int, lang: str) -> str:
    """Write a count as the page promises: 1.234 in Indonesian, 1,234 in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "id" else text


def test_the_statistics_count_an_application_just_made(
    page: Page, local_stack, citizen_api, citizen_files, axe, screenshot
):
    # Given the published figures, and then one more application
    service = citizen_api.simplest_service(min_required=1)
    before = citizen_api.stats()
    citizen_api.apply(service, citizen_files)
    after = citizen_api.stats()
    assert after["totals"]["submitted"] == before["totals"]["submitted"] + 1

    # When the statistics page opens
    page.goto(site(local_stack, "stats.html"))

    # Then every total is shown as a big number, the new application included
    submitted = page.locator("#total-submitted")
    expect(submitted).to_have_text(grouped(after["totals"]["submitted"], "id"), timeout=API_WAIT_MS)
    for key, (label, _) in TOTALS.items():
        stat = page.locator(f".stat--{key}")
        expect(stat.locator(".stat__label")).to_have_text(label)
        expect(stat.locator(".stat__number")).to_have_text(grouped(after["totals"][key], "id"))

    # And the daily chart is an image with a title and a description, with a table of the same figures
    chart = page.locator("#daily-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title")).to_contain_text("Permohonan per hari")
    today = dt.datetime.now(JAKARTA).date().isoformat()
    today_figures = next(d for d in after["by_day"] if d["date"] == today)
    assert today_figures["submitted"] >= 1
    expect(chart.locator("desc")).to_contain_text(f"{grouped(today_figures['submitted'], 'id')} permohonan diajukan")
    expect(chart.locator("rect[height]:not([height='0'])").first).to_be_attached()
    page.get_by_text("Lihat angka harian dalam tabel").click()
    row = page.locator(f'#daily-table tr[data-date="{today}"]')
    expect(row.locator('td[data-key="submitted"]')).to_have_text(grouped(today_figures["submitted"], "id"))
    expect(page.locator("#daily-table tbody tr")).to_have_count(len(after["by_day"]))

    # And the service applied for has its own row
    figures = next(s for s in after["by_service"] if s["service_id"] == service["id"])
    service_row = page.locator(f'#by-service tr[data-service="{service["id"]}"]')
    expect(service_row.locator("th")).to_have_text(service["name_id"])
    expect(service_row.locator('td[data-key="submitted"]')).to_have_text(grouped(figures["submitted"], "id"))
    axe(page)
    screenshot(page, "stats-id-desktop")


def test_the_statistics_read_in_english_on_a_phone(page: Page, local_stack, citizen_api, axe, screenshot):
    # Given the published figures
    figures = citizen_api.stats()

    # When the statistics page opens in English on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site(local_stack, "stats.html?lang=en"))

    # Then the totals carry their English names, grouped the English way
    expect(page.get_by_role("heading", level=1)).to_have_text("Service statistics")
    submitted = page.locator("#total-submitted")
    expect(submitted).to_have_text(grouped(figures["totals"]["submitted"], "en"), timeout=API_WAIT_MS)
    for key, (_, label) in TOTALS.items():
        expect(page.locator(f".stat--{key} .stat__label")).to_have_text(label)
    # And the chart fits the phone: two weeks, drawn at the width it has, the range said in words
    chart = page.locator("#daily-chart")
    width = int(chart.get_attribute("width"))
    assert width <= 390
    expect(chart.locator(".chart__bars > g")).to_have_count(14)
    expect(page.locator("#chart-range")).to_contain_text("–")
    expect(chart.locator("title")).to_contain_text("Applications per day")
    axe(page)
    screenshot(page, "stats-en-phone")
