"""The one place that builds a function's HTTP resolver and maps every error to the API's error shape."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.errors import AppError, error_body
from functions.shared.observability import logger

NO_STORE = {"Cache-Control": "no-store"}
# The catalogue and service points change rarely; let browsers and CloudFront keep them briefly.
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    """Return a JSON response (personal data is never cached unless headers say otherwise)."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={**NO_STORE, **(headers or {})},
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    """Turn pydantic's location ("body", "applicant", "nik") into "applicant.nik"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name each field that failed and why, without echoing what was sent (it may be a NIK)."""
    return [
        {
            "field": _field_name(tuple(e.get("loc", ()))),
            "type": e.get("type", "invalid"),
            "msg": e.get("msg", ""),
        }
        for e in errors
    ]


def is_json_or_empty(event: Mapping[str, Any]) -> bool:
    """Tell whether a request carries no body, or a body declared as JSON (the only kind the API reads)."""
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    content_type = str(headers.get("content-type", "")).strip().lower()
    return not event.get("body") or not content_type or content_type.startswith(content_types.APPLICATION_JSON)


class JsonApiResolver(APIGatewayHttpResolver):
    """An HTTP API resolver that reads request bodies as JSON and nothing else."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Answer 415 to a body of another media type, else route the event."""
        if is_json_or_empty(event):
            return super().resolve(event, context)
        # Powertools would parse forms and multipart on its own (a bad one ends in a 500) and a plain HTML
        # form could post across sites without a CORS preflight; neither is a way into this API.
        body = error_body(
            "unsupported_media_type",
            "Kirim isian sebagai JSON (Content-Type: application/json).",
            "Send the body as JSON (Content-Type: application/json).",
        )
        response = json_response(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, body)
        return ResponseBuilder(response).build(APIGatewayProxyEventV2(dict(event)))


def create_resolver() -> APIGatewayHttpResolver:
    """Build an HTTP API resolver with validation on, JSON bodies only, and every error mapped in one way."""
    app = JsonApiResolver(enable_validation=True)

    @app.exception_handler(AppError)
    def _app_error(error: AppError) -> Response:
        return json_response(error.status, error.body(), error.headers())

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        body = error_body(
            "validation_error",
            "Periksa kembali isian Anda.",
            "Please check what you entered.",
            validation_details(error.errors()),
        )
        return json_response(HTTPStatus.UNPROCESSABLE_ENTITY, body)

    @app.exception_handler(NotFoundError)
    def _no_route(_: NotFoundError) -> Response:
        return json_response(HTTPStatus.NOT_FOUND, error_body("not_found", "Alamat tidak ditemukan.", "No such route."))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Logged with its trace for operators; the caller sees no detail of it.
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        body = error_body(
            "internal_error",
            "Terjadi gangguan pada sistem. Silakan coba lagi.",
            "Something went wrong on our side. Please try again.",
        )
        return json_response(HTTPStatus.INTERNAL_SERVER_ERROR, body)

    return app
