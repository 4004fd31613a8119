"""The home page (catalogue search) and the service page, in Indonesian and English, on the local stack."""

import json
import re
import unicodedata

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def listed_services(local_stack) -> list[dict]:
    """The service catalogue as the API serves it: what the pages must show."""
    response = requests.get(f"{local_stack.api_url}/services", timeout=10)
    response.raise_for_status()
    services = response.json()["services"]
    assert services, "the local stack serves an empty catalogue"
    return services


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def rupiah(amount: int, lang: str) -> str:
    """Write an amount the way the site's own formatting rule promises ("Rp 1.500.000")."""
    grouped = f"{amount:,}"
    return "Rp " + (grouped.replace(",", ".") if lang == "id" else grouped)


FILE_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


def size_limit(size: int, lang: str) -> str:
    """Write an upload limit as the site promises: "5 MB" for 5 × 1024² or 5 000 000 bytes, "1,5 MB"."""
    megabytes = size / 1_000_000 if size % 1_000_000 == 0 else size / (1024 * 1024)
    text = f"{megabytes:.1f}".removesuffix(".0")
    return (text.replace(".", ",") if lang == "id" else text) + " MB"


def fact(page: Page, label: str):
    """Return the value cell of the service page's fact labelled `label`."""
    row = page.locator(".summary-list__row").filter(has=page.locator("dt", has_text=label))
    return row.locator("dd")


def best_documented(services: list[dict]) -> dict:
    """Pick the service with the most published facts, so the service page has the most to show."""

    def score(service: dict) -> tuple:
        return (
            service.get("fee_idr") is not None,
            service.get("sla_days") is not None,
            len(service.get("legal_basis") or []),
            len(service.get("requirements") or []),
        )

    return max(services, key=score)


def distinctive_word(services: list[dict]) -> str:
    """Find a word of one service's Indonesian name that only some services' names contain."""
    counts: dict[str, int] = {}
    for service in services:
        for word in set(re.findall(r"[a-z]{5,}", service["name_id"].lower())):
            counts[word] = counts.get(word, 0) + 1
    candidates = [w for w, n in counts.items() if n < len(services)]
    assert candidates, "every service name shares the same words; cannot test narrowing"
    return min(candidates, key=lambda w: (counts[w], w))


def fold(text: str) -> str:
    """Lower-case without accents, as the page compares search terms."""
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()


def test_home_lists_the_whole_catalogue_in_indonesian_by_default(
    page: Page, local_stack, listed_services, axe, screenshot
):
    # Given a first visit, with no language chosen
    # When the home page opens
    page.goto(site(local_stack, "index.html"))

    # Then it speaks Indonesian, lists every service with a link to its page, and announces the count
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan perizinan dan nonperizinan")
    items = page.locator(".service-list__item")
    expect(items).to_have_count(len(listed_services))
    first = listed_services[0]
    link = page.get_by_role("link", name=first["name_id"], exact=True)
    expect(link).to_have_attribute("href", f"service.html?id={first['id']}")
    expect(page.locator("#results-count")).to_have_text(f"{len(listed_services)} layanan ditemukan")
    expect(page.locator("#results-count")).to_have_attribute("aria-live", "polite")
    # And the search box has a label
    expect(page.get_by_label("Cari layanan")).to_be_visible()
    # And the shared frame is there: product name, navigation, opening hours, data attribution
    header = page.locator("#site-header")
    expect(header).to_contain_text("Satu Pintu")
    for name in ["Beranda", "Ajukan permohonan", "Lacak", "Statistik", "Konsultasi"]:
        expect(header.get_by_role("link", name=name, exact=True)).to_be_attached()
    # And the visit page, which exists, is in the menu
    expect(header.get_by_role("link", name="Kunjungan", exact=True)).to_have_attribute(
        "href", re.compile(r"visit\.html$")
    )
    footer = page.locator("#site-footer")
    expect(footer).to_contain_text("07:30–16:00 WIB")
    expect(footer).to_contain_text("Data wilayah: idn-area-data, ODbL")
    axe(page)
    screenshot(page, "home-id-desktop")


