"""Handler tests of the officer's view of one application, and of the console's configuration."""

import requests

from tests.kits.submit_kit import VALID_NIK

OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer"]}


def test_an_officer_sees_the_documents_through_short_lived_links_and_the_nik_masked(citizen, api):
    # Given
    application_id = citizen.submit(citizen.body()).body["id"]
    # When
    answer = api.get(f"/api/officer/applications/{application_id}", claims=OFFICER)
    # Then
    assert answer.status == 200
    view = answer.body
    assert VALID_NIK not in str(view)
    assert view["applicant"]["nik_masked"].endswith(VALID_NIK[-4:])
    (document,) = view["documents"]
    assert "X-Amz-Expires=300" in document["url"]
    assert requests.get(document["url"], timeout=5).content[:4] == b"%PDF"
    assert [h["status"] for h in view["history"]] == ["SUBMITTED"]
    assert view["requirements"] and view["due_date"] and view["version"] == 1


def test_the_detail_needs_the_officer_group_and_an_existing_application(api, catalogue):
    # Then
    assert api.get("/api/officer/applications/SP-2611-ZZZZZZ").status == 401
    assert api.get("/api/officer/applications/SP-2611-ZZZZZZ", claims={"username": "x"}).status == 403
    assert api.get("/api/officer/applications/SP-2611-ZZZZZZ", claims=OFFICER).status == 404


def test_the_console_learns_where_to_sign_in(api, aws):
    # When
    config = api.get("/api/config")
    # Then
    assert config.status == 200
    assert config.body["user_pool_id"] == aws.refs["UserPool"]
    assert config.body["user_pool_client_id"] == aws.refs["UserPoolClient"]
    assert config.body["cognito_endpoint"].startswith("https://cognito-idp.ap-southeast-3.amazonaws.com")
