"""Route that keeps a paper application's draft, for the cover sheet the citizen prints."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.shared import aws, clock, person_index
from functions.shared.api import json_response
from functions.shared.catalogue import load_service
from functions.shared.qr_svg import qr_svg
from functions.shared.rate_limits import DRAFT_WRITES, RateLimiter, client_of
from functions.shared.settings import get_settings
from functions.submit.drafts import save_draft
from functions.submit.schemas import DraftReceipt, DraftRequest, created

router = Router()


@router.post(
    "/api/drafts",
    summary="Simpan draf permohonan kertas / Save a paper application's draft",
    tags=["applications"],
    responses=created(DraftReceipt, "Cetak nomornya di lembar sampul / Print the reference on the cover sheet"),
)
def save(draft: Annotated[DraftRequest, Body()]) -> Response[DraftReceipt]:
    """Keep the form for 30 days under a short reference, and return it with its QR code for the cover sheet."""
    settings = get_settings()
    now = clock.now()
    event = router.current_event
    # Each draft is a row kept for a month: a client past its allowance is refused before anything is stored.
    RateLimiter.from_settings().take_or_refuse(
        DRAFT_WRITES, client_of(event.headers, event.request_context.http.source_ip), now
    )
    load_service(aws.table(settings.catalogue_table), draft.service_id)
    index_key = person_index.index_key(aws.client("kms"), settings.access_token_key_id)
    saved = save_draft(aws.table(settings.drafts_table), draft, now, index_key)
    body = DraftReceipt.model_validate({**saved, "qr_svg": qr_svg(saved["reference"])}).model_dump(mode="json")
    return json_response(201, body)