def test_search_narrows_the_list_instantly_while_the_citizen_types(page: Page, local_stack, listed_services, axe):
    # Given the home page with the whole catalogue on screen, and the API's own search held back
    page.route(re.compile(r".*/api/services\?.*"), lambda route: None)
    page.goto(site(local_stack, "index.html"))
    items = page.locator(".service-list__item")
    expect(items).to_have_count(len(listed_services))
    word = distinctive_word(listed_services)
    fields = ("id", "name_id", "name_en", "summary_id", "summary_en", "agency")
    matching = [s for s in listed_services if word in fold(" ".join(str(s.get(f) or "") for f in fields))]

    # When a citizen types a word that only some services contain
    page.get_by_label("Cari layanan").fill(word)

    # Then exactly those services are listed, without waiting for the API, and the count says so
    expect(page.locator(".service-list__link")).to_have_count(len(matching))
    assert sorted(page.locator(".service-list__link").all_inner_texts()) == sorted(s["name_id"] for s in matching)
    expect(page.locator("#results-count")).to_have_text(f"{len(matching)} layanan ditemukan")
    # And the address keeps the search so it can be shared
    assert f"q={word}" in page.url
    axe(page)


def test_the_api_search_has_the_last_word_and_the_category_filter_narrows_the_list(
    page: Page, local_stack, listed_services, axe, screenshot
):
    # Given the home page with the whole catalogue on screen
    page.goto(site(local_stack, "index.html"))
    items = page.locator(".service-list__item")
    expect(items).to_have_count(len(listed_services))
    word = distinctive_word(listed_services)
    api = f"{local_stack.api_url}/services"
    found = requests.get(api, params={"q": word}, timeout=10).json()["services"]
    assert 0 < len(found) < len(listed_services), f"the API's search for {word!r} does not narrow the listed_services"

    # When a citizen searches for a word that only some service names contain
    page.get_by_label("Cari layanan").fill(word)
    page.get_by_role("button", name="Cari", exact=True).click()

    # Then the list is the API's answer
    expect(page.locator("#results-count")).to_have_text(f"{len(found)} layanan ditemukan")
    expect(page.locator(".service-list__link")).to_have_count(len(found))
    assert sorted(page.locator(".service-list__link").all_inner_texts()) == sorted(s["name_id"] for s in found)

    # When the search is cleared and one category chosen
    category = found[0]["category"]
    page.get_by_label("Cari layanan").fill("")
    page.locator(f"#category-{category}").check()

    # Then only that category's services are listed
    in_category = requests.get(api, params={"category": category}, timeout=10).json()["services"]
    assert 0 < len(in_category) < len(listed_services)
    assert all(s["category"] == category for s in in_category)
    expect(page.locator(".service-list__link")).to_have_count(len(in_category))
    assert sorted(page.locator(".service-list__link").all_inner_texts()) == sorted(s["name_id"] for s in in_category)
    expect(page.locator(".service-list__item .tag")).to_have_text(
        ["Perizinan" if category == "perizinan" else "Nonperizinan"] * len(in_category)
    )
    assert f"category={category}" in page.url
    axe(page)
    screenshot(page, "home-id-filtered")


def test_a_search_with_no_match_says_so_and_offers_a_way_forward(page: Page, local_stack, listed_services):
    # Given the home page
    page.goto(site(local_stack, "index.html"))
    expect(page.locator(".service-list__item")).to_have_count(len(listed_services))

    # When the search matches nothing
    page.get_by_label("Cari layanan").fill("zzqxj tidak ada")

    # Then the page says nothing matched, announces zero and links to a consultation
    expect(page.locator("#results-count")).to_have_text("0 layanan ditemukan")
    expect(page.locator(".results__empty")).to_contain_text("Tidak ada layanan yang cocok")
    expect(page.locator(".results__empty").get_by_role("link")).to_have_attribute("href", "consult.html")


