"""Submitting an application, and completing one that was returned: the rules, without HTTP.

An incomplete submission is impossible: the NIK, the service's form fields and every required
document are checked before anything is stored, and a returned application takes only the
documents it lacked, keeping its number and history.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from functions.shared import aws, clock, person_index
from functions.shared.access_tokens import derive_access_token, hash_access_token
from functions.shared.applications import (
    APPLICANT_ACTOR,
    ApplicationRecord,
    Channel,
    HistoryEntry,
    Status,
    Tables,
    TrackingNumberTaken,
    TransactionCancelled,
    applicant_notification,
    create_application,
    new_tracking_number,
    timestamp,
    transition,
)
from functions.shared.catalogue import DELIVERY_RECEIPT, load_service
from functions.shared.errors import Conflict, Unprocessable, detail
from functions.shared.nik import validate_nik
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import after_commit, logger, metrics
from functions.shared.rate_limits import UNVERIFIED_EMAILS, RateLimiter
from functions.shared.settings import get_settings
from functions.submit import drafts as drafts_module
from functions.submit import uploads
from functions.submit.schemas import DocumentRef, IntakeRequest, SubmissionRequest

# A fresh random number collides about once in a billion; a few draws are plenty.
_TRACKING_NUMBER_ATTEMPTS = 5
_TEXT_DEFAULT_MAX = 2000
_NUMBER_MAX = 10**12
# A number as people write it: 12, 12,5 (Indonesian) or 12.5; a minus sign is read so it can be named.
_NUMBER_TEXT = re.compile(r"^-?\d+([.,]\d+)?$")
_NIK_LIKE = re.compile(r"\d{16,}")


@dataclass(frozen=True)
class Deps:
    """The tables, clients and names the application rules work with."""

    db: Any
    catalogue: Any
    applications: Any
    uploads: Any
    uploads_table_name: str
    tables: Tables
    s3: Any
    kms: Any
    sqs: Any
    uploads_bucket: str
    notifications_queue_url: str
    notification_outbox_table: str
    access_token_key_id: str
    limiter: RateLimiter

    @classmethod
    def from_settings(cls) -> "Deps":
        """Return the function's own tables and clients."""
        settings = get_settings()
        return cls(
            db=aws.client("dynamodb"),
            catalogue=aws.table(settings.catalogue_table),
            applications=aws.table(settings.applications_table),
            uploads=aws.table(settings.uploads_table),
            uploads_table_name=settings.uploads_table,
            tables=Tables.from_settings(),
            s3=aws.client("s3"),
            kms=aws.client("kms"),
            sqs=aws.client("sqs"),
            uploads_bucket=settings.uploads_bucket,
            notifications_queue_url=settings.notifications_queue_url,
            notification_outbox_table=settings.notification_outbox_table,
            access_token_key_id=settings.access_token_key_id,
            limiter=RateLimiter.from_settings(),
        )


def check_nik(nik: str, today: dt.date) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return the NIK's errors and warnings as details naming ``applicant.nik`` (never echoing it)."""
    check = validate_nik(nik, today=today)
    errors = [detail("applicant.nik", m.code, m.text_id, m.text_en) for m in check.errors]
    warnings = [detail("applicant.nik", m.code, m.text_id, m.text_en) for m in check.warnings]
    return errors, warnings


