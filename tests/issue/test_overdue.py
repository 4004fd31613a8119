"""Handler tests of the deadlines job: overdue files are marked, unmarked when no longer late, and reported daily."""

import datetime as dt

import time_machine

from functions.issue.app import lambda_handler
from functions.shared.applications import Status, get_application
from functions.shared.clock import JAKARTA

# Submitted on Monday 2 November 2026; a service with no published standard is due 14 working days later (20th).
SUBMITTED_AT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA)


def run_deadlines(day, lambda_context):
    """Run the scheduled job as EventBridge Scheduler would, on a morning of November."""
    with time_machine.travel(dt.datetime(2026, 11, day, 7, 0, tzinfo=JAKARTA), tick=False):
        return lambda_handler({"job": "deadlines"}, lambda_context)


def test_overdue_files_are_marked_and_the_supervisor_gets_one_digest_a_day(
    citizen, tables, lambda_context, postman, officer
):
    # Given: two open applications and one decided
    with time_machine.travel(SUBMITTED_AT, tick=False):
        late, reviewed, decided = (citizen.submit(citizen.body()).body["id"] for _ in range(3))
        officer.move(reviewed, Status.IN_REVIEW)
        officer.move(decided, Status.IN_REVIEW, Status.REJECTED, note="Tidak lengkap")
        postman.deliver()  # the receipts
    # When: the job runs on the due date, then the working day after it, twice
    on_time = run_deadlines(20, lambda_context)
    first = run_deadlines(23, lambda_context)
    again = run_deadlines(23, lambda_context)
    # Then
    assert on_time["overdue"] == 0
    assert (first["overdue"], first["newly_overdue"]) == (2, 2)
    assert (again["overdue"], again["newly_overdue"]) == (2, 0)
    marks = {i: get_application(tables["ApplicationsTable"], i) for i in (late, reviewed, decided)}
    stored = {i: tables["ApplicationsTable"].get_item(Key={"id": i})["Item"].get("overdue_since") for i in marks}
    assert stored == {late: "2026-11-23", reviewed: "2026-11-23", decided: None}
    with time_machine.travel(dt.datetime(2026, 11, 23, 7, 5, tzinfo=JAKARTA), tick=False):
        postman.deliver()
    digests = [m for m in postman.sent() if m.to == "pengawas@satupintu.example"]
    assert len(digests) == 1
    assert late in digests[0].text and reviewed in digests[0].text and decided not in digests[0].text
    assert "Siti" not in digests[0].text  # no applicant's name


def test_a_returned_and_resubmitted_file_restarts_its_clock_and_loses_its_mark(
    citizen, tables, lambda_context, officer, api
):
    # Given: an overdue file, marked
    with time_machine.travel(SUBMITTED_AT, tick=False):
        application_id = citizen.submit(citizen.body()).body["id"]
    run_deadlines(23, lambda_context)
    # When: it is returned and submitted again on the 24th, and the job runs on the 25th
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=JAKARTA), tick=False):
        record = officer.returns(application_id, ["surat_permohonan"])
        officer.move(record.id, Status.SUBMITTED)
    result = run_deadlines(25, lambda_context)
    # Then
    assert result["overdue"] == 0
    assert "overdue_since" not in tables["ApplicationsTable"].get_item(Key={"id": application_id})["Item"]
