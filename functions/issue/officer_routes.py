"""Officer routes of the issue function: decide on an application, and claim it."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict

from functions.issue import claims, decisions
from functions.shared import clock
from functions.shared.api import json_response
from functions.shared.applications import ApplicationRecord, Status
from functions.shared.auth import groups_of, officer_claims, require_group

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
    return decisions.Officer(username=username, is_admin=decisions.is_admin(groups_of(token_claims)))


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