def test_the_language_switch_turns_the_home_page_english_and_remembers_it(
    page: Page, local_stack, listed_services, axe, screenshot
):
    # Given the home page in Indonesian
    page.goto(site(local_stack, "index.html"))
    expect(page.locator(".service-list__item")).to_have_count(len(listed_services))

    # When the citizen presses the header's language switch
    page.locator("#site-header").get_by_role("link", name="English").click()

    # Then the page, its service names and <html lang> are English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Permits and non-permit services")
    expect(page.get_by_label("Search for a service")).to_be_visible()
    expect(page.get_by_role("link", name=listed_services[0]["name_en"], exact=True)).to_be_visible()
    # And listed in the order of their English names
    first_in_english = min(listed_services, key=lambda s: s["name_en"].casefold())
    expect(page.locator(".service-list__link").first).to_have_text(first_in_english["name_en"])
    expect(page.locator("#results-count")).to_have_text(f"{len(listed_services)} services found")
    expect(page.locator("#site-header").get_by_role("link", name="Statistics")).to_be_visible()
    expect(page.locator("#site-footer")).to_contain_text("Monday–Friday, 07:30–16:00 WIB")
    axe(page)
    screenshot(page, "home-en-desktop")

    # When the page is opened again later
    page.goto(site(local_stack, "index.html"))

    # Then the choice was kept
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Permits and non-permit services")


def test_home_on_a_phone_folds_the_navigation_behind_a_menu_button(
    page: Page, local_stack, listed_services, screenshot
):
    # Given a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site(local_stack, "index.html"))
    expect(page.locator(".service-list__item")).to_have_count(len(listed_services))
    nav_link = page.locator("#site-nav").get_by_role("link", name="Statistik")
    expect(nav_link).to_be_hidden()
    screenshot(page, "home-id-phone")

    # When the menu button is pressed
    menu = page.get_by_role("button", name="Menu")
    menu.click()

    # Then the navigation opens and the button says so
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav_link).to_be_visible()
    screenshot(page, "home-id-phone-menu-open")


def test_service_page_shows_requirements_fee_sla_and_legal_basis_in_indonesian(
    page: Page, local_stack, listed_services, axe, screenshot
):
    # Given the service with the most published facts
    service = best_documented(listed_services)
    detail = requests.get(f"{local_stack.api_url}/services/{service['id']}", timeout=10).json()

    # When its page opens
    page.goto(site(local_stack, f"service.html?id={service['id']}"))

    # Then it shows the name, every requirement marked required or conditional, and every legal basis
    expect(page.get_by_role("heading", level=1)).to_have_text(detail["name_id"])
    assert page.title().startswith(detail["name_id"])
    requirements = page.locator(".checklist__item")
    expect(requirements).to_have_count(len(detail["requirements"]))
    for requirement in detail["requirements"]:
        item = page.locator(f"#req-{requirement['id']}")
        expect(item.locator(".checklist__label")).to_have_text(requirement["label_id"])
        expect(item.locator(".tag")).to_have_text("Wajib" if requirement["required"] else "Bersyarat")
        expect(item).to_contain_text(f"maks. {size_limit(requirement['max_size_bytes'], 'id')}")
        for type_name in (FILE_TYPE_NAMES[t] for t in requirement["accepted_types"]):
            expect(item).to_contain_text(type_name)
    legal = page.locator(".legal-basis li")
    expect(legal).to_have_count(len(detail["legal_basis"]))
    expect(legal).to_have_text(detail["legal_basis"])
    # And the fee, the service level and the field survey in the form promised
    if detail["fee_idr"] is None:
        expect(fact(page, "Biaya")).to_have_text(detail.get("fee_note_id") or "Ditetapkan petugas")
    elif detail["fee_idr"] == 0:
        expect(fact(page, "Biaya")).to_contain_text("Gratis")
    else:
        expect(fact(page, "Biaya")).to_contain_text(rupiah(detail["fee_idr"], "id"))
    if detail["sla_days"] is not None:
        expect(fact(page, "Waktu penyelesaian")).to_contain_text(f"{detail['sla_days']} hari kerja")
    else:
        expect(fact(page, "Waktu penyelesaian")).to_have_text(detail.get("sla_note_id") or "Ditetapkan petugas")
    expect(fact(page, "Peninjauan lapangan")).to_contain_text("Ya, petugas" if detail["field_survey"] else "Tidak")
    months = detail.get("validity_months")
    validity = detail.get("validity_id") or (f"{months // 12} tahun" if months and months % 12 == 0 else None)
    expect(fact(page, "Masa berlaku")).to_have_text(
        validity or (f"{months} bulan" if months else "Belum dipublikasikan")
    )
    # And the way to apply for it
    expect(page.locator("main").get_by_role("link", name="Ajukan permohonan")).to_have_attribute(
        "href", f"apply.html?service={detail['id']}"
    )
    axe(page)
    screenshot(page, "service-id-desktop")


