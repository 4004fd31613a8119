"""The scheduled visit jobs with a pinned clock, on moto: the no-show sweep, the day's end, the evening reminder."""

import json
from datetime import UTC, datetime

import boto3
import pytest
import time_machine
from conftest import BOOKED_AT, MONDAY, OFFICER, REGION, at

from devstack.pollers import next_run
from functions.queue import booking, schedules, visits
from functions.queue.app import lambda_handler
from functions.shared import bookings
from functions.shared.bookings import Status
from functions.shared.errors import Conflict

TUESDAY = "2026-11-24"
PERSON = {"sub": "0f1e-officer", "username": "officer-1"}


@pytest.fixture(autouse=True)
def clock():
    """The clock stands still at 07:00 WIB on Monday until a test moves it."""
    with time_machine.travel(BOOKED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deps(aws, site):
    """The queue function's own tables and clients, as the schedule builds them."""
    return booking.Deps.from_settings()


def status(table, booking_id):
    item = table.get_item(Key={"pk": f"BOOKING#{booking_id}", "sk": "BOOKING"}, ConsistentRead=True)["Item"]
    return item["status"]


def counts(api, day=MONDAY):
    found = api.get("/api/stats/visits", query={"date": day}).body["sites"]
    return {k: v for k, v in found[0].items() if k in ("booked", "checked_in", "refused", "no_show")} if found else {}


def free(api, start, day=MONDAY):
    slots = api.get("/api/sites/uji-pintu/slots", query={"date": day, "counter_id": "ptsp"}).body["slots"]
    return next(s for s in slots if s["start"] == start)["available"]


def drain(aws):
    sqs = boto3.client("sqs", region_name=REGION)
    found = []
    while True:
        messages = sqs.receive_message(QueueUrl=aws.refs["NotificationsQueue"], MaxNumberOfMessages=10)
        if not messages.get("Messages"):
            return found
        for message in messages["Messages"]:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=aws.refs["NotificationsQueue"], ReceiptHandle=message["ReceiptHandle"])


def test_a_visit_not_checked_in_15_minutes_after_its_slot_becomes_a_no_show_and_frees_its_place(
    api, visitors, deps, bookings_table, clock
):
    # Given a visit at 08:00-08:30 and one at 09:00
    early, later = visitors.book("08:00"), visitors.book("09:00")
    guard = bookings_table.get_item(Key={"pk": f"BOOKING#{early.id}", "sk": "BOOKING"})["Item"]["guard_pk"]
    # When the sweep runs at 08:44, then at 08:45
    assert schedules.sweep(deps, at("08:44")) == []
    swept = schedules.sweep(deps, at("08:45"))
    # Then only the 08:00 visit is a no-show, counted, its guard gone and its counters given back
    assert swept == [early.id]
    assert status(bookings_table, early.id) == "NO_SHOW" and status(bookings_table, later.id) == "BOOKED"
    assert not bookings_table.get_item(Key={"pk": guard, "sk": "GUARD"}, ConsistentRead=True).get("Item")
    counters = bookings.read_counters(bookings_table, "uji-pintu", MONDAY)
    assert counters["slot"]["ptsp#08:00"] == 0 and counters["window"]["08:00"] == 0
    assert counts(api) == {"booked": 2, "checked_in": 0, "refused": 0, "no_show": 1}


def test_a_second_sweep_changes_nothing(api, visitors, deps, bookings_table, clock):
    # Given
    visitors.book("08:00")
    assert len(schedules.sweep(deps, at("09:00"))) == 1
    before = bookings_table.scan(ConsistentRead=True)["Items"]
    # When / Then
    assert schedules.sweep(deps, at("09:00")) == []
    assert schedules.sweep(deps, at("09:15")) == []
    assert sorted(before, key=str) == sorted(bookings_table.scan(ConsistentRead=True)["Items"], key=str)
    assert counts(api)["no_show"] == 1


def test_a_check_in_racing_the_sweep_wins(api, visitors, deps, bookings_table, clock, monkeypatch):
    # Given the sweep read the visit while it was still BOOKED
    visitor = visitors.book("08:00")
    stale = bookings.get_booking(bookings_table, visitor.id)
    # and the visitor was checked in (late, 08:44) before the sweep wrote
    visits.check_in(stale, "uji-pintu", 36.5, PERSON, deps, at("08:44"))
    from functions.shared import dynamo

    real_query = dynamo.query_all
    monkeypatch.setattr(
        dynamo, "query_all", lambda table, **kw: [dict(stale)] if kw.get("IndexName") else real_query(table, **kw)
    )
    monkeypatch.setattr(bookings, "get_booking", lambda table, booking_id: dict(stale))
    # When the sweep writes what it read
    swept = schedules.sweep(deps, at("08:45"))
    # Then the check-in stands: nothing was swept, the room still counts the visitor, no no-show is counted
    assert swept == []
    monkeypatch.undo()
    assert status(bookings_table, visitor.id) == "CHECKED_IN"
    assert visits.read_occupancy(bookings_table, deps_site(deps), MONDAY).inside == 1
    assert counts(api) == {"booked": 1, "checked_in": 1, "refused": 0, "no_show": 0}
    with pytest.raises(Conflict):
        booking.release_place(stale, deps, at("08:45"), Status.NO_SHOW, event=None, stats=[], promote=False)


def deps_site(deps):
    return booking.load_site(deps, "uji-pintu")


