"""The running gateway over HTTP: each template route reaches its function; officer routes need a token and group."""

import re

import pytest
import requests

from devstack.template import http_routes, load_template

GATEWAY_NOT_FOUND = {"message": "Not Found"}


@pytest.fixture(scope="module")
def cognito(local_stack):
    """The stack's Cognito (moto), with the ready-made users and one without any group."""
    info = local_stack.info
    client = local_stack.client("cognito-idp")
    client.admin_create_user(UserPoolId=info["user_pool_id"], Username="warga@example.com", MessageAction="SUPPRESS")
    client.admin_set_user_password(
        UserPoolId=info["user_pool_id"], Username="warga@example.com", Password="Warga-Biasa-2026", Permanent=True
    )
    return client


def _token(cognito, info, username, password):
    result = cognito.initiate_auth(
        ClientId=info["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return result["AuthenticationResult"]["AccessToken"]


def test_every_template_route_reaches_its_function(local_stack):
    for route in http_routes(load_template()):
        # Given: any value for each path parameter
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        # When
        response = requests.request(route.method, local_stack.site_url.rstrip("/") + path, json={}, timeout=30)
        # Then: the function answered (in its error shape if need be), not the gateway's "no such route"
        body = response.json()
        assert body != GATEWAY_NOT_FOUND, route.key
        if route.authorizer:
            assert response.status_code == 401, route.key
        else:
            assert response.status_code < 500, (route.key, response.status_code, body)


def test_a_path_outside_the_template_is_the_gateways_404(local_stack):
    response = requests.get(f"{local_stack.api_url}/services/sipi/extra", timeout=10)
    assert (response.status_code, response.json()) == (404, GATEWAY_NOT_FOUND)


def test_officer_routes_answer_401_without_a_token_403_without_the_group_200_for_officers(local_stack, cognito):
    # Given
    info = local_stack.info
    url = f"{local_stack.api_url}/officer/applications"
    officer = _token(cognito, info, info["officer"]["username"], info["officer"]["password"])
    admin = _token(cognito, info, info["admin"]["username"], info["admin"]["password"])
    citizen = _token(cognito, info, "warga@example.com", "Warga-Biasa-2026")
    # When / Then
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer nonsense"}, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": f"Bearer {citizen}"}, timeout=10).status_code == 403
    assert requests.get(url, headers={"Authorization": f"Bearer {officer}"}, timeout=10).status_code == 200
    assert requests.get(url, headers={"Authorization": f"Bearer {admin}"}, timeout=10).status_code == 200
