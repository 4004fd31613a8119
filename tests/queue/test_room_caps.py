"""The room's cap as the window counters carry it: what a booking checks without reading the site first.

The test site lets 4 × 50 % = 2 people into the room per window; each counter's slot holds 3, so the room binds.
A booking takes the site from the catalogue's cache, as a warm instance does; these tests put an old copy of the
site back into that cache after an admin's change, as another instance would still hold it.
"""

import datetime as dt
from typing import Any

import pytest
import time_machine

from functions.queue import site_policy
from functions.shared import bookings, catalogue
from functions.shared.clock import JAKARTA

# Monday 23 Nov 2026, 07:00 WIB: the visits are on Tuesday.
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=JAKARTA)
TUESDAY = "2026-11-24"
ADMIN = {"username": "admin-1", "cognito:groups": "[officer admin]"}


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def visit(n: int, start: str = "09:00", counter: str = "ptsp") -> dict[str, Any]:
    return {
        "site_id": "uji-pintu",
        "counter_id": counter,
        "date": TUESDAY,
        "start": start,
        "nik": f"317101010190{n:04d}",
        "name": f"Warga {n}",
        "email": f"warga{n}@example.com",
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }


def book(api: Any, n: int, start: str = "09:00", counter: str = "ptsp") -> Any:
    return api.post("/api/bookings", visit(n, start, counter), headers={"Idempotency-Key": f"room-key-{n:06d}"})


def set_policy(api: Any, capacity: int, percent: int) -> Any:
    body = {"capacity": capacity, "occupancy_cap_percent": percent}
    answer = api.request("PATCH", "/api/officer/sites/uji-pintu", json_body=body, claims=ADMIN)
    assert answer.status == 200, answer.body
    return answer


def window(table: Any, start: str, date: str = TUESDAY) -> dict[str, Any]:
    return table.get_item(Key=bookings.window_key("uji-pintu", date, start), ConsistentRead=True).get("Item", {})


def test_the_first_booking_of_a_window_stamps_the_rooms_limit_on_its_counter(api, site, bookings_table):
    assert book(api, 1).status == 201
    assert (window(bookings_table, "09:00")["booked"], window(bookings_table, "09:00")["cap"]) == (1, 2)
    assert book(api, 2, counter="pajak").status == 201
    refused = book(api, 3)
    assert refused.status == 409 and refused.body["error"]["code"] == "window_full"


def test_a_lower_cap_binds_an_instance_that_still_holds_the_old_site(api, site, bookings_table):
    # Given one booking at 09:00, and an instance that read the site (2 people a window) before the change
    assert book(api, 1).status == 201
    stale = dict(catalogue._cache)
    # When an admin lowers the room to 1 person a window
    set_policy(api, 2, 50)
    catalogue._cache.update(stale)
    assert catalogue.get_site(catalogue_table(api), "uji-pintu")["capacity"] == 4  # the old copy is what it holds
    # Then that instance refuses a second person at 09:00, and at a window nobody had booked before the change
    assert book(api, 2, counter="pajak").body["error"]["code"] == "window_full"
    assert book(api, 3, start="10:00").status == 201
    assert book(api, 4, start="10:00", counter="pajak").body["error"]["code"] == "window_full"
    assert window(bookings_table, "10:00")["cap"] == 1


def test_a_reopened_room_takes_bookings_in_an_instance_that_still_holds_it_closed(api, site, bookings_table):
    # Given the room closed (0 %), and an instance that read the site while it was
    set_policy(api, 4, 0)
    assert book(api, 1).body["error"]["code"] == "window_full"
    stale = dict(catalogue._cache)
    # When an admin opens it again at 50 %
    set_policy(api, 4, 50)
    catalogue._cache.update(stale)
    assert catalogue.get_site(catalogue_table(api), "uji-pintu")["occupancy_cap_percent"] == 0
    # Then that instance books by the windows' new cap, not by its closed copy
    assert book(api, 2).status == 201
    assert book(api, 3, counter="pajak").status == 201
    assert book(api, 4, start="09:00", counter="ptsp").body["error"]["code"] == "window_full"


def test_the_change_writes_every_window_of_the_horizon_and_an_older_one_never_wins(aws, site, bookings_table):
    tables = bookings.Tables(bookings_table, aws.refs["NotificationOutboxTable"], _client())
    newer = {**site, "capacity": 10, catalogue.POLICY_VERSION: 3}
    older = {**site, "capacity": 2, catalogue.POLICY_VERSION: 2}
    # 17 windows (07:30-16:00) on each weekday from Monday 23 Nov to Monday 7 Dec (the horizon and a day more)
    assert site_policy.stamp_windows(tables, newer, NOW) == 17 * 11
    assert site_policy.stamp_windows(tables, older, NOW) == 0
    assert window(bookings_table, "15:30", "2026-12-07")["cap"] == 5
    assert window(bookings_table, "07:30", "2026-11-23")["booked"] == 0
    assert window(bookings_table, "09:00", "2026-11-28") == {}  # a Saturday: closed


def test_a_window_counted_before_windows_carried_a_cap_is_held_to_the_sites_limit(api, site, bookings_table):
    # Given a window counter written by an earlier release: booked, with no cap on it
    bookings_table.put_item(Item={**bookings.window_key("uji-pintu", TUESDAY, "09:00"), "booked": 1})
    # Then one more fits under the site's limit of 2, and takes the limit as its cap; a third does not
    assert book(api, 1).status == 201
    assert window(bookings_table, "09:00")["cap"] == 2
    assert book(api, 2, counter="pajak").body["error"]["code"] == "window_full"


def test_the_slots_show_what_each_windows_own_cap_leaves(api, site, bookings_table):
    # Given one booking at 09:00, and the 10:00 window's counter capped at 0 (a closing still being written)
    assert book(api, 1).status == 201
    bookings_table.put_item(Item={**bookings.window_key("uji-pintu", TUESDAY, "10:00"), "booked": 0, "cap": 0})
    # Then the slots show what the windows' own caps leave, not the site's limit of 2
    slots = api.get("/api/sites/uji-pintu/slots", query={"date": TUESDAY, "counter_id": "pajak"}).body["slots"]
    shown = {s["start"]: s["available"] for s in slots if s["start"] in ("09:00", "10:00", "11:00")}
    assert shown == {"09:00": 1, "10:00": 0, "11:00": 2}


def catalogue_table(api: Any) -> Any:
    import boto3

    from functions.shared.settings import get_settings

    return boto3.resource("dynamodb", region_name="ap-southeast-3").Table(get_settings().catalogue_table)


def _client() -> Any:
    import boto3

    return boto3.client("dynamodb", region_name="ap-southeast-3")
