"""Who may call an officer route: the JWT authorizer checked the token; here the caller's groups are checked."""

import json
from typing import Any

from functions.shared.errors import Forbidden, Unauthorized

OFFICER_GROUP = "officer"
ADMIN_GROUP = "admin"


def groups_of(claims: dict[str, Any]) -> set[str]:
    """Return the Cognito groups in the claims, whether a list or HTTP API's flattened string "[officer admin]"."""
    raw = claims.get("cognito:groups")
    if raw is None:
        return set()
    if isinstance(raw, list | tuple | set):
        return {str(g) for g in raw}
    text = str(raw).strip()
    if text.startswith("[") and '"' in text:
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return {str(g) for g in parsed}
    return {g for g in text.strip("[]").replace(",", " ").split() if g}


def require_group(claims: dict[str, Any] | None, group: str = OFFICER_GROUP, *others: str) -> str:
    """Return the caller's username when their token's groups include `group` (or one of `others`).

    :raises Unauthorized: no claims at all (the request did not pass the JWT authorizer).
    :raises Forbidden: a valid token without that group.
    """
    if not claims:
        raise Unauthorized()
    if not groups_of(claims) & {group, *others}:
        raise Forbidden()
    return str(claims.get("username") or claims.get("cognito:username") or claims.get("sub") or "officer")


def officer_identity(claims: dict[str, Any]) -> dict[str, str]:
    """Return who acted, for an audit trail: the token's `sub` and, where the token has them, username and e-mail."""
    found = {
        "sub": claims.get("sub"),
        "username": claims.get("username") or claims.get("cognito:username"),
        "email": claims.get("email"),
    }
    return {key: str(value) for key, value in found.items() if value}


def officer_claims(event: Any) -> dict[str, Any]:
    """Return the JWT claims API Gateway put on an HTTP API event (empty when there are none)."""
    try:
        return dict(event.request_context.authorizer.jwt_claim or {})
    except (AttributeError, KeyError, TypeError):
        return {}
