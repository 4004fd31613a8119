"""Applications (permohonan): the stored item, tracking numbers, and every status change with its statistics.

Every change of status is one DynamoDB transaction: the application is updated only if it is still
in the status (and version) the caller read, its history gets the new entry, and the public counters
in the stats table move with it. Two officers deciding at once cannot both win, and the statistics
can never drift from the applications. The submit function (citizens) and the issue function
(officers, the issuing worker) both change statuses through `create_application` and `transition`.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.shared import retention, stats
from functions.shared.access_tokens import TokenPurpose
from functions.shared.clock import JAKARTA
from functions.shared.dynamo import from_item
from functions.shared.errors import Conflict
from functions.shared.notifications import FactValue, Notification, NotificationEvent
from functions.shared.settings import get_settings
from functions.shared.transactions import TransactionCancelled, attr, item, transact


class Status(StrEnum):
    """Where an application is in its life."""

    SUBMITTED = "SUBMITTED"
    IN_REVIEW = "IN_REVIEW"
    SURVEY_SCHEDULED = "SURVEY_SCHEDULED"
    SURVEYED = "SURVEYED"
    APPROVED = "APPROVED"
    ISSUED = "ISSUED"
    REJECTED = "REJECTED"
    RETURNED = "RETURNED"


# SUBMITTED → IN_REVIEW → (SURVEY_SCHEDULED → SURVEYED) → APPROVED → ISSUED, or → REJECTED, or
# → RETURNED (something is missing) → SUBMITTED again, keeping its number and history.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.SURVEY_SCHEDULED, Status.APPROVED, Status.REJECTED, Status.RETURNED}),
    Status.SURVEY_SCHEDULED: frozenset({Status.SURVEYED, Status.REJECTED}),
    Status.SURVEYED: frozenset({Status.APPROVED, Status.REJECTED, Status.RETURNED}),
    Status.APPROVED: frozenset({Status.ISSUED}),
    Status.RETURNED: frozenset({Status.SUBMITTED}),
    Status.ISSUED: frozenset(),
    Status.REJECTED: frozenset(),
}

# The public figures' buckets (DKI publishes "in process" as one number).
BUCKET: dict[Status, str] = {
    Status.SUBMITTED: "new",
    Status.IN_REVIEW: "in_process",
    Status.SURVEY_SCHEDULED: "in_process",
    Status.SURVEYED: "in_process",
    Status.APPROVED: "in_process",
    Status.RETURNED: "returned",
    Status.ISSUED: "issued",
    Status.REJECTED: "rejected",
}
# What the daily figures count when an application enters these statuses.
DAY_EVENT: dict[Status, str] = {Status.ISSUED: "issued", Status.REJECTED: "rejected", Status.RETURNED: "returned"}

Channel = Literal["online", "dropbox", "courier"]
APPLICANT_ACTOR = "applicant"


class _Stored(BaseModel):
    # A malformed item must not put the NIK into a log through the error's text.
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True, defer_build=True)


class HistoryEntry(_Stored):
    """One step of an application's life: who moved it where, when and why."""

    status: Status
    at: str
    actor: str
    note: str | None = None


class StoredDocument(_Stored):
    """A document accepted into an application: its S3 key and what was checked about it."""

    requirement_id: str
    upload_id: str
    key: str
    sha256: str
    size: int
    content_type: str
    filename: str | None = None
    attached_at: str


class StoredApplicant(_Stored):
    """The applicant as stored (the NIK stays here; it never goes into keys, logs or messages)."""

    nik: str = Field(repr=False)
    name: str
    email: str
    phone: str


class ApplicationRecord(_Stored):
    """The applications table item."""

    id: str
    service_id: str
    status: Status
    version: int = 1
    channel: Channel = "online"
    applicant: StoredApplicant
    fields: dict[str, Any] = {}
    documents: list[StoredDocument] = []
    superseded_documents: list[StoredDocument] = []
    locale: Literal["id", "en"] = "id"
    history: list[HistoryEntry]
    # Requirement ids an officer asked for when returning the application; empty otherwise.
    missing_requirements: list[str] = []
    # The officer who holds (claimed) the application: {username, since}; None while nobody does.
    assignee: dict[str, str] | None = None
    # A field survey: {date, mode (on_site | remote), result (passed | failed), notes}.
    survey: dict[str, str | None] | None = None
    # An approval's issue job until it is queued (functions/issue/decisions.py).
    pending_issue_job: dict[str, str] | None = None
    # The printed cover sheet a paper application came with (functions/submit/drafts.py), if any.
    cover_sheet_ref: str | None = None
    access_token_hash: str | None = None
    # Finds one person's applications for an erasure (functions/shared/person_index.py); never the NIK itself.
    nik_hmac: str | None = None
    # When DynamoDB deletes the item (functions/shared/retention.py): set by a decision or a return, else None.
    expires_at_epoch: int | None = None
    # Set when the person's data was erased on request: {at, erasure_id}; the applicant is then a tombstone.
    erased: dict[str, str] | None = None
    submitted_at: str
    updated_at: str


