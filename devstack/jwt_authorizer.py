"""What API Gateway's JWT authorizer does, locally: check a Cognito token against the pool's JWKS."""

import json
from typing import Any

import jwt


class JwtRejected(Exception):
    """The token is missing or not valid: API Gateway answers 401."""


class JwtAuthorizer:
    """Verifies RS256 tokens: signature (JWKS), issuer, expiry, and `aud` or `client_id` in the audience."""

    def __init__(self, issuer: str, audience: list[str], jwks_url: str) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True)

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """Return the token's claims, or raise JwtRejected."""
        if not authorization:
            raise JwtRejected("no token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],  # never "none", never a symmetric algorithm
                issuer=self.issuer,
                options={"verify_aud": False, "require": ["exp", "iss"]},
                leeway=0,
            )
        except (jwt.PyJWTError, ValueError) as error:
            raise JwtRejected(str(error)) from error
        if claims.get("aud") not in self.audience and claims.get("client_id") not in self.audience:
            raise JwtRejected("audience")
        return claims


def claims_as_api_gateway_gives_them(claims: dict[str, Any]) -> dict[str, str]:
    """Flatten claims to strings the way HTTP API does (a list becomes "[a b]")."""
    flat = {}
    for name, value in claims.items():
        if isinstance(value, list):
            flat[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, dict):
            flat[name] = json.dumps(value)
        else:
            flat[name] = str(value)
    return flat
