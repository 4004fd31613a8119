"""Routes of issued documents: verify one, the public key (JWKS), the signed status list, and revocation.

Verifying needs no PDF or QR library: these routes read the documents table and ask KMS for the
public key or a signature, nothing more.
"""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field

from functions.issue import signing
from functions.issue.status_list import TTL_S, signed_status_list
from functions.shared import aws, clock
from functions.shared.api import json_response
from functions.shared.applications import applicant_notification, get_application, timestamp
from functions.shared.auth import ADMIN_GROUP, officer_claims, require_group
from functions.shared.catalogue import get_service
from functions.shared.documents import (
    DocumentRecord,
    get_document,
    normalise_document_number,
    revoke_items,
    verification_view,
)
from functions.shared.errors import Conflict, NotFound
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.settings import get_settings
from functions.shared.transactions import TransactionCancelled, transact

router = Router()

DocumentNumber = Annotated[
    str, Path(max_length=40, description="Nomor dokumen / document number, e.g. DOK-2611-7K3M9Q")
]
# The key is the same for every visitor and changes only when the key does; the list is the same for everyone too.
JWKS_CACHE = {"Cache-Control": "public, max-age=3600"}
STATUS_LIST_CACHE = {"Cache-Control": "public, max-age=60"}


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DocumentVerification(_Output):
    """What anyone holding a permit may check about it."""

    number: str
    status: Literal["valid", "revoked", "expired"]
    reason: str | None = None
    revoked_at: str | None = None
    service_id: str
    holder_name: str
    issued_at: str
    valid_until: str | None = None


class PublicKey(_Output):
    """A public key as a JWK (RFC 7517); `kid` is its RFC 7638 thumbprint."""

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str
    y: str
    kid: str
    alg: Literal["ES256"]
    use: Literal["sig"]


class KeySet(_Output):
    """The keys that verify the QR codes' signatures and the status list."""

    keys: list[PublicKey]


class StatusList(_Output):
    """The revocation list: `status_list` is a compact JWS over `{iat, ttl, bits}` (bits: gzip'd, base64url)."""

    status_list: str
    ttl: int


class RevocationRequest(BaseModel):
    """Why a document is revoked: told to the holder and to everyone who verifies it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=5, max_length=500)


def _not_found() -> NotFound:
    return NotFound(
        "Dokumen dengan nomor itu tidak ada. Periksa nomornya, atau dokumen ini tidak diterbitkan oleh kami.",
        "There is no document with that number. Check the number; otherwise this document was not issued by us.",
        code="document_not_found",
    )


def _find(number: str) -> DocumentRecord:
    canonical = normalise_document_number(number)
    document = get_document(aws.table(get_settings().documents_table), canonical) if canonical else None
    if document is None:
        raise _not_found()
    return document


@router.get("/api/documents/<number>/verify", summary="Periksa dokumen / Verify a document", tags=["documents"])
def verify(number: DocumentNumber) -> Response[DocumentVerification]:
    """Say whether a document is valid, revoked (and why) or expired, with the facts printed on it."""
    view = verification_view(_find(number), clock.now())
    return json_response(200, DocumentVerification.model_validate(view).model_dump(mode="json"))


@router.get("/api/.well-known/jwks.json", summary="Kunci publik / Public keys (JWKS)", tags=["documents"])
def jwks() -> Response[KeySet]:
    """Publish the public key that verifies every QR code and status list."""
    key = signing.public_jwk(aws.client("kms"), get_settings().signing_key_id)
    return json_response(200, KeySet.model_validate({"keys": [key]}).model_dump(mode="json"), JWKS_CACHE)


@router.get("/api/status-list", summary="Daftar pencabutan / Revocation status list", tags=["documents"])
def status_list() -> Response[StatusList]:
    """Publish the signed list of revoked status indices, the same for every verifier."""
    settings = get_settings()
    token = signed_status_list(
        aws.table(settings.documents_table), aws.client("kms"), settings.signing_key_id, clock.now()
    )
    return json_response(200, StatusList(status_list=token, ttl=TTL_S).model_dump(mode="json"), STATUS_LIST_CACHE)


@router.post(
    "/api/officer/documents/<number>/revoke",
    summary="Cabut dokumen / Revoke a document (admin)",
    tags=["officer"],
)
def revoke(number: DocumentNumber, request: Annotated[RevocationRequest, Body()]) -> Response[DocumentVerification]:
    """Revoke a valid document: the verify API and the status list say so at once, and the holder is told."""
    admin = require_group(officer_claims(router.current_event), ADMIN_GROUP)
    document = _find(number)
    if document.status == "revoked":
        raise _already_revoked()
    settings = get_settings()
    now = clock.now()
    at = timestamp(now)
    notification = _revoked_notification(document, request.reason)
    items = revoke_items(settings.documents_table, document, request.reason, f"officer:{admin}", at)
    if notification:
        items.append(outbox_put(notification, settings.notification_outbox_table, now))
    try:
        transact(aws.client("dynamodb"), items)
    except TransactionCancelled:
        raise _already_revoked() from None
    if notification:
        dispatch([notification])
    revoked = document.model_copy(
        update={
            "status": "revoked",
            "revoked_at": at,
            "revoked_by": f"officer:{admin}",
            "revocation_reason": request.reason,
        }
    )
    return json_response(200, DocumentVerification.model_validate(verification_view(revoked, now)).model_dump())


def _already_revoked() -> Conflict:
    return Conflict("Dokumen ini sudah dicabut.", "This document has already been revoked.", code="already_revoked")


def _revoked_notification(document: DocumentRecord, reason: str) -> Notification | None:
    """The holder's e-mail about the revocation (None if the application is gone, which a document outlives)."""
    settings = get_settings()
    application = get_application(aws.table(settings.applications_table), document.application_id)
    if application is None:
        return None
    service: dict[str, Any] = get_service(aws.table(settings.catalogue_table), document.service_id) or {}
    return applicant_notification(
        NotificationEvent.APPLICATION_DOCUMENT_REVOKED,
        f"{NotificationEvent.APPLICATION_DOCUMENT_REVOKED}:{document.number}",
        application,
        service,
        document_number=document.number,
        reason=reason,
    )