@dataclass(frozen=True)
class Tables:
    """The physical names of the tables a status change writes to."""

    applications: str
    stats: str

    @classmethod
    def from_settings(cls) -> "Tables":
        """Return the names from the function's environment."""
        settings = get_settings()
        return cls(applications=settings.applications_table, stats=settings.stats_table)


class TrackingNumberTaken(Exception):
    """The generated tracking number already exists: draw another one."""


def timestamp(at: dt.datetime) -> str:
    """Return a time as the API and the tables write it: Jakarta, ISO 8601, milliseconds, with offset.

    Always the same width, so the strings sort in time order (the review queue's index relies on it).
    """
    return at.astimezone(JAKARTA).isoformat(timespec="milliseconds")


# Crockford's base32: no I, L, O or U, so a number read over the phone cannot be misheard as another.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_READS = {"O": "0", "I": "1", "L": "1"}
RANDOM_LENGTH = 6


def new_tracking_number(at: dt.datetime, prefix: str = "SP") -> str:
    """Return a fresh number like ``SP-2611-7K3M9Q``: prefix, Jakarta year and month, six random symbols."""
    month = at.astimezone(JAKARTA).strftime("%y%m")
    return f"{prefix}-{month}-{''.join(secrets.choice(CROCKFORD) for _ in range(RANDOM_LENGTH))}"


def normalise_tracking_number(text: str, prefix: str = "SP") -> str | None:
    """Return the canonical form of a typed number (any case, O for 0, I or L for 1), or None if it cannot be one."""
    parts = text.strip().upper().split("-")
    if len(parts) != 3 or parts[0] != prefix or len(parts[1]) != 4 or not parts[1].isdigit():
        return None
    symbols = "".join(_CROCKFORD_READS.get(c, c) for c in parts[2])
    if len(symbols) != RANDOM_LENGTH or any(c not in CROCKFORD for c in symbols):
        return None
    return f"{prefix}-{parts[1]}-{symbols}"


def applicant_notification(
    event: NotificationEvent,
    notification_id: str,
    record: ApplicationRecord,
    service: dict[str, Any],
    **facts: FactValue,
) -> Notification:
    """Return an e-mail to an application's applicant about `event`: its number and its service in both languages,
    with `facts` beside them; the link opens the application's page (the notify function derives its token).

    :raises pydantic.ValidationError: the e-mail cannot be built (a fact the event needs is missing, say).
    """
    return Notification(
        notification_id=notification_id,
        event=event,
        to=record.applicant.email,
        locale=record.locale,
        facts={
            "application_id": record.id,
            "service_name_id": service.get("name_id", record.service_id),
            "service_name_en": service.get("name_en", record.service_id),
            **facts,
        },
        link_access=TokenPurpose.APPLICATION,
    )


def get_application(table: Any, application_id: str) -> ApplicationRecord | None:
    """Return one application (strongly consistent), or None."""
    item = table.get_item(Key={"id": application_id}, ConsistentRead=True).get("Item")
    return ApplicationRecord.model_validate(from_item(item)) if item else None


# Left out when None: an index key may not be NULL, and a NULL expiry says nothing.
_OMIT_WHEN_NONE = ("nik_hmac", "expires_at_epoch", "erased")


def _record_item(record: ApplicationRecord) -> dict[str, Any]:
    values = record.model_dump(mode="json")
    return item({k: v for k, v in values.items() if not (k in _OMIT_WHEN_NONE and v is None)})


def create_application(
    db: Any, tables: Tables, record: ApplicationRecord, extra_items: list[dict[str, Any]] | None = None
) -> None:
    """Store a new application with its counters (and the caller's extra writes) in one transaction.

    :raises TrackingNumberTaken: the id exists already.
    :raises TransactionCancelled: one of `extra_items` failed its condition.
    """
    extra = extra_items or []
    put = {
        "Put": {
            "TableName": tables.applications,
            "Item": _record_item(record),
            "ConditionExpression": "attribute_not_exists(id)",
        }
    }
    day = dt.datetime.fromisoformat(record.submitted_at).astimezone(JAKARTA).date().isoformat()
    counters = stats.counter_updates(
        tables.stats, record.service_id, day, {"submitted": 1, BUCKET[record.status]: 1}, {"submitted": 1}
    )
    try:
        transact(db, [put, *extra, *counters])
    except TransactionCancelled as cancelled:
        if 0 in cancelled.failed:
            raise TrackingNumberTaken(record.id) from None
        raise cancelled.shifted(1) from None


