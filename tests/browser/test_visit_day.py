"""The visit day on a local stack set to a Monday morning: the door in the officers' console, the board at the
entrance and the day's visit figures on the statistics page.

The stack's functions run at PINNED (its `--clock-at`), and each page's clock is set to the same moment, so a
visit booked for DAY is today's visit for the API and for the browser, whatever the machine's date.
"""

import datetime as dt
import itertools
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from devstack.process import RunningStack, start_stack, stop_stack

pytestmark = [pytest.mark.browser, pytest.mark.stack]

JAKARTA = dt.timezone(dt.timedelta(hours=7))
# A Monday before opening: every slot of the day is still ahead, none has become a no-show.
PINNED = dt.datetime(2026, 12, 7, 7, 0, tzinfo=JAKARTA)
DAY = PINNED.date().isoformat()
NEXT_DAY = (PINNED.date() + dt.timedelta(days=1)).isoformat()
MALL = "mpp-dki"
COUNTER = "ptsp"
API_WAIT_MS = 60_000
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
# Each booking needs its own person (one active booking per NIK per site per day): Jakarta, born 1 Jan 1990.
_serials = itertools.count(31)


@pytest.fixture(scope="module")
def visit_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A local stack whose functions live on PINNED, started for this module and stopped after it."""
    folder = tmp_path_factory.mktemp("visit-day")
    # One instance of each function: the door's list of sites then finds the catalogue its first reading kept.
    arguments = ("--clock-at", PINNED.isoformat(), "--concurrency", "1")
    stack = start_stack(folder / "stack.json", folder / "stack.log", extra_args=arguments)
    # The first read of the whole catalogue (318 service points) is the slowest request a fresh stack answers, and
    # on a busy machine it can outlast the function's timeout: read once here, as a visitor's first look would.
    for _ in range(4):
        if requests.get(f"{stack.api_url}/sites", params={"kind": "mall"}, timeout=120).status_code == 200:
            break
    yield stack
    stop_stack(stack)


@pytest.fixture
def on_the_day(page: Page) -> Page:
    """The test's page, its clock set to PINNED (and ticking on from there), as the stack's is."""
    page.clock.install(time=PINNED)
    return page


def site(stack: RunningStack, path: str) -> str:
    """Return the URL of a page of the stack's static site."""
    return stack.site_url.rstrip("/") + "/" + path


def book(stack: RunningStack, start: str, date: str = DAY) -> dict[str, Any]:
    """Book a visit to the mall's permit counter as a citizen's browser does; return the booking and its e-mail."""
    nik = f"31710101019000{next(_serials):02d}"
    email = f"warga.{uuid.uuid4().hex[:8]}@example.com"
    body = {
        "site_id": MALL,
        "counter_id": COUNTER,
        "date": date,
        "start": start,
        "nik": nik,
        "name": "Siti Aminah",
        "email": email,
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }
    response = requests.post(
        f"{stack.api_url}/bookings", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=60
    )
    assert response.status_code == 201, response.text
    return {**response.json(), "email": email, "start": start, "date": date}


