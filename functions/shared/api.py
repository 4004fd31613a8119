"""The one place that builds a function's HTTP resolver and maps every error to the API's error shape."""

import base64
import binascii
import re
from collections.abc import Mapping
from http import HTTPStatus
from itertools import accumulate
from typing import Any

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayHttpResolver, Response, ResponseBuilder
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.errors import AppError, detail, error_body
from functions.shared.observability import logger

NO_STORE = {"Cache-Control": "no-store"}
# The catalogue and service points change rarely; let browsers and CloudFront keep them briefly.
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}

# Bounds every request body meets before it is parsed. The largest body this API reads is a submission: at most
# 4 form fields of up to 1,000 characters and 15 document references in the catalogue (under 8 KB, under 26 KB
# even if every character came \u-escaped); 64 KiB leaves room for that and for growth, and keeps a hostile body
# cheap to refuse. No body is more than a few levels deep. Python refuses to read an integer of more than 4,300
# digits (a ValueError, not a JSON error); 1,000 stays far from that, while any number a person could type still
# reaches the route, whose model bounds it and names the field.
MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 1000
# A JSON string, escapes included; an unterminated one runs to the end. Possessive, so a scan never backtracks.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.?)*+(?:"|\Z)', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_NUMBER_DIGITS + 1},}}")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}


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


# Pydantic's error types, in plain words for a person (Indonesian, English). `{n}` is the bound the rule names.
# Never the input itself: it may be a NIK. Types not listed fall back to "not valid".
_VALIDATION_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("Wajib diisi.", "This is required."),
    "string_too_short": ("Terlalu pendek: paling sedikit {n} karakter.", "Too short: at least {n} characters."),
    "string_too_long": ("Terlalu panjang: paling banyak {n} karakter.", "Too long: at most {n} characters."),
    "string_pattern_mismatch": ("Bentuknya tidak sesuai.", "This is not in the expected form."),
    "string_type": ("Harus berupa teks.", "This must be text."),
    "string_unicode": ("Harus berupa teks yang dapat dibaca.", "This must be readable text."),
    "int_parsing": ("Harus bilangan bulat, tanpa koma.", "This must be a whole number, with no decimals."),
    "int_type": ("Harus bilangan bulat, tanpa koma.", "This must be a whole number, with no decimals."),
    "int_from_float": ("Harus bilangan bulat, tanpa koma.", "This must be a whole number, with no decimals."),
    "float_parsing": ("Harus berupa angka.", "This must be a number."),
    "float_type": ("Harus berupa angka.", "This must be a number."),
    "bool_parsing": ("Harus ya atau tidak.", "This must be yes or no."),
    "bool_type": ("Harus ya atau tidak.", "This must be yes or no."),
    "greater_than": ("Harus lebih dari {n}.", "This must be more than {n}."),
    "greater_than_equal": ("Harus {n} atau lebih.", "This must be {n} or more."),
    "less_than": ("Harus kurang dari {n}.", "This must be less than {n}."),
    "less_than_equal": ("Harus {n} atau kurang.", "This must be {n} or less."),
    "literal_error": ("Pilih salah satu pilihan yang tersedia.", "Choose one of the options offered."),
    "enum": ("Pilih salah satu pilihan yang tersedia.", "Choose one of the options offered."),
    "too_short": ("Terlalu sedikit: paling sedikit {n}.", "Too few: at least {n}."),
    "too_long": ("Terlalu banyak: paling banyak {n}.", "Too many: at most {n}."),
    "extra_forbidden": ("Isian ini tidak dikenal.", "This field is not expected."),
    "value_error": ("Isian ini tidak valid.", "This value is not valid."),
    "date_from_datetime_parsing": ("Harus tanggal TTTT-BB-HH.", "This must be a date written YYYY-MM-DD."),
    "date_parsing": ("Harus tanggal TTTT-BB-HH.", "This must be a date written YYYY-MM-DD."),
    "date_type": ("Harus tanggal TTTT-BB-HH.", "This must be a date written YYYY-MM-DD."),
    "dict_type": ("Bentuk isian tidak sesuai.", "This is not in the expected form."),
    "model_type": ("Bentuk isian tidak sesuai.", "This is not in the expected form."),
    "model_attributes_type": ("Bentuk isian tidak sesuai.", "This is not in the expected form."),
    "list_type": ("Harus berupa daftar.", "This must be a list."),
    "json_invalid": ("Isian bukan JSON yang benar.", "The request body is not valid JSON."),
}
_INVALID = ("Isian ini tidak valid.", "This value is not valid.")
# The one bound each type's message names, read from pydantic's ctx (never from the input).
_BOUNDS = ("min_length", "max_length", "gt", "ge", "lt", "le")