def test_service_page_in_english_uses_the_english_fields(page: Page, local_stack, listed_services, axe, screenshot):
    # Given the service with the most published facts, opened with ?lang=en
    service = best_documented(listed_services)
    detail = requests.get(f"{local_stack.api_url}/services/{service['id']}", timeout=10).json()
    page.set_viewport_size({"width": 390, "height": 844})

    # When its page opens in English
    page.goto(site(local_stack, f"service.html?id={service['id']}&lang=en"))

    # Then names, requirement labels and the fee are written in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(detail["name_en"])
    for requirement in detail["requirements"]:
        item = page.locator(f"#req-{requirement['id']}")
        expect(item.locator(".checklist__label")).to_have_text(requirement["label_en"])
        expect(item.locator(".tag")).to_have_text("Required" if requirement["required"] else "Conditional")
    if detail["fee_idr"]:
        expect(fact(page, "Fee")).to_contain_text(rupiah(detail["fee_idr"], "en"))
    if detail["sla_days"] is not None:
        expect(fact(page, "Processing time")).to_contain_text(f"{detail['sla_days']} working day")
    expect(page.get_by_role("heading", name="Legal basis")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Apply", exact=True)).to_have_attribute(
        "href", f"apply.html?service={detail['id']}"
    )
    axe(page)
    screenshot(page, "service-en-phone")

    # When the switch turns it back to Indonesian
    page.locator("#site-header").get_by_role("link", name="Bahasa Indonesia").click()

    # Then the same page redraws in Indonesian without a reload, and the address follows
    expect(page.get_by_role("heading", level=1)).to_have_text(detail["name_id"])
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert "lang=id" in page.url


def test_an_unknown_service_shows_a_helpful_not_found_page(page: Page, local_stack, console_errors, axe, screenshot):
    # Given an address naming a service that does not exist (the browser logs the API's 404)
    console_errors.allow(r"status of 404")

    # When the page opens
    page.goto(site(local_stack, "service.html?id=no-such-service"))

    # Then it says so and points back to the catalogue and to an officer
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan tidak ditemukan")
    main = page.locator("main")
    expect(main.get_by_role("link", name="Cari layanan di beranda")).to_have_attribute("href", "index.html")
    expect(main.get_by_role("link", name="Tanya petugas")).to_have_attribute("href", "consult.html")
    assert page.title().startswith("Layanan tidak ditemukan")
    axe(page)
    screenshot(page, "service-not-found")


def test_home_explains_an_api_failure_and_recovers_when_asked_to_try_again(
    page: Page, local_stack, listed_services, console_errors, axe, screenshot
):
    # Given an API that fails the catalogue request (the browser logs the 503)
    console_errors.allow(r"status of 503")
    api_down = True

    def catalogue_route(route):
        if api_down:
            error = {
                "code": "unavailable",
                "message": "Sedang pemeliharaan / Under maintenance",
                "details": None,
            }
            route.fulfill(status=503, content_type="application/json", body=json.dumps({"error": error}))
        else:
            route.continue_()

    page.route(re.compile(r".*/api/services$"), catalogue_route)

    # When the home page opens
    page.goto(site(local_stack, "index.html"))

    # Then it says what went wrong in plain words, with the API's message and a way to try again
    panel = page.get_by_role("alert")
    expect(panel).to_contain_text("Layanan sedang mengalami gangguan")
    expect(panel).to_contain_text("Sedang pemeliharaan / Under maintenance")
    axe(page)
    screenshot(page, "home-api-error")

    # When the API is back and the citizen presses "Coba lagi"
    api_down = False
    panel.get_by_role("button", name="Coba lagi").click()

    # Then the catalogue appears
    expect(page.locator(".service-list__item")).to_have_count(len(listed_services))
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Page, local_stack, listed_services):
    # Given the home page
    page.goto(site(local_stack, "index.html"))
    expect(page.locator(".service-list__item")).to_have_count(len(listed_services))

    # When a keyboard user presses Tab once
    page.keyboard.press("Tab")

    # Then the skip link has focus and can be seen
    skip = page.get_by_role("link", name="Langsung ke konten utama")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0

    # When it is followed, the main content has focus
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()


