"""frontend/js/format.js, run in the browser: how fees, durations and file limits are written."""

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SAMPLES = """async () => {
    const f = await import("./js/format.js");
    return {
        amount: f.rupiah(1500000),
        fee_amount: f.feeText({fee_idr: 250000}),
        fee_free: f.feeText({fee_idr: 0}),
        fee_unknown: f.feeText({fee_idr: null}),
        fee_noted: f.feeText({fee_idr: null, fee_note_id: "Menurut luas", fee_note_en: "By area"}),
        fee_short_unknown: f.feeShort({fee_idr: null, fee_note_id: "Menurut luas", fee_note_en: "By area"}),
        sla_one: f.slaText({sla_days: 1}),
        sla_many: f.slaText({sla_days: 14}),
        sla_unknown: f.slaText({sla_days: null}),
        validity_years: f.validityText({validity_months: 36}),
        validity_months: f.validityText({validity_months: 6}),
        validity_unknown: f.validityText({}),
        size_binary: f.fileSize(5 * 1024 * 1024),
        size_decimal: f.fileSize(2000000),
        size_fraction: f.fileSize(1.5 * 1024 * 1024),
        size_small: f.fileSize(300 * 1024),
        types: f.joinOr(f.fileTypeNames(["application/pdf", "image/jpeg", "image/png"])),
    };
}"""


def written(page: Page, local_stack, lang: str) -> dict[str, str]:
    """Open a page in `lang` and return how format.js writes the samples."""
    page.goto(local_stack.site_url.rstrip("/") + f"/index.html?lang={lang}")
    return page.evaluate(SAMPLES)


def test_indonesian_uses_rupiah_with_dots_and_never_shows_a_missing_fee_as_free(page: Page, local_stack):
    # Given the site in Indonesian
    # When format.js writes the samples
    text = written(page, local_stack, "id")

    # Then amounts group with dots, a missing fee or time is "set by the officer", never "free"
    assert text["amount"] == "Rp 1.500.000"
    assert text["fee_amount"] == "Rp 250.000"
    assert text["fee_free"] == "Gratis"
    assert text["fee_unknown"] == "Ditetapkan petugas"
    assert text["fee_noted"] == "Menurut luas"
    assert text["fee_short_unknown"] == "Ditetapkan petugas"
    assert text["sla_one"] == "1 hari kerja"
    assert text["sla_many"] == "14 hari kerja"
    assert text["sla_unknown"] == "Ditetapkan petugas"
    assert text["validity_years"] == "3 tahun"
    assert text["validity_months"] == "6 bulan"
    assert text["validity_unknown"] == "Belum dipublikasikan"
    # And file limits read as a phone shows them, with a decimal comma
    assert text["size_binary"] == "5 MB"
    assert text["size_decimal"] == "2 MB"
    assert text["size_fraction"] == "1,5 MB"
    assert text["size_small"] == "300 KB"
    assert text["types"] == "PDF, JPG, atau PNG"


def test_english_groups_with_commas_and_counts_working_days_in_the_singular_and_plural(page: Page, local_stack):
    # Given the site in English
    # When format.js writes the samples
    text = written(page, local_stack, "en")

    # Then the English forms are used
    assert text["amount"] == "Rp 1,500,000"
    assert text["fee_free"] == "Free"
    assert text["fee_unknown"] == "Set by the officer"
    assert text["fee_noted"] == "By area"
    assert text["sla_one"] == "1 working day"
    assert text["sla_many"] == "14 working days"
    assert text["validity_years"] == "3 years"
    assert text["validity_unknown"] == "Not published"
    assert text["size_fraction"] == "1.5 MB"
    assert text["types"] == "PDF, JPG or PNG"
