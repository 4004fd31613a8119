"""Route where a citizen asks an officer a question by e-mail."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from functions.shared import aws, clock
from functions.shared.access_tokens import bearer_token
from functions.shared.api import json_response
from functions.shared.consultations import open_consultation, read_consultation
from functions.shared.errors import Unauthorized
from functions.shared.rate_limits import RateLimiter, client_of
from functions.shared.settings import get_settings
from functions.submit.schemas import ConsultationPublicView, ConsultationReceipt, ConsultationRequest, created

router = Router()


@router.post(
    "/api/consultations",
    summary="Konsultasi lewat e-mail / Ask an officer by e-mail",
    tags=["consultations"],
    responses=created(ConsultationReceipt, "Diterima / Received"),
)
def ask(consultation: Annotated[ConsultationRequest, Body()]) -> Response[ConsultationReceipt]:
    """Store the question for an officer and acknowledge it by e-mail (429 when an address or client had enough)."""
    settings = get_settings()
    event = router.current_event
    consultation_id = open_consultation(
        aws.table(settings.consultations_table),
        aws.table(settings.catalogue_table),
        aws.client("sqs"),
        settings.notifications_queue_url,
        consultation,
        now=clock.now(),
        limiter=RateLimiter.from_settings(),
        client=client_of(event.headers, event.request_context.http.source_ip),
    )
    return json_response(201, {"id": consultation_id})


@router.get(
    "/api/consultations/<consultation_id>",
    summary="Pertanyaan dan jawabannya / Your question and its answer",
    tags=["consultations"],
)
def own_consultation(
    consultation_id: Annotated[str, Path(max_length=32, description="Nomor konsultasi / number, e.g. KS-2611-7K3M9Q")],
) -> Response[ConsultationPublicView]:
    """Show the asker (holding the e-mailed link's token) their question and the officer's answer."""
    token = bearer_token(router.current_event.headers.get("authorization"))
    if token is None:
        raise Unauthorized()
    settings = get_settings()
    view = read_consultation(
        aws.table(settings.consultations_table),
        aws.client("kms"),
        settings.access_token_key_id,
        consultation_id.strip().upper(),
        token,
    )
    return json_response(200, ConsultationPublicView.model_validate(view).model_dump(mode="json"))
