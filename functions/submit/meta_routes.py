"""The route that publishes the OpenAPI document."""

from aws_lambda_powertools.event_handler.api_gateway import Response, Router

from functions.shared.api import PUBLIC_CACHE, json_response
from functions.shared.openapi import published_document

router = Router()


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_document() -> Response[dict]:
    """Return the OpenAPI document of the whole API."""
    return json_response(200, published_document(), PUBLIC_CACHE)
