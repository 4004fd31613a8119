"""Paper applications on the local stack: a citizen prints a cover sheet for the drop box; the officer scans it in."""

import shutil
import subprocess

import boto3
import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.test_officer_console import API_WAIT_MS, SUBMIT_WAIT_MS, sign_in, site

pytestmark = pytest.mark.browser

SERVICE_ID = "iptb_legalisasi"
APPLICANT = {
    "NIK (Nomor Induk Kependudukan)": "3171010101900001",
    "Nama lengkap": "Dewi Lestari",
    "Alamat e-mail": "dewi.kertas@example.com",
}


def _warm(url: str, attempts: int = 3) -> None:
    """Call a route until it answers 200 (a first start that outlasts the function's timeout answers 500)."""
    for _ in range(attempts):
        if requests.get(url, timeout=120).status_code == 200:
            return
    raise AssertionError(f"{url} never answered 200")


def _decoded_qr(png: bytes, tmp_path) -> str:
    """Read a QR code back from a screenshot with zbarimg, as a scanner would."""
    assert shutil.which("zbarimg"), "zbar-tools is needed (make browser-deps)"
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    out = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _print_cover_sheet(page: Page, local_stack, citizen_api) -> str:
    """Fill the apply page as a citizen who sends paper by drop box, save, and return the cover sheet's reference."""
    service = citizen_api.service(SERVICE_ID)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site(local_stack, f"apply.html?service={SERVICE_ID}"))
    expect(page.locator("#apply-details")).to_be_visible(timeout=API_WAIT_MS)
    for label, value in APPLICANT.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Nomor telepon seluler").fill("0812 3456 7890")
    for field in service["form_fields"]:
        page.get_by_label(field["label_id"]).fill(citizen_api.answer(field))
    page.get_by_label("Kotak surat di kantor layanan").check()
    expect(page.locator("#documents")).to_be_hidden()
    page.get_by_role("button", name="Simpan dan cetak lembar sampul").click()
    page.wait_for_url("**/cover.html#ref=DR-*", timeout=API_WAIT_MS)
    reference = page.locator("#cover-reference")
    reference.wait_for(timeout=API_WAIT_MS)
    return reference.inner_text().strip()


def test_a_drop_box_cover_sheet_is_keyed_in_by_the_officer_and_waits_in_the_queue(
    page: Page, local_stack, citizen_api, citizen_files, axe, screenshot, tmp_path
):
    # Given a citizen who fills the form online and prints a cover sheet for the drop box (the service points'
    # function already warm: its first start on a loaded machine can outlast the page's 15 s wait)
    _warm(f"{local_stack.api_url}/sites?kind=mall")
    reference = _print_cover_sheet(page, local_stack, citizen_api)
    service = citizen_api.service(SERVICE_ID)
    required = next(r for r in service["requirements"] if r["required"])

    # Then the sheet shows the reference, what goes in the envelope and where it goes, in both languages
    cover = page.locator("#cover")
    expect(cover).to_contain_text(required["label_id"], timeout=API_WAIT_MS)
    expect(cover).to_contain_text(required["label_en"])
    expect(cover).to_contain_text("Rasuna Said", timeout=API_WAIT_MS)  # the mall's address, from the service points
    expect(cover).to_contain_text("Drop box")
    # and its QR code reads back as the reference
    assert _decoded_qr(page.locator(".cover__qr").screenshot(), tmp_path) == reference
    axe(page)
    screenshot(page, "cover-sheet")
    page.locator("#site-header").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Print the cover sheet")).to_be_visible()
    axe(page)
    page.locator("#site-header").get_by_role("link", name="Bahasa Indonesia").click()

    # When the officer types the reference in the console's intake, attaches the scan and records it
    officer = page.context.new_page()
    sign_in(officer, local_stack)
    officer.locator("#tab-intake").click()
    expect(officer.locator("#intake-heading")).to_be_visible()
    axe(officer)
    officer.get_by_label("Nomor lembar sampul").fill(reference.lower())
    officer.get_by_role("button", name="Isi dari lembar sampul").click()
    expect(officer.locator("#cover-status")).to_contain_text(reference, timeout=API_WAIT_MS)
    expect(officer.get_by_label("Nama lengkap")).to_have_value(APPLICANT["Nama lengkap"], timeout=API_WAIT_MS)
    expect(officer.get_by_label("Kotak surat")).to_be_checked()
    officer.locator(f"#file-{required['id']}").set_input_files(str(citizen_files.pdf))
    expect(officer.locator(f"#doc-{required['id']}")).to_have_attribute("data-state", "uploaded", timeout=API_WAIT_MS)
    officer.get_by_label("Pemohon menandatangani pernyataan", exact=False).check()
    axe(officer)
    screenshot(officer, "officer-intake")
    officer.get_by_role("button", name="Catat permohonan").click()
    recorded = officer.locator("#intake-recorded")
    expect(recorded).to_contain_text("SP-", timeout=SUBMIT_WAIT_MS)
    application_id = recorded.locator("a").inner_text().split()[-1]

    # Then the application waits in the queue, entered through the drop box with its cover sheet
    officer.get_by_role("link", name="Antrean permohonan").first.click()
    expect(officer.locator("#queue").get_by_role("link", name=application_id)).to_be_visible(timeout=API_WAIT_MS)
    table = boto3.resource(
        "dynamodb",
        endpoint_url=local_stack.info["aws_endpoint_url"],
        region_name=local_stack.info["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Table(local_stack.info["resources"]["ApplicationsTable"])
    stored = table.get_item(Key={"id": application_id})["Item"]
    assert stored["status"] == "SUBMITTED" and stored["channel"] == "dropbox"
    assert stored["cover_sheet_ref"] == reference
    # the officer who keyed it in is in its history, named as decisions name officers (the pool's username)
    username = local_stack.client("cognito-idp").admin_get_user(
        UserPoolId=local_stack.info["user_pool_id"], Username=local_stack.info["officer"]["username"]
    )["Username"]
    assert stored["history"][0]["actor"] == f"officer:{username}"

    # And the intake reads in English too
    officer.locator("#tab-intake").click()
    officer.locator("#site-header").get_by_role("link", name="English").click()
    expect(officer.get_by_role("button", name="Fill in from the cover sheet")).to_be_visible()
    axe(officer)


def test_the_intake_names_a_mistyped_cover_sheet(page: Page, local_stack, axe, console_errors):
    # Given (the API's 404 for an unknown reference is logged by the browser)
    console_errors.allow(r"status of 404 .*/api/officer/drafts/")
    sign_in(page, local_stack)
    page.locator("#tab-intake").click()
    # When
    page.get_by_label("Nomor lembar sampul").fill("DR-00000-00000")
    page.get_by_role("button", name="Isi dari lembar sampul").click()
    # Then
    expect(page.locator("#cover-status")).to_contain_text("tidak ditemukan", timeout=API_WAIT_MS)
    axe(page)
