"""The track page on the local stack: a wrong number or code, and completing an application an officer returned."""

import re

import pytest
from playwright.sync_api import Page, expect

from functions.shared import clock
from functions.shared.applications import Status, Tables, get_application, transition
from functions.submit.schemas import TrackingView

pytestmark = pytest.mark.browser

API_WAIT_MS = 60_000
SUBMIT_WAIT_MS = 120_000
OFFICER_NOTE = "Surat pengantar kurang jelas; unggah ulang hasil pindaian yang terbaca."


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def return_application(local_stack, application_id: str, requirement_id: str, note: str) -> None:
    """Play the officer: start the review, then return the application asking for one document again."""
    resources = local_stack.info["resources"]
    tables = Tables(applications=resources["ApplicationsTable"], stats=resources["StatsTable"])
    db = local_stack.client("dynamodb")
    table = local_stack.resource("dynamodb").Table(tables.applications)
    record = get_application(table, application_id)
    assert record is not None
    record = transition(db, tables, record, Status.IN_REVIEW, actor="officer:test", at=clock.now())
    transition(
        db,
        tables,
        record,
        Status.RETURNED,
        actor="officer:test",
        at=clock.now(),
        note=note,
        changes={"missing_requirements": [requirement_id]},
    )


def test_a_wrong_number_or_code_says_not_found_in_both_languages(
    page: Page, local_stack, console_errors, axe, screenshot
):
    # Given the track page, and a number and code that belong to no application (the browser logs the 404)
    console_errors.allow(r"status of 404")
    page.goto(site(local_stack, "track.html"))

    # When the citizen presses "Lacak" with nothing filled in
    page.get_by_role("button", name="Lacak", exact=True).click()

    # Then both fields are named
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_have_text(["Masukkan nomor permohonan", "Masukkan kode akses"])
    expect(page.locator("#tracking-number-error")).to_have_text("Galat: Masukkan nomor permohonan")

    # When a number and a code are entered that match nothing
    page.get_by_label("Nomor permohonan").fill("sp-2611-abcdef")
    page.get_by_label("Kode akses").fill("x" * 43)
    page.get_by_role("button", name="Lacak", exact=True).click()

    # Then the page says, in Indonesian, that it is not found or the code is wrong — and shows nothing else
    not_found = "Permohonan tidak ditemukan atau kode akses salah."
    expect(summary).to_contain_text(not_found, timeout=API_WAIT_MS)
    expect(summary).to_be_focused()
    expect(page.locator("#result-heading")).to_have_count(0)
    assert page.title() == "Galat: Lacak permohonan — Satu Pintu"
    expect(page.get_by_label("Nomor permohonan")).to_have_value("sp-2611-abcdef")
    axe(page)
    screenshot(page, "track-not-found-id")

    # When the citizen switches to English
    page.locator("#site-header").get_by_role("link", name="English").click()

    # Then it says the same in English
    expect(summary).to_contain_text("Application not found, or the access code is wrong.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Track an application")
    assert page.title() == "Error: Track an application — Satu Pintu"
    axe(page)
    screenshot(page, "track-not-found-en")


def test_a_returned_application_is_completed_from_the_track_page(
    page: Page, local_stack, citizen_api, citizen_files, axe, screenshot
):
    # Given an application an officer returned, asking for one document again
    service = citizen_api.simplest_service(min_required=2)
    receipt = citizen_api.apply(service, citizen_files)
    asked = [r for r in service["requirements"] if r["required"]][-1]
    return_application(local_stack, receipt["id"], asked["id"], OFFICER_NOTE)

    # When the citizen follows the link from their e-mail, on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site(local_stack, f"track.html#id={receipt['id']}&token={receipt['access_token']}"))

    # Then the application shows as returned, the officer's note in its history, and the document asked for
    status = page.locator("#status")
    expect(status).to_have_text("Dikembalikan", timeout=API_WAIT_MS)
    expect(status).to_have_attribute("data-status", "RETURNED")
    expect(page.locator("#status-explained")).to_contain_text("Unggah dokumen di bawah ini")
    steps = page.locator("#timeline .timeline__item")
    expect(steps.locator(".timeline__title")).to_have_text(["Dikembalikan", "Sedang diperiksa", "Diajukan"])
    expect(steps.first).to_contain_text(OFFICER_NOTE)
    expect(page.get_by_role("heading", name="Dokumen yang diminta petugas")).to_be_visible()
    uploads = page.locator("#resubmit-form .upload")
    expect(uploads).to_have_count(1)
    expect(uploads.locator("label")).to_contain_text(asked["label_id"])
    assert "token" not in page.url
    axe(page)
    screenshot(page, "track-returned-phone")

    # When the citizen sends without choosing a file
    page.get_by_role("button", name="Kirim dokumen").click()

    # Then the error summary names the document
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_have_text([f"Unggah “{asked['label_id']}”"])
    expect(summary).to_be_focused()

    # When the new scan is uploaded and sent
    page.locator(f"#file-{asked['id']}").set_input_files(str(citizen_files.pdf))
    expect(page.locator(f"#doc-{asked['id']}")).to_have_attribute("data-state", "uploaded", timeout=API_WAIT_MS)
    expect(summary).to_have_count(0)
    screenshot(page, "track-returned-uploaded-phone")
    page.get_by_role("button", name="Kirim dokumen").click()

    # Then the application is back with the officers, with the same number and its whole history
    banner = page.locator(".notification-banner--success")
    expect(banner).to_contain_text("Dokumen terkirim", timeout=SUBMIT_WAIT_MS)
    expect(status).to_have_text("Diajukan")
    expect(steps.locator(".timeline__title")).to_have_text(["Diajukan", "Dikembalikan", "Sedang diperiksa", "Diajukan"])
    expect(page.locator("#resubmit-form")).to_have_count(0)
    expect(page.locator("#result-heading")).to_have_text(f"Permohonan {receipt['id']}")
    after = citizen_api.track(receipt["id"], receipt["access_token"])
    assert after["status"] == "SUBMITTED"
    assert after["missing_requirements"] == []
    axe(page)
    screenshot(page, "track-resubmitted-phone")


