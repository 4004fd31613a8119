"""Access tokens that let a citizen (who has no account) read and fix their own application.

The token is derived, not stored: HMAC-SHA256 of the application id under a KMS HMAC key that
never leaves KMS. So the plaintext is in no table, no idempotency record and no log; the item
keeps only its SHA-256, compared in constant time. A replayed submission, or an officer's
notification later, derives the same token again from the id.
"""

import base64
import hashlib
import hmac
from typing import Any

from functions.shared import aws
from functions.shared.settings import get_settings

# 256 bits from KMS, written as 43 URL-safe characters.
_PURPOSE = "application-access-token:v1:"
# Compared against when there is no application, so an unknown id costs the same as a wrong token.
_NO_HASH = hashlib.sha256(b"no application").hexdigest()


def derive_access_token(application_id: str, kms: Any | None = None, key_id: str | None = None) -> str:
    """Return the access token of an application (the same every time for the same id)."""
    kms = kms or aws.client("kms")
    mac = kms.generate_mac(
        KeyId=key_id or get_settings().access_token_key_id,
        Message=(_PURPOSE + application_id).encode(),
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