def test_a_no_show_place_is_not_handed_to_the_waitlist_of_a_slot_already_over(api, visitors, deps, aws, clock):
    # Given the 08:00 slot full (two: the room's share of its window) and someone waiting for it
    first, _second = visitors.book("08:00"), visitors.book("08:00")
    body = {
        "site_id": "uji-pintu",
        "counter_id": "ptsp",
        "date": MONDAY,
        "start": "08:00",
        "nik": "3171010101909999",
        "name": "Menunggu",
        "email": "menunggu@example.com",
        "health": {"fever": False, "cough": False, "flu": False},
    }
    waiting = api.post("/api/bookings/waitlist", body).body
    drain(aws)
    # When both are swept at 08:45
    assert sorted(schedules.sweep(deps, at("08:45"))) == sorted([first.id, _second.id])
    # Then nobody is promoted into a slot that ended, and nobody is e-mailed about it
    holder = {"Authorization": f"Bearer {waiting['access_token']}"}
    assert api.get(f"/api/bookings/{waiting['id']}", headers=holder).body["status"] == "WAITLISTED"
    assert drain(aws) == []


def test_visits_left_open_are_closed_at_the_sites_closing_time(api, visitors, deps, bookings_table, clock):
    # Given two visitors inside, one of whom leaves
    stays, leaves = visitors.book("09:00"), visitors.book("09:00")
    clock.move_to(at("09:00"))
    for visitor in (stays, leaves):
        assert (
            api.post(
                f"/api/officer/bookings/{visitor.id}/check-in",
                {"temperature_c": 36.5, "site_id": "uji-pintu"},
                claims=OFFICER,
            ).body["status"]
            == "CHECKED_IN"
        )
    api.post(f"/api/officer/bookings/{leaves.id}/check-out", claims=OFFICER)
    # When the sweep runs just before closing (16:00) and at closing
    assert schedules.sweep(deps, at("15:59")) == []
    closed = schedules.sweep(deps, at("16:00"))
    # Then the one still inside is done and the room is empty
    assert closed == [stays.id]
    item = bookings.get_booking(bookings_table, stays.id)
    assert item["status"] == "DONE" and item["checked_out_by"] == visits.END_OF_DAY
    assert visits.read_occupancy(bookings_table, deps_site(deps), MONDAY).inside == 0
    assert schedules.sweep(deps, at("16:15")) == []
    assert counts(api)["checked_in"] == 2


def test_the_first_sweep_of_the_next_day_closes_yesterdays_open_visits(api, visitors, deps, bookings_table, clock):
    # Given someone checked in on Monday, and no sweep ran after closing
    visitor = visitors.book("09:00")
    clock.move_to(at("09:00"))
    api.post(
        f"/api/officer/bookings/{visitor.id}/check-in", {"temperature_c": 36.5, "site_id": "uji-pintu"}, claims=OFFICER
    )
    # When Tuesday's first sweep runs
    closed = schedules.sweep(deps, at("00:00", TUESDAY))
    # Then Monday's visit is done and Monday's count is back to zero
    assert closed == [visitor.id]
    assert status(bookings_table, visitor.id) == "DONE"
    assert visits.read_occupancy(bookings_table, deps_site(deps), MONDAY).inside == 0


def test_reminders_go_once_to_tomorrows_visitors_in_their_language_without_their_name(
    api, visitors, deps, aws, bookings_table, clock
):
    # Given visits for Tuesday (one in English, one cancelled) and one for Monday
    indonesian = visitors.book("09:00", day=TUESDAY)
    english = visitors.book("10:00", day=TUESDAY, locale="en")
    gone = visitors.book("11:00", day=TUESDAY)
    api.delete(f"/api/bookings/{gone.id}", headers={"Authorization": f"Bearer {gone.token}"})
    visitors.book("15:00")
    drain(aws)
    # When the evening job runs at 18:00 on Monday
    reminded = schedules.send_reminders(deps, at("18:00"))
    # Then one reminder per booked visit of Tuesday
    assert sorted(reminded) == sorted([indonesian.id, english.id])
    messages = {m["facts"]["booking_id"]: m for m in drain(aws)}
    assert set(messages) == {indonesian.id, english.id}
    assert messages[english.id]["locale"] == "en" and messages[indonesian.id]["locale"] == "id"
    for booking_id, message in messages.items():
        assert message["event"] == "booking.reminder"
        assert message["notification_id"] == f"booking.reminder:{booking_id}"
        assert "name" not in message["facts"] and "Warga" not in json.dumps(message)
        assert message["link_access"] == "booking"
    # And a second run (the schedule retried) reminds nobody again
    assert schedules.send_reminders(deps, at("18:05")) == []
    assert drain(aws) == []


def test_the_queue_function_runs_the_jobs_the_template_schedules(api, visitors, lambda_context, clock):
    # Given a visit nobody came to
    visitors.book("08:00")
    # When the schedule fires at 09:00 (the handler reads the one clock, pinned here)
    clock.move_to(at("09:00"))
    result = lambda_handler({"job": "no_show_sweep"}, lambda_context)
    # Then
    assert result == {"job": "no_show_sweep", "count": 1}
    assert lambda_handler({"job": "booking_reminders"}, lambda_context) == {"job": "booking_reminders", "count": 0}
    with pytest.raises(ValueError, match="unknown job"):
        lambda_handler({"job": "nonsense"}, lambda_context)


def test_the_local_scheduler_fires_the_evening_reminder_at_18_wib():
    # Given 25 Nov 2026, 10:00 WIB
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    # When
    fires = next_run("cron(0 18 * * ? *)", now, "Asia/Jakarta")
    # Then
    assert fires == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    assert next_run("rate(15 minutes)", now) == datetime(2026, 11, 25, 3, 15, tzinfo=UTC)
