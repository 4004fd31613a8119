"""Routes of the service catalogue: search it and read one service."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from functions.shared import aws, catalogue
from functions.shared.api import PUBLIC_CACHE, json_response
from functions.shared.errors import NotFound
from functions.shared.models import Category, Service, ServiceList, ServiceSummary
from functions.shared.settings import get_settings

router = Router()


@router.get("/api/services", summary="Cari layanan / Search the service catalogue", tags=["catalogue"])
def list_services(
    q: Annotated[str | None, Query(max_length=100, description="Teks pencarian / search text")] = None,
    category: Annotated[Category | None, Query()] = None,
) -> Response[ServiceList]:
    """List services matching the search."""
    table = aws.table(get_settings().catalogue_table)
    services = [ServiceSummary.model_validate(s) for s in catalogue.list_services(table, q, category)]
    return json_response(200, ServiceList(services=services).model_dump(mode="json"), PUBLIC_CACHE)


@router.get("/api/services/<service_id>", summary="Satu layanan / One service", tags=["catalogue"])
def get_service(service_id: Annotated[str, Path(max_length=64)]) -> Response[Service]:
    """Return one service with its requirements, fee, legal basis and service level."""
    found = catalogue.get_service(aws.table(get_settings().catalogue_table), service_id)
    if found is None:
        raise NotFound("Layanan tidak ditemukan.", "No such service.", code="service_not_found")
    return json_response(200, Service.model_validate(found).model_dump(mode="json"), PUBLIC_CACHE)
