"""Officer decisions on an application: the rules, without HTTP.

Each decision is one conditional transition (functions/shared/applications.py): the status, the history
entry naming the officer, the public counters and the applicant's e-mail (in the outbox) are written in one
transaction, or nothing is. Two officers deciding at once cannot both win: the second gets 409.

An approval also owes the issuing worker a job. The job is written onto the application itself
(`pending_issue_job`) in the approval's transaction, queued once committed and then cleared; if the queue
fails, the item keeps it and `relay_issue_jobs` (the issue function's schedule) queues it later. So no
committed approval loses its document. A job queued twice is harmless: the worker issues each decision once.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.shared import aws, clock, stats
from functions.shared.applications import (
    ApplicationRecord,
    Status,
    Tables,
    applicant_notification,
    get_application,
    timestamp,
    transition,
)
from functions.shared.auth import ADMIN_GROUP
from functions.shared.catalogue import get_service
from functions.shared.deadlines import deadline
from functions.shared.errors import Conflict, NotFound, Unprocessable
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import logger, metrics
from functions.shared.settings import get_settings

Action = Literal["start_review", "approve", "reject", "return", "schedule_survey", "record_survey"]
RequirementId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
ISSUE_JOB = "issue_document"
# The decisions that end the office's clock, counted for the public "on time %".
DECIDED = frozenset({Status.APPROVED, Status.REJECTED})
# What the applicant is told about each way of surveying (shown as $survey_how in the e-mail's language).
SURVEY_HOW = {
    "on_site": {
        "survey_how_id": "Petugas kami akan datang ke lokasi. Pastikan lokasi dapat dimasuki dan ada yang menemui "
        "petugas. Petugas membawa tanda pengenal resmi. Peninjauan ini tidak dipungut biaya.",
        "survey_how_en": "Our officers will visit the site. Please make sure it is accessible and someone is there "
        "to meet them. Officers carry official identification. The survey is free of charge.",
    },
    "remote": {
        "survey_how_id": "Peninjauan dilakukan dari jarak jauh: petugas akan menghubungi Anda untuk meminta foto "
        "lokasi yang memuat penanda lokasi (geotag) atau video lokasi. Peninjauan ini tidak dipungut biaya.",
        "survey_how_en": "The survey is done remotely: an officer will contact you for geotagged photos or a video "
        "of the site. The survey is free of charge.",
    },
}
# Sending a job is tried this many times before it is left on the item for the relay.
_JOB_SEND_ATTEMPTS = 3
# The relay leaves younger approvals alone: their officer's request is most likely still queueing the job.
JOB_RELAY_DELAY_S = 120


class DecisionRequest(BaseModel):
    """`POST /officer/applications/{id}/decision`: what the officer decided, and why."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    action: Action
    reason: str | None = Field(None, max_length=2000)
    missing_requirements: list[RequirementId] = Field(default_factory=list, max_length=50)
    survey_date: dt.date | None = None
    # A remote survey asks the applicant for geotagged photos or a video of the site instead of a visit.
    survey_mode: Literal["on_site", "remote"] = "on_site"
    survey_result: Literal["passed", "failed"] | None = None
    # The version the officer's screen showed; a decision on anything newer is refused as stale.
    version: int | None = Field(None, ge=1)


@dataclass(frozen=True)
class Officer:
    """Who is deciding, from the token the JWT authorizer checked."""

    username: str
    is_admin: bool = False
    # What people read (the token's e-mail); the username stays the stable identity in the history.
    email: str | None = None

    @property
    def actor(self) -> str:
        """Return how the history names this officer."""
        return f"officer:{self.username}"

    def holding(self, since: str) -> dict[str, str]:
        """Return the application's `assignee` when this officer holds it from `since`."""
        return {"username": self.username, "name": self.email or self.username, "since": since}


