"""Domain errors and their one mapping to HTTP: `{"error": {"code", "message", "message_en", "details"}}`."""

from http import HTTPStatus
from typing import Any


class AppError(Exception):
    """An error a client can act on; `status` is the HTTP status it maps to."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    code: str = "bad_request"
    message_id: str = "Permintaan tidak valid."
    message_en: str = "The request is not valid."

    def __init__(
        self,
        message_id: str | None = None,
        message_en: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
    ) -> None:
        self.message_id = message_id or type(self).message_id
        self.message_en = message_en or type(self).message_en
        self.code = code or type(self).code
        self.details = details
        super().__init__(f"{self.code}: {self.message_en}")

    def body(self) -> dict[str, Any]:
        """Return the JSON error body."""
        return error_body(self.code, self.message_id, self.message_en, self.details)

    def headers(self) -> dict[str, str]:
        """Return the HTTP headers the answer carries besides its body (none, unless a subclass says)."""
        return {}


def error_body(code: str, message_id: str, message_en: str, details: Any = None) -> dict[str, Any]:
    """Build the error shape every route answers with."""
    return {"error": {"code": code, "message": message_id, "message_en": message_en, "details": details}}


def detail(field: str, code: str, message_id: str, message_en: str, **facts: Any) -> dict[str, Any]:
    """Return one item of an error's `details`: what failed (`field`), why (`code`), in words in both languages.

    `facts` (a requirement's id, the accepted types) ride along for clients that draw them; a value the person
    sent never does (it may be a NIK).
    """
    return {"field": field, "code": code, "message": message_id, "message_en": message_en, **facts}


class BadRequest(AppError):
    """400: the request cannot be read."""


class Unprocessable(AppError):
    """422: the request is readable but breaks a rule (fields are named in details)."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "validation_error"
    message_id = "Periksa kembali isian Anda."
    message_en = "Please check what you entered."


class Unauthorized(AppError):
    """401: no valid credentials."""

    status = HTTPStatus.UNAUTHORIZED
    code = "unauthorized"
    message_id = "Silakan masuk terlebih dahulu."
    message_en = "Please sign in first."


class Forbidden(AppError):
    """403: valid credentials that do not allow this."""

    status = HTTPStatus.FORBIDDEN
    code = "forbidden"
    message_id = "Anda tidak berwenang melakukan ini."
    message_en = "You are not allowed to do this."


class NotFound(AppError):
    """404: nothing there (or nothing the caller may see)."""

    status = HTTPStatus.NOT_FOUND
    code = "not_found"
    message_id = "Data tidak ditemukan."
    message_en = "Not found."


class Conflict(AppError):
    """409: the request lost against the current state (slot full, stale transition, …)."""

    status = HTTPStatus.CONFLICT
    code = "conflict"
    message_id = "Permintaan bertentangan dengan keadaan saat ini. Muat ulang dan coba lagi."
    message_en = "The request conflicts with the current state. Reload and try again."


class TooManyRequests(AppError):
    """429: slow down, and come back after `retry_after_s` seconds (the Retry-After header)."""

    status = HTTPStatus.TOO_MANY_REQUESTS
    code = "throttled"
    message_id = "Terlalu banyak permintaan. Coba lagi sebentar lagi."
    message_en = "Too many requests. Please try again shortly."

    def __init__(
        self,
        message_id: str | None = None,
        message_en: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        retry_after_s: int = 60,
    ) -> None:
        super().__init__(message_id, message_en, code=code, details=details)
        self.retry_after_s = max(1, int(retry_after_s))

    def headers(self) -> dict[str, str]:
        """Return Retry-After, in seconds."""
        return {"Retry-After": str(self.retry_after_s)}
