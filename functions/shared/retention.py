"""How long each kind of personal data is kept, and why: the one place every writer takes its expiry from.

Indonesia's personal data protection law (UU 27/2022, Pelindungan Data Pribadi) lets a controller keep personal
data only as long as its purpose needs (art. 16(2)) or another law requires (art. 43), then it must be erased.
Each item that holds personal data therefore carries its end when it is written: a DynamoDB TTL attribute
(``expires_at_epoch``, ``expiration`` for Powertools' idempotency records) that DynamoDB deletes within days of
the time, and S3 lifecycle rules for objects (template.yaml, "Retention" blocks). A rule that reads an item must
still treat an expired item as gone: TTL deletes lazily.

The periods are the project's defaults, chosen below with their reasons; the office's archivist must check them
against its own records retention schedule (Jadwal Retensi Arsip, UU 43/2009 on archives) before going live.
"""

import datetime as dt
from dataclasses import dataclass

from functions.shared.clock import JAKARTA

DAY_S = 24 * 3600
YEAR_DAYS = 365


@dataclass(frozen=True)
class Period:
    """How long one kind of item is kept after the moment it counts from, and why."""

    name: str
    keep: dt.timedelta
    counts_from: str
    reason: str


# ---------------------------------------------------------------------------------------------------------------
# The periods
# ---------------------------------------------------------------------------------------------------------------
DECIDED_APPLICATION = Period(
    "decided_application",
    dt.timedelta(days=5 * YEAR_DAYS),
    "the decision (issued or rejected), or the permit's last valid day when that is later",
    "A licensing file is evidence of the decision: an applicant may object to it or sue over it (administrative "
    "court, UU 30/2014 and UU 51/2009) and auditors (BPK) review permit files; DKI's records schedules keep "
    "licensing files two years active and three inactive. An issued permit's file must outlive the permit, so "
    "anyone can still be answered about a document that is valid.",
)
ABANDONED_APPLICATION = Period(
    "abandoned_application",
    dt.timedelta(days=YEAR_DAYS),
    "the return, when the applicant never sends what was missing",
    "A returned application waits for its applicant; after a year nobody will complete it, and there is no "
    "decision to defend. Sending the documents back to SUBMITTED lifts the expiry.",
)
UNATTACHED_UPLOAD = Period(
    "unattached_upload",
    dt.timedelta(days=1),
    "the upload",
    "A file that no application took is nobody's document: it was abandoned or refused. A day covers a citizen "
    "who uploads in the evening and submits the next morning.",
)
ISSUED_DOCUMENT = DECIDED_APPLICATION  # the document item and its PDF go with their application
VISIT = Period(
    "visit",
    dt.timedelta(days=30),
    "the end of the visit day",
    "A booking is needed until the visit is over; a month after, complaints about the visit (UU 25/2009 on "
    "public services) have been raised, and the office's visit figures are counters without names.",
)
REFUSED_VISIT = Period(
    "refused_visit",
    dt.timedelta(days=7),
    "the end of the visit day",
    "A refused visitor's booking holds a body temperature, health data (specific personal data, UU 27/2022 "
    "art. 4(2)): kept only for the week in which the refusal may be questioned.",
)
VISIT_GUARD = Period(
    "visit_guard",
    dt.timedelta(days=1),
    "the end of the visit day",
    "A person's guard (an HMAC, one booking per person per site per day) means nothing once the day is over.",
)
CONSULTATION = Period(
    "consultation",
    dt.timedelta(days=YEAR_DAYS),
    "the question, or its answer once answered",
    "The asker reads the answer from the e-mail's link; a year lets them come back to it, and a question that "
    "needed more became an application of its own.",
)
NOTIFICATION_OUTBOX = Period(
    "notification_outbox",
    dt.timedelta(days=7),
    "the change it tells of",
    "An outbox item (an address and the facts of one e-mail) is queued within minutes; one no relay could queue "
    "in a week is dropped rather than kept.",
)
NOTIFICATION_LEDGER = Period(
    "notification_ledger",
    dt.timedelta(days=30),
    "the last attempt",
    "The sent ledger (no address, no fact: a notification id and its state) must outlive the dead-letter "
    "queue's 14 days, so a redriven message still finds its row and is not sent twice.",
)
IDEMPOTENCY = Period(
    "idempotency",
    dt.timedelta(days=1),
    "the request",
    "A client that retries within a day gets the first answer back; the record holds hashes and a receipt only.",
)
RATE_LIMIT_GRACE = Period(
    "rate_limit",
    dt.timedelta(minutes=5),
    "the end of the counter's window",
    "A counter (keyed by an HMAC of an address or a client) matters only for its window; five minutes more keep "
    "clock skew harmless.",
)
VISIT_COUNTERS = Period(
    "visit_counters",
    dt.timedelta(days=90),
    "the end of the visit day",
    "Slot, window and quota counters hold no personal data; they outlive their day for the office's own reports.",
)
PAPER_DRAFT = Period(
    "paper_draft",
    dt.timedelta(days=30),
    "the draft's saving, when the citizen prints the cover sheet",
    "A paper application's draft (the form and the applicant, NIK included) only serves the officer who opens the "
    "envelope; a month covers the post and a courier. Once the application is recorded its own period applies.",
)

