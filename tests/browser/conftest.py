"""Browser-test harness: Debian's Chromium driven by Playwright, axe-core checks and screenshots.

Every test gets a fresh browser context; any console error or uncaught page error fails the test
unless the test declared it expected (``console_errors.allow(...)``).
"""

import re
import shutil
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from seed.catalogue import load_services

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = REPO_ROOT / "tests" / "artifacts" / "screenshots"

# Playwright's own browser download does not work on these machines; the Debian package does.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = {"serious", "critical"}


class ConsoleErrors:
    """Console errors and uncaught exceptions seen by one page, minus those a test expects."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Expect console errors matching ``pattern`` (e.g. the 404 a not-found page provokes)."""
        self._allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        """Keep one error message."""
        self.messages.append(text)

    def unexpected(self) -> list[str]:
        """Return the errors that no ``allow`` pattern covers."""
        return [m for m in self.messages if not any(p.search(m) for p in self._allowed)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start Debian's Chromium once for the whole session."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: `make setup` installs it (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> ConsoleErrors:
    """Collect the page's console errors; the test fails on any it did not ``allow``."""
    return ConsoleErrors()


@pytest.fixture
def page(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Page]:
    """Open a page in a new browser context (own storage, own cookies) for one test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    new_page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "")
            console_errors.record(f"console error: {message.text} ({location})")

    def on_page_error(error: Error) -> None:
        console_errors.record(f"uncaught page error: {error.message}")

    new_page.on("console", on_console)
    new_page.on("pageerror", on_page_error)
    yield new_page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail the test itself, not only its teardown, when its page logged an unexpected error."""
    result = yield
    collector = getattr(item, "funcargs", {}).get("console_errors")
    if collector is not None and (errors := collector.unexpected()):
        raise AssertionError("the page reported errors:\n" + "\n".join(errors))
    return result


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} — {targets}")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    """Return ``axe(page)``: run axe-core, assert nothing serious or critical, return every violation."""
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (or `make setup`)")

    def run(page: Page, *, context: str | None = None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the driver, not as a <script>: the site's CSP rightly refuses inline scripts.
            page.evaluate(AXE_SCRIPT.read_text())
        violations = page.evaluate(
            """async (selector) => {
                const result = await window.axe.run(selector || document, {resultTypes: ["violations"]});
                return result.violations;
            }""",
            context,
        )
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            problems = _describe(blocking)
            raise AssertionError(f"axe found serious accessibility problems on {page.url}:\n{problems}")
        return violations

    return run


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Return ``screenshot(page, name)``: save a full-page PNG under tests/artifacts/screenshots/."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
        path = SCREENSHOT_DIR / f"{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# ---------- A citizen's documents and API calls, for the application pages ----------


def tiny_pdf() -> bytes:
    """Return a one-page PDF, built by hand: small, but complete (its cross-reference table too), so it opens."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj%sendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_png(width: int = 4, height: int = 4) -> bytes:
    """Return a valid PNG (an orange square), built by hand so no imaging library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xf0\x8a\x24" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@dataclass(frozen=True)
class CitizenFiles:
    """Files on disk as a citizen would pick them: a scanned PDF, a phone photo, and a file of the wrong kind."""

    pdf: Path
    png: Path
    text: Path


def _write_citizen_files(folder: Path) -> CitizenFiles:
    pdf = folder / "surat-permohonan.pdf"
    pdf.write_bytes(tiny_pdf())
    png = folder / "foto-ktp.png"
    png.write_bytes(tiny_png())
    text = folder / "catatan.txt"
    text.write_text("bukan dokumen\n")
    return CitizenFiles(pdf=pdf, png=png, text=text)


@pytest.fixture
def citizen_files(tmp_path: Path) -> CitizenFiles:
    """Write a real small PDF and PNG (and a text file no requirement accepts) for upload."""
    return _write_citizen_files(tmp_path)


@pytest.fixture(scope="module")
def module_citizen_files(tmp_path_factory: pytest.TempPathFactory) -> CitizenFiles:
    """The same files, for fixtures that prepare a whole module's data once."""
    return _write_citizen_files(tmp_path_factory.mktemp("files"))


