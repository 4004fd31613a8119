"""The issue worker: an approved application becomes a signed permit PDF, once, whatever is redelivered.

One job (``{"job": "issue_document", "application_id", "decision_ref", "approved_by"}``, queued by the
approval) is carried out in this order, so that nothing is half done:

1. The document number is derived from the application (`documents.document_number`): if a document
   with it exists, the job was done before and nothing more happens.
2. The QR payload is signed with the KMS key, the PDF rendered and stored in S3 under a key of its own
   (the number and a fresh id), which no other attempt can overwrite.
3. One DynamoDB transaction records the document (only if its number is free), takes the next
   status-list index (only if nobody took it meanwhile), moves the application APPROVED → ISSUED with
   its counters, and stores the application.issued e-mail in the outbox. Then the e-mail is queued.

A failure of KMS, S3 or DynamoDB before the transaction commits leaves nothing behind but possibly an
unreferenced PDF (deleted when possible): the job is raised back to SQS, retried, and after five
receives kept in the dead-letter queue with its alarm. Two deliveries of one job racing each other both
render, but only one transaction can commit; the other finds the number taken and deletes its PDF.
"""

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.issue import signing
from functions.issue.qr import QrTooLarge, qr_code, qr_version, verify_url
from functions.shared import clock, retention
from functions.shared.applications import (
    ApplicationRecord,
    Status,
    Tables,
    applicant_notification,
    get_application,
    timestamp,
    transition,
)
from functions.shared.catalogue import get_service
from functions.shared.clock import JAKARTA
from functions.shared.documents import (
    DocumentRecord,
    document_number,
    get_document,
    put_document,
    read_next_index,
    take_index,
)
from functions.shared.errors import Conflict
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import logger
from functions.shared.transactions import TransactionCancelled

# The office that issues every permit: on the paper, and (short) in the signed payload.
OFFICE = "DPMPTSP Provinsi DKI Jakarta"
ISSUER_ACTOR = "system:issuer"
MAX_INDEX_ATTEMPTS = 5
# The signature is 64 bytes whatever is signed: its base64url length, to size the QR before calling KMS.
_SIGNATURE_CHARS = 86
_ELLIPSIS = "…"


class IssueJob(BaseModel):
    """The message an approval puts on the issue-jobs queue."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    job: Literal["issue_document"]
    application_id: str = Field(pattern=r"^SP-\d{4}-[0-9A-Z]{6}$")
    decision_ref: str = Field(min_length=1, max_length=200)
    approved_by: str = Field(min_length=1, max_length=200)


class Outcome(StrEnum):
    """What carrying out a job came to."""

    ISSUED = "ISSUED"
    ALREADY_ISSUED = "ALREADY_ISSUED"
    # The applicant's data was erased on request before the job ran: there is nobody to issue to.
    HOLDER_ERASED = "HOLDER_ERASED"


class NotIssuable(Exception):
    """The job names an application that cannot be issued now; it is retried, then kept for an operator."""


@dataclass(frozen=True)
class Issuer:
    """What issuing needs, built once per warm instance: clients, tables, the bucket, the key, the site."""

    db: Any  # the low-level DynamoDB client (transactions)
    applications: Any  # Table resources
    documents: Any
    catalogue: Any
    s3: Any
    kms: Any
    tables: Tables
    documents_table: str
    outbox_table: str
    bucket: str
    signing_key_id: str
    site_url: str


@dataclass(frozen=True)
class Issued:
    """The result of one job."""

    outcome: Outcome
    document: DocumentRecord | None = None


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(service: dict[str, Any], issued_on: dt.date) -> dt.date | None:
    """Return the last day a permit of this service is valid, or None when the catalogue sets no period."""
    months = service.get("validity_months")
    return add_months(issued_on, int(months)) if isinstance(months, int) and months > 0 else None


def both_dates(day: dt.date) -> str:
    """Write a date in Indonesian and English: "2 Desember 2026 / 2 December 2026"."""
    month_id, month_en = clock.MONTHS["id"][day.month - 1], clock.MONTHS["en"][day.month - 1]
    return f"{day.day} {month_id} {day.year} / {day.day} {month_en} {day.year}"


def qr_payload(document: DocumentRecord) -> dict[str, Any]:
    """Return the compact payload the QR code signs (no NIK, nothing that is not printed on the paper)."""
    payload: dict[str, Any] = {
        "n": document.number,
        "s": document.service_id,
        "h": document.holder_name,
        "i": document.issued_at[:10],
        "o": OFFICE,
        "x": document.status_index,
    }
    if document.valid_until:
        payload["v"] = document.valid_until
    return payload


def fitted_payload(document: DocumentRecord, site_url: str) -> dict[str, Any]:
    """Return the payload, the holder's name shortened (ending in "…") only if the QR code would be too large."""
    payload = qr_payload(document)
    header = {"alg": signing.ALGORITHM, "kid": "k" * 43}
    name = document.holder_name
    while True:
        candidate = {**payload, "h": name}
        head = signing.b64url(signing.compact_json(header))
        body = signing.b64url(signing.compact_json(candidate))
        try:
            qr_version(site_url, f"{head}.{body}.{'s' * _SIGNATURE_CHARS}")
            return candidate
        except QrTooLarge:
            if len(name) <= 12:
                raise
            name = name[: len(name) - 4].rstrip() + _ELLIPSIS


