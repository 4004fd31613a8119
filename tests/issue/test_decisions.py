"""Handler tests of the officers' decisions: every transition, its e-mail, its counters, and its race."""

import datetime as dt
import json

import boto3
import pytest
import time_machine

from functions.issue import decisions
from functions.shared.applications import get_application
from functions.shared.clock import JAKARTA
from tests.kits.submit_kit import REGION

OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer"]}
OTHER_OFFICER = {"username": "petugas2@satupintu.local", "cognito:groups": ["officer"]}
ADMIN = {"username": "admin@satupintu.local", "cognito:groups": ["officer", "admin"]}
# A Monday in Jakarta, so every survey date below is in the future.
MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=JAKARTA)
SURVEY_SERVICE = "sipi"


def decide(api, application_id, claims=OFFICER, **body):
    """Post one decision."""
    return api.post(f"/api/officer/applications/{application_id}/decision", body, claims=claims)


def history(api, tables, application_id):
    """Return the stored history as (status, actor, note)."""
    record = get_application(tables["ApplicationsTable"], application_id)
    return [(h.status.value, h.actor, h.note) for h in record.history]


def totals(tables):
    """Return the public current counts."""
    item = tables["StatsTable"].get_item(Key={"pk": "TOTALS", "sk": "-"}).get("Item", {})
    return {k: int(v) for k, v in item.items() if k in {"new", "in_process", "returned", "rejected", "issued"}}


def job_messages(aws):
    """Return (and take) the bodies waiting on the issue-jobs queue, read on the day they were sent."""
    sqs = boto3.client("sqs", region_name=REGION)
    # Read on the tests' Monday: a month later the queue's retention would have dropped them.
    with on_monday():
        messages = sqs.receive_message(QueueUrl=aws.refs["IssueJobsQueue"], MaxNumberOfMessages=10)
    return [m["Body"] for m in messages.get("Messages", [])]


def on_monday():
    """Travel to the tests' Monday, an hour on: queues still hold what was sent then (retention is days)."""
    return time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)


@pytest.fixture
def submitted(citizen):
    """A one-document application, just submitted."""
    with time_machine.travel(MONDAY, tick=False):
        return citizen.submit(citizen.body()).body["id"]


def test_start_review_moves_it_in_review_names_the_officer_and_claims_it(api, tables, submitted):
    # When
    with time_machine.travel(MONDAY, tick=False):
        answer = decide(api, submitted, action="start_review")
    # Then
    assert answer.status == 200
    assert answer.body["status"] == "IN_REVIEW"
    assert answer.body["assignee"]["username"] == OFFICER["username"]
    assert history(api, tables, submitted)[-1] == ("IN_REVIEW", "officer:petugas@satupintu.local", None)
    assert totals(tables) == {"new": 0, "in_process": 1}


def test_approve_records_the_decision_emails_the_applicant_and_queues_exactly_the_issue_job(
    api, aws, tables, submitted, postman
):
    # Given
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
        # When
        answer = decide(api, submitted, action="approve")
    # Then
    assert answer.status == 200 and answer.body["status"] == "APPROVED"
    assert [json.loads(b) for b in job_messages(aws)] == [
        {
            "job": "issue_document",
            "application_id": submitted,
            "decision_ref": f"{submitted}#3",
            "approved_by": OFFICER["username"],
        }
    ]
    stored = get_application(tables["ApplicationsTable"], submitted)
    assert stored.pending_issue_job is None
    with on_monday():
        postman.deliver()
    approved = [m for m in postman.sent() if submitted in m.subject and "returned" not in m.subject.lower()]
    assert len(postman.sent()) == 2  # the receipt and the approval
    assert approved


def test_reject_needs_a_reason_and_the_applicant_reads_it(api, tables, submitted, postman):
    # Given
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
        # When
        without = decide(api, submitted, action="reject")
        rejected = decide(api, submitted, action="reject", reason="Lokasi berada di zona hijau.")
    # Then
    assert without.status == 422
    assert without.body["error"]["details"][0] == {
        "field": "reason",
        "code": "missing",
        "message": "Alasan penolakan wajib diisi.",
        "message_en": "A reason for the rejection is required.",
    }
    assert rejected.status == 200 and rejected.body["status"] == "REJECTED"
    assert history(api, tables, submitted)[-1][2] == "Lokasi berada di zona hijau."
    assert totals(tables)["rejected"] == 1 and totals(tables)["in_process"] == 0
    with on_monday():
        postman.deliver()
    assert "Lokasi berada di zona hijau." in postman.sent()[-1].text


