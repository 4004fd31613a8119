"""Officer routes of the submit function: the review queue and the consultations to answer."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query

from functions.shared import aws, clock
from functions.shared.api import json_response
from functions.shared.applications import Status
from functions.shared.auth import officer_claims, require_group
from functions.shared.consultations import answer_consultation, list_consultations
from functions.shared.errors import NotFound
from functions.shared.idempotency import KEY_PATTERN, require_key, run_once
from functions.shared.settings import get_settings
from functions.submit.drafts import find_draft
from functions.submit.review_queue import list_applications
from functions.submit.schemas import (
    SERVICE_ID,
    ApplicationQueue,
    ConsultationAnswerRequest,
    ConsultationList,
    ConsultationView,
    DraftView,
    IntakeReceipt,
    IntakeRequest,
    created,
)
from functions.submit.submission import Deps, take_in_paper_application

router = Router()

Cursor = Annotated[
    str | None, Query(max_length=1000, description="next_cursor dari halaman sebelumnya / of the last page")
]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.get("/api/officer/applications", summary="Antrean pemeriksaan / Review queue", tags=["officer"])
def review_queue(
    status: Annotated[Status, Query()] = Status.SUBMITTED,
    service_id: Annotated[str | None, Query(pattern=SERVICE_ID)] = None,
    overdue: Annotated[Literal["yes", "no"] | None, Query(description="lewat tenggat / overdue")] = None,
    assignee: Annotated[
        str | None, Query(max_length=128, description="pemegang, atau none / holder, or none for unclaimed")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response[ApplicationQueue]:
    """List applications in one status, the longest-waiting first, with due dates and who holds each."""
    require_group(officer_claims(router.current_event))
    settings = get_settings()
    page = list_applications(
        aws.table(settings.applications_table),
        aws.table(settings.catalogue_table),
        status,
        service_id,
        cursor,
        limit,
        clock.today(),
        assignee=assignee,
        overdue=overdue,
    )
    return json_response(200, ApplicationQueue.model_validate(page).model_dump(mode="json"))


@router.post(
    "/api/officer/applications",
    summary="Catat permohonan kertas (kotak surat, kurir) / Key in a paper application (drop box, courier)",
    tags=["officer"],
    responses=created(IntakeReceipt, "Masuk antrean sebagai SUBMITTED / In the queue as SUBMITTED"),
)
def take_in(
    intake: Annotated[IntakeRequest, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=128,
            description="Kunci unik per berkas / one per paper file",
            json_schema_extra={"pattern": KEY_PATTERN.pattern, "minLength": 8},
        ),
    ] = None,
) -> Response[IntakeReceipt]:
    """Check and store a paper application as SUBMITTED with its channel; the officer is in its history."""
    officer = require_group(officer_claims(router.current_event))
    key = require_key(idempotency_key)
    settings = get_settings()
    receipt = run_once(
        take_in_paper_application,
        key,
        {**intake.model_dump(mode="json"), "officer": officer},
        lambda_context=router.lambda_context,
        deps=Deps.from_settings(),
        drafts=aws.table(settings.drafts_table),
        drafts_table_name=settings.drafts_table,
    )
    return json_response(201, IntakeReceipt.model_validate(receipt).model_dump(mode="json"))


@router.get(
    "/api/officer/drafts/<reference>",
    summary="Draf dari lembar sampul / A cover sheet's draft",
    tags=["officer"],
)
def cover_sheet_draft(
    reference: Annotated[str, Path(max_length=20, description="e.g. DR-7K3M9-Q2HXA")],
) -> Response[DraftView]:
    """Return what the citizen filled in before printing the cover sheet, to pre-fill the intake."""
    require_group(officer_claims(router.current_event))
    draft = find_draft(aws.table(get_settings().drafts_table), reference, clock.now())
    if draft is None:
        raise NotFound(
            "Nomor lembar sampul tidak ditemukan atau sudah kedaluwarsa (30 hari).",
            "No cover sheet has this reference, or it has expired (30 days).",
            code="unknown_cover_sheet",
        )
    return json_response(200, DraftView.model_validate(draft).model_dump(mode="json"))


@router.get("/api/officer/consultations", summary="Konsultasi masuk / Consultations", tags=["officer"])
def consultations(
    status: Annotated[Literal["OPEN", "ANSWERED"], Query()] = "OPEN",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response[ConsultationList]:
    """List consultations in one status, oldest first."""
    require_group(officer_claims(router.current_event))
    page = list_consultations(aws.table(get_settings().consultations_table), status, cursor, limit)
    return json_response(200, ConsultationList.model_validate(page).model_dump(mode="json"))


@router.post(
    "/api/officer/consultations/<consultation_id>/answer",
    summary="Jawab konsultasi / Answer a consultation",
    tags=["officer"],
)
def answer(
    consultation_id: Annotated[str, Path(max_length=32)],
    request: Annotated[ConsultationAnswerRequest, Body()],
) -> Response[ConsultationView]:
    """Store the answer and e-mail it to the asker; 409 when another officer answered first."""
    officer = require_group(officer_claims(router.current_event))
    settings = get_settings()
    item = answer_consultation(
        aws.table(settings.consultations_table),
        aws.table(settings.catalogue_table),
        aws.client("sqs"),
        settings.notifications_queue_url,
        consultation_id,
        request.answer,
        officer=officer,
        now=clock.now(),
    )
    return json_response(200, ConsultationView.model_validate(item).model_dump(mode="json"))
