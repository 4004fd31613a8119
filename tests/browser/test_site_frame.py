"""The site as a real office's: no link leads nowhere, an unknown address gets a styled page, the office is named."""

import re
from urllib.parse import urldefrag, urlparse

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

API_WAIT_MS = 60_000
START_PAGES = ["index.html", "apply.html", "track.html", "stats.html", "consult.html", "privacy.html", "nope.html"]


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def links_on(page: Page) -> list[str]:
    """Return the absolute address of every link on the page (the language switch's included)."""
    return page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_link_of_every_page_leads_somewhere(page: Page, local_stack, lang, console_errors):
    # Given every page of the site, drawn in one language (the 404 page too, on purpose)
    console_errors.allow(r"404")
    origin = urlparse(local_stack.site_url).netloc
    to_visit = [site(local_stack, f"{p}?lang={lang}") for p in START_PAGES]
    rendered: set[str] = set()
    checked: dict[str, int] = {}
    broken: list[str] = []
    while to_visit:
        url = to_visit.pop()
        path = urlparse(url).path
        if path in rendered:
            continue
        rendered.add(path)
        # When each page is drawn and all its links are collected
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for link in links_on(page):
            target, _ = urldefrag(link)
            parsed = urlparse(target)
            if parsed.scheme not in {"http", "https"} or parsed.netloc != origin:
                continue  # mailto:, tel: and the area data's licence
            if parsed.path == path:
                continue  # the page itself in the other language (the 404 page's is a 404, rightly)
            if target not in checked:
                checked[target] = requests.get(target, timeout=30).status_code
                if checked[target] >= 400:
                    broken.append(f"{url} → {target}: {checked[target]}")
            if parsed.path.endswith(".html") and parsed.path not in rendered:
                to_visit.append(target)
    # Then none of them is missing
    assert broken == []
    assert any(t.split("?")[0].endswith("privacy.html") for t in checked)
    assert len(rendered) >= 7


@pytest.mark.parametrize(
    ("lang", "heading", "home"),
    [
        ("id", "Halaman tidak ditemukan", "Cari layanan di beranda"),
        ("en", "Page not found", "Find a service on the home page"),
    ],
)
def test_an_unknown_address_gets_a_styled_404_page_with_a_way_back(
    page: Page, local_stack, lang, heading, home, console_errors, axe, screenshot
):
    # Given an address the site does not have, some folders deep
    console_errors.allow(r"404")
    # When it is opened
    response = page.goto(site(local_stack, f"no/such/page.html?lang={lang}"))
    # Then the answer is a 404 with the site's own page: styled, in the language, with the frame and a way back
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("#site-header .site-nav__link").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    page.get_by_role("link", name=home).click()
    expect(page).to_have_url(re.compile(r"/index\.html"))
    page.go_back()
    axe(page)
    screenshot(page, f"not-found-{lang}")


@pytest.mark.parametrize(
    ("lang", "call", "email_label", "privacy"),
    [
        ("id", "Tanya PTSP:", "E-mail konsultasi:", "Pemberitahuan privasi"),
        ("en", "Tanya PTSP call centre:", "Consultation e-mail:", "Privacy notice"),
    ],
)
def test_the_footer_names_the_office_its_call_centre_its_email_and_the_privacy_notice(
    page: Page, local_stack, lang, call, email_label, privacy, axe
):
    # When any page is opened
    page.goto(site(local_stack, f"stats.html?lang={lang}"))
    footer = page.locator("#site-footer")
    # Then its footer gives the office's address, the call centre with its hours, and the e-mail
    expect(footer).to_contain_text("Jl. Abdul Muis No. 66")
    expect(footer).to_contain_text(call)
    expect(footer.locator("a[href='tel:1500164']")).to_have_text("1500164")
    expect(footer).to_contain_text("07:30–16:00 WIB")
    expect(footer).to_contain_text(email_label)
    expect(footer.locator("a[href^='mailto:']")).to_have_text("dpmptsp@jakarta.go.id")
    # And a link to the privacy notice, which says what, why, how long and who, under UU 27/2022
    footer.get_by_role("link", name=privacy).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(privacy)
    expect(page.locator("main")).to_contain_text("27")
    expect(page.locator("main h2")).to_have_count(5)
    axe(page)
