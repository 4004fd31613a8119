"""Routes of the service points: list them by kind and area, read one."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from functions.shared import aws, catalogue
from functions.shared.api import PUBLIC_CACHE, json_response
from functions.shared.errors import NotFound
from functions.shared.models import Site, SiteKind, SiteList
from functions.shared.settings import get_settings

router = Router()


@router.get("/api/sites", summary="Tempat layanan / Service points", tags=["sites"])
def list_sites(
    kind: Annotated[SiteKind | None, Query()] = None,
    area: Annotated[
        str | None, Query(pattern=r"^[0-9.]{2,13}$", description="Awalan kode wilayah / area code prefix")
    ] = None,
) -> Response[SiteList]:
    """List service points, by kind and area code prefix."""
    sites = catalogue.list_sites(aws.table(get_settings().catalogue_table), kind, area)
    body = SiteList(sites=[Site.model_validate(s) for s in sites]).model_dump(mode="json")
    return json_response(200, body, PUBLIC_CACHE)


@router.get("/api/sites/<site_id>", summary="Satu tempat layanan / One service point", tags=["sites"])
def get_site(site_id: Annotated[str, Path(max_length=64)]) -> Response[Site]:
    """Return one service point with its counters."""
    found = catalogue.get_site(aws.table(get_settings().catalogue_table), site_id)
    if found is None:
        raise NotFound("Tempat layanan tidak ditemukan.", "No such service point.", code="site_not_found")
    return json_response(200, Site.model_validate(found).model_dump(mode="json"), PUBLIC_CACHE)