def occupancy(stack: RunningStack) -> dict[str, Any]:
    """Return the mall's public occupancy, as the board reads it."""
    response = requests.get(f"{stack.api_url}/sites/{MALL}/occupancy", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def officer_token(stack: RunningStack) -> str:
    """Sign the seeded officer in at the stack's Cognito and return the ID token the console sends."""
    cognito = stack.client("cognito-idp")
    officer = stack.info["officer"]
    result = cognito.initiate_auth(
        ClientId=stack.info["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": officer["username"], "PASSWORD": officer["password"]},
    )
    return result["AuthenticationResult"]["IdToken"]


def check_in_by_api(stack: RunningStack, booking: dict[str, Any], temperature_c: float) -> dict[str, Any]:
    """Check a visitor in through the API, as another officer's tablet would."""
    response = requests.post(
        f"{stack.api_url}/officer/bookings/{booking['id']}/check-in",
        json={"temperature_c": temperature_c, "site_id": MALL},
        headers={"Authorization": f"Bearer {officer_token(stack)}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def mail_to(stack: RunningStack, address: str, containing: str, timeout_s: float = 60) -> dict[str, Any]:
    """Wait for the stack's mailbox to hold an e-mail to `address` whose text contains `containing`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for mail in requests.get(f"{stack.mailbox_url}.json", timeout=10).json():
            if address in mail["to"] and containing in mail["text"]:
                return mail
        time.sleep(0.5)
    raise AssertionError(f"no e-mail to {address} mentioning {containing!r}")


def open_the_door(page: Page, stack: RunningStack, lang: str = "id", *, by_tab: bool = False) -> None:
    """Sign in to the console as the seeded officer, with the keyboard, and open the door view at the mall.

    `by_tab` opens the console's queue first and then the door's tab; otherwise the console is opened at the door
    (officer.html#checkin, as a tablet kept at the entrance would have it bookmarked).
    """
    officer = stack.info["officer"]
    page.goto(site(stack, f"officer.html?lang={lang}" + ("" if by_tab else "#checkin")))
    page.fill("#username", officer["username"])
    page.fill("#password", officer["password"])
    page.press("#password", "Enter")
    expect(page.locator("#who")).to_contain_text(officer["username"], timeout=API_WAIT_MS)
    if by_tab:
        page.locator("#tab-checkin").click()
    expect(page.locator("#ci-site option[value='mpp-dki']")).to_be_attached(timeout=API_WAIT_MS)
    page.select_option("#ci-site", MALL)
    expect(page.locator("#ci-inside")).to_be_visible(timeout=API_WAIT_MS)


def check_in(page: Page, ticket: str, temperature: str) -> None:
    """Type a ticket and a temperature at the door and submit with the keyboard."""
    page.fill("#ci-ticket", ticket)
    page.fill("#ci-temp", temperature)
    page.press("#ci-temp", "Enter")


def test_a_visitor_is_admitted_counted_on_the_board_and_checked_out(visit_day, on_the_day, browser, axe, screenshot):
    page = on_the_day
    # Given a citizen's visit booked for today
    visit = book(visit_day, "09:00")
    inside_before = occupancy(visit_day)["inside"]

    # And the board at the entrance, on its own screen
    board_context = browser.new_context(viewport={"width": 1280, "height": 900})
    board_context.clock.install(time=PINNED)
    board = board_context.new_page()
    board.goto(site(visit_day, f"board.html?site={MALL}"))
    expect(board.locator("#board-inside")).to_have_text(str(inside_before), timeout=API_WAIT_MS)

    # When the officer, on a tablet, types the ticket code and 36.6 °C at the door
    page.set_viewport_size(TABLET)
    open_the_door(page, visit_day, by_tab=True)
    axe(page)
    check_in(page, visit["ticket_code"], "36.6")

    # Then the verdict says MASUK, in large type, in the live region, and the occupancy counts them
    verdict = page.locator("#ci-verdict")
    expect(verdict.locator("[data-verdict='admitted']")).to_be_visible(timeout=API_WAIT_MS)
    expect(verdict).to_contain_text("MASUK")
    expect(verdict).to_contain_text(visit["ticket_code"])
    expect(verdict).to_contain_text("36,6 °C")
    assert verdict.get_attribute("aria-live") == "assertive"
    expect(page.locator("#ci-inside")).to_contain_text(f"{inside_before + 1} dari")
    axe(page)
    screenshot(page, "door-admitted-id")

    # And the board shows one more inside at its next refresh, with no reload
    board.clock.fast_forward(16_000)
    expect(board.locator("#board-inside")).to_have_text(str(inside_before + 1), timeout=API_WAIT_MS)

    # When the visitor leaves and the officer checks them out by the ticket code
    page.fill("#co-ticket", visit["ticket_code"])
    page.press("#co-ticket", "Enter")

    # Then the console and, at its next refresh, the board are back where they started
    expect(page.locator("#co-result")).to_contain_text(f"{visit['ticket_code']} keluar", timeout=API_WAIT_MS)
    expect(page.locator("#ci-inside")).to_contain_text(f"{inside_before} dari")
    board.clock.fast_forward(16_000)
    expect(board.locator("#board-inside")).to_have_text(str(inside_before), timeout=API_WAIT_MS)
    screenshot(board, "board-after-check-out")
    board_context.close()


def test_a_fever_is_refused_and_the_visitor_is_emailed_advice(visit_day, on_the_day, axe, screenshot, console_errors):
    page = on_the_day
    # The second try with the refused ticket is a 409, which the browser reports on its console.
    console_errors.allow(r"status of 409")
    # Given a visit booked for today
    visit = book(visit_day, "09:30")

    # When the officer measures 38,0 °C (typed with a comma) at the door
    open_the_door(page, visit_day)
    check_in(page, visit["ticket_code"], "38,0")

    # Then the verdict is DITOLAK with the advice the visitor was sent
    verdict = page.locator("#ci-verdict")
    expect(verdict.locator("[data-verdict='refused']")).to_be_visible(timeout=API_WAIT_MS)
    expect(verdict).to_contain_text("DITOLAK")
    expect(verdict).to_contain_text("38,0 °C")
    expect(verdict).to_contain_text("layanan daring")
    axe(page)
    screenshot(page, "door-refused-id")

    # And the e-mail with that advice is in the visitor's mailbox
    mail = mail_to(visit_day, visit["email"], visit["ticket_code"])
    assert "consult.html" in mail["text"]

    # And the same ticket cannot be tried again
    check_in(page, visit["ticket_code"], "36,5")
    expect(verdict.locator("[data-verdict='stop']")).to_be_visible(timeout=API_WAIT_MS)
    expect(verdict).to_contain_text("ditolak hari ini karena suhu tinggi")


def test_the_door_reads_in_english_and_names_each_reason_in_plain_words(
    visit_day, on_the_day, axe, screenshot, console_errors
):
    page = on_the_day
    # The refusals are 409s and a 422, which the browser reports on its console.
    console_errors.allow(r"status of 409")
    console_errors.allow(r"status of 404")
    # Given a visit for tomorrow and one for today already inside
    tomorrow = book(visit_day, "10:00", date=NEXT_DAY)
    today = book(visit_day, "10:00")
    check_in_by_api(visit_day, today, 36.4)

    # When the officer works in English, on a phone
    page.set_viewport_size(PHONE)
    open_the_door(page, visit_day, lang="en")
    expect(page.get_by_role("heading", name="At the door: temperature and check-in")).to_be_visible()
    verdict = page.locator("#ci-verdict")

    # Then tomorrow's ticket is for another day, by its booking number (as the QR gives it)
    check_in(page, f"SATUPINTU-BOOKING:{tomorrow['id']}", "36.5")
    expect(verdict).to_contain_text("CANNOT COME IN", timeout=API_WAIT_MS)
    expect(verdict).to_contain_text("not today")
    # And a ticket already used says so
    check_in(page, today["ticket_code"], "36.5")
    expect(verdict).to_contain_text("already inside", timeout=API_WAIT_MS)
    # And a code nobody booked is not found
    check_in(page, "PTSP-0900-ZZZZ", "36.5")
    expect(verdict).to_contain_text("No such ticket here today", timeout=API_WAIT_MS)
    axe(page)
    screenshot(page, "door-reasons-en-phone")

    # And a reading no person has is caught before anything is sent
    check_in(page, today["ticket_code"], "3.65")
    expect(page.locator(".error-summary")).to_contain_text("34.0 to 43.0", timeout=API_WAIT_MS)
    expect(page.locator("#ci-temp")).to_have_attribute("aria-describedby", re.compile("ci-temp-error"))
    axe(page)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_board_is_readable_in_both_languages_and_keeps_its_figures_when_a_refresh_fails(
    visit_day, on_the_day, axe, screenshot, console_errors, lang
):
    page = on_the_day
    console_errors.allow(r"Failed to load resource")
    # Given the board of the mall on a screen at the entrance
    page.goto(site(visit_day, f"board.html?site={MALL}&lang={lang}"))
    figures = occupancy(visit_day)
    expect(page.locator("#board-site")).to_have_text(figures["site_name"], timeout=API_WAIT_MS)
    expect(page.locator("#board-count")).to_contain_text("Di dalam")
    expect(page.locator("#board-count")).to_contain_text("Inside")
    expect(page.locator("#board-inside")).to_have_text(str(figures["inside"]))
    expect(page.locator("#board-cap")).to_have_text(str(figures["cap"]))
    expect(page.locator("#board-state")).to_contain_text("Silakan masuk")
    expect(page.locator("#board-state")).to_contain_text("Please come in")
    # And the time of the figures, on the day's clock, each language writing it its own way
    expect(page.locator("#board-updated")).to_contain_text("Diperbarui pukul 07.0")
    expect(page.locator("#board-updated")).to_contain_text("Updated 07:0")
    axe(page)
    screenshot(page, f"board-{lang}")

    # When the API cannot be reached at the next refresh
    page.route("**/api/sites/*/occupancy", lambda route: route.abort())
    page.clock.fast_forward(16_000)

    # Then the last figures stay, and the board says they are not fresh
    expect(page.locator("#board-updated")).to_contain_text("Belum dapat memperbarui", timeout=API_WAIT_MS)
    expect(page.locator("#board-updated")).to_contain_text("Could not refresh")
    expect(page.locator("#board-inside")).to_have_text(str(figures["inside"]))
    axe(page)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_statistics_show_the_days_visits_per_site_and_counter(visit_day, on_the_day, axe, screenshot, lang):
    page = on_the_day
    # Given a day with a visit checked in and one refused
    admitted = book(visit_day, "11:00")
    refused = book(visit_day, "11:30")
    check_in_by_api(visit_day, admitted, 36.7)
    check_in_by_api(visit_day, refused, 38.2)
    response = requests.get(f"{visit_day.api_url}/stats/visits", params={"date": DAY}, timeout=30)
    assert response.status_code == 200, response.text
    mall = next(s for s in response.json()["sites"] if s["site_id"] == MALL)
    counter = next(c for c in mall["counters"] if c["counter_id"] == COUNTER)
    assert counter["checked_in"] >= 1 and counter["refused"] >= 1

    # When the statistics page opens on that day (its own clock says so)
    page.goto(site(visit_day, f"stats.html?lang={lang}"))

    # Then the visits table names the day in its caption and carries the API's figures per site and counter
    table = page.locator("#visits-table")
    expect(table).to_have_attribute("data-date", DAY, timeout=API_WAIT_MS)
    expect(table.locator("caption")).to_contain_text("7 Desember 2026" if lang == "id" else "7 December 2026")
    site_row = table.locator(f"tr.visits__site[data-site='{MALL}']")
    counter_row = table.locator(f"tr.visits__counter[data-site='{MALL}'][data-counter='{COUNTER}']")
    for key in ("booked", "checked_in", "refused", "no_show"):
        expect(site_row.locator(f"td[data-key='{key}']")).to_have_text(str(mall[key]))
        expect(counter_row.locator(f"td[data-key='{key}']")).to_have_text(str(counter[key]))
    expect(counter_row.locator("th")).to_have_text(counter["name_id"] if lang == "id" else counter["name_en"])
    header = table.locator("thead th")
    expect(header.nth(2)).to_have_text("Masuk" if lang == "id" else "Checked in")
    expect(header.nth(3)).to_have_text("Ditolak" if lang == "id" else "Refused")
    axe(page)
    screenshot(page, f"stats-visits-{lang}")

    # And another day can be chosen: the day after has nothing booked yet at this hour
    page.fill("#visits-date", "2026-12-09")
    page.click("#visits-show")
    expect(page.locator("#visits-empty")).to_be_visible(timeout=API_WAIT_MS)


def test_the_door_reads_a_ticket_and_a_temperature_however_they_are_typed(visit_day, page: Page):
    # Given the door's module, loaded in a page of the site
    page.goto(site(visit_day, "index.html"))
    # When it reads what a scanner, a keyboard or a phone's decimal pad gives it
    read = page.evaluate(
        """async () => {
            const door = await import("./js/checkin.js");
            return {
                qr: door.readTicket("SATUPINTU-BOOKING:BK-7K3M9QX2AB"),
                id: door.readTicket(" bk-7k3m9qx2ab "),
                code: door.readTicket("ptsp-0930-7k3m"),
                empty: door.readTicket("   "),
                comma: door.readTemperature("36,8"),
                point: door.readTemperature("36.8"),
                whole: door.readTemperature("37"),
                words: door.readTemperature("tiga enam"),
                slip: door.readTemperature("3.68"),
            };
        }"""
    )
    # Then a QR and a booking number are the booking's id, anything else a ticket code; both decimal marks work
    assert read["qr"] == {"id": "BK-7K3M9QX2AB"}
    assert read["id"] == {"id": "BK-7K3M9QX2AB"}
    assert read["code"] == {"code": "PTSP-0930-7K3M"}
    assert read["empty"] is None
    assert (read["comma"], read["point"], read["whole"]) == (36.8, 36.8, 37)
    assert (read["words"], read["slip"]) == (None, None)


# Headless Chromium has no camera and no barcode engine: the page is given a camera that films a blank frame
# and a BarcodeDetector that reads whatever the test holds up (window.heldUp), as a tablet's would read the QR.
FAKE_CAMERA = """
window.heldUp = null;
window.BarcodeDetector = class {
  constructor(options) { this.formats = options.formats; }
  async detect() { return window.heldUp ? [{ rawValue: window.heldUp, format: "qr_code" }] : []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return canvas.captureStream();
};
"""


def test_the_tickets_qr_is_scanned_with_the_camera_and_the_visitor_admitted(visit_day, on_the_day, axe):
    page = on_the_day
    page.add_init_script(FAKE_CAMERA)
    # Given a visit booked for today
    visit = book(visit_day, "12:00")
    # When the officer opens the camera at the door and the visitor holds up the ticket's QR
    open_the_door(page, visit_day)
    page.get_by_role("button", name="Pindai QR dengan kamera").click()
    expect(page.locator("#ci-camera")).to_be_visible()
    axe(page)
    page.evaluate("id => { window.heldUp = 'SATUPINTU-BOOKING:' + id; }", visit["id"])
    # Then the camera closes, the booking number is in the ticket field and the temperature is asked for
    expect(page.locator("#ci-ticket")).to_have_value(visit["id"])
    expect(page.locator("#ci-camera")).to_be_hidden()
    expect(page.locator("#ci-scan-status")).to_contain_text(visit["id"])
    expect(page.locator("#ci-temp")).to_be_focused()
    # And with the temperature taken, the visitor is admitted
    page.keyboard.type("36,9")
    page.keyboard.press("Enter")
    expect(page.locator("#ci-verdict [data-verdict='admitted']")).to_contain_text(
        visit["ticket_code"], timeout=API_WAIT_MS
    )
