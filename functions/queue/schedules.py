"""Scheduled work on visits: the 15-minute sweep (no-shows, visits left open at closing) and the evening reminder.

Both read the bookings table's day index (gsi1pk "DAY#<YYYY-MM-DD>", the visit's Jakarta date), never a scan,
and both are safe to run twice: every change is conditional on what was read.
"""

import datetime as dt
from typing import Any

from functions.queue import visits
from functions.queue.booking import Deps, email_allowed
from functions.shared import bookings, clock
from functions.shared.access_tokens import TokenPurpose
from functions.shared.bookings import Status
from functions.shared.dynamo import query_all
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import logger
from functions.shared.transactions import TransactionCancelled, attr, transact


def sweep(deps: Deps, now: dt.datetime) -> list[str]:
    """Run the 15-minute sweep; return the ids it changed (no-shows, then visits closed at the day's end)."""
    swept = visits.sweep(deps, now)
    return [*swept.no_shows, *swept.closed]


def reminder(found: dict[str, Any]) -> Notification:
    """Return the reminder of a booking: the office's facts only (never the name, free text nobody checked)."""
    return Notification(
        # One reminder per booking, however often the schedule fires: the notify ledger drops repeats.
        notification_id=f"booking.reminder:{found['id']}",
        event=NotificationEvent.BOOKING_REMINDER,
        to=found["email"],
        locale=found.get("locale", "id"),
        facts={
            "booking_id": found["id"],
            "ticket_code": found["ticket_code"],
            "site_name": found["site_name"],
            "date": found["date"],
            "start": found["start"],
        },
        link_access=TokenPurpose.BOOKING,
    )


def send_reminders(deps: Deps, now: dt.datetime) -> list[str]:
    """Queue one reminder per visit still BOOKED for tomorrow (Jakarta date); return the booking ids reminded.

    The booking is marked `reminded_at` in the same transaction that puts the reminder in the outbox, so a
    second run (or a retried one) reminds nobody twice and counts no e-mail twice against the address.
    """
    from boto3.dynamodb.conditions import Key

    tomorrow = (clock.today(now) + dt.timedelta(days=1)).isoformat()
    at = clock.in_jakarta(now).isoformat(timespec="seconds")
    reminded = []
    for listed in query_all(
        deps.tables.bookings, IndexName="Gsi1", KeyConditionExpression=Key("gsi1pk").eq(f"DAY#{tomorrow}")
    ):
        if listed.get("status") != Status.BOOKED or listed.get("reminded_at"):
            continue
        try:
            notification = reminder(listed)
        except ValueError:
            logger.warning("reminder not sent: the message refuses the booking's address")
            continue
        if not email_allowed(deps, notification.to, now):
            continue
        mark = {
            "Update": {
                "TableName": deps.tables.name,
                "Key": bookings.item(bookings.booking_key(str(listed["id"]))),
                "UpdateExpression": "SET reminded_at = :at",
                "ConditionExpression": "#s = :booked AND attribute_not_exists(reminded_at)",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":at": attr(at), ":booked": attr(Status.BOOKED.value)},
            }
        }
        try:
            transact(deps.tables.db, [mark, outbox_put(notification, deps.tables.outbox_table, now)])
        except TransactionCancelled:
            continue  # cancelled, or reminded by a run racing this one
        if deps.sqs is not None:
            dispatch([notification], deps.sqs, deps.notifications_queue_url, deps.tables.db, deps.tables.outbox_table)
        reminded.append(str(listed["id"]))
    return reminded
