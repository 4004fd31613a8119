"""The door over HTTP on the running stack, with an officer's real token from its Cognito: in, refused, out."""

import datetime as dt
import time

import requests

from functions.queue import booking
from functions.shared import clock
from functions.shared.bookings import Tables
from functions.shared.catalogue import put_catalogue

# Open every day and almost all day, so the test holds whenever the stack's own clock says it runs.
SITE = {
    "id": "uji-pintu-http",
    "name": "Kantor Uji Pintu (HTTP)",
    "kind": "kelurahan",
    "area_code": "31.71.01.1009",
    "address": "Jakarta",
    "capacity": 4,
    "occupancy_cap_percent": 50,
    "opening_hours": {"open": "00:00", "close": "23:30", "days": [0, 1, 2, 3, 4, 5, 6]},
    "window_minutes": 30,
    "booking_horizon_days": 14,
    "closed_dates": [],
    "counters": [
        {
            "id": "ptsp",
            "agency": "PTSP",
            "name_id": "Loket",
            "name_en": "Counter",
            "slot_minutes": 30,
            "people_per_slot": 5,
            "daily_quota": None,
        }
    ],
}


def _officer_token(local_stack) -> str:
    info = local_stack.info
    result = local_stack.client("cognito-idp").initiate_auth(
        ClientId=info["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": info["officer"]["username"], "PASSWORD": info["officer"]["password"]},
    )
    return result["AuthenticationResult"]["IdToken"]


def _book_today(local_stack, n: int) -> dict:
    """Book a visit at 23:00 today (Jakarta) in the stack's tables, as if booked at midnight."""
    resources = local_stack.info["resources"]
    dynamodb = local_stack.resource("dynamodb")
    deps = booking.Deps(
        tables=Tables(
            dynamodb.Table(resources["BookingsTable"]),
            resources["NotificationOutboxTable"],
            local_stack.client("dynamodb"),
        ),
        catalogue=dynamodb.Table(resources["CatalogueTable"]),
        kms=local_stack.client("kms"),
        access_token_key_id=resources["AccessTokenKey"],
    )
    midnight = dt.datetime.combine(clock.today(), dt.time(0, 0), tzinfo=clock.JAKARTA)
    request = {
        "site_id": SITE["id"],
        "counter_id": "ptsp",
        "date": clock.today().isoformat(),
        "start": "23:00",
        "nik": f"317101010190{n:04d}",
        "name": f"Warga {n}",
        "email": f"pintu{n}@example.com",
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }
    return booking.book_visit(request, deps, midnight)


def _mail_to(local_stack, address: str, subject_part: str, wait_s: float = 60) -> dict:
    deadline = time.monotonic() + wait_s
    while True:
        found = [
            m
            for m in requests.get(f"{local_stack.mailbox_url}.json", timeout=10).json()
            if address in str(m["to"]) and subject_part in m["subject"]
        ]
        if found or time.monotonic() > deadline:
            assert found, f"no e-mail to {address} about {subject_part!r}"
            return found[0]
        time.sleep(0.5)


def test_an_officer_checks_a_visitor_in_refuses_a_fever_and_checks_out_over_http(local_stack):
    # Given the test office in the stack's catalogue, two visits today, and an officer signed in
    put_catalogue(local_stack.resource("dynamodb").Table(local_stack.info["resources"]["CatalogueTable"]), [], [SITE])
    well, feverish = _book_today(local_stack, 8101), _book_today(local_stack, 8102)
    officer = {"Authorization": f"Bearer {_officer_token(local_stack)}"}
    api = local_stack.api_url
    # When the first is measured at 36.7 °C (scanned QR)
    entered = requests.post(
        f"{api}/officer/bookings/{well['id']}/check-in",
        json={"temperature_c": 36.7, "site_id": SITE["id"]},
        headers=officer,
        timeout=30,
    )
    # Then they are in, and the entrance board says so (briefly cacheable)
    assert entered.status_code == 200, entered.text
    assert entered.json()["status"] == "CHECKED_IN" and entered.json()["occupancy"] == {"inside": 1, "cap": 2}
    board = requests.get(f"{api}/sites/{SITE['id']}/occupancy", timeout=30)
    assert board.json()["inside"] == 1 and board.headers["Cache-Control"] == "public, max-age=10"
    # When the second reads 38.4 °C (typed ticket code)
    refused = requests.post(
        f"{api}/officer/sites/{SITE['id']}/check-in",
        json={"ticket_code": feverish["ticket_code"], "temperature_c": 38.4},
        headers=officer,
        timeout=30,
    )
    # Then the visit is refused and the visitor is e-mailed where to turn, without the reading
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "REFUSED"
    mail = _mail_to(local_stack, "pintu8102@example.com", "belum dapat dilayani")
    assert "consult.html" in mail["text"] and "38,4" not in mail["text"] and "38.4" not in mail["text"]
    # And the first leaves; the officer's board counts the day
    left = requests.post(f"{api}/officer/bookings/{well['id']}/check-out", headers=officer, timeout=30)
    assert left.status_code == 200 and left.json()["occupancy"] == {"inside": 0, "cap": 2}
    day = requests.get(f"{api}/officer/sites/{SITE['id']}/occupancy", headers=officer, timeout=30).json()
    assert (day["inside"], day["checked_in_today"], day["refused_today"], day["booked_today"]) == (0, 1, 1, 2)
    # And without a token the gateway refuses the door's routes
    assert requests.post(f"{api}/officer/bookings/{well['id']}/check-out", timeout=30).status_code == 401
