"""The scheduled visit jobs: no-show sweep and reminders, on moto."""

import json
from datetime import UTC, datetime

import boto3
import pytest
import time_machine

from devstack.pollers import next_run
from functions.queue import schedules
from functions.queue.app import lambda_handler

REGION = "ap-southeast-3"
# 25 Nov 2026, 10:00 WIB
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def _booking(booking_id, date, start, end, status="BOOKED"):
    return {
        "pk": f"BOOKING#{booking_id}",
        "sk": "BOOKING",
        "gsi1pk": f"DAY#{date}",
        "gsi1sk": f"mpp-dki#{start}#{booking_id}",
        "id": booking_id,
        "site_id": "mpp-dki",
        "site_name": "Mal Pelayanan Publik DKI Jakarta",
        "counter_id": "ptsp",
        "date": date,
        "start": start,
        "end": end,
        "status": status,
        "name": "Siti Aminah",
        "email": "siti@example.com",
        "locale": "en",
        "ticket_code": f"T-{booking_id}",
    }


@pytest.fixture
def bookings(aws):
    """The bookings table with visits around NOW: past, current, later today, tomorrow, and yesterday's."""
    table = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["BookingsTable"])
    for item in [
        _booking("early", "2026-11-25", "08:00", "08:30"),  # ended 90 min ago
        _booking("just-ended", "2026-11-25", "09:00", "09:30"),  # ended 30 min ago: exactly the grace
        _booking("checked-in", "2026-11-25", "08:00", "08:30", status="CHECKED_IN"),
        _booking("later", "2026-11-25", "14:00", "14:30"),
        _booking("yesterday", "2026-11-24", "15:00", "15:30"),
        _booking("tomorrow", "2026-11-26", "09:00", "09:30"),
        _booking("tomorrow-cancelled", "2026-11-26", "10:00", "10:30", status="CANCELLED"),
    ]:
        table.put_item(Item=item)
    return table


def _status(table, booking_id):
    return table.get_item(Key={"pk": f"BOOKING#{booking_id}", "sk": "BOOKING"})["Item"]["status"]


def test_sweep_marks_only_booked_visits_past_their_slot_and_grace_as_no_show(bookings):
    # When
    swept = schedules.sweep_no_shows(bookings, NOW)
    # Then
    assert sorted(swept) == ["early", "just-ended", "yesterday"]
    assert _status(bookings, "early") == "NO_SHOW"
    assert _status(bookings, "checked-in") == "CHECKED_IN"
    assert _status(bookings, "later") == "BOOKED"
    assert _status(bookings, "tomorrow") == "BOOKED"


def test_a_second_sweep_changes_nothing(bookings):
    # Given
    schedules.sweep_no_shows(bookings, NOW)
    # When / Then
    assert schedules.sweep_no_shows(bookings, NOW) == []


def test_reminders_go_to_tomorrows_booked_visitors_with_a_stable_notification_id(aws, bookings):
    # Given
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = aws.refs["NotificationsQueue"]
    # When
    reminded = schedules.send_reminders(bookings, NOW, sqs=sqs)
    # Then
    assert reminded == ["tomorrow"]
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    body = json.loads(messages[0]["Body"])
    assert len(messages) == 1
    assert body["event"] == "booking.reminder"
    assert body["notification_id"] == "booking.reminder:tomorrow"
    assert body["locale"] == "en"
    assert body["facts"]["ticket_code"] == "T-tomorrow"


def test_the_queue_function_runs_the_jobs_the_template_schedules(bookings, lambda_context):
    # When: the schedule fires at NOW (the handler reads the one clock, pinned here)
    with time_machine.travel(NOW, tick=False):
        result = lambda_handler({"job": "no_show_sweep"}, lambda_context)
    # Then
    assert result == {"job": "no_show_sweep", "count": 3}
    with pytest.raises(ValueError, match="unknown job"):
        lambda_handler({"job": "nonsense"}, lambda_context)


def test_the_local_scheduler_fires_the_evening_reminder_at_18_wib():
    # When
    fires = next_run("cron(0 18 * * ? *)", NOW, "Asia/Jakarta")
    # Then
    assert fires == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    assert next_run("rate(15 minutes)", NOW) == datetime(2026, 11, 25, 3, 15, tzinfo=UTC)
