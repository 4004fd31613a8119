"""Book, cancel, move, waitlist, check in and out, refuse and sweep in any order: counters equal the bookings.

No limit is ever passed: not a slot's, a window's or a counter's day, and not the room's cap at the door.
"""

import datetime as dt
import hashlib
import hmac
import uuid
from collections import Counter

import boto3
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule
from moto import mock_aws

from devstack import resources as res
from devstack.template import load_template
from functions.queue import booking, schedules, visits
from functions.shared.bookings import Tables
from functions.shared.catalogue import clear_cache, put_catalogue
from functions.shared.clock import JAKARTA
from functions.shared.errors import AppError

REGION = "ap-southeast-3"
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=JAKARTA)  # Monday
DAYS = ["2026-11-24", "2026-11-25"]
STARTS = ["08:00", "08:30", "09:00"]
COUNTERS = {"a": (2, None), "b": (2, 3)}  # people per slot, daily quota
CAPACITY, CAP_PERCENT = 6, 50  # 3 people in the room at once
PEOPLE = [f"31710101019{n:05d}" for n in range(1, 7)]
ROOM_CAP = CAPACITY * CAP_PERCENT // 100
OFFICER = {"sub": "officer-sub", "username": "officer-1"}
# Readings at the door: two let in, two refused (37.5 °C is the line).
READINGS = [36.5, 37.4, 37.5, 38.6]
# When the sweep runs on a visit day: before any no-show is due, after some, after closing, the next morning.
SWEEPS = ["08:40", "08:45", "09:30", "10:00", "next 00:05"]
HELD = ("BOOKED", "CHECKED_IN", "DONE")  # statuses whose place is still counted in the slot, window and quota

SITE = {
    "id": "s",
    "name": "Kantor Uji",
    "kind": "kelurahan",
    "area_code": "31.71.01.1001",
    "address": "Jakarta",
    "capacity": CAPACITY,
    "occupancy_cap_percent": CAP_PERCENT,
    # 45-minute slots over 30-minute windows: a booking often counts in two windows.
    "opening_hours": {"open": "08:00", "close": "10:00", "days": [0, 1, 2, 3, 4]},
    "window_minutes": 30,
    "booking_horizon_days": 14,
    "closed_dates": [],
    "counters": [
        {
            "id": cid,
            "agency": "Uji",
            "name_id": cid,
            "name_en": cid,
            "slot_minutes": 30,
            "people_per_slot": people,
            "daily_quota": quota,
        }
        for cid, (people, quota) in COUNTERS.items()
    ],
}


class _Kms:
    def generate_mac(self, KeyId, Message, MacAlgorithm):
        return {"Mac": hmac.new(KeyId.encode(), Message, hashlib.sha256).digest()}