def check_fields(service: dict[str, Any], fields: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return the service's form values, normalised, and a detail for each one missing or malformed."""
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    known = {f["id"]: f for f in service.get("form_fields", [])}
    for name in fields:
        if name not in known:
            errors.append(
                detail(
                    f"fields.{name}",
                    "unknown_field",
                    "Isian ini tidak dikenal untuk layanan ini.",
                    "This field is not one of the service's.",
                )
            )
    for name, spec in known.items():
        raw = fields.get(name)
        if isinstance(raw, str):
            raw = raw.strip()
        label_id, label_en, where = spec["label_id"], spec["label_en"], f"fields.{name}"
        if raw is None or raw == "":
            if spec.get("required"):
                errors.append(detail(where, "missing", f"“{label_id}” wajib diisi.", f"“{label_en}” is required."))
            continue
        value, problem = _field_value(spec, raw)
        if problem is None:
            values[name] = value
            continue
        messages = {
            "not_a_number": (f"“{label_id}” harus berupa angka.", f"“{label_en}” must be a number."),
            "not_a_whole_number": (
                f"“{label_id}” harus bilangan bulat, tanpa koma.",
                f"“{label_en}” must be a whole number, with no decimals.",
            ),
            "negative": (f"“{label_id}” harus nol atau lebih.", f"“{label_en}” must be zero or more."),
            "too_large": (
                f"“{label_id}” terlalu besar (paling banyak {_NUMBER_MAX:,}).".replace(",", "."),
                f"“{label_en}” is too large (at most {_NUMBER_MAX:,}).",
            ),
            "not_a_date": (
                f"“{label_id}” harus tanggal dengan format TTTT-BB-HH.",
                f"“{label_en}” must be a date written YYYY-MM-DD.",
            ),
            "not_text": (f"“{label_id}” harus berupa teks.", f"“{label_en}” must be text."),
            "too_long": (
                f"“{label_id}” paling banyak {spec.get('max_length') or _TEXT_DEFAULT_MAX} karakter.",
                f"“{label_en}” can be at most {spec.get('max_length') or _TEXT_DEFAULT_MAX} characters.",
            ),
        }
        errors.append(detail(where, problem, *messages[problem]))
    return values, errors


def _field_value(spec: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """Return (normalised value, None) or (None, problem code) for one form value."""
    kind = spec["type"]
    if kind in {"integer", "decimal"}:
        if isinstance(raw, bool):
            return None, "not_a_number"
        if isinstance(raw, int | float):
            number = raw
        elif isinstance(raw, str) and _NUMBER_TEXT.match(raw):
            number = float(raw.replace(",", "."))
        else:
            return None, "not_a_number"
        if number != number or number in (float("inf"), float("-inf")):
            return None, "not_a_number"
        if number < 0:
            return None, "negative"
        # Bounded well inside what a float and a DynamoDB number hold exactly.
        if number > _NUMBER_MAX:
            return None, "too_large"
        if kind == "integer" and not float(number).is_integer():
            return None, "not_a_whole_number"
        return (int(number) if float(number).is_integer() else float(number)), None
    if not isinstance(raw, str):
        return None, "not_text"
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw).isoformat(), None
        except ValueError:
            return None, "not_a_date"
    if len(raw) > (spec.get("max_length") or _TEXT_DEFAULT_MAX):
        return None, "too_long"
    return raw, None


def check_document_requirements(service: dict[str, Any], documents: list[DocumentRef]) -> list[dict[str, str]]:
    """Return a detail for each document offered for a requirement the service does not have.

    The delivery receipt is not one of them: only the officers' intake attaches it, as ``receipt_upload_id``.
    """
    return [
        detail(
            f"documents[{i}].requirement_id",
            "unknown_requirement",
            "Persyaratan ini tidak ada pada layanan tersebut.",
            "That requirement is not one of the service's.",
        )
        for i, doc in enumerate(documents)
        if doc.requirement_id == DELIVERY_RECEIPT["id"] or uploads.find_requirement(service, doc.requirement_id) is None
    ]


def requirement_label(service: dict[str, Any], requirement_id: str) -> dict[str, str]:
    """Return ``{requirement_id, label_id, label_en}`` for one requirement (its id as label if unknown)."""
    requirement = uploads.find_requirement(service, requirement_id) or {}
    return {
        "requirement_id": requirement_id,
        "label_id": requirement.get("label_id", requirement_id),
        "label_en": requirement.get("label_en", requirement_id),
    }


def missing_requirements(service: dict[str, Any], present: set[str]) -> list[dict[str, str]]:
    """Return each required requirement that has no document among `present`, in the catalogue's order."""
    return [
        requirement_label(service, r["id"])
        for r in service.get("requirements", [])
        if r.get("required") and r["id"] not in present
    ]


def missing_requirements_error(missing: list[dict[str, str]]) -> Unprocessable:
    """Return the 422 that lists every requirement still to be supplied."""
    return Unprocessable(
        "Persyaratan belum lengkap. Unggah dokumen yang disebutkan.",
        "Some requirements are missing. Upload the documents listed.",
        code="missing_requirements",
        details=[
            detail(
                "documents",
                "missing_requirement",
                f"Unggah “{m['label_id']}”.",
                f"Upload “{m['label_en']}”.",
                **m,
            )
            for m in missing
        ],
    )


def _invalid(details: list[dict[str, str]]) -> Unprocessable:
    return Unprocessable(details=details)


def declaration_detail() -> dict[str, str]:
    """Return the detail for a submission sent without the applicant's declaration that it is true."""
    return detail(
        "declaration",
        "declaration_required",
        "Centang pernyataan bahwa data dan dokumen yang Anda kirim benar.",
        "Tick the declaration that the data and documents you send are true.",
    )


def submission_refused(
    errors: list[dict[str, Any]], missing: list[dict[str, str]], refused: list[dict[str, Any]]
) -> Unprocessable:
    """Return the one 422 naming every problem of a submission: fields and NIK, missing and refused documents.

    Its code is the single kind when there is one (``missing_requirements``, an upload's own code), so a
    client that knows only those still understands; else ``validation_error``.
    """
    if missing and not errors and not refused:
        return missing_requirements_error(missing)
    if refused and not errors and not missing:
        return uploads.uploads_refused(refused)
    details = errors + missing_requirements_error(missing).details + refused
    return Unprocessable(
        "Ada beberapa hal yang perlu diperbaiki. Periksa setiap isian dan dokumen yang disebutkan.",
        "A few things need putting right. Check each field and document listed.",
        details=details,
    )


def submit_application(request: dict[str, Any], deps: Deps, now: dt.datetime | None = None) -> dict[str, Any]:
    """Check and store one application; return ``{id, status, submitted_at, warnings}`` (no token, no NIK).

    Run through `idempotency.run_once`: `request` is ``{"idempotency_key", "payload"}``, and what
    this returns is kept as the replayed answer.

    :raises Unprocessable: a field, the NIK, a missing requirement or an upload is not acceptable.
    """
    submission = SubmissionRequest.model_validate(request["payload"])
    return _store_application(submission, deps, now or clock.now(), _Arrival(channel="online", actor=APPLICANT_ACTOR))


@dataclass(frozen=True)
class _Arrival:
    """How an application came in: online from the applicant, or on paper keyed in by an officer."""

    channel: Channel
    actor: str
    note: str | None = None
    receipt: DocumentRef | None = None
    cover_sheet_ref: str | None = None
    drafts: Any = None
    drafts_table_name: str | None = None


_PAPER_NOTES = {
    "dropbox": "Diterima lewat kotak surat / Received through the drop box",
    "courier": "Diterima lewat kurir / Received by courier",
}


def take_in_paper_application(
    request: dict[str, Any], deps: Deps, drafts: Any, drafts_table_name: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Check and store a paper application an officer keyed in; return ``{id, status, channel, submitted_at, ...}``.

    Run through `idempotency.run_once` like a citizen's submission: `request` is ``{"idempotency_key", "payload"}``
    with the intake body and ``officer`` (who keyed it in, recorded in the history). The same checks apply as
    online, and the same one 422 names every problem, with a bad or used cover sheet among them. The applicant's
    e-mail is as unproven as online: the same receipt e-mail, without a name, within the same hourly allowance.

    :raises Unprocessable: a field, the NIK, a missing requirement, an upload or the cover sheet is not acceptable.
    """
    payload = dict(request["payload"])
    # Named in the history as the decisions name officers (functions/issue/decisions.py `Officer.actor`).
    officer = f"officer:{payload.pop('officer')}"
    intake = IntakeRequest.model_validate(payload)
    submission = SubmissionRequest.model_validate(
        intake.model_dump(mode="json", exclude={"channel", "cover_sheet_ref", "receipt_upload_id"})
    )
    receipt = (
        DocumentRef(requirement_id=DELIVERY_RECEIPT["id"], upload_id=intake.receipt_upload_id)
        if intake.receipt_upload_id
        else None
    )
    arrival = _Arrival(
        channel=intake.channel,
        actor=officer,
        note=_PAPER_NOTES[intake.channel],
        receipt=receipt,
        cover_sheet_ref=intake.cover_sheet_ref,
        drafts=drafts,
        drafts_table_name=drafts_table_name,
    )
    stored = _store_application(submission, deps, now or clock.now(), arrival)
    return {**stored, "channel": intake.channel, "cover_sheet_ref": arrival_reference(intake.cover_sheet_ref)}


def arrival_reference(cover_sheet_ref: str | None) -> str | None:
    """Return a cover sheet reference in its canonical form (None stays None)."""
    return drafts_module.normalise_reference(cover_sheet_ref) if cover_sheet_ref else None


def _cover_sheet_errors(arrival: _Arrival, now: dt.datetime) -> list[dict[str, Any]]:
    if not arrival.cover_sheet_ref:
        return []
    draft = drafts_module.find_draft(arrival.drafts, arrival.cover_sheet_ref, now)
    if draft is None:
        return drafts_module.unknown_cover_sheet().details
    if draft.get("used_by"):
        return [drafts_module.cover_sheet_used_detail(draft["used_by"])]
    return []


def _as_receipt_problem(problem: dict[str, Any], receipt: DocumentRef | None) -> dict[str, Any]:
    if receipt is not None and problem.get("upload_id") == receipt.upload_id:
        return {**problem, "field": "receipt_upload_id"}
    return problem


def _store_application(
    submission: SubmissionRequest, deps: Deps, now: dt.datetime, arrival: _Arrival
) -> dict[str, Any]:
    """Check a submission (online or keyed in from paper) and store it as SUBMITTED, in one transaction."""
    service = load_service(deps.catalogue, submission.service_id)
    # Every problem is named in one answer, so the citizen puts everything right in one round.
    nik_errors, warnings = check_nik(submission.applicant.nik, clock.today(now))
    values, field_errors = check_fields(service, submission.fields)
    errors = nik_errors + field_errors + check_document_requirements(service, submission.documents)
    errors += _cover_sheet_errors(arrival, now)
    missing = missing_requirements(service, {d.requirement_id for d in submission.documents})
    offered = [*submission.documents, *([arrival.receipt] if arrival.receipt else [])]
    checked, refused = uploads.upload_problems(deps.uploads, deps.s3, deps.uploads_bucket, service, offered, now)
    refused = [_as_receipt_problem(p, arrival.receipt) for p in refused]
    if not submission.declaration:
        errors.append(declaration_detail())
    if errors or missing or refused:
        raise submission_refused(errors, missing, refused)
    email_allowed = receipt_email_allowed(deps, submission.applicant.email, now)
    cover_sheet_ref = arrival_reference(arrival.cover_sheet_ref)

    at = timestamp(now)
    for _ in range(_TRACKING_NUMBER_ATTEMPTS):
        application_id = new_tracking_number(now)
        token = derive_access_token(application_id, deps.kms, deps.access_token_key_id)
        try:
            documents = uploads.copy_into_application(deps.s3, deps.uploads_bucket, application_id, checked, at)
        except uploads.UploadVanished as vanished:
            raise uploads.vanished_problem(deps.uploads, service, offered, checked, vanished.upload) from None
        record = ApplicationRecord(
            id=application_id,
            service_id=service["id"],
            status=Status.SUBMITTED,
            channel=arrival.channel,
            applicant=submission.applicant.model_dump(mode="json"),
            fields=values,
            documents=documents,
            locale=submission.locale,
            history=[HistoryEntry(status=Status.SUBMITTED, at=at, actor=arrival.actor, note=arrival.note)],
            access_token_hash=hash_access_token(token),
            cover_sheet_ref=cover_sheet_ref,
            nik_hmac=person_index.nik_hmac(
                person_index.index_key(deps.kms, deps.access_token_key_id), submission.applicant.nik
            ),
            submitted_at=at,
            updated_at=at,
        )
        claims = uploads.claim_items(deps.uploads_table_name, checked, application_id, now)
        # One cover sheet makes one application: the draft is marked in the same transaction.
        marks = (
            [drafts_module.mark_used_item(arrival.drafts_table_name, cover_sheet_ref, application_id, now)]
            if cover_sheet_ref and arrival.drafts_table_name
            else []
        )
        # The e-mail is committed with the application (outbox, after the claims so their indices hold).
        notification = submitted_notification(record, service, 0, at) if email_allowed else None
        outbox = [outbox_put(notification, deps.notification_outbox_table, now)] if notification else []
        try:
            create_application(deps.db, deps.tables, record, [*claims, *marks, *outbox])
        except TrackingNumberTaken:
            uploads.discard_objects(deps.s3, deps.uploads_bucket, [d["key"] for d in documents])
            continue
        except TransactionCancelled as cancelled:
            uploads.discard_objects(deps.s3, deps.uploads_bucket, [d["key"] for d in documents])
            if marks and len(claims) in cancelled.failed:
                # Another officer keyed the same cover sheet in at the same moment.
                raise submission_refused(_cover_sheet_errors(arrival, now) or [], [], []) from None
            raise uploads.already_used_problem(service, offered, checked, cancelled.failed) from None
        except Exception:
            uploads.discard_objects(deps.s3, deps.uploads_bucket, [d["key"] for d in documents])
            raise
        break
    else:
        raise RuntimeError("no free tracking number after several draws")

    # Stored: nothing below may turn that into an error (the retry would find its uploads taken).
    uploads.discard_objects(deps.s3, deps.uploads_bucket, [uploads.incoming_key(u.upload_id) for u in checked])
    with after_commit("record the submission"):
        logger.info(
            "application submitted",
            extra={
                "application_id": record.id,
                "service_id": record.service_id,
                "documents": len(documents),
                "channel": record.channel,
            },
        )
        metrics.add_metric(name="ApplicationsSubmitted", unit="Count", value=1)
    with after_commit("queue the notification"):
        dispatch_notification(notification, deps)
    return {"id": record.id, "status": record.status.value, "submitted_at": record.submitted_at, "warnings": warnings}


def resubmit_documents(
    record: ApplicationRecord, documents: list[DocumentRef], deps: Deps, now: dt.datetime | None = None
) -> ApplicationRecord:
    """Take the documents a returned application lacked and send it back to SUBMITTED, same number and history.

    A new document for a requirement replaces the old one (kept as superseded, for the record).

    :raises Conflict: the application is not RETURNED (``not_returned``), or changed meanwhile.
    :raises Unprocessable: something required is still missing, or an upload is not acceptable.
    """
    if record.status != Status.RETURNED:
        raise Conflict(
            "Hanya permohonan yang dikembalikan yang dapat dilengkapi.",
            "Only an application that was returned can take new documents.",
            code="not_returned",
        )
    now = now or clock.now()
    service = load_service(deps.catalogue, record.service_id)
    errors = check_document_requirements(service, documents)
    if errors:
        raise _invalid(errors)
    replaced = {d.requirement_id for d in documents}
    kept = [d for d in record.documents if d.requirement_id not in replaced]
    superseded = [d for d in record.documents if d.requirement_id in replaced]
    missing = missing_requirements(service, {d.requirement_id for d in kept} | replaced)
    # What the officer asked for must come as a new document, even where an old one is on file.
    listed = {m["requirement_id"] for m in missing}
    missing += [
        requirement_label(service, requirement_id)
        for requirement_id in record.missing_requirements
        if requirement_id not in replaced and requirement_id not in listed
    ]
    if missing:
        raise missing_requirements_error(missing)
    checked = uploads.check_uploads(deps.uploads, deps.s3, deps.uploads_bucket, service, documents, now)
    at = timestamp(now)
    email_allowed = receipt_email_allowed(deps, record.applicant.email, now)
    notification = submitted_notification(record, service, len(record.history), at) if email_allowed else None
    outbox = [outbox_put(notification, deps.notification_outbox_table, now)] if notification else []
    try:
        stored = uploads.copy_into_application(deps.s3, deps.uploads_bucket, record.id, checked, at)
    except uploads.UploadVanished as vanished:
        raise uploads.vanished_problem(deps.uploads, service, documents, checked, vanished.upload) from None
    changes = {
        "documents": [d.model_dump(mode="json") for d in kept] + stored,
        "superseded_documents": [d.model_dump(mode="json") for d in (*record.superseded_documents, *superseded)],
        "missing_requirements": [],
    }
    try:
        updated = transition(
            deps.db,
            deps.tables,
            record,
            Status.SUBMITTED,
            actor=APPLICANT_ACTOR,
            at=now,
            changes=changes,
            extra_items=[*uploads.claim_items(deps.uploads_table_name, checked, record.id, now), *outbox],
        )
    except TransactionCancelled as cancelled:
        uploads.discard_objects(deps.s3, deps.uploads_bucket, [d["key"] for d in stored])
        raise uploads.already_used_problem(service, documents, checked, cancelled.failed) from None
    except Exception:
        uploads.discard_objects(deps.s3, deps.uploads_bucket, [d["key"] for d in stored])
        raise
    uploads.discard_objects(deps.s3, deps.uploads_bucket, [uploads.incoming_key(u.upload_id) for u in checked])
    with after_commit("record the completion"):
        logger.info("returned application completed", extra={"application_id": record.id, "documents": len(stored)})
    with after_commit("queue the notification"):
        dispatch_notification(notification, deps)
    return updated


def without_nik_like_numbers(text: str) -> str:
    """Return text with any run of 16+ digits masked but its last four (a NIK must not reach a queue)."""
    return _NIK_LIKE.sub(lambda m: "•" * (len(m.group()) - 4) + m.group()[-4:], text)


def receipt_email_allowed(deps: Deps, address: str, now: dt.datetime) -> bool:
    """Count the receipt e-mail against the address's hourly allowance; tell whether it may be sent.

    An address past its allowance does not refuse the submission, unlike a consultation: the application is the
    citizen's work (documents uploaded, form filled), and its receipt (number and access token) is in the answer
    itself, so nothing is lost by not e-mailing it, while refusing would lose the application. So it is stored,
    and only the e-mail is withheld (logged and counted), which is what stops a stranger's flood of submissions
    naming one address from becoming a flood of e-mails to it. The client's own limit is taken before this, in
    the route: a client past it is refused before anything is checked or stored.
    """
    if deps.limiter.take(UNVERIFIED_EMAILS, address, now) == 0:
        return True
    logger.warning("receipt e-mail withheld: the address has had its share of e-mail for now")
    metrics.add_metric(name="EmailsWithheldByAddressLimit", unit="Count", value=1)
    return False


def submitted_notification(
    record: ApplicationRecord, service: dict[str, Any], step: int, submitted_at: str
) -> Notification | None:
    """Return the applicant's ``application.submitted`` e-mail for history entry `step`, or None if it cannot be built.

    A notification that cannot be built is logged and never stops the submission: the person keeps their number.
    It carries no name (nobody has proved the address is the applicant's) and no token: the notify function
    derives the tracking link's token from the number when it sends.
    """
    notification_id = f"{NotificationEvent.APPLICATION_SUBMITTED}:{record.id}:{step}"
    try:
        return applicant_notification(
            NotificationEvent.APPLICATION_SUBMITTED,
            notification_id,
            record,
            service,
            service_id=record.service_id,
            submitted_at=submitted_at,
            resubmission=step > 0,
        )
    except Exception as error:
        logger.error(
            "notification not queued",
            extra={"notification_id": notification_id, "error_type": type(error).__name__},
        )
        metrics.add_metric(name="NotificationsNotQueued", unit="Count", value=1)
        return None


def dispatch_notification(notification: Notification | None, deps: Deps) -> None:
    """Queue a committed notification now; if the queue fails it stays in the outbox for the relay."""
    if notification:
        dispatch([notification], deps.sqs, deps.notifications_queue_url, deps.db, deps.notification_outbox_table)
