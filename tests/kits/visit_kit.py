"""A small service point for the visit day's tests, and visitors who book it through the API (on moto)."""

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from functions.shared.clock import JAKARTA

REGION = "ap-southeast-3"
# Monday 23 Nov 2026: bookings are made at 07:00 WIB, before the office opens.
MONDAY = "2026-11-23"
BOOKED_AT = dt.datetime(2026, 11, 23, 7, 0, tzinfo=JAKARTA)
OFFICER = {
    "sub": "0f1e-officer",
    "username": "officer-1",
    "email": "petugas@example.go.id",
    "cognito:groups": "[officer]",
}
ADMIN = {"sub": "9a8b-admin", "username": "admin-1", "cognito:groups": "[admin]"}
CITIZEN = {"sub": "c1-citizen", "username": "warga", "cognito:groups": "[]"}


def at(hhmm: str, day: str = MONDAY) -> dt.datetime:
    """Return a Jakarta moment on a day (Monday unless told)."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=JAKARTA)


def door_site(capacity: int = 4, cap_percent: int = 50) -> dict[str, Any]:
    """A kelurahan office whose room lets capacity × cap % people in at once (2 by default), 07:30-16:00."""
    return {
        "id": "uji-pintu",
        "name": "Kantor Kelurahan Uji Pintu",
        "kind": "kelurahan",
        "area_code": "31.71.01.1009",
        "address": "Jl. Uji No. 1, Jakarta",
        "capacity": capacity,
        "occupancy_cap_percent": cap_percent,
        "opening_hours": {"open": "07:30", "close": "16:00", "days": [0, 1, 2, 3, 4]},
        "window_minutes": 30,
        "booking_horizon_days": 14,
        "closed_dates": [],
        "counters": [
            {
                "id": "ptsp",
                "agency": "PTSP",
                "name_id": "Loket Perizinan",
                "name_en": "Permit counter",
                "slot_minutes": 30,
                "people_per_slot": 3,
                "daily_quota": None,
            },
            {
                "id": "pajak",
                "agency": "Bapenda",
                "name_id": "Loket Pajak",
                "name_en": "Tax counter",
                "slot_minutes": 30,
                "people_per_slot": 3,
                "daily_quota": 20,
            },
        ],
    }


@dataclass
class Visitor:
    """A booked visit as the visitor holds it: the id in the QR, the code on the ticket, the access token."""

    id: str
    ticket_code: str
    token: str
    nik: str


class Visitors:
    """Books visits at the test site through the API, each by a different person with their own address."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.serial = itertools.count(1)

    def book(self, start: str = "09:00", counter: str = "ptsp", day: str = MONDAY, locale: str = "id") -> Visitor:
        """Book one visit (the clock must be before the slot) and return it."""
        n = next(self.serial)
        nik = f"317101010190{n:04d}"
        body = {
            "site_id": "uji-pintu",
            "counter_id": counter,
            "date": day,
            "start": start,
            "nik": nik,
            "name": f"Warga {n}",
            "email": f"warga{n}@example.com",
            "locale": locale,
            "health": {"fever": False, "cough": False, "flu": False},
        }
        answer = self.api.post("/api/bookings", body, headers={"Idempotency-Key": f"visit-key-{n:06d}"})
        assert answer.status == 201, answer.body
        return Visitor(answer.body["id"], answer.body["ticket_code"], answer.body["access_token"], nik)


def counter(counter_id: str, people: int, quota: int | None = None) -> dict[str, Any]:
    """One counter of a test site: 30-minute slots of `people`, at most `quota` a day."""
    return {
        "id": counter_id,
        "agency": "Uji",
        "name_id": counter_id,
        "name_en": counter_id,
        "slot_minutes": 30,
        "people_per_slot": people,
        "daily_quota": quota,
    }