def test_the_track_page_reads_a_typed_number_in_any_case(page: Page, local_stack, citizen_api, citizen_files, axe):
    # Given an application and its access code, typed by hand in lower case with spaces around
    service = citizen_api.simplest_service(min_required=1)
    receipt = citizen_api.apply(service, citizen_files)
    page.goto(site(local_stack, "track.html?lang=en"))
    page.get_by_label("Application number").fill(f"  {receipt['id'].lower()} ")
    page.get_by_label("Access code").fill(receipt["access_token"])

    # When the citizen tracks it
    page.get_by_role("button", name="Track", exact=True).click()

    # Then the application is found and described in English
    expect(page.locator("#result-heading")).to_have_text(f"Application {receipt['id']}", timeout=API_WAIT_MS)
    expect(page.locator("#status")).to_have_text("Submitted")
    expect(page.locator("#status-explained")).to_have_text(re.compile("waiting for an officer"))
    expect(page.locator("#result-heading")).to_be_focused()
    axe(page)


def test_an_issued_application_offers_its_permit_for_download(page: Page, local_stack, axe, screenshot):
    # Given an application whose permit has been issued, as the API describes it (checked against its schema)
    issued = TrackingView.model_validate(
        {
            "id": "SP-2611-7K3M9Q",
            "service_id": "nib_oss",
            "status": "ISSUED",
            "submitted_at": "2026-11-02T09:15:00+07:00",
            "updated_at": "2026-11-06T14:02:00+07:00",
            "history": [
                {"status": "SUBMITTED", "at": "2026-11-02T09:15:00+07:00", "note": None},
                {"status": "IN_REVIEW", "at": "2026-11-03T08:40:00+07:00", "note": None},
                {"status": "APPROVED", "at": "2026-11-06T13:55:00+07:00", "note": "Lengkap dan sesuai."},
                {"status": "ISSUED", "at": "2026-11-06T14:02:00+07:00", "note": None},
            ],
            "missing_requirements": [],
            "document": {
                "number": "503/NIB/2026/00042",
                "status": "valid",
                "issued_at": "2026-11-06T14:02:00+07:00",
                "valid_until": "2031-11-05",
                "download_url": "https://documents.example/503-NIB-2026-00042.pdf",
            },
        }
    ).model_dump(mode="json")
    page.route(re.compile(r".*/api/applications/SP-2611-7K3M9Q$"), lambda route: route.fulfill(json=issued))

    # When its holder follows the tracking link
    page.goto(site(local_stack, "track.html#id=SP-2611-7K3M9Q&token=" + "t" * 43))

    # Then the status is "Terbit", every step is in the history, and the permit's facts and download are there
    expect(page.locator("#status")).to_have_text("Terbit", timeout=API_WAIT_MS)
    expect(page.locator("#timeline .timeline__title")).to_have_text(
        ["Terbit", "Disetujui", "Sedang diperiksa", "Diajukan"]
    )
    expect(page.locator("#timeline")).to_contain_text("Lengkap dan sesuai.")
    expect(page.get_by_role("heading", name="Dokumen izin")).to_be_visible()
    expect(page.locator("main")).to_contain_text("503/NIB/2026/00042")
    expect(page.locator('.tag[data-status="valid"]')).to_have_text("Berlaku")
    expect(page.locator("main")).to_contain_text("5 November 2031")
    download = page.get_by_role("link", name="Unduh dokumen izin (PDF)")
    expect(download).to_have_attribute("href", issued["document"]["download_url"])
    expect(page.locator("#resubmit-form")).to_have_count(0)
    axe(page)
    screenshot(page, "track-issued")
