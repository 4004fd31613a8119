"""Each writer gives its item the end functions/shared/retention.py sets for it, and the keys an erasure finds it by."""

import datetime as dt
from typing import Any

import boto3
import time_machine

from functions.shared.applications import Status
from functions.shared.clock import JAKARTA
from functions.shared.documents import document_number
from tests.kits.issue_kit import REGION, IssueWorker, issue_job

AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA)
DAY_S = 86_400


def _table(aws: Any, logical: str) -> Any:
    return boto3.resource("dynamodb", region_name=REGION).Table(aws.refs[logical])


def test_an_upload_record_expires_a_day_after_the_upload(citizen, aws):
    with time_machine.travel(AT, tick=False):
        upload_id = citizen.upload("iptm_perpanjangan", citizen.service("iptm_perpanjangan")["requirements"][0]["id"])
    record = _table(aws, "UploadsTable").get_item(Key={"upload_id": upload_id})["Item"]
    assert record["expires_at_epoch"] == int(AT.timestamp()) + DAY_S


def test_an_issued_application_and_its_document_expire_five_years_after_the_permits_last_day(citizen, officer, aws):
    # Given a permit valid 36 months, issued on 2 Dec 2026
    worker = IssueWorker(aws, boto3.client("sqs", region_name=REGION))
    with time_machine.travel(AT, tick=False):
        receipt = citizen.submit(citizen.body("iptm_perpanjangan")).body
        submitted = _table(aws, "ApplicationsTable").get_item(Key={"id": receipt["id"]})["Item"]
        officer.move(receipt["id"], Status.IN_REVIEW, Status.APPROVED)
        worker.put(issue_job(receipt["id"]))
        worker.run()
    application = _table(aws, "ApplicationsTable").get_item(Key={"id": receipt["id"]})["Item"]
    document = _table(aws, "DocumentsTable").get_item(Key={"number": document_number(receipt["id"])})["Item"]
    # Then a submitted application has no end yet, and carries the NIK's HMAC (not the NIK) for its index
    assert "expires_at_epoch" not in submitted and len(submitted["nik_hmac"]) == 64
    assert submitted["applicant"]["nik"] not in submitted["nik_hmac"]
    # And the issued one and its document end 5 x 365 days after 2 Dec 2029 23:59:59 WIB
    last_day = dt.datetime(2029, 12, 2, 23, 59, 59, tzinfo=JAKARTA)
    assert application["status"] == "ISSUED" and document["valid_until"] == "2029-12-02"
    assert (
        application["expires_at_epoch"] == document["expires_at_epoch"] == int(last_day.timestamp()) + 5 * 365 * DAY_S
    )


def test_a_consultation_expires_a_year_after_it_is_asked_then_a_year_after_its_answer(api, aws):
    with time_machine.travel(AT, tick=False):
        asked = api.post("/api/consultations", {"name": "Siti", "email": "siti@example.id", "question": "Berapa lama?"})
    assert asked.status == 201, asked.body
    item = _table(aws, "ConsultationsTable").get_item(Key={"id": asked.body["id"]})["Item"]
    assert item["expires_at_epoch"] == int(AT.timestamp()) + 365 * DAY_S and len(item["email_hmac"]) == 64
    answered_at = AT + dt.timedelta(days=3)
    with time_machine.travel(answered_at, tick=False):
        answer = api.post(
            f"/api/officer/consultations/{asked.body['id']}/answer",
            {"answer": "Dua minggu kerja."},
            claims={"username": "petugas", "cognito:groups": "[officer]"},
        )
    assert answer.status == 200, answer.body
    item = _table(aws, "ConsultationsTable").get_item(Key={"id": asked.body["id"]})["Item"]
    assert item["expires_at_epoch"] == int(answered_at.timestamp()) + 365 * DAY_S


def test_a_booking_expires_thirty_days_after_its_visit_day(api, catalogue, aws):
    body = {
        "site_id": "kel-3171011001",
        "counter_id": "ptsp",
        "date": "2026-12-03",
        "start": "09:00",
        "nik": "3171010101900001",
        "name": "Siti",
        "email": "siti@example.id",
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }
    with time_machine.travel(AT, tick=False):
        booked = api.post("/api/bookings", body, headers={"Idempotency-Key": "retention-k-1"})
    assert booked.status == 201, booked.body
    item = _table(aws, "BookingsTable").get_item(Key={"pk": f"BOOKING#{booked.body['id']}", "sk": "BOOKING"})["Item"]
    visit_day_end = dt.datetime(2026, 12, 3, 23, 59, 59, tzinfo=JAKARTA)
    assert item["expires_at_epoch"] == int(visit_day_end.timestamp()) + 30 * DAY_S
    assert len(item["nik_hmac"]) == 64
