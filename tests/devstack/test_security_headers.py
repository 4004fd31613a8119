"""Every answer of the local stack — pages, scripts, API answers and errors — carries the edge's security headers."""

from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.stack

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
PAGES = sorted(p.name for p in FRONTEND.glob("*.html"))


def _assert_secure(response: requests.Response) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'self'", response.url
    assert directives.get("script-src") == "'self'", response.url
    assert directives.get("frame-ancestors") == "'none'", response.url
    assert "unsafe" not in csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "no-referrer"
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Strict-Transport-Security", "").startswith("max-age=")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_carries_the_security_headers(local_stack, page):
    response = requests.get(local_stack.site_url + page, timeout=10)
    assert response.status_code == 200
    _assert_secure(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("", 200),
        ("js/layout.js", 200),
        ("css/site.css", 200),
        ("no-such-page.html", 404),
        ("api/services", 200),
        ("api/no-such-route", 404),
        ("api/officer/applications", 401),
    ],
)
def test_scripts_api_answers_and_errors_carry_them_too(local_stack, path, status):
    response = requests.get(local_stack.site_url + path, timeout=10)
    assert response.status_code == status
    _assert_secure(response)


def test_a_refused_body_carries_them(local_stack):
    response = requests.post(
        local_stack.api_url + "/consultations", data="a=b", headers={"Content-Type": "text/plain"}, timeout=10
    )
    assert response.status_code == 415
    _assert_secure(response)


def test_the_page_may_upload_to_the_local_s3_endpoint(local_stack):
    # The deployed policy allows S3's regional endpoint; locally that endpoint is the moto server.
    csp = requests.get(local_stack.site_url, timeout=10).headers["Content-Security-Policy"]
    connect = next(d for d in csp.split(";") if d.strip().startswith("connect-src"))
    assert local_stack.info["aws_endpoint_url"] in connect.split()