@dataclass(frozen=True)
class Office:
    """The tables and queues the decisions write to."""

    db: Any
    tables: Tables
    applications: Any
    catalogue: Any
    sqs: Any
    notifications_queue_url: str
    notification_outbox_table: str
    issue_jobs_queue_url: str

    @classmethod
    def from_settings(cls) -> "Office":
        """Return the function's own tables and clients."""
        settings = get_settings()
        return cls(
            db=aws.client("dynamodb"),
            tables=Tables.from_settings(),
            applications=aws.table(settings.applications_table),
            catalogue=aws.table(settings.catalogue_table),
            sqs=aws.client("sqs"),
            notifications_queue_url=settings.notifications_queue_url,
            notification_outbox_table=settings.notification_outbox_table,
            issue_jobs_queue_url=settings.issue_jobs_queue_url,
        )


def _detail(field: str, code: str, message_id: str, message_en: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message_id, "message_en": message_en}


def load_application(applications: Any, application_id: str) -> ApplicationRecord:
    """Return an application.

    :raises NotFound: there is none with that number.
    """
    record = get_application(applications, application_id)
    if record is None:
        raise NotFound("Permohonan tidak ditemukan.", "No application has that number.")
    return record


def check_holder(record: ApplicationRecord, officer: Officer) -> None:
    """Refuse a decision on an application another officer holds (an admin may decide any).

    :raises Conflict: ``claimed_by_other``, naming the holder.
    """
    holder = (record.assignee or {}).get("username")
    if holder and holder != officer.username and not officer.is_admin:
        raise Conflict(
            f"Permohonan ini sedang ditangani oleh {holder}.",
            f"This application is held by {holder}.",
            code="claimed_by_other",
            details=[{"field": "assignee", "code": "claimed_by_other", "holder": holder}],
        )


def _requirement_labels(service: dict[str, Any], ids: list[str]) -> tuple[list[dict[str, str]], list[dict]]:
    """Return the labels of the requirements named, and a detail for each the service does not have."""
    known = {r["id"]: r for r in service.get("requirements", [])}
    labels, errors = [], []
    for i, requirement_id in enumerate(dict.fromkeys(ids)):
        requirement = known.get(requirement_id)
        if requirement is None:
            errors.append(
                _detail(
                    f"missing_requirements[{i}]",
                    "unknown_requirement",
                    "Persyaratan ini tidak ada pada layanan tersebut.",
                    "That requirement is not one of the service's.",
                )
            )
            continue
        labels.append(
            {"requirement_id": requirement_id, "label_id": requirement["label_id"], "label_en": requirement["label_en"]}
        )
    return labels, errors


@dataclass(frozen=True)
class _Plan:
    """What a decision does: where it moves the application, what else it sets, and what it tells the applicant."""

    to_status: Status
    note: str | None
    changes: dict[str, Any]
    event: NotificationEvent | None
    facts: dict[str, Any]