PERIODS: tuple[Period, ...] = (
    DECIDED_APPLICATION,
    ABANDONED_APPLICATION,
    UNATTACHED_UPLOAD,
    VISIT,
    REFUSED_VISIT,
    VISIT_GUARD,
    CONSULTATION,
    NOTIFICATION_OUTBOX,
    NOTIFICATION_LEDGER,
    IDEMPOTENCY,
    RATE_LIMIT_GRACE,
    VISIT_COUNTERS,
    PAPER_DRAFT,
)

# S3: browsers upload to incoming/; whatever no application took is deleted this many days after the upload
# (template.yaml's lifecycle rule, checked by a test against this number).
INCOMING_UPLOAD_DAYS = UNATTACHED_UPLOAD.keep.days
# Old versions of issued PDFs (the documents bucket is versioned) and the marker a deletion leaves.
NONCURRENT_DOCUMENT_VERSION_DAYS = 1


# ---------------------------------------------------------------------------------------------------------------
# The expiry each writer sets
# ---------------------------------------------------------------------------------------------------------------
def epoch(at: dt.datetime) -> int:
    """Return a time as a TTL attribute holds it: whole seconds since the epoch."""
    return int(at.timestamp())


def _end_of_day(date: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(date), dt.time(23, 59, 59), JAKARTA)


def application_expires_at(status: str, at: dt.datetime, valid_until: str | None = None) -> int | None:
    """Return when an application entering `status` at `at` expires, or None while it is being dealt with.

    ISSUED and REJECTED are decisions (kept DECIDED_APPLICATION after the decision, or after the permit's last
    valid day when later); RETURNED waits ABANDONED_APPLICATION for its applicant; every other status is live.
    """
    if status in ("ISSUED", "REJECTED"):
        start = at
        if valid_until:
            start = max(at, _end_of_day(valid_until))
        return epoch(start + DECIDED_APPLICATION.keep)
    if status == "RETURNED":
        return epoch(at + ABANDONED_APPLICATION.keep)
    return None


def upload_expires_at(now: dt.datetime) -> int:
    """Return when the record of an upload expires unless an application takes it first."""
    return epoch(now + UNATTACHED_UPLOAD.keep)


def booking_expires_at(date: str, status: str) -> int:
    """Return when a booking for the visit day `date` in `status` expires: sooner for a refused visitor."""
    period = REFUSED_VISIT if status == "REFUSED" else VISIT
    return epoch(_end_of_day(date) + period.keep)


def guard_expires_at(date: str) -> int:
    """Return when a person's guard for the visit day `date` expires."""
    return epoch(_end_of_day(date) + VISIT_GUARD.keep)


def visit_counter_expires_at(date: str) -> int:
    """Return when a slot, window or quota counter of the visit day `date` expires."""
    return epoch(_end_of_day(date) + VISIT_COUNTERS.keep)


def consultation_expires_at(at: dt.datetime) -> int:
    """Return when a consultation asked (or answered) at `at` expires."""
    return epoch(at + CONSULTATION.keep)


def outbox_expires_at(now: dt.datetime) -> int:
    """Return when an outbox item written at `now` expires."""
    return epoch(now + NOTIFICATION_OUTBOX.keep)


def ledger_expires_at(epoch_s: float) -> int:
    """Return when a sent-ledger row last written at `epoch_s` expires."""
    return int(epoch_s) + int(NOTIFICATION_LEDGER.keep.total_seconds())


IDEMPOTENCY_S = int(IDEMPOTENCY.keep.total_seconds())
RATE_LIMIT_GRACE_S = int(RATE_LIMIT_GRACE.keep.total_seconds())