@pytest.mark.parametrize("path", ["index.html", "service.html?id={id}"])
def test_each_catalogue_page_stays_under_100_kb_transferred(page: Page, local_stack, listed_services, path):
    # Given a catalogue page
    url = site(local_stack, path.format(id=listed_services[0]["id"]))

    # When it has loaded with everything it fetches (styles, scripts, icon, API data)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("")
    page.wait_for_load_state("networkidle")

    # Then the bytes transferred, by the browser's own count, stay under the bar for phones
    transferred = page.evaluate(
        """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
            .reduce((sum, entry) => sum + entry.transferSize, 0)"""
    )
    assert 0 < transferred < 100_000, f"{path} transferred {transferred} bytes"


def test_service_page_says_it_is_loading_until_the_api_answers(page: Page, local_stack, listed_services):
    # Given an API that has not answered yet
    held = []
    page.route(re.compile(r".*/api/services/[^/?]+$"), lambda route: held.append(route))
    service = listed_services[0]

    # When the service page opens
    page.goto(site(local_stack, f"service.html?id={service['id']}"))

    # Then it says it is loading, as a status message, and marks the region busy
    status = page.locator("#service").get_by_role("status")
    expect(status).to_have_text("Memuat…")
    expect(page.locator("#service")).to_have_attribute("aria-busy", "true")

    # When the answer arrives
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked the API for the service"
    held[0].continue_()

    # Then the service replaces the loading message and the region is no longer busy
    expect(page.get_by_role("heading", level=1)).to_have_text(service["name_id"])
    expect(page.locator("#service")).not_to_have_attribute("aria-busy", "true")
    expect(status).to_have_count(0)


@pytest.mark.parametrize(
    ("lang", "where", "agency"),
    [
        ("id", "Ajukan di sistem OSS", "Lembaga OSS"),
        ("en", "Apply on the national OSS", "OSS Agency"),
    ],
)
def test_a_service_applied_for_elsewhere_says_where_and_offers_no_apply_button(
    page: Page, local_stack, listed_services, lang, where, agency, axe, screenshot
):
    # When the NIB's page is opened
    page.goto(site(local_stack, f"service.html?id=nib_oss&lang={lang}"))
    # Then it says where to apply, links there, names the agency in the language, and offers no way to apply here
    elsewhere = page.locator("#applied-elsewhere")
    expect(elsewhere).to_contain_text(where, timeout=60_000)
    expect(elsewhere.get_by_role("link")).to_have_attribute("href", "https://oss.go.id")
    expect(page.locator("main")).to_contain_text(agency)
    expect(page.locator("main a[href^='apply.html']")).to_have_count(0)
    axe(page)
    screenshot(page, f"service-applied-elsewhere-{lang}")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_service_page_shows_no_research_notes_or_sources(page: Page, local_stack, listed_services, lang):
    # When the SKTM page is opened (its requirements were researched from another city's standard)
    page.goto(site(local_stack, f"service.html?id=sktm&lang={lang}"))
    expect(page.locator("#service-name")).to_be_visible(timeout=60_000)
    # Then nothing of that research reaches the citizen
    main = page.locator("main")
    expect(main).not_to_contain_text("Malang")
    expect(main).not_to_contain_text("Sumber informasi")
    expect(main).not_to_contain_text("Sources of this information")


def test_the_apply_page_sends_a_service_applied_for_elsewhere_there_and_draws_no_form(
    page: Page, local_stack, listed_services
):
    # When the apply page is opened for the NIB
    page.goto(site(local_stack, "apply.html?service=nib_oss"))
    # Then it says where to apply and shows no form to fill in
    expect(page.locator("#applied-elsewhere")).to_contain_text("Ajukan di sistem OSS", timeout=60_000)
    expect(page.locator("#apply-details")).to_be_hidden()