def plan_decision(
    record: ApplicationRecord, service: dict[str, Any], request: DecisionRequest, officer: Officer, now: dt.datetime
) -> _Plan:
    """Check a decision against its rules and return what it will write.

    :raises Unprocessable: a reason, a requirement, a survey date or result is missing or wrong.
    :raises Conflict: an approval of a service that needs a field survey before the survey passed.
    """
    action = request.action
    today = clock.today(now)
    errors: list[dict[str, str]] = []
    changes: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    event: NotificationEvent | None = None
    note = request.reason or None
    if action == "start_review":
        to_status = Status.IN_REVIEW
        if not record.assignee:
            changes["assignee"] = officer.holding(timestamp(now))
    elif action == "return":
        to_status = Status.RETURNED
        labels, errors = _requirement_labels(service, request.missing_requirements)
        if not request.missing_requirements:
            errors.append(
                _detail(
                    "missing_requirements",
                    "missing",
                    "Sebutkan persyaratan yang kurang.",
                    "Name the requirements that are missing.",
                )
            )
        changes["missing_requirements"] = [label["requirement_id"] for label in labels]
        event = NotificationEvent.APPLICATION_RETURNED
        facts = {"missing_requirements": labels, "note": note}
    elif action == "reject":
        to_status = Status.REJECTED
        if not note:
            errors.append(
                _detail("reason", "missing", "Alasan penolakan wajib diisi.", "A reason for the rejection is required.")
            )
        event = NotificationEvent.APPLICATION_REJECTED
        facts = {"reason": note}
    elif action == "schedule_survey":
        to_status = Status.SURVEY_SCHEDULED
        if request.survey_date is None:
            errors.append(
                _detail("survey_date", "missing", "Tanggal survei wajib diisi.", "A survey date is required.")
            )
        elif request.survey_date < today:
            errors.append(
                _detail("survey_date", "in_the_past", "Tanggal survei sudah lewat.", "The survey date is in the past.")
            )
        survey_date = request.survey_date.isoformat() if request.survey_date else None
        changes["survey"] = {"date": survey_date, "mode": request.survey_mode}
        event = NotificationEvent.APPLICATION_SURVEY_SCHEDULED
        facts = {"survey_date": survey_date, "survey_mode": request.survey_mode, **SURVEY_HOW[request.survey_mode]}
        note = note or f"{request.survey_mode} {survey_date}"
    elif action == "record_survey":
        to_status = Status.SURVEYED
        if request.survey_result is None:
            errors.append(
                _detail("survey_result", "missing", "Hasil survei wajib diisi.", "The survey's result is required.")
            )
        changes["survey"] = {**(record.survey or {}), "result": request.survey_result, "notes": note}
    else:  # approve
        to_status = Status.APPROVED
        survey = record.survey or {}
        if service.get("field_survey") and not (record.status == Status.SURVEYED and survey.get("result") == "passed"):
            raise Conflict(
                "Layanan ini memerlukan survei lapangan yang lulus sebelum disetujui.",
                "This service needs a passed field survey before it can be approved.",
                code="survey_required",
            )
        event = NotificationEvent.APPLICATION_APPROVED
    if errors:
        raise Unprocessable(details=errors)
    return _Plan(to_status=to_status, note=note, changes=changes, event=event, facts=facts)


def decide(
    office: Office, application_id: str, request: DecisionRequest, officer: Officer, now: dt.datetime
) -> ApplicationRecord:
    """Apply one officer decision; return the application as it now stands.

    :raises NotFound: no such application.
    :raises Conflict: ``stale_transition`` (changed since the officer's screen, or by a simultaneous decision),
        ``transition_not_allowed``, ``claimed_by_other``, ``survey_required`` or ``application_erased``.
    :raises Unprocessable: the decision is incomplete (reason, requirements, survey date or result).
    """
    record = load_application(office.applications, application_id)
    if record.erased:
        # The applicant's data was erased on request (functions/shared/erasure.py): nobody to decide for or tell.
        raise Conflict(
            "Data pemohon sudah dihapus atas permintaannya; permohonan ini tidak dapat diputus lagi.",
            "The applicant's data was erased at their request; this application can no longer be decided.",
            code="application_erased",
        )
    if request.version is not None and request.version != record.version:
        raise Conflict(
            "Status permohonan sudah berubah. Muat ulang dan coba lagi.",
            "The application has changed since it was read. Reload and try again.",
            code="stale_transition",
        )
    check_holder(record, officer)
    service = get_service(office.catalogue, record.service_id) or {"id": record.service_id}
    plan = plan_decision(record, service, request, officer, now)
    step = len(record.history) + 1
    changes = dict(plan.changes)
    job = None
    if plan.to_status == Status.APPROVED:
        job = {
            "job": ISSUE_JOB,
            "application_id": record.id,
            "decision_ref": f"{record.id}#{step}",
            "approved_by": officer.username,
        }
        changes["pending_issue_job"] = job
    notification = _notification(record, service, plan, step)
    outbox = [outbox_put(notification, office.notification_outbox_table, now)] if notification else []
    if plan.to_status in DECIDED:
        # The "on time %" moves with the decision, in its transaction (its own stats item: no clash with counters).
        on_time = not deadline(record, service, clock.today(now))["overdue"]
        outbox += stats.decision_updates(office.tables.stats, record.service_id, on_time)
    updated = transition(
        office.db,
        office.tables,
        record,
        plan.to_status,
        actor=officer.actor,
        at=now,
        note=plan.note,
        changes=changes,
        extra_items=outbox,
    )
    logger.info(
        "decision recorded",
        extra={"application_id": record.id, "action": request.action, "status": plan.to_status.value},
    )
    metrics.add_metric(name=f"Decision_{request.action}", unit="Count", value=1)
    if notification:
        dispatch(
            [notification], office.sqs, office.notifications_queue_url, office.db, office.notification_outbox_table
        )
    if job:
        send_issue_job(office, job)
    return updated