class BookingMachine(RuleBasedStateMachine):
    """Visitors book, cancel, move and queue at one small site; the table is checked after every step."""

    active = Bundle("active")

    def __init__(self) -> None:
        super().__init__()
        dynamodb = boto3.resource("dynamodb", region_name=REGION)
        db = boto3.client("dynamodb", region_name=REGION)
        prefix = uuid.uuid4().hex[:8]
        definitions = res.table_definitions(load_template())
        names = {}
        for logical in ("BookingsTable", "CatalogueTable", "NotificationOutboxTable"):
            names[logical] = f"{prefix}-{logical}"
            db.create_table(**{**definitions[logical], "TableName": names[logical]})
        clear_cache()
        put_catalogue(dynamodb.Table(names["CatalogueTable"]), [], [SITE])
        self.table = dynamodb.Table(names["BookingsTable"])
        self.deps = booking.Deps(
            tables=Tables(self.table, names["NotificationOutboxTable"], db),
            catalogue=dynamodb.Table(names["CatalogueTable"]),
            kms=_Kms(),
            access_token_key_id="k",
        )

    def _request(self, person: str, counter: str, day: str, start: str) -> dict:
        return {
            "site_id": "s",
            "counter_id": counter,
            "date": day,
            "start": start,
            "nik": person,
            "name": "Warga",
            "email": "warga@example.com",
            "locale": "id",
            "health": {"fever": False, "cough": False, "flu": False},
        }

    @rule(
        target=active,
        person=st.sampled_from(PEOPLE),
        counter=st.sampled_from(list(COUNTERS)),
        day=st.sampled_from(DAYS),
        start=st.sampled_from(STARTS),
    )
    def book(self, person, counter, day, start):
        try:
            return booking.book_visit(self._request(person, counter, day, start), self.deps, NOW)["id"]
        except AppError as error:
            assert int(error.status) in (409, 422), error.code
            return "none"

    @rule(
        target=active,
        person=st.sampled_from(PEOPLE),
        counter=st.sampled_from(list(COUNTERS)),
        day=st.sampled_from(DAYS),
        start=st.sampled_from(STARTS),
    )
    def wait(self, person, counter, day, start):
        try:
            return booking.join_waitlist(self._request(person, counter, day, start), self.deps, NOW)["id"]
        except AppError as error:
            assert int(error.status) in (409, 422), error.code
            return "none"

    @rule(booking_id=active, temperature=st.sampled_from(READINGS), arrives=st.sampled_from(["07:45", "08:50"]))
    def check_in(self, booking_id, temperature, arrives):
        found = self._stored(booking_id)
        if found is None:
            return
        now = dt.datetime.fromisoformat(f"{found['date']}T{arrives}").replace(tzinfo=JAKARTA)
        try:
            done = visits.check_in(
                booking.bookings.get_booking(self.table, booking_id), "s", temperature, OFFICER, self.deps, now
            )
        except AppError as error:
            assert int(error.status) == 409 and error.code in ("already_used", "room_full"), error.code
            if error.code == "room_full":
                assert error.details["inside"] == error.details["cap"] == ROOM_CAP
            return
        assert done["status"] == ("REFUSED" if temperature >= 37.5 else "CHECKED_IN")
        assert 0 <= done["occupancy"]["inside"] <= ROOM_CAP

    @rule(booking_id=active)
    def check_out(self, booking_id):
        found = self._stored(booking_id)
        if found is None:
            return
        now = dt.datetime.fromisoformat(f"{found['date']}T09:45").replace(tzinfo=JAKARTA)
        try:
            visits.check_out(booking.bookings.get_booking(self.table, booking_id), OFFICER, self.deps, now)
        except AppError as error:
            assert int(error.status) == 409 and error.code == "not_inside", error.code

    @rule(day=st.sampled_from(DAYS), when=st.sampled_from(SWEEPS))
    def sweep(self, day, when):
        moment = dt.datetime.fromisoformat(f"{day}T{when.split()[-1]}").replace(tzinfo=JAKARTA)
        if when.startswith("next"):
            moment += dt.timedelta(days=1)
        schedules.sweep(self.deps, moment)
        # Idempotent: a second run at the same moment changes nothing.
        assert schedules.sweep(self.deps, moment) == []

    def _stored(self, booking_id):
        return self.table.get_item(Key={"pk": f"BOOKING#{booking_id}", "sk": "BOOKING"}, ConsistentRead=True).get(
            "Item"
        )

    @rule(booking_id=active)
    def cancel(self, booking_id):
        found = self._stored(booking_id)
        if found is None:
            return
        try:
            booking.cancel_booking(booking.bookings.get_booking(self.table, booking_id), self.deps, NOW)
        except AppError as error:
            assert int(error.status) == 409, error.code

    @rule(
        booking_id=active,
        counter=st.sampled_from(list(COUNTERS)),
        day=st.sampled_from(DAYS),
        start=st.sampled_from(STARTS),
    )
    def move(self, booking_id, counter, day, start):
        found = self._stored(booking_id)
        if found is None:
            return
        target = {"counter_id": counter, "date": day, "start": start}
        try:
            booking.move_booking(booking.bookings.get_booking(self.table, booking_id), target, self.deps, NOW)
        except AppError as error:
            assert int(error.status) in (409, 422), error.code

    @invariant()
    def the_table_is_consistent(self):
        # One scan per step, read by every check.
        items = self.table.scan(ConsistentRead=True)["Items"]
        self.counters_equal_items_and_no_limit_is_passed(items)
        self.the_room_is_never_over_its_cap_nor_below_zero_and_counts_who_is_inside(items)
        self.visit_statistics_equal_the_bookings(items)

    def counters_equal_items_and_no_limit_is_passed(self, items):
        places = {
            f"{i['pk']}#{i['sk']}": int(i["booked"])
            for i in items
            if "booked" in i and i["pk"].startswith(("SLOT#", "WINDOW#", "QUOTA#"))
        }
        expected: Counter = Counter()
        people: Counter = Counter()
        every = [i for i in items if i["sk"] == "BOOKING"]
        guarded = [i for i in every if i["status"] in ("WAITLISTED", *HELD)]
        for item in guarded:
            people[(item["nik_hmac"], item["site_id"], item["date"])] += 1
            if item["status"] == "WAITLISTED":
                continue
            expected[f"SLOT#s#{item['date']}#{item['counter_id']}#{item['start']}"] += 1
            for window in item["windows"]:
                expected[f"WINDOW#s#{item['date']}#{window}"] += 1
            expected[f"QUOTA#s#{item['date']}#{item['counter_id']}"] += 1
        for key, value in places.items():
            assert value == expected[key], key
            assert value >= 0
        for key, value in expected.items():
            if key.startswith("SLOT#"):
                assert places.get(key) == value and value <= COUNTERS[key.split("#")[-2]][0], key
            elif key.startswith("WINDOW#"):
                assert places.get(key) == value and value <= ROOM_CAP, key
            else:
                quota = COUNTERS[key.split("#")[-1]][1]
                assert quota is None or places.get(key) == value <= quota, key
        # One active booking (or waitlist place, or visit) per person per site per day, each holding its one guard.
        assert all(n == 1 for n in people.values())
        assert len([i for i in items if i["pk"].startswith("GUARD#")]) == len(guarded)
        waiting = [i for i in guarded if i["status"] == "WAITLISTED"]
        assert len([i for i in items if i["pk"].startswith("WAITLIST#")]) == len(waiting)

    def the_room_is_never_over_its_cap_nor_below_zero_and_counts_who_is_inside(self, items):
        inside = Counter(i["date"] for i in items if i["sk"] == "BOOKING" and i["status"] == "CHECKED_IN")
        counted = {i["sk"]: int(i["inside"]) for i in items if i["pk"] == "OCCUPANCY#s"}
        for date, value in counted.items():
            assert 0 <= value <= ROOM_CAP, date
            assert value == inside[date], date
        assert all(counted.get(date) == n for date, n in inside.items() if n)

    def visit_statistics_equal_the_bookings(self, items):
        expected: dict[str, Counter] = {}
        for item in items:
            if item["sk"] != "BOOKING" or item["status"] in ("WAITLISTED", "CANCELLED"):
                continue
            found = expected.setdefault(f"VISITS#{item['date']}#s#{item['counter_id']}", Counter())
            found["booked"] += 1
            found["checked_in"] += item["status"] in ("CHECKED_IN", "DONE")
            found["refused"] += item["status"] == "REFUSED"
            found["no_show"] += item["status"] == "NO_SHOW"
        stored = {
            f"{i['pk']}#{i['sk']}": Counter(
                {n: int(i.get(n, 0)) for n in ("booked", "checked_in", "refused", "no_show")}
            )
            for i in items
            if i["pk"].startswith("VISITS#")
        }
        for key in set(expected) | set(stored):
            mine = stored.get(key, Counter())
            assert all(v >= 0 for v in mine.values()), key
            assert +mine == +expected.get(key, Counter()), key


@pytest.fixture
def moto_aws(aws_credentials):
    """moto in-process for the machine's tables."""
    with mock_aws():
        yield


def test_booking_rules_keep_every_limit_in_any_order(moto_aws):
    BookingMachine.TestCase.settings = settings(
        max_examples=15, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
    )
    BookingMachine.TestCase().runTest()