# A NIK that passes every rule: Jakarta (31.71.01), born 15 August 1985, serial 0001.
VALID_NIK = "3171011508850001"
# Applying and uploading wait on the local emulator; these are upper bounds, not expectations.
API_TIMEOUT_S = 120


class CitizenApi:
    """The public API called as a citizen's browser calls it, to set the scene for a page test."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url.rstrip("/")

    def service(self, service_id: str) -> dict[str, Any]:
        """Return one service as the apply page reads it."""
        response = requests.get(f"{self.api_url}/services/{service_id}", timeout=API_TIMEOUT_S)
        response.raise_for_status()
        return response.json()

    def simplest_service(self, min_required: int = 1) -> dict[str, Any]:
        """Return the seeded service with the fewest required documents (at least `min_required`), from the API."""

        def required(service: dict[str, Any]) -> int:
            return sum(r["required"] for r in service["requirements"])

        candidates = [s for s in load_services() if required(s) >= min_required]
        assert candidates, f"no service needs {min_required} documents"
        return self.service(min(candidates, key=lambda s: (required(s), s["id"]))["id"])

    @staticmethod
    def answer(field: dict[str, Any]) -> str:
        """Return a plausible answer to a service's form field, as typed."""
        if field["type"] in {"integer", "decimal"}:
            return "12"
        if field["type"] == "date":
            return "2026-12-01"
        return f"Contoh {field['label_id']}"[: field.get("max_length") or 100]

    def upload(self, service_id: str, requirement_id: str, path: Path, content_type: str) -> str:
        """Upload a file for one requirement as the browser does (ticket, then presigned POST); return its id."""
        data = path.read_bytes()
        ticket_response = requests.post(
            f"{self.api_url}/uploads",
            json={
                "service_id": service_id,
                "requirement_id": requirement_id,
                "filename": path.name,
                "content_type": content_type,
                "size": len(data),
            },
            timeout=API_TIMEOUT_S,
        )
        assert ticket_response.status_code == 201, ticket_response.text
        ticket = ticket_response.json()
        stored = requests.post(
            ticket["url"], data=ticket["fields"], files={"file": (path.name, data, content_type)}, timeout=API_TIMEOUT_S
        )
        assert stored.status_code in (200, 201, 204), stored.text
        return ticket["upload_id"]

    def apply(self, service: dict[str, Any], files: CitizenFiles, email: str = "warga@example.com") -> dict[str, Any]:
        """Submit a complete application for `service` (every required document uploaded); return the receipt."""
        documents = []
        for i, requirement in enumerate(r for r in service["requirements"] if r["required"]):
            path, content_type = (files.pdf, "application/pdf") if i % 2 == 0 else (files.png, "image/png")
            upload_id = self.upload(service["id"], requirement["id"], path, content_type)
            documents.append({"requirement_id": requirement["id"], "upload_id": upload_id})
        body = {
            "service_id": service["id"],
            "applicant": {"nik": VALID_NIK, "name": "Siti Rahayu", "email": email, "phone": "0812 3456 7890"},
            "fields": {f["id"]: self.answer(f) for f in service["form_fields"]},
            "documents": documents,
            "locale": "id",
            "declaration": True,
        }
        response = requests.post(
            f"{self.api_url}/applications",
            json=body,
            headers={"Idempotency-Key": str(uuid.uuid4())},
            timeout=API_TIMEOUT_S,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def track(self, application_id: str, token: str) -> dict[str, Any]:
        """Return the application as its holder sees it."""
        response = requests.get(
            f"{self.api_url}/applications/{application_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=API_TIMEOUT_S,
        )
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        """Return the public statistics."""
        response = requests.get(f"{self.api_url}/stats", timeout=API_TIMEOUT_S)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def citizen_api(local_stack) -> CitizenApi:
    """The local stack's public API, called as a citizen's browser would."""
    return CitizenApi(local_stack.api_url)
