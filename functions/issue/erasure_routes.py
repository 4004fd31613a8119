"""The admin's route that erases one person's personal data on request (the rules: functions/shared/erasure.py)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from functions.shared import clock, erasure
from functions.shared.api import json_response
from functions.shared.auth import ADMIN_GROUP, officer_claims, require_group
from functions.shared.observability import logger, metrics

router = Router()


class ErasureRequest(BaseModel):
    """Whose data to erase (the NIK, in the body, never in a URL) and why; the reason must name nobody."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nik: str = Field(pattern=r"^\d{16}$", description="NIK, 16 digit / 16 digits", repr=False)
    reason: str = Field(
        min_length=5,
        max_length=300,
        description="Dasar permintaan, tanpa nama / what the request rests on, naming nobody (e.g. a letter number)",
    )
    emails: list[Annotated[str, Field(max_length=254)]] = Field(
        default=[],
        max_length=10,
        repr=False,
        description="Alamat lain milik orang itu / further addresses of the person (their consultations go too)",
    )


class ErasureCounts(BaseModel):
    """How many items of each kind were changed."""

    applications: int
    uploads_deleted: int
    documents_revoked: int
    documents_erased: int
    document_files_deleted: int
    bookings: int
    bookings_cancelled: int
    consultations: int
    drafts: int = Field(description="Draf permohonan kertas dihapus / paper application drafts deleted")


class ErasureAnswer(BaseModel):
    """What was erased; all zeros when the person's data was erased before (or never held)."""

    erasure_id: str
    at: str
    reason: str
    counts: ErasureCounts
    application_ids: list[str]
    booking_ids: list[str]
    consultation_ids: list[str]


@router.post(
    "/api/officer/erasures",
    summary="Hapus data pribadi seseorang / Erase one person's personal data (admin)",
    tags=["officer"],
)
def erase(request: Annotated[ErasureRequest, Body()]) -> Response[ErasureAnswer]:
    """Erase a person's data from every table and bucket, keeping the facts the office must keep; idempotent."""
    admin = require_group(officer_claims(router.current_event), ADMIN_GROUP)
    done = erasure.erase_person(
        erasure.Stores.from_settings(),
        request.nik,
        request.reason,
        by=f"officer:{admin}",
        now=clock.now(),
        emails=tuple(request.emails),
    )
    logger.info("personal data erased on request", extra={"erasure_id": done.erasure_id, "counts": vars(done.counts)})
    metrics.add_metric(name="ErasuresDone", unit="Count", value=1)
    return json_response(200, ErasureAnswer.model_validate(done.answer()).model_dump(mode="json"))
