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


def require_group(claims: dict[str, Any] | None, group: str = OFFICER_GROUP) -> str:
    """Return the caller's username when their token's groups include `group`.

    :raises Unauthorized: no claims at all (the request did not pass the JWT authorizer).
    :raises Forbidden: a valid token without that group.
    """
    if not claims:
        raise Unauthorized()
    if group not in groups_of(claims):
        raise Forbidden()
    return str(claims.get("username") or claims.get("cognito:username") or claims.get("sub") or "officer")


def officer_claims(event: Any) -> dict[str, Any]:
    """Return the JWT claims API Gateway put on an HTTP API event (empty when there are none)."""
    try:
        return dict(event.request_context.authorizer.jwt_claim or {})
    except (AttributeError, KeyError, TypeError):
        return {}