def test_return_names_known_requirements_in_both_languages(api, tables, submitted, queued, citizen):
    # Given
    requirement = citizen.service()["requirements"][0]
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
        # When
        nothing = decide(api, submitted, action="return")
        unknown = decide(api, submitted, action="return", missing_requirements=["no_such_thing"])
        returned = decide(
            api, submitted, action="return", missing_requirements=[requirement["id"]], reason="Scan buram"
        )
    # Then
    assert nothing.status == unknown.status == 422
    assert unknown.body["error"]["details"][0]["field"] == "missing_requirements[0]"
    assert unknown.body["error"]["details"][0]["code"] == "unknown_requirement"
    assert returned.status == 200
    assert returned.body["missing_requirements"] == [requirement["id"]]
    with on_monday():
        (message,) = [m for m in queued() if m["event"] != "application.submitted"]
    assert message["event"] == "application.returned"
    assert message["facts"]["missing_requirements"] == [
        {"requirement_id": requirement["id"], "label_id": requirement["label_id"], "label_en": requirement["label_en"]}
    ]
    assert message["link_access"] == "application"
    assert totals(tables)["returned"] == 1


def test_a_survey_service_cannot_be_approved_before_a_passed_survey(api, citizen, tables, queued):
    # Given
    with time_machine.travel(MONDAY, tick=False):
        application_id = citizen.submit(citizen.body(SURVEY_SERVICE)).body["id"]
        decide(api, application_id, action="start_review")
        # When
        too_early = decide(api, application_id, action="approve")
        past = decide(api, application_id, action="schedule_survey", survey_date="2026-10-30")
        scheduled = decide(
            api, application_id, action="schedule_survey", survey_date="2026-11-05", survey_mode="remote"
        )
        no_result = decide(api, application_id, action="record_survey")
        surveyed = decide(api, application_id, action="record_survey", survey_result="passed", reason="Sesuai")
        approved = decide(api, application_id, action="approve")
    # Then
    assert (too_early.status, too_early.body["error"]["code"]) == (409, "survey_required")
    assert (past.status, past.body["error"]["details"][0]["code"]) == (422, "in_the_past")
    assert scheduled.body["status"] == "SURVEY_SCHEDULED"
    assert scheduled.body["survey"] == {"date": "2026-11-05", "mode": "remote"}
    assert no_result.status == 422
    assert surveyed.body["survey"]["result"] == "passed"
    assert approved.status == 200 and approved.body["status"] == "APPROVED"
    with on_monday():
        messages = [m for m in queued() if m["event"] != "application.submitted"]
    assert [m["event"] for m in messages] == ["application.survey_scheduled", "application.approved"]
    # a remote survey tells the applicant no one will visit, but photos or a video are asked for
    assert "geotag" in messages[0]["facts"]["survey_how_id"] and "remotely" in messages[0]["facts"]["survey_how_en"]
    assert [h[0] for h in history(api, tables, application_id)] == [
        "SUBMITTED",
        "IN_REVIEW",
        "SURVEY_SCHEDULED",
        "SURVEYED",
        "APPROVED",
    ]


def test_a_decision_from_the_wrong_status_is_a_409_and_changes_nothing(api, tables, submitted):
    # When: approving what nobody has started reviewing
    with time_machine.travel(MONDAY, tick=False):
        answer = decide(api, submitted, action="approve")
    # Then
    assert (answer.status, answer.body["error"]["code"]) == (409, "transition_not_allowed")
    assert [h[0] for h in history(api, tables, submitted)] == ["SUBMITTED"]
    assert totals(tables) == {"new": 1}


def test_a_decision_on_a_version_the_officer_no_longer_sees_is_stale(api, submitted):
    # Given: the officer's screen shows version 1; the application moved on to version 2
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
        # When
        answer = decide(api, submitted, action="reject", reason="Tidak lengkap", version=1)
    # Then
    assert (answer.status, answer.body["error"]["code"]) == (409, "stale_transition")


