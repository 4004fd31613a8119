"""Pages hold still while they load: the cumulative layout shift, measured in Chromium on a phone and a desktop."""

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# Lighthouse's "good" is 0.1; the pages aim lower.
MAX_CLS = 0.05
# Summed over the page's whole load, as Lighthouse does (no session windows: stricter).
OBSERVE_SHIFTS = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "service.html?id=sipi",
        "apply.html",
        "apply.html?service=sktm",
        "track.html",
        "stats.html",
        "board.html?site=mpp-dki",
    ],
)
def test_a_page_holds_still_while_it_loads(page: Page, local_stack, path, viewport):
    # Given a window (a phone's, a desktop's) that records every layout shift from the first paint
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.add_init_script(OBSERVE_SHIFTS)
    # When the page loads and its content arrives from the API
    page.goto(site(local_stack, path))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    # Then the content did not push what was already drawn
    shift = page.evaluate("window.__cls")
    print(f"CLS {path} {viewport}: {shift:.3f}")
    assert shift <= MAX_CLS, f"{path}: cumulative layout shift {shift:.3f}"
