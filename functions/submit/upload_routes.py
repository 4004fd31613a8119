"""Route that hands out a presigned POST for one document upload."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from functions.shared import aws, clock
from functions.shared.api import json_response
from functions.shared.catalogue import load_service
from functions.shared.settings import get_settings
from functions.submit import uploads
from functions.submit.schemas import UPLOAD_ID, UploadCheck, UploadRequest, UploadTicket, created

router = Router()


@router.post(
    "/api/uploads",
    summary="Izin unggah dokumen / Permission to upload a document",
    tags=["applications"],
    responses=created(UploadTicket, "Unggah berkas ke url dengan fields / POST the file to url with fields"),
)
def create_upload(upload: Annotated[UploadRequest, Body()]) -> Response[UploadTicket]:
    """Return a presigned POST bounded by the requirement's accepted types and size."""
    settings = get_settings()
    service = load_service(aws.table(settings.catalogue_table), upload.service_id)
    ticket = uploads.issue_upload(
        aws.table(settings.uploads_table), aws.client("s3"), settings.uploads_bucket, service, upload, clock.now()
    )
    return json_response(201, UploadTicket.model_validate(ticket).model_dump(mode="json"))


@router.post(
    "/api/uploads/<upload_id>/check",
    summary="Periksa berkas yang diunggah / Check an uploaded file",
    tags=["applications"],
)
def check_upload(
    upload_id: Annotated[str, Path(pattern=UPLOAD_ID, description="upload_id dari / from POST /uploads")],
) -> Response[UploadCheck]:
    """Check a file right after it lands, so a refused one is named at once (a submission checks it again)."""
    settings = get_settings()
    checked = uploads.check_upload(
        aws.table(settings.uploads_table),
        aws.client("s3"),
        settings.uploads_bucket,
        aws.table(settings.catalogue_table),
        upload_id,
        clock.now(),
    )
    return json_response(200, UploadCheck.model_validate(checked).model_dump(mode="json"))
