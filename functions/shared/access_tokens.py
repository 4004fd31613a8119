"""Access tokens that let a citizen (who has no account) read and fix their own application or booking.

The token is derived, not stored: HMAC-SHA256 of the application's (or booking's) id under a KMS HMAC
key that never leaves KMS. So the plaintext is in no table, no idempotency record, no queue message
and no log; the item keeps only its SHA-256, compared in constant time. A replayed submission, or the
notify function when it e-mails a link, derives the same token again from the id.
"""

import base64
import hashlib
import hmac
from enum import StrEnum
from typing import Any

from functions.shared import aws
from functions.shared.settings import get_settings


class TokenPurpose(StrEnum):
    """What a token opens: one purpose's token never opens the other's, even for an equal id."""

    APPLICATION = "application"
    BOOKING = "booking"
    # Reads one's own question and the officer's answer.
    CONSULTATION = "consultation"


# 256 bits from KMS, written as 43 URL-safe characters.
# What the id is prefixed with before it is MACed: one prefix per purpose, so the same key serves both.
# The application prefix is the one every token issued so far was derived with: changing it would lock
# every applicant out of their application.
_PREFIX = {
    TokenPurpose.APPLICATION: "application-access-token:v1:",
    TokenPurpose.BOOKING: "booking-access-token:v1:",
    TokenPurpose.CONSULTATION: "consultation-access-token:v1:",
}
# Compared against when there is no application, so an unknown id costs the same as a wrong token.
_NO_HASH = hashlib.sha256(b"no application").hexdigest()


def derive_access_token(
    subject_id: str,
    kms: Any | None = None,
    key_id: str | None = None,
    *,
    purpose: TokenPurpose = TokenPurpose.APPLICATION,
) -> str:
    """Return the access token of an application or a booking (the same every time for one id and purpose)."""
    kms = kms or aws.client("kms")
    mac = kms.generate_mac(
        KeyId=key_id or get_settings().access_token_key_id,
        Message=(_PREFIX[TokenPurpose(purpose)] + subject_id).encode(),
        MacAlgorithm="HMAC_SHA_256",
    )["Mac"]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def hash_access_token(token: str) -> str:
    """Return the SHA-256 (hex) that is stored in place of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(presented: str | None, stored_hash: str | None) -> bool:
    """Tell whether a presented token is the one whose hash is stored, in constant time."""
    expected = stored_hash or _NO_HASH
    actual = hash_access_token(presented or "")
    return hmac.compare_digest(actual, expected) and stored_hash is not None and bool(presented)


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 256:
        return None
    return token
