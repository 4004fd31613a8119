"""Every officer route over HTTP on the running stack: refused without a good token or the group; decisions race."""

import base64
import json
import re
import threading
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from test_jwt_authorizer import _moto_signing_key

from devstack.template import http_routes, load_template
from functions.shared import clock
from functions.shared.applications import (
    APPLICANT_ACTOR,
    ApplicationRecord,
    HistoryEntry,
    Status,
    Tables,
    create_application,
    new_tracking_number,
    timestamp,
)

OFFICER_ROUTES = [r for r in http_routes(load_template()) if r.authorizer]
# A well-formed body for each route that takes one, so what is refused is the caller, not the body.
BODIES = {
    "POST decision": {"action": "start_review"},
    "POST claim": {},
    "POST answer": {"answer": "Bisa diurus daring."},
    "POST revoke": {"reason": "Diterbitkan berdasarkan dokumen yang tidak benar."},
    "PATCH {id}": {"capacity": 100, "occupancy_cap_percent": 50},
    "POST applications": {
        "service_id": "iptb_legalisasi",
        "applicant": {"nik": "3171011508850001", "name": "Siti", "email": "siti@example.com", "phone": "081234567890"},
        "channel": "dropbox",
    },
    # Two check-in routes end alike and take different bodies: named by their whole path.
    "POST /api/officer/bookings/{id}/check-in": {"temperature_c": 36.5, "site_id": "mpp-dki"},
    "POST /api/officer/sites/{id}/check-in": {"ticket_code": "PTSP-0900-ZZZZ", "temperature_c": 36.5},
    # A NIK nobody in these tests holds: the admin's call erases nothing.
    "POST erasures": {"nik": "3171010101900099", "reason": "Surat permintaan nomor 12/2026"},
}
# Routes only an admin may use: an officer's token passes the gateway and the function answers 403.
ADMIN_ONLY = {"/api/officer/sites/{id}", "/api/officer/documents/{number}/revoke", "/api/officer/erasures"}


@pytest.fixture(scope="module")
def stack(local_stack):
    """The stack, with an officer's and a grouples citizen's real tokens from its Cognito."""
    info = local_stack.info
    cognito = local_stack.client("cognito-idp")
    username = "warga.tanpa.grup@example.com"
    cognito.admin_create_user(UserPoolId=info["user_pool_id"], Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=info["user_pool_id"], Username=username, Password="Warga-Biasa-2026", Permanent=True
    )

    def token(user, password):
        result = cognito.initiate_auth(
            ClientId=info["user_pool_client_id"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": password},
        )
        return result["AuthenticationResult"]["IdToken"]

    return {
        "info": info,
        "officer": token(info["officer"]["username"], info["officer"]["password"]),
        "admin": token(info["admin"]["username"], info["admin"]["password"]),
        "citizen": token(username, "Warga-Biasa-2026"),
        "issuer": f"https://cognito-idp.{info['region']}.amazonaws.com/{info['user_pool_id']}",
    }


def _claims(stack, **overrides):
    now = int(time.time())
    claims = {
        "iss": stack["issuer"],
        "aud": stack["info"]["user_pool_client_id"],
        "token_use": "id",
        "sub": "x",
        "cognito:username": "x",
        "cognito:groups": ["officer", "admin"],
        "iat": now,
        "exp": now + 600,
    }
    return {**claims, **overrides}


BAD_TOKENS = {
    "expired": lambda s: jwt.encode(
        _claims(s, exp=int(time.time()) - 5), _moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"}
    ),
    "forged": lambda s: jwt.encode(
        _claims(s), rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256"
    ),
    "alg-none": lambda s: (
        ".".join(
            base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
            for part in ({"alg": "none", "typ": "JWT"}, _claims(s))
        )
        + "."
    ),
    "garbage": lambda s: "not-a-jwt",
}


@pytest.mark.parametrize("route", OFFICER_ROUTES, ids=lambda r: r.key)
def test_each_officer_route_refuses_a_missing_expired_forged_or_unsigned_token_and_a_token_without_the_group(
    stack, local_stack, route
):
    # Given
    url = local_stack.site_url.rstrip("/") + re.sub(r"\{[^}]+\}", "SP-2612-ZZZZZZ", route.path)

    def call(token):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # The paper intake, like a submission, is keyed: a fresh key, so the body is what the route judges.
        headers["Idempotency-Key"] = str(uuid.uuid4())
        body = BODIES.get(f"{route.method} {route.path}", BODIES.get(f"{route.method} {route.path.rsplit('/', 1)[-1]}"))
        return requests.request(route.method, url, json=body, headers=headers, timeout=30)

    # Then
    assert call(None).status_code == 401
    for name, make in BAD_TOKENS.items():
        assert call(make(stack)).status_code == 401, name
    assert call(stack["citizen"]).status_code == 403
    # and the officer's own token passes the gateway (the route then answers for itself: 200, 404 or 422),
    # but not an admin's route; the admin's token passes there
    if route.path in ADMIN_ONLY:
        assert call(stack["officer"]).status_code == 403
        assert call(stack["admin"]).status_code in {200, 404, 422}
    else:
        assert call(stack["officer"]).status_code in {200, 404, 422}


def _stored_application(local_stack) -> str:
    """Store a submitted application straight into the stack's tables (the citizen's side is tested elsewhere)."""
    resources = local_stack.info["resources"]
    tables = Tables(applications=resources["ApplicationsTable"], stats=resources["StatsTable"])
    now = clock.now()
    at = timestamp(now)
    record = ApplicationRecord(
        id=new_tracking_number(now),
        service_id="iptb_legalisasi",
        status=Status.SUBMITTED,
        applicant={"nik": "3171011508850001", "name": "Siti", "email": "siti@example.com", "phone": "081234567890"},
        history=[HistoryEntry(status=Status.SUBMITTED, at=at, actor=APPLICANT_ACTOR)],
        submitted_at=at,
        updated_at=at,
    )
    create_application(local_stack.client("dynamodb"), tables, record)
    return record.id


def test_two_officers_deciding_at_once_one_wins_and_one_gets_409(stack, local_stack):
    # Given an application in review
    base = f"{local_stack.api_url}/officer/applications/{_stored_application(local_stack)}"
    admin = {"Authorization": f"Bearer {stack['admin']}"}
    assert requests.post(f"{base}/decision", json={"action": "start_review"}, headers=admin, timeout=30).ok
    version = requests.get(base, headers=admin, timeout=30).json()["version"]
    # When an approval and a rejection arrive together
    bodies = [
        {"action": "approve", "version": version},
        {"action": "reject", "reason": "Berkas tidak sah", "version": version},
    ]
    answers: list[requests.Response] = []
    start = threading.Barrier(len(bodies))

    def send(body):
        start.wait()
        answers.append(requests.post(f"{base}/decision", json=body, headers=admin, timeout=60))

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one wins
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["error"]["code"] == "stale_transition"
    history = requests.get(base, headers=admin, timeout=30).json()["history"]
    assert [h["status"] for h in history][-1] in {"APPROVED", "REJECTED"}
    assert len(history) == 3
