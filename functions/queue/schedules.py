"""Scheduled work on visits: mark no-shows after their slot, and remind tomorrow's visitors by e-mail.

Booking items in the bookings table (the layout every booking writer keeps):
  pk "BOOKING#<id>", sk "BOOKING", gsi1pk "DAY#<YYYY-MM-DD>" (the visit's Jakarta date),
  gsi1sk "<site_id>#<HH:MM start>#<id>", and id, site_id, site_name, counter_id, date, start, end,
  status (BOOKED | CHECKED_IN | DONE | CANCELLED | NO_SHOW | REFUSED), name, email, locale, ticket_code.
"""

from datetime import datetime, timedelta
from typing import Any

from functions.shared.clock import JAKARTA
from functions.shared.dynamo import query_all
from functions.shared.notifications import Notification, NotificationEvent, enqueue

# A visitor who has not checked in this long after their slot ended is a no-show.
NO_SHOW_GRACE = timedelta(minutes=30)


def _bookings_on(table: Any, day: str) -> list[dict[str, Any]]:
    from boto3.dynamodb.conditions import Key

    return query_all(table, IndexName="Gsi1", KeyConditionExpression=Key("gsi1pk").eq(f"DAY#{day}"))


def sweep_no_shows(table: Any, now: datetime) -> list[str]:
    """Mark BOOKED visits whose slot ended more than the grace period ago as NO_SHOW; return their ids."""
    from botocore.exceptions import ClientError

    local_now = now.astimezone(JAKARTA)
    swept = []
    for day in (local_now.date() - timedelta(days=1), local_now.date()):
        for booking in _bookings_on(table, day.isoformat()):
            if booking.get("status") != "BOOKED":
                continue
            ends = datetime.fromisoformat(f"{booking['date']}T{booking['end']}").replace(tzinfo=JAKARTA)
            if ends + NO_SHOW_GRACE > local_now:
                continue
            try:
                # Only a booking still BOOKED becomes NO_SHOW: a check-in racing the sweep wins.
                table.update_item(
                    Key={"pk": booking["pk"], "sk": booking["sk"]},
                    UpdateExpression="SET #s = :no_show, updated_at = :now",
                    ConditionExpression="#s = :booked",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={
                        ":no_show": "NO_SHOW",
                        ":booked": "BOOKED",
                        ":now": now.isoformat(timespec="seconds"),
                    },
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue
            swept.append(booking["id"])
    return swept


def send_reminders(table: Any, now: datetime, sqs: Any = None) -> list[str]:
    """Queue one reminder per visit booked for tomorrow (Jakarta date); return the booking ids."""
    tomorrow = (now.astimezone(JAKARTA).date() + timedelta(days=1)).isoformat()
    reminded = []
    for booking in _bookings_on(table, tomorrow):
        if booking.get("status") != "BOOKED":
            continue
        notification = Notification(
            # One reminder per booking, however often the schedule fires: the notify ledger drops repeats.
            notification_id=f"booking.reminder:{booking['id']}",
            event=NotificationEvent.BOOKING_REMINDER,
            to=booking["email"],
            locale=booking.get("locale", "id"),
            facts={
                "name": booking["name"],
                "booking_id": booking["id"],
                "ticket_code": booking["ticket_code"],
                "site_name": booking["site_name"],
                "date": booking["date"],
                "start": booking["start"],
            },
        )
        enqueue(notification, sqs=sqs)
        reminded.append(booking["id"])
    return reminded
