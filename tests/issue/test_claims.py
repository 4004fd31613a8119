"""Handler tests of claiming an application: one holder at a time, the others see who, admin may take over."""

import pytest
from test_decisions import ADMIN, OFFICER, OTHER_OFFICER, decide

from functions.issue import claims
from functions.shared.applications import get_application


def claim(api, application_id, claims_=OFFICER, **body):
    """Post a claim (or a release)."""
    return api.post(f"/api/officer/applications/{application_id}/claim", body, claims=claims_)


@pytest.fixture
def application_id(citizen):
    """A one-document application, just submitted."""
    return citizen.submit(citizen.body()).body["id"]


def test_the_first_officer_holds_it_and_the_second_sees_who(api, application_id):
    # When
    first = claim(api, application_id)
    again = claim(api, application_id)
    second = claim(api, application_id, OTHER_OFFICER)
    # Then
    assert first.status == again.status == 200
    assert first.body["assignee"]["username"] == OFFICER["username"]
    assert (second.status, second.body["error"]["code"]) == (409, "claimed_by_other")
    assert second.body["error"]["details"][0]["holder"] == OFFICER["username"]
    assert OFFICER["username"] in second.body["error"]["message"]


def test_two_officers_claiming_at_once_one_wins(api, tables, application_id, monkeypatch):
    # Given: both officers read the application while nobody held it
    seen_by_both = get_application(tables["ApplicationsTable"], application_id)
    monkeypatch.setattr(claims, "load_application", lambda table, i: seen_by_both)
    # When
    first = claim(api, application_id)
    second = claim(api, application_id, OTHER_OFFICER)
    # Then
    assert first.status == 200
    assert second.status == 409
    stored = get_application(tables["ApplicationsTable"], application_id)
    assert stored.assignee["username"] == OFFICER["username"]


def test_only_an_admin_takes_over_and_only_when_saying_so(api, tables, application_id):
    # Given
    claim(api, application_id)
    # When
    officer_takeover = claim(api, application_id, OTHER_OFFICER, takeover=True)
    admin_without_saying = claim(api, application_id, ADMIN)
    admin_takeover = claim(api, application_id, ADMIN, takeover=True)
    # Then
    assert officer_takeover.status == 403
    assert admin_without_saying.status == 409
    assert admin_takeover.status == 200
    assert get_application(tables["ApplicationsTable"], application_id).assignee["username"] == ADMIN["username"]


def test_the_holder_or_an_admin_releases_it_and_then_anyone_may_claim(api, application_id):
    # Given
    claim(api, application_id)
    # When
    by_other = claim(api, application_id, OTHER_OFFICER, action="release")
    by_holder = claim(api, application_id, action="release")
    taken = claim(api, application_id, OTHER_OFFICER)
    by_admin = claim(api, application_id, ADMIN, action="release")
    # Then
    assert by_other.status == 409
    assert by_holder.status == 200 and by_holder.body["assignee"] is None
    assert taken.status == 200
    assert by_admin.status == 200 and by_admin.body["assignee"] is None


def test_a_decided_application_cannot_be_claimed(api, application_id):
    # Given
    decide(api, application_id, action="start_review")
    decide(api, application_id, action="reject", reason="Berkas tidak sah")
    # When
    answer = claim(api, application_id, OTHER_OFFICER)
    # Then
    assert (answer.status, answer.body["error"]["code"]) == (409, "not_open")


def test_claims_need_the_officer_group(api, application_id):
    # When
    without_token = api.post(f"/api/officer/applications/{application_id}/claim", {})
    citizen_token = claim(api, application_id, {"username": "x", "cognito:groups": ["citizens"]})
    # Then
    assert without_token.status == 401
    assert citizen_token.status == 403


def test_the_holder_is_named_by_their_e_mail_and_kept_by_their_stable_username(api, tables, application_id):
    # Given: a pool that names users by a generated id, with the e-mail as a claim
    token = {
        "cognito:username": "54b8a5bf-dd0b-4d01",
        "email": "petugas@satupintu.local",
        "cognito:groups": ["officer"],
    }
    # When
    answer = claim(api, application_id, token)
    # Then
    assert answer.body["assignee"]["username"] == "54b8a5bf-dd0b-4d01"
    assert answer.body["assignee"]["name"] == "petugas@satupintu.local"
    row = api.get("/api/officer/applications", claims=OFFICER).body["applications"][0]
    assert (row["assignee"], row["assignee_name"]) == ("54b8a5bf-dd0b-4d01", "petugas@satupintu.local")
