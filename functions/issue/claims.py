"""Claiming an application: one officer holds it at a time, and the others see who.

A claim is a conditional write on the version the officer read, like a decision, so two officers claiming
at once cannot both win. A claim is not a change of status: the history and the queue's order stay as
they are. The holder (or an admin) may release it; an admin may take it over from another officer.
"""

import datetime as dt
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from functions.issue.decisions import Officer, load_application
from functions.shared.applications import ApplicationRecord, Status, timestamp
from functions.shared.errors import Conflict, Forbidden

# Only applications still to be decided can be held.
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.SURVEY_SCHEDULED, Status.SURVEYED})


class ClaimRequest(BaseModel):
    """`POST /officer/applications/{id}/claim`: take the application, or give it back."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["claim", "release"] = "claim"
    # An admin taking an application over from the officer who holds it must say so.
    takeover: bool = False


def _held_by(holder: str) -> Conflict:
    return Conflict(
        f"Permohonan ini sedang ditangani oleh {holder}.",
        f"This application is held by {holder}.",
        code="claimed_by_other",
        details=[{"field": "assignee", "code": "claimed_by_other", "holder": holder}],
    )


def claim(
    applications: Any, application_id: str, request: ClaimRequest, officer: Officer, now: dt.datetime
) -> ApplicationRecord:
    """Claim or release an application for `officer`; return it as it now stands.

    :raises NotFound: no such application.
    :raises Conflict: ``claimed_by_other`` (someone else holds it, or won a simultaneous claim), or ``not_open``.
    :raises Forbidden: a takeover by an officer who is not an admin.
    """
    record = load_application(applications, application_id)
    holder = (record.assignee or {}).get("username")
    if request.action == "release":
        if holder is None:
            return record
        if holder != officer.username and not officer.is_admin:
            raise _held_by(holder)
        assignee = None
    else:
        if record.status not in OPEN_STATUSES:
            raise Conflict(
                "Permohonan ini sudah diputus dan tidak dapat diambil.",
                "This application has been decided and cannot be claimed.",
                code="not_open",
            )
        if holder == officer.username:
            return record
        if holder is not None:
            if not request.takeover:
                raise _held_by(holder)
            if not officer.is_admin:
                raise Forbidden(
                    "Hanya admin yang dapat mengambil alih permohonan.",
                    "Only an admin can take over an application.",
                )
        assignee = officer.holding(timestamp(now))
    try:
        # The version guard: whoever claimed between our read and this write wins, and we answer 409.
        applications.update_item(
            Key={"id": record.id},
            UpdateExpression="SET #assignee = :assignee, #version = :next",
            ConditionExpression="#version = :version",
            ExpressionAttributeNames={"#assignee": "assignee", "#version": "version"},
            ExpressionAttributeValues={":assignee": assignee, ":version": record.version, ":next": record.version + 1},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        current_holder = (load_application(applications, application_id).assignee or {}).get("username")
        if current_holder and current_holder != officer.username:
            raise _held_by(current_holder) from None
        raise Conflict(
            "Permohonan sudah berubah. Muat ulang dan coba lagi.",
            "The application has changed since it was read. Reload and try again.",
            code="stale_transition",
        ) from None
    return record.model_copy(update={"assignee": assignee, "version": record.version + 1})