def validation_message(error: Mapping[str, Any]) -> tuple[str, str]:
    """Return (Indonesian, English) words for one pydantic error, naming its bound but never the input."""
    kind = str(error.get("type", ""))
    message_id, message_en = _VALIDATION_WORDS.get(kind, _INVALID)
    # An e-mail address refused by functions/shared/email_address.py: say what a good one looks like.
    if kind == "value_error" and "e-mail address" in str(error.get("msg", "")).lower():
        message_id = "Masukkan alamat e-mail dengan format yang benar, misalnya nama@contoh.id"
        message_en = "Enter an e-mail address in the correct format, like name@example.com"
    ctx = error.get("ctx") or {}
    bound = next((ctx[name] for name in _BOUNDS if name in ctx), "")
    return message_id.format(n=bound), message_en.format(n=bound)


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name each field that failed and why, in both languages, without echoing what was sent (it may be a NIK)."""
    return [
        detail(_field_name(tuple(e.get("loc", ()))), str(e.get("type", "invalid")), *validation_message(e))
        for e in errors
    ]


def is_json_or_empty(event: Mapping[str, Any]) -> bool:
    """Tell whether a request carries no body, or a body declared as JSON (the only kind the API reads)."""
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    content_type = str(headers.get("content-type", "")).strip().lower()
    return not event.get("body") or not content_type or content_type.startswith(content_types.APPLICATION_JSON)


def _body_error(status: HTTPStatus, code: str, message_id: str, message_en: str) -> Response:
    return json_response(
        status, error_body(code, message_id, message_en, [detail("body", code, message_id, message_en)])
    )


def _too_large() -> Response:
    limit_kb = MAX_BODY_BYTES // 1024
    return _body_error(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        "body_too_large",
        f"Isian terlalu besar (paling banyak {limit_kb} KB).",
        f"The request body is too large (at most {limit_kb} KB).",
    )


def _body_text(event: Mapping[str, Any]) -> str | Response:
    """Return the body as text, or the answer to a body too large or not UTF-8 text."""
    body = str(event.get("body") or "")
    if event.get("isBase64Encoded"):
        # Measured before decoding too: base64 takes 4 characters for every 3 bytes.
        if len(body) > 4 * -(-MAX_BODY_BYTES // 3):
            return _too_large()
        try:
            raw = base64.b64decode(body, validate=True)
            body = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return _body_error(
                HTTPStatus.BAD_REQUEST,
                "body_unreadable",
                "Isian tidak dapat dibaca. Kirim sebagai teks JSON (UTF-8).",
                "The request body cannot be read. Send it as JSON text (UTF-8).",
            )
    if len(body) > MAX_BODY_BYTES or len(body.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        return _too_large()
    return body


def bounded_body_error(event: Mapping[str, Any]) -> Response | None:
    """Return the answer to a body too large, unreadable, too deeply nested or with an overlong number, else None.

    Checked on the text, before any parser sees it: Python's JSON reader gives up on an integer of more than 4,300
    digits with a plain ValueError, and deep nesting exhausts the recursion of whatever walks the result.
    """
    if not event.get("body"):
        return None
    text = _body_text(event)
    if isinstance(text, Response):
        return text
    # Brackets and digits inside strings are text: blank the strings out and look at what is left.
    structure = _JSON_STRING.sub('""', text)
    if max(accumulate(_NESTING[b] for b in _BRACKET.findall(structure)), default=0) > MAX_DEPTH:
        return _body_error(
            HTTPStatus.BAD_REQUEST,
            "body_too_deep",
            f"Isian bersarang terlalu dalam (paling banyak {MAX_DEPTH} tingkat).",
            f"The request body is nested too deeply (at most {MAX_DEPTH} levels).",
        )
    if _LONG_NUMBER.search(structure):
        return _body_error(
            HTTPStatus.BAD_REQUEST,
            "number_too_long",
            f"Ada angka yang terlalu panjang (paling banyak {MAX_NUMBER_DIGITS} digit).",
            f"A number in the request body is too long (at most {MAX_NUMBER_DIGITS} digits).",
        )
    return None


class JsonApiResolver(APIGatewayHttpResolver):
    """An HTTP API resolver that reads request bodies as JSON and nothing else, and only bounded ones."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Answer 415 to a body of another media type, 413/400 to one out of bounds, else route the event."""
        if is_json_or_empty(event):
            refused = bounded_body_error(event)
            if refused is None:
                return super().resolve(event, context)
            return ResponseBuilder(refused).build(APIGatewayProxyEventV2(dict(event)))
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
