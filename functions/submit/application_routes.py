"""Routes of a citizen's application: submit it, follow it, complete it when it was returned."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path

from functions.shared import aws, clock
from functions.shared.access_tokens import derive_access_token
from functions.shared.api import json_response
from functions.shared.applications import ApplicationRecord
from functions.shared.catalogue import get_service
from functions.shared.idempotency import KEY_PATTERN, require_key, run_once
from functions.shared.rate_limits import EMAILING_REQUESTS, client_of
from functions.shared.settings import get_settings
from functions.submit import tracking
from functions.submit.schemas import ResubmissionRequest, SubmissionReceipt, SubmissionRequest, TrackingView, created
from functions.submit.submission import Deps, resubmit_documents, submit_application

router = Router()

ApplicationId = Annotated[
    str, Path(max_length=32, description="Nomor permohonan / tracking number, e.g. SP-2611-7K3M9Q")
]


@router.post(
    "/api/applications",
    summary="Ajukan permohonan / Submit an application",
    tags=["applications"],
    responses=created(SubmissionReceipt, "Diterima; simpan access_token / Received; keep the access_token"),
)
def submit(
    submission: Annotated[SubmissionRequest, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=128,
            description="Kunci unik per pengajuan / one per submission",
            # Documented only: require_key checks it, so a bad key gets its own clear 400.
            json_schema_extra={"pattern": KEY_PATTERN.pattern, "minLength": 8},
        ),
    ] = None,
) -> Response[SubmissionReceipt]:
    """Check and store an application once per Idempotency-Key; answer with its number and access token."""
    key = require_key(idempotency_key)
    deps = Deps.from_settings()
    # A submission e-mails its receipt: a client past its limit is refused before anything is checked or stored.
    # A retry of a stored submission counts too; after Retry-After it gets its first answer back, so nothing is lost.
    event = router.current_event
    client = client_of(event.headers, event.request_context.http.source_ip)
    deps.limiter.take_or_refuse(EMAILING_REQUESTS, client, clock.now())
    receipt = run_once(
        submit_application,
        key,
        submission.model_dump(mode="json"),
        lambda_context=router.lambda_context,
        deps=deps,
    )
    # The token is derived again rather than kept: it must not sit in the idempotency record.
    token = derive_access_token(receipt["id"], deps.kms, deps.access_token_key_id)
    body = SubmissionReceipt.model_validate({**receipt, "access_token": token}).model_dump(mode="json")
    return json_response(201, body)


def _view(record: ApplicationRecord, deps: Deps) -> dict[str, Any]:
    settings = get_settings()
    document = tracking.issued_document(
        aws.table(settings.documents_table), deps.s3, settings.documents_bucket, record.id, clock.today()
    )
    service = get_service(deps.catalogue, record.service_id)
    return TrackingView.model_validate(tracking.tracking_view(record, service, document)).model_dump(mode="json")


@router.get(
    "/api/applications/<application_id>", summary="Lacak permohonan / Track an application", tags=["applications"]
)
def track(application_id: ApplicationId) -> Response[TrackingView]:
    """Return the application's status, history, missing documents and permit, to the holder of its token."""
    deps = Deps.from_settings()
    authorization = router.current_event.headers.get("authorization")
    record = tracking.find_own_application(deps.applications, application_id, authorization)
    return json_response(200, _view(record, deps))


@router.post(
    "/api/applications/<application_id>/documents",
    summary="Lengkapi permohonan yang dikembalikan / Complete a returned application",
    tags=["applications"],
)
def complete_returned(
    application_id: ApplicationId, resubmission: Annotated[ResubmissionRequest, Body()]
) -> Response[TrackingView]:
    """Attach the missing documents; the application goes back to SUBMITTED with its number and history."""
    deps = Deps.from_settings()
    authorization = router.current_event.headers.get("authorization")
    record = tracking.find_own_application(deps.applications, application_id, authorization)
    updated = resubmit_documents(record, resubmission.documents, deps)
    return json_response(200, _view(updated, deps))
