"""Handler tests of the officer routes of the submit function: only officers, and the NIK masked."""

import datetime as dt

import pytest
import time_machine

from functions.shared.applications import Status
from functions.shared.clock import JAKARTA
from functions.shared.working_days import DEFAULT_SLA_DAYS
from tests.kits.submit_kit import VALID_NIK

OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer"]}
ADMIN = {"username": "admin@satupintu.local", "cognito:groups": ["officer", "admin"]}
CITIZEN_WITH_A_TOKEN = {"username": "someone", "cognito:groups": ["citizens"]}


@pytest.mark.parametrize("path", ["/api/officer/applications", "/api/officer/consultations"])
def test_officer_routes_need_a_token_and_the_officer_group(api, catalogue, path):
    # When
    without_token = api.get(path)
    without_group = api.get(path, claims=CITIZEN_WITH_A_TOKEN)
    without_groups_claim = api.get(path, claims={"username": "x"})
    officer = api.get(path, claims=OFFICER)
    admin = api.get(path, claims=ADMIN)
    # Then
    assert without_token.status == 401
    assert without_group.status == without_groups_claim.status == 403
    assert without_group.body["error"]["code"] == "forbidden"
    assert officer.status == admin.status == 200


def test_the_review_queue_lists_one_status_oldest_first_with_the_nik_masked(citizen, officer, api):
    # Given
    first, second, third = (citizen.submit(citizen.body()).body["id"] for _ in range(3))
    officer.move(second, Status.IN_REVIEW)
    # When
    submitted = api.get("/api/officer/applications", claims=OFFICER).body["applications"]
    in_review = api.get("/api/officer/applications", query={"status": "IN_REVIEW"}, claims=OFFICER).body
    # Then
    assert [a["id"] for a in submitted] == [first, third]
    assert [a["id"] for a in in_review["applications"]] == [second]
    entry = submitted[0]
    assert entry["nik_masked"] == "••••••••••••" + VALID_NIK[-4:]
    assert VALID_NIK not in str(submitted)
    assert (entry["applicant_name"], entry["documents"], entry["channel"]) == ("Siti Rahayu", 1, "online")


def test_the_review_queue_filters_by_service_and_pages(citizen, api):
    # Given
    for _ in range(3):
        citizen.submit(citizen.body())
    citizen.submit(citizen.body("sktm"))
    # When
    first_page = api.get(
        "/api/officer/applications", query={"service_id": "iptb_legalisasi", "limit": "2"}, claims=OFFICER
    ).body
    second_page = api.get(
        "/api/officer/applications",
        query={"service_id": "iptb_legalisasi", "limit": "2", "cursor": first_page["next_cursor"]},
        claims=OFFICER,
    ).body
    sktm = api.get("/api/officer/applications", query={"service_id": "sktm"}, claims=OFFICER).body
    # Then
    seen = [a["id"] for a in first_page["applications"] + second_page["applications"]]
    assert len(seen) == len(set(seen)) == 3
    assert all(a["service_id"] == "iptb_legalisasi" for a in first_page["applications"])
    assert [a["service_id"] for a in sktm["applications"]] == ["sktm"]


def test_a_forged_or_borrowed_cursor_or_an_unknown_status_is_a_422(citizen, api):
    # Given: a real cursor of the SUBMITTED queue
    for _ in range(2):
        citizen.submit(citizen.body())
    cursor = api.get("/api/officer/applications", query={"limit": "1"}, claims=OFFICER).body["next_cursor"]
    # When
    forged = api.get("/api/officer/applications", query={"cursor": "bm90LWEta2V5"}, claims=OFFICER)
    borrowed = api.get("/api/officer/applications", query={"cursor": cursor, "status": "IN_REVIEW"}, claims=OFFICER)
    status = api.get("/api/officer/applications", query={"status": "DONE"}, claims=OFFICER)
    # Then
    assert cursor
    assert (forged.status, forged.body["error"]["details"][0]["field"]) == (422, "cursor")
    assert (borrowed.status, borrowed.body["error"]["details"][0]["field"]) == (422, "cursor")
    assert (status.status, status.body["error"]["details"][0]["field"]) == (422, "status")


def test_officers_see_open_consultations(api, catalogue):
    # Given
    question = {
        "name": "Budi Santoso",
        "email": "budi@example.id",
        "question": "Berapa lama proses SKTM di kelurahan?",
        "locale": "id",
    }
    asked = api.post("/api/consultations", question).body["id"]
    # When
    listed = api.get("/api/officer/consultations", claims=OFFICER).body["consultations"]
    answered = api.get("/api/officer/consultations", query={"status": "ANSWERED"}, claims=OFFICER).body
    # Then
    assert [(c["id"], c["status"], c["email"]) for c in listed] == [(asked, "OPEN", "budi@example.id")]
    assert answered["consultations"] == []


def test_each_row_shows_the_service_its_age_its_due_date_and_its_holder(citizen, api):
    # Given: submitted on Friday 13 March 2026 for a service with no published standard (the default applies)
    with time_machine.travel(dt.datetime(2026, 3, 13, 10, 0, tzinfo=JAKARTA), tick=False):
        application_id = citizen.submit(citizen.body()).body["id"]
        api.post(f"/api/officer/applications/{application_id}/claim", {}, claims=OFFICER)
    # When: read three weeks later, before and after the due date
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 0, tzinfo=JAKARTA), tick=False):
        early = api.get("/api/officer/applications", claims=OFFICER).body["applications"][0]
    with time_machine.travel(dt.datetime(2026, 4, 13, 9, 0, tzinfo=JAKARTA), tick=False):
        late = api.get("/api/officer/applications", claims=OFFICER).body["applications"][0]
    # Then: 14 working days after 13 March, skipping the 18–24 March leave and Good Friday (3 April)
    assert early["id"] == application_id
    assert early["service_name_en"] and early["sla_days"] == DEFAULT_SLA_DAYS
    assert early["due_date"] == "2026-04-10"
    assert (early["age_days"], early["overdue"]) == (24, False)
    assert (late["age_days"], late["overdue"]) == (31, True)
    assert early["assignee"] == OFFICER["username"]


def test_the_queue_filters_by_holder_and_by_overdue(citizen, api):
    # Given: two applications, one held, both submitted on Monday 2 November
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA), tick=False):
        held, free = (citizen.submit(citizen.body()).body["id"] for _ in range(2))
        api.post(f"/api/officer/applications/{held}/claim", {}, claims=OFFICER)

    def ids(day, **query):
        with time_machine.travel(dt.datetime(2026, 11, day, 9, 0, tzinfo=JAKARTA), tick=False):
            return [
                a["id"] for a in api.get("/api/officer/applications", query=query, claims=OFFICER).body["applications"]
            ]

    # Then
    assert ids(3, assignee=OFFICER["username"]) == [held]
    assert ids(3, assignee="none") == [free]
    assert ids(3, overdue="yes") == []
    assert sorted(ids(3, overdue="no")) == sorted([held, free])
    assert sorted(ids(30, overdue="yes")) == sorted([held, free])
