"""Officer routes of the issue function: decide on an application, and claim it."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict

from functions.issue import claims, decisions
from functions.shared import aws, clock
from functions.shared.api import PUBLIC_CACHE, json_response
from functions.shared.applications import ApplicationRecord, Status
from functions.shared.auth import groups_of, officer_claims, require_group
from functions.shared.catalogue import DELIVERY_RECEIPT, get_service
from functions.shared.deadlines import deadline
from functions.shared.settings import get_issue_settings, get_settings

# An officer opens a document at once; a link that leaks (a shared screen, a history) is dead within minutes.
DOCUMENT_LINK_LIFETIME_S = 300

router = Router()

ApplicationId = Annotated[
    str, Path(max_length=32, description="Nomor permohonan / tracking number, e.g. SP-2611-7K3M9Q")
]


class HistoryView(BaseModel):
    """One step of the history as the officer sees it: who, when, what, why."""

    status: Status
    at: str
    actor: str
    note: str | None = None


class OfficerApplicationState(BaseModel):
    """What a claim or decision answers: the application's state after it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    status: Status
    version: int
    assignee: dict[str, str] | None = None
    missing_requirements: list[str] = []
    survey: dict[str, str | None] | None = None
    history: list[HistoryView]


def _officer() -> decisions.Officer:
    """Return the caller from the token's claims (401 without one, 403 without the officer group)."""
    token_claims = officer_claims(router.current_event)
    username = require_group(token_claims)
    email = token_claims.get("email")
    return decisions.Officer(
        username=username,
        is_admin=decisions.is_admin(groups_of(token_claims)),
        email=str(email) if email else None,
    )


def _state(record: ApplicationRecord) -> dict[str, Any]:
    return OfficerApplicationState.model_validate(record.model_dump(mode="json")).model_dump(mode="json")


@router.post(
    "/api/officer/applications/<application_id>/decision",
    summary="Putuskan permohonan / Decide on an application",
    tags=["officer"],
)
def decide(
    application_id: ApplicationId, decision: Annotated[decisions.DecisionRequest, Body()]
) -> Response[OfficerApplicationState]:
    """Record one decision; 409 when the application moved on (another officer was first)."""
    officer = _officer()
    record = decisions.decide(decisions.Office.from_settings(), application_id, decision, officer, clock.now())
    return json_response(200, _state(record))


@router.post(
    "/api/officer/applications/<application_id>/claim",
    summary="Ambil atau lepas permohonan / Claim or release an application",
    tags=["officer"],
)
def claim(
    application_id: ApplicationId, request: Annotated[claims.ClaimRequest, Body()]
) -> Response[OfficerApplicationState]:
    """Hold an application (one officer at a time), give it back, or (admin) take it over."""
    officer = _officer()
    office = decisions.Office.from_settings()
    record = claims.claim(office.applications, application_id, request, officer, clock.now())
    return json_response(200, _state(record))


class DocumentView(BaseModel):
    """A document of the application, opened through a short-lived link."""

    requirement_id: str
    label_id: str
    label_en: str
    filename: str | None = None
    content_type: str
    size: int
    sha256: str
    url: str


class RequirementView(BaseModel):
    """A requirement of the service (what a return may name)."""

    id: str
    label_id: str
    label_en: str
    required: bool = False


class OfficerApplicationView(OfficerApplicationState):
    """`GET /officer/applications/{id}`: everything an officer needs to decide."""

    service_id: str
    service_name_id: str
    service_name_en: str
    field_survey: bool = False
    channel: str
    applicant: dict[str, str]
    fields: dict[str, str | int | float] = {}
    documents: list[DocumentView]
    requirements: list[RequirementView]
    submitted_at: str
    updated_at: str
    sla_days: int
    due_date: str
    age_days: int
    overdue: bool


@router.get(
    "/api/officer/applications/<application_id>",
    summary="Rincian permohonan / Application detail",
    tags=["officer"],
)
def detail(application_id: ApplicationId) -> Response[OfficerApplicationView]:
    """Show one application with its documents (links valid for five minutes), history and requirements."""
    _officer()
    settings = get_settings()
    record = decisions.load_application(aws.table(settings.applications_table), application_id)
    service = get_service(aws.table(settings.catalogue_table), record.service_id) or {}
    requirements = {DELIVERY_RECEIPT["id"]: DELIVERY_RECEIPT, **{r["id"]: r for r in service.get("requirements", [])}}
    s3 = aws.client("s3")
    documents = [
        {
            "requirement_id": d.requirement_id,
            "label_id": requirements.get(d.requirement_id, {}).get("label_id", d.requirement_id),
            "label_en": requirements.get(d.requirement_id, {}).get("label_en", d.requirement_id),
            "filename": d.filename,
            "content_type": d.content_type,
            "size": d.size,
            "sha256": d.sha256,
            "url": s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": settings.uploads_bucket, "Key": d.key},
                ExpiresIn=DOCUMENT_LINK_LIFETIME_S,
            ),
        }
        for d in record.documents
    ]
    stored = record.model_dump(mode="json")
    view = {
        **stored,
        "service_name_id": service.get("name_id", record.service_id),
        "service_name_en": service.get("name_en", record.service_id),
        "field_survey": bool(service.get("field_survey")),
        # The NIK is shown masked: the officer checks it against the scanned KTP, not by reading it here.
        "applicant": {
            "name": record.applicant.name,
            "nik_masked": "•" * 12 + record.applicant.nik[-4:],
            "email": record.applicant.email,
            "phone": record.applicant.phone,
        },
        "documents": documents,
        "requirements": list(requirements.values()),
        **deadline(record, service, clock.today()),
    }
    return json_response(200, OfficerApplicationView.model_validate(view).model_dump(mode="json"))


class ConsoleConfig(BaseModel):
    """`GET /config`: what the officers' console needs to sign in at Cognito (all of it public)."""

    region: str
    user_pool_id: str
    user_pool_client_id: str
    cognito_endpoint: str


@router.get("/api/config", summary="Konfigurasi konsol / Console configuration", tags=["meta"])
def config() -> Response[ConsoleConfig]:
    """Tell the console where to sign in: the user pool's app client and the Cognito endpoint (no secret)."""
    settings = get_issue_settings()
    endpoint = settings.aws_endpoint_url or f"https://cognito-idp.{settings.region}.amazonaws.com"
    body = ConsoleConfig(
        region=settings.region,
        user_pool_id=settings.user_pool_id,
        user_pool_client_id=settings.user_pool_client_id,
        cognito_endpoint=endpoint.rstrip("/") + "/",
    )
    return json_response(200, body.model_dump(mode="json"), PUBLIC_CACHE)
