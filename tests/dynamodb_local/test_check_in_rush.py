"""The door under a rush, on DynamoDB Local: many visitors checked in at once into a room with few places left."""

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from test_booking_rush import DAY, NOW, counter, request, rush_site

from functions.queue import booking, visits
from functions.shared.clock import JAKARTA
from functions.shared.errors import AppError

pytestmark = pytest.mark.dynamodb_local

# The visit day (Tuesday), mid-morning: every visitor of the early slots is at the door.
AT_THE_DOOR = dt.datetime.fromisoformat(f"{DAY}T10:00").replace(tzinfo=JAKARTA)
OFFICER = {"sub": "officer-sub", "username": "officer-1"}
# A room of 20 capped at 50 %: 10 inside at once. Three slots of 8 (each window holds 10 bookings).
STARTS = ("08:00", "08:30", "09:00")


def booked_visitors(world, deps) -> list[str]:
    """Book 8 visitors in each of three slots of the race site; return their booking ids."""
    world.put_site(rush_site(capacity=20, counters=[counter("ptsp", 8)]))
    ids = []
    for k, start in enumerate(STARTS):
        for n in range(8):
            ids.append(booking.book_visit(request(100 * k + n, "ptsp", start), deps, NOW)["id"])
    return ids


def rush_in(world, booking_ids: list[str]) -> Counter:
    """Check every visitor in at the same instant, one thread each; count the outcomes by code."""
    deps = world.deps()
    start = threading.Barrier(len(booking_ids))

    def attempt(booking_id: str) -> str:
        found = booking.bookings.get_booking(deps.tables.bookings, booking_id)
        start.wait()
        try:
            return visits.check_in(found, "rush", 36.6, OFFICER, deps, AT_THE_DOOR)["status"]
        except AppError as error:
            return f"{int(error.status)} {error.code}"
        except Exception as error:  # anything else would be a 500
            return f"500 {type(error).__name__} {str(error)[:150]}"

    with ThreadPoolExecutor(max_workers=len(booking_ids)) as pool:
        return Counter(pool.map(attempt, booking_ids))


def inside_and_items(world) -> tuple[int, list[dict[str, Any]]]:
    """Return the stored count inside on the day and the CHECKED_IN booking items."""
    items = world.scan("BookingsTable")
    occupancy = [i for i in items if i["pk"] == "OCCUPANCY#rush" and i["sk"] == DAY]
    inside = int(occupancy[0]["inside"]) if occupancy else 0
    return inside, [i for i in items if i["sk"] == "BOOKING" and i["status"] == "CHECKED_IN"]


def test_a_rush_at_a_room_with_seven_places_left_admits_exactly_seven(world):
    # Given 24 visitors booked, 3 already inside (a room for 10)
    deps = world.deps()
    ids = booked_visitors(world, deps)
    for booking_id in ids[:3]:
        found = booking.bookings.get_booking(deps.tables.bookings, booking_id)
        assert visits.check_in(found, "rush", 36.4, OFFICER, deps, AT_THE_DOOR)["status"] == "CHECKED_IN"
    # When the 21 others are checked in at the same instant
    outcomes = rush_in(world, ids[3:])
    # Then exactly the 7 free places were given; everyone else heard "room full", never a 500
    assert outcomes == Counter({"CHECKED_IN": 7, "409 room_full": 14})
    inside, checked_in = inside_and_items(world)
    assert inside == len(checked_in) == 10
    # And the visit statistics count the same ten
    stats = [i for i in world.scan("BookingsTable") if i["pk"] == f"VISITS#{DAY}"]
    assert sum(int(i.get("checked_in", 0)) for i in stats) == 10
    assert sum(int(i["booked"]) for i in stats) == 24


def test_the_same_ticket_scanned_at_two_doors_at_once_enters_once(world):
    # Given one booked visitor
    deps = world.deps()
    ids = booked_visitors(world, deps)
    # When their ticket is scanned 12 times at the same instant
    outcomes = rush_in(world, [ids[0]] * 12)
    # Then they are inside once; every other scan is told it was already used
    assert outcomes == Counter({"CHECKED_IN": 1, "409 already_used": 11})
    inside, checked_in = inside_and_items(world)
    assert inside == len(checked_in) == 1