def test_approve_and_reject_at_once_one_wins_and_the_other_gets_409(api, tables, submitted, monkeypatch, aws):
    # Given: two officers have both read the application in review
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
    seen_by_both = get_application(tables["ApplicationsTable"], submitted)
    monkeypatch.setattr(decisions, "load_application", lambda table, application_id: seen_by_both)
    # When: both decide on what they read
    with time_machine.travel(MONDAY, tick=False):
        approve = decide(api, submitted, action="approve")
        reject = decide(api, submitted, claims=ADMIN, action="reject", reason="Tidak lengkap")
    # Then
    assert approve.status == 200
    assert (reject.status, reject.body["error"]["code"]) == (409, "stale_transition")
    assert [h[0] for h in history(api, tables, submitted)] == ["SUBMITTED", "IN_REVIEW", "APPROVED"]
    assert totals(tables).get("rejected", 0) == 0
    assert len(job_messages(aws)) == 1


def test_an_application_held_by_another_officer_cannot_be_decided_by_them(api, submitted):
    # Given: the first officer starts the review and so holds it
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
        # When
        other = decide(api, submitted, claims=OTHER_OFFICER, action="reject", reason="x")
        admin = decide(api, submitted, claims=ADMIN, action="reject", reason="Berkas palsu")
    # Then
    assert (other.status, other.body["error"]["code"]) == (409, "claimed_by_other")
    assert other.body["error"]["details"][0]["holder"] == OFFICER["username"]
    assert admin.status == 200


def test_an_approval_whose_job_cannot_be_queued_keeps_it_for_the_relay(api, aws, tables, submitted, monkeypatch):
    # Given: the issue-jobs queue refuses every message
    with time_machine.travel(MONDAY, tick=False):
        decide(api, submitted, action="start_review")
    office = decisions.Office.from_settings()
    real_send = office.sqs.send_message

    def refuse_jobs(**kwargs):
        if kwargs["QueueUrl"] == aws.refs["IssueJobsQueue"]:
            raise ConnectionError("queue unavailable")
        return real_send(**kwargs)

    monkeypatch.setattr(office.sqs, "send_message", refuse_jobs)
    monkeypatch.setattr(decisions.Office, "from_settings", classmethod(lambda cls: office))
    # When
    with time_machine.travel(MONDAY, tick=False):
        approved = decide(api, submitted, action="approve")
    # Then: the approval stands and its job waits on the application
    assert approved.status == 200
    assert job_messages(aws) == []
    kept = get_application(tables["ApplicationsTable"], submitted).pending_issue_job
    assert kept["decision_ref"] == f"{submitted}#3"
    # When: the queue is back and the relay runs after its delay
    monkeypatch.setattr(office.sqs, "send_message", real_send)
    assert decisions.relay_issue_jobs(office, MONDAY + dt.timedelta(seconds=30)) == 0
    assert decisions.relay_issue_jobs(office, MONDAY + dt.timedelta(minutes=10)) == 1
    # Then
    assert [json.loads(b)["decision_ref"] for b in job_messages(aws)] == [f"{submitted}#3"]
    assert get_application(tables["ApplicationsTable"], submitted).pending_issue_job is None
    assert decisions.relay_issue_jobs(office, MONDAY + dt.timedelta(minutes=20)) == 0


def test_an_unknown_application_is_a_404(api, catalogue):
    # When
    answer = decide(api, "SP-2611-ZZZZZZ", action="start_review")
    # Then
    assert answer.status == 404


def test_the_public_statistics_count_decisions_made_within_the_time_standard(api, citizen):
    # Given: two applications submitted on Monday 2 November (due 14 working days later, on the 20th)
    with time_machine.travel(MONDAY, tick=False):
        on_time, late = (citizen.submit(citizen.body()).body["id"] for _ in range(2))
        for application_id in (on_time, late):
            decide(api, application_id, action="start_review")
        # When one is approved on time and the other rejected after its due date
        decide(api, on_time, action="approve")
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA), tick=False):
        decide(api, late, action="reject", reason="Tidak memenuhi syarat")
        stats = api.get("/api/stats", query={"from": "2026-11-01", "to": "2026-11-30"}).body
    # Then: no personal data, only the counts and the share
    (service,) = [s for s in stats["by_service"] if s["service_id"] == "iptb_legalisasi"]
    assert (service["decided"], service["decided_on_time"], service["on_time_percent"]) == (2, 1, 50.0)