def status_deltas(from_status: Status, to_status: Status) -> dict[str, int]:
    """Return how the current-count buckets move when an application goes from one status to another."""
    before, after = BUCKET[from_status], BUCKET[to_status]
    return {} if before == after else {before: -1, after: 1}


def transition(
    db: Any,
    tables: Tables,
    current: ApplicationRecord,
    to_status: Status,
    *,
    actor: str,
    at: dt.datetime,
    note: str | None = None,
    changes: dict[str, Any] | None = None,
    extra_items: list[dict[str, Any]] | None = None,
    valid_until: str | None = None,
) -> ApplicationRecord:
    """Move an application from the status it was read in to `to_status`, with history and counters, atomically.

    `changes` sets further attributes of the application in the same write (e.g. documents, or the
    ``missing_requirements`` of a return); `extra_items` are further TransactWriteItems entries. The item's
    expiry follows the new status (functions/shared/retention.py; `valid_until`, an issued permit's last valid
    day, keeps it longer).

    :raises Conflict: the move is not allowed from that status, or someone changed the application since it was read.
    :raises TransactionCancelled: one of `extra_items` failed its condition.
    """
    if to_status not in ALLOWED_TRANSITIONS[current.status]:
        raise Conflict(
            f"Permohonan berstatus {current.status} tidak dapat diubah menjadi {to_status}.",
            f"An application in status {current.status} cannot move to {to_status}.",
            code="transition_not_allowed",
        )
    changes = dict(changes or {})
    reserved = {"id", "status", "version", "history", "updated_at", "service_id", "expires_at_epoch"} & changes.keys()
    if reserved:
        raise ValueError(f"transition sets these itself: {sorted(reserved)}")
    at_text = timestamp(at)
    entry = HistoryEntry(status=to_status, at=at_text, actor=actor, note=note)

    names = {"#status": "status", "#version": "version", "#history": "history", "#updated": "updated_at"}
    values = {
        ":from": attr(current.status.value),
        ":version": attr(current.version),
        ":to": attr(to_status.value),
        ":next": attr(current.version + 1),
        ":entry": attr([entry.model_dump(mode="json")]),
        ":at": attr(at_text),
    }
    sets = ["#status = :to", "#version = :next", "#history = list_append(#history, :entry)", "#updated = :at"]
    for i, (name, value) in enumerate(changes.items()):
        names[f"#x{i}"] = name
        values[f":x{i}"] = attr(value)
        sets.append(f"#x{i} = :x{i}")
    expires = retention.application_expires_at(to_status.value, at, valid_until)
    names["#expires"] = "expires_at_epoch"
    if expires is None:
        expression = "SET " + ", ".join(sets) + " REMOVE #expires"
    else:
        values[":expires"] = attr(expires)
        expression = "SET " + ", ".join([*sets, "#expires = :expires"])
    update = {
        "Update": {
            "TableName": tables.applications,
            "Key": {"id": attr(current.id)},
            "UpdateExpression": expression,
            # The version guards against a stale read even when the status came back to the same value.
            "ConditionExpression": "#status = :from AND #version = :version",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }
    day = dt.datetime.fromisoformat(at_text).date().isoformat()
    day_events = {DAY_EVENT[to_status]: 1} if to_status in DAY_EVENT else {}
    counters = stats.counter_updates(
        tables.stats, current.service_id, day, status_deltas(current.status, to_status), day_events
    )
    extra = extra_items or []
    try:
        transact(db, [update, *extra, *counters])
    except TransactionCancelled as cancelled:
        if 0 in cancelled.failed:
            raise Conflict(
                "Status permohonan sudah berubah. Muat ulang dan coba lagi.",
                "The application has changed since it was read. Reload and try again.",
                code="stale_transition",
            ) from None
        raise cancelled.shifted(1) from None
    return ApplicationRecord.model_validate(
        {
            **current.model_dump(mode="json"),
            **changes,
            "status": to_status,
            "version": current.version + 1,
            "expires_at_epoch": expires,
            "history": [*current.model_dump(mode="json")["history"], entry.model_dump(mode="json")],
            "updated_at": at_text,
        }
    )