def _notification(record: ApplicationRecord, service: dict[str, Any], plan: _Plan, step: int) -> Notification | None:
    """Return the applicant's e-mail about a decision, or None when the decision tells them nothing."""
    if plan.event is None:
        return None
    return applicant_notification(
        plan.event,
        f"{plan.event.value}:{record.id}:{step}",
        record,
        service,
        service_id=record.service_id,
        **plan.facts,
    )


def send_issue_job(office: Office, job: dict[str, str]) -> bool:
    """Queue an approval's issue job and clear it from the application; return whether it went.

    Never raises: the approval is committed, and a job that could not be queued stays on the item for the relay.
    """
    body = json.dumps(job)
    for attempt in range(1, _JOB_SEND_ATTEMPTS + 1):
        try:
            office.sqs.send_message(QueueUrl=office.issue_jobs_queue_url, MessageBody=body)
            break
        except Exception as error:
            logger.warning(
                "issue job not queued",
                extra={"decision_ref": job["decision_ref"], "attempt": attempt, "error_type": type(error).__name__},
            )
    else:
        logger.error("issue job left on the application for the relay", extra={"decision_ref": job["decision_ref"]})
        metrics.add_metric(name="IssueJobsLeftForRelay", unit="Count", value=1)
        return False
    _clear_pending_job(office.applications, job)
    return True


def _clear_pending_job(applications: Any, job: dict[str, str]) -> None:
    """Remove the queued job from the application, unless another approval's job replaced it meanwhile."""
    from botocore.exceptions import ClientError

    try:
        # Not a change of state: the version stays, so no officer's decision is made stale by it.
        applications.update_item(
            Key={"id": job["application_id"]},
            UpdateExpression="REMOVE pending_issue_job",
            ConditionExpression="pending_issue_job.decision_ref = :ref",
            ExpressionAttributeValues={":ref": job["decision_ref"]},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            logger.warning("queued issue job not cleared; the relay may queue it again", extra=job)


def relay_issue_jobs(office: Office, now: dt.datetime) -> int:
    """Queue every approval's issue job still on its application after JOB_RELAY_DELAY_S; return how many went.

    Reads the APPROVED applications through the status index (never a scan of the table).
    """
    from boto3.dynamodb.conditions import Attr, Key

    cutoff = timestamp(now - dt.timedelta(seconds=JOB_RELAY_DELAY_S))
    kwargs: dict[str, Any] = {
        "IndexName": "ByStatus",
        "KeyConditionExpression": Key("status").eq(Status.APPROVED.value) & Key("updated_at").lte(cutoff),
        "FilterExpression": Attr("pending_issue_job").exists(),
    }
    relayed = 0
    while True:
        page = office.applications.query(**kwargs)
        for item in page.get("Items", []):
            job = {k: str(v) for k, v in item["pending_issue_job"].items()}
            relayed += send_issue_job(office, job)
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    if relayed:
        logger.warning("relayed issue jobs their approvals could not queue", extra={"count": relayed})
    return relayed


def is_admin(groups: set[str]) -> bool:
    """Tell whether the caller's groups include the supervisor's."""
    return ADMIN_GROUP in groups
