"""Browser-test harness: Debian's Chromium driven by Playwright, axe-core checks and screenshots.

Every test gets a fresh browser context; any console error or uncaught page error fails the test
unless the test declared it expected (``console_errors.allow(...)``).
"""

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

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
            page.add_script_tag(path=str(AXE_SCRIPT))
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
