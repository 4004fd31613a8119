"""TOTP codes (RFC 6238, as Cognito's authenticator apps make them) for the local stack's TOTP officer and tests."""

import base64
import time
from typing import Any

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

STEP_S = 30


def _totp(secret: str) -> TOTP:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    # SHA-1 is what RFC 6238 and every authenticator app use for TOTP (an HMAC, where SHA-1 is not broken).
    return TOTP(base64.b32decode(padded), 6, SHA1(), STEP_S, enforce_key_length=False)  # noqa: S303


def totp_code(secret: str, at: float | None = None) -> str:
    """Return the six-digit code an authenticator app shows for `secret` at `at` (seconds since the epoch; now)."""
    return _totp(secret).generate(int(time.time() if at is None else at)).decode()


def enrol_totp(cognito: Any, pool_id: str, client_id: str, username: str, password: str) -> str:
    """Give a user a TOTP authenticator as the console's first sign-in would, and require it; return its secret.

    Associate a software token, verify it with a code made from the secret, and make it the user's MFA: from then
    on signing in asks for the SOFTWARE_TOKEN_MFA challenge.
    """
    tokens = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    secret = cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp_code(secret))
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=username,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    return secret