def issue_document(job: IssueJob, issuer: Issuer, now: dt.datetime) -> Issued:
    """Carry out one issue job: at most one document per application, however often the job comes.

    :raises NotIssuable: no such application, or it is not APPROVED and has no document.
    :raises Exception: KMS, S3 or DynamoDB failed; nothing was committed, and the job is to be retried.
    """
    number = document_number(job.application_id)
    if get_document(issuer.documents, number):
        logger.info("document already issued; nothing to do", extra={"document_number": number})
        return Issued(Outcome.ALREADY_ISSUED)
    application = get_application(issuer.applications, job.application_id)
    if application is None:
        raise NotIssuable(f"{job.application_id}: no such application")
    if application.status != Status.APPROVED:
        raise NotIssuable(f"{job.application_id}: is {application.status}, not APPROVED")
    if application.erased:
        logger.info("the applicant's data was erased; nothing issued", extra={"application_id": application.id})
        return Issued(Outcome.HOLDER_ERASED)
    service = get_service(issuer.catalogue, application.service_id)
    if service is None:
        raise NotIssuable(f"{job.application_id}: service {application.service_id} is not in the catalogue")

    for _ in range(MAX_INDEX_ATTEMPTS):
        index = read_next_index(issuer.documents)
        document, pdf = _render(job, application, service, issuer, number, index, now)
        version = _store_pdf(issuer, document.pdf_key, pdf)
        notification = _issued_notification(application, service, document)
        try:
            transition(
                issuer.db,
                issuer.tables,
                application,
                Status.ISSUED,
                actor=ISSUER_ACTOR,
                at=now,
                valid_until=document.valid_until,
                extra_items=[
                    put_document(issuer.documents_table, document),
                    take_index(issuer.documents_table, index),
                    outbox_put(notification, issuer.outbox_table, now),
                ],
            )
        except TransactionCancelled as cancelled:
            _discard_pdf(issuer, document.pdf_key, version)
            if 0 in cancelled.failed or 2 in cancelled.failed:
                logger.info("another delivery issued this document first", extra={"document_number": number})
                return Issued(Outcome.ALREADY_ISSUED)
            continue  # the index was taken by another document meanwhile: take the next one
        except Conflict:
            _discard_pdf(issuer, document.pdf_key, version)
            if get_document(issuer.documents, number):
                return Issued(Outcome.ALREADY_ISSUED)
            raise
        except Exception:
            _discard_pdf(issuer, document.pdf_key, version)
            raise
        dispatch([notification], db=issuer.db, table_name=issuer.outbox_table)
        logger.info("document issued", extra={"document_number": number, "status_index": index})
        return Issued(Outcome.ISSUED, document)
    raise RuntimeError(f"{number}: no free status-list index after {MAX_INDEX_ATTEMPTS} attempts")


def _render(
    job: IssueJob,
    application: ApplicationRecord,
    service: dict[str, Any],
    issuer: Issuer,
    number: str,
    index: int,
    now: dt.datetime,
) -> tuple[DocumentRecord, bytes]:
    """Sign the QR payload and render the PDF; return the document to record and the PDF's bytes."""
    from functions.issue.permit_pdf import PermitFacts, render_permit

    issued_on = now.astimezone(JAKARTA).date()
    until = valid_until(service, issued_on)
    document = DocumentRecord(
        number=number,
        application_id=application.id,
        service_id=application.service_id,
        holder_name=application.applicant.name,
        issued_at=timestamp(now),
        valid_until=until.isoformat() if until else None,
        office=OFFICE,
        decision_ref=job.decision_ref,
        approved_by=job.approved_by,
        status_index=index,
        pdf_key=f"documents/{number}/{uuid.uuid4().hex}.pdf",
        token="",
        expires_at_epoch=retention.application_expires_at("ISSUED", now, until.isoformat() if until else None),
    )
    token = signing.sign_jws(issuer.kms, issuer.signing_key_id, fitted_payload(document, issuer.site_url))
    document = document.model_copy(update={"token": token})
    code = qr_code(issuer.site_url, token)
    if until:
        until_text = both_dates(until)
    else:
        until_text = (
            " / ".join(t for t in (service.get("validity_id"), service.get("validity_en")) if t)
            or "Tidak dibatasi waktu / No end date"
        )
    facts = PermitFacts(
        number=number,
        service_name_id=service["name_id"],
        service_name_en=service["name_en"],
        holder_name=application.applicant.name,
        issued_on=both_dates(issued_on),
        valid_until=until_text,
        office=OFFICE,
        agency=str(service.get("agency") or ""),
        decision_ref=job.decision_ref,
        verify_url=verify_url(issuer.site_url).rstrip("#"),
    )
    return document, render_permit(facts, code.modules)


def _store_pdf(issuer: Issuer, key: str, pdf: bytes) -> str | None:
    """Put the PDF in the private documents bucket; return its version id."""
    response = issuer.s3.put_object(
        Bucket=issuer.bucket,
        Key=key,
        Body=pdf,
        ContentType="application/pdf",
        ServerSideEncryption="AES256",
    )
    return response.get("VersionId")


def _discard_pdf(issuer: Issuer, key: str, version: str | None) -> None:
    """Delete a PDF no document refers to (best effort: an orphan is harmless, only wasted space)."""
    try:
        if version:
            issuer.s3.delete_object(Bucket=issuer.bucket, Key=key, VersionId=version)
        else:
            issuer.s3.delete_object(Bucket=issuer.bucket, Key=key)
    except Exception as error:
        logger.warning("unreferenced PDF left in the bucket", extra={"key": key, "error_type": type(error).__name__})


def _issued_notification(
    application: ApplicationRecord, service: dict[str, Any], document: DocumentRecord
) -> Notification:
    return applicant_notification(
        NotificationEvent.APPLICATION_ISSUED,
        f"{NotificationEvent.APPLICATION_ISSUED}:{application.id}",
        application,
        service,
        document_number=document.number,
        valid_until=document.valid_until,
    )
