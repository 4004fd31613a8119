"""Erasing one person's data on request (POST /api/officer/erasures): gone from every table and bucket, facts kept."""

import datetime as dt
import json
from typing import Any

import boto3
import pytest
import time_machine

from functions.shared.applications import Status
from functions.shared.clock import JAKARTA
from functions.shared.documents import document_number
from tests.kits.issue_kit import REGION, IssueWorker, issue_job
from tests.kits.submit_kit import VALID_NIK

ADMIN = {"username": "admin-dki", "cognito:groups": "[officer admin]"}
OFFICER = {"username": "petugas", "cognito:groups": "[officer]"}
# Wednesday 2 December 2026, 10:00 WIB
AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA)
OTHER_NIK = "3171010101900002"
NAME, EMAIL, PHONE = "Siti Rahayu", "siti.rahayu@example.id", "+62 812-3456-7890"
QUESTION = "Apakah izin saya perlu diperpanjang tahun depan, Bu?"


def _visit(nik: str, email: str, start: str) -> dict[str, Any]:
    return {
        "site_id": "kel-3171011001",
        "counter_id": "ptsp",
        "date": "2026-12-03",
        "start": start,
        "nik": nik,
        "name": NAME if nik == VALID_NIK else "Budi Santoso",
        "email": email,
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }


def _draft(nik: str, name: str, email: str, phone: str) -> dict[str, Any]:
    return {
        "service_id": "sktm",
        "applicant": {"nik": nik, "name": name, "email": email, "phone": phone},
        "fields": {"keperluan": "Beasiswa sekolah"},
        "channel": "dropbox",
    }


def _everything(aws: Any) -> dict[str, Any]:
    """Every item of every table and every object version of every bucket, as text to search."""
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    out: dict[str, Any] = {}
    for logical, name in aws.refs.items():
        if logical.endswith("Table"):
            table = dynamodb.Table(name)
            out[logical] = sorted(json.dumps(i, default=str, sort_keys=True) for i in table.scan()["Items"])
        if logical.endswith("Bucket") and logical != "SiteBucket":
            listing = s3.list_object_versions(Bucket=name)
            out[logical] = sorted(v["Key"] for v in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])])
    return out


def _erase(api: Any, nik: str = VALID_NIK, claims: dict[str, str] = ADMIN) -> Any:
    body = {"nik": nik, "reason": "Permintaan tertulis no. 12/PDP/2026"}
    return api.post("/api/officer/erasures", body, claims=claims)


@pytest.fixture
def person(citizen: Any, officer: Any, api: Any, aws: Any) -> dict[str, Any]:
    """Siti: an issued application (with uploads and a PDF), a booking and a consultation; and Budi's own booking."""
    worker = IssueWorker(aws, boto3.client("sqs", region_name=REGION))
    with time_machine.travel(AT, tick=False):
        receipt = citizen.submit(citizen.body("iptm_perpanjangan")).body
        officer.move(receipt["id"], Status.IN_REVIEW, Status.APPROVED, note="Lengkap / complete")
        worker.put(issue_job(receipt["id"]))
        worker.run()
        booked = api.post("/api/bookings", _visit(VALID_NIK, EMAIL, "09:00"), headers={"Idempotency-Key": "erase-k-1"})
        others = api.post(
            "/api/bookings", _visit(OTHER_NIK, "budi@example.id", "09:00"), headers={"Idempotency-Key": "erase-k-2"}
        )
        asked = api.post("/api/consultations", {"name": NAME, "email": EMAIL, "question": QUESTION})
        # A paper application's draft, the NIK typed with spaces, and Budi's own
        drafted = api.post("/api/drafts", _draft("3171 0101 0190 0001", NAME, EMAIL, PHONE))
        other_draft = api.post("/api/drafts", _draft(OTHER_NIK, "Budi Santoso", "budi@example.id", "0813 0000 0000"))
    assert booked.status == 201 and others.status == 201 and asked.status == 201, (booked.body, asked.body)
    assert drafted.status == 201 and other_draft.status == 201, (drafted.body, other_draft.body)
    return {
        "application_id": receipt["id"],
        "booking_id": booked.body["id"],
        "other_booking_id": others.body["id"],
        "consultation_id": asked.body["id"],
        "draft": drafted.body["reference"],
        "other_draft": other_draft.body["reference"],
    }


def test_only_an_admin_erases(person, api):
    # When an officer who is not an admin asks, and someone without a token
    with time_machine.travel(AT + dt.timedelta(hours=1), tick=False):
        as_officer = _erase(api, claims=OFFICER)
        anonymous = api.post("/api/officer/erasures", {"nik": VALID_NIK, "reason": "Permintaan tertulis"})
    # Then neither is allowed
    assert as_officer.status == 403 and anonymous.status == 401


def test_a_nik_that_is_not_16_digits_is_refused_without_being_echoed(api, aws):
    # When
    answer = _erase(api, nik="3171-0101-0190-0001")
    # Then
    assert answer.status == 422
    assert "3171" not in json.dumps(answer.body)


def test_erasure_removes_the_person_from_every_table_and_bucket_and_keeps_the_facts(person, api, aws):
    # Given
    stats_before = _everything(aws)["StatsTable"]
    with time_machine.travel(AT + dt.timedelta(hours=1), tick=False):
        # When
        answer = _erase(api)
        # Then the answer says what was erased
        assert answer.status == 200, answer.body
        counts = answer.body["counts"]
        assert counts["applications"] == 1 and counts["documents_revoked"] == 1 and counts["documents_erased"] == 1
        assert counts["uploads_deleted"] >= 1 and counts["document_files_deleted"] >= 1
        assert counts["bookings"] == 1 and counts["bookings_cancelled"] == 1 and counts["consultations"] == 1
        assert counts["drafts"] == 1
        assert answer.body["application_ids"] == [person["application_id"]]
        assert answer.body["booking_ids"] == [person["booking_id"]]
        assert answer.body["consultation_ids"] == [person["consultation_id"]]
        verified = api.get(f"/api/documents/{document_number(person['application_id'])}/verify").body
        # and an officer still opens the file: its facts, without the person
        opened = api.get(f"/api/officer/applications/{person['application_id']}", claims=OFFICER)
    assert opened.status == 200, opened.body
    assert [h["status"] for h in opened.body["history"]][-1] == "ISSUED"
    everything = _everything(aws)
    text = json.dumps(everything)

    # The person is nowhere: not the NIK, name, address, phone, question, nor any file of theirs
    for personal in (VALID_NIK, NAME, EMAIL, PHONE, QUESTION):
        assert personal not in text, personal
    assert not [k for k in everything["UploadsBucket"] if k.startswith(f"applications/{person['application_id']}/")]
    assert not [k for k in everything["DocumentsBucket"] if document_number(person["application_id"]) in k]
    assert not [
        i
        for i in everything["ApplicationsTable"] + everything["BookingsTable"]
        if '"nik_hmac"' in i and (person["application_id"] in i or person["booking_id"] in i)
    ]
    # The public statistics are untouched
    assert everything["StatsTable"] == stats_before
    # The audit trail keeps its facts: every status, who moved it, when and why
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    application = dynamodb.Table(aws.refs["ApplicationsTable"]).get_item(Key={"id": person["application_id"]})["Item"]
    assert [h["status"] for h in application["history"]] == ["SUBMITTED", "IN_REVIEW", "APPROVED", "ISSUED"]
    assert application["history"][2]["note"] == "Lengkap / complete" and application["status"] == "ISSUED"
    assert application["erased"]["erasure_id"] == answer.body["erasure_id"]
    # The permit is revoked because its holder was erased, and verification names nobody
    assert verified["status"] == "revoked" and verified["reason"] == "erased" and verified["holder_name"] == ""
    # The booking is cancelled, its place given back; the other person's booking is untouched
    bookings = dynamodb.Table(aws.refs["BookingsTable"])
    booking = bookings.get_item(Key={"pk": f"BOOKING#{person['booking_id']}", "sk": "BOOKING"})["Item"]
    assert booking["status"] == "CANCELLED" and "email" not in booking and "health" not in booking
    # Her draft is gone; Budi's is kept
    drafts = dynamodb.Table(aws.refs["DraftsTable"])
    assert "Item" not in drafts.get_item(Key={"reference": person["draft"]})
    assert drafts.get_item(Key={"reference": person["other_draft"]})["Item"]["applicant"]["nik"] == OTHER_NIK
    other = bookings.get_item(Key={"pk": f"BOOKING#{person['other_booking_id']}", "sk": "BOOKING"})["Item"]
    assert other["email"] == "budi@example.id" and other["nik_hmac"] and other["status"] == "BOOKED"
    slot = bookings.get_item(Key={"pk": "SLOT#kel-3171011001#2026-12-03", "sk": "ptsp#09:00"})["Item"]
    assert slot["booked"] == 1
    # The erasure is recorded, with no personal data (checked above with every table)
    (record,) = dynamodb.Table(aws.refs["ErasuresTable"]).scan()["Items"]
    assert record["by"] == "officer:admin-dki" and record["counts"]["applications"] == 1


def test_a_second_erasure_of_the_same_person_changes_nothing(person, api, aws):
    # Given the person was erased once
    with time_machine.travel(AT + dt.timedelta(hours=1), tick=False):
        assert _erase(api).status == 200
    before = _everything(aws)
    # When the same request comes again
    with time_machine.travel(AT + dt.timedelta(hours=2), tick=False):
        again = _erase(api)
    # Then nothing is erased, nothing changes but the record of the request
    assert again.status == 200
    assert set(again.body["counts"].values()) == {0}
    after = _everything(aws)
    assert len(after.pop("ErasuresTable")) == len(before.pop("ErasuresTable")) + 1
    assert after == before


def test_an_application_its_ttl_removed_loses_its_uploads_and_permit_files(person, aws):
    # Given DynamoDB's TTL removed the issued application: its stream hands the old image to the issue function
    from boto3.dynamodb.types import TypeSerializer

    from functions.issue import app

    applications = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["ApplicationsTable"])
    old = applications.get_item(Key={"id": person["application_id"]})["Item"]
    applications.delete_item(Key={"id": person["application_id"]})
    serializer = TypeSerializer()
    record = {
        "eventSource": "aws:dynamodb",
        "eventName": "REMOVE",
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        "dynamodb": {"SequenceNumber": "1", "OldImage": {k: serializer.serialize(v) for k, v in old.items()}},
    }
    assert _everything(aws)["UploadsBucket"] and _everything(aws)["DocumentsBucket"]
    # When
    answer = app.expired_applications({"Records": [record]})
    # Then
    assert answer == {"batchItemFailures": []}
    everything = _everything(aws)
    assert not [k for k in everything["UploadsBucket"] if k.startswith(f"applications/{person['application_id']}/")]
    assert not [k for k in everything["DocumentsBucket"] if document_number(person["application_id"]) in k]


def test_items_written_before_the_indexes_are_found_once_backfilled(person, api, aws):
    # Given items from before the person indexes: no HMAC on them
    from functions.shared import erasure

    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    applications, bookings = dynamodb.Table(aws.refs["ApplicationsTable"]), dynamodb.Table(aws.refs["BookingsTable"])
    consultations = dynamodb.Table(aws.refs["ConsultationsTable"])
    applications.update_item(Key={"id": person["application_id"]}, UpdateExpression="REMOVE nik_hmac")
    # (a booking then kept the NIK itself; it keeps only the HMAC now)
    bookings.update_item(
        Key={"pk": f"BOOKING#{person['booking_id']}", "sk": "BOOKING"},
        UpdateExpression="SET nik = :nik REMOVE nik_hmac",
        ExpressionAttributeValues={":nik": VALID_NIK},
    )
    consultations.update_item(Key={"id": person["consultation_id"]}, UpdateExpression="REMOVE email_hmac")
    drafts = dynamodb.Table(aws.refs["DraftsTable"])
    drafts.update_item(Key={"reference": person["draft"]}, UpdateExpression="REMOVE nik_hmac")
    with time_machine.travel(AT + dt.timedelta(hours=1), tick=False):
        assert set(_erase(api).body["counts"].values()) == {0}
        # When the operator backfills the indexes
        given = erasure.backfill_person_index(erasure.Stores.from_settings())
        # Then the erasure finds them all
        assert given == {"applications": 1, "bookings": 1, "consultations": 1, "drafts": 1}
        counts = _erase(api).body["counts"]
    assert counts["applications"] == counts["bookings"] == counts["consultations"] == counts["drafts"] == 1


def test_an_erased_application_in_process_can_no_longer_be_decided_nor_issued(citizen, officer, api, aws):
    # Given one application in review and one approved, whose issue job is still queued, of the same person
    worker = IssueWorker(aws, boto3.client("sqs", region_name=REGION))
    with time_machine.travel(AT, tick=False):
        in_review = citizen.submit(citizen.body("iptm_perpanjangan")).body["id"]
        officer.move(in_review, Status.IN_REVIEW)
        approved = citizen.submit(citizen.body("iptm_perpanjangan")).body["id"]
        officer.move(approved, Status.IN_REVIEW, Status.APPROVED)
        worker.put(issue_job(approved))
    # When the person is erased
    with time_machine.travel(AT + dt.timedelta(hours=1), tick=False):
        assert _erase(api).body["counts"]["applications"] == 2
        decision = api.post(
            f"/api/officer/applications/{in_review}/decision",
            {"action": "reject", "reason": "Tidak lengkap"},
            claims=ADMIN,
        )
        worker.run()
    # Then the decision is refused by name, and the job is done with nothing issued (not dead-lettered)
    assert decision.status == 409 and decision.body["error"]["code"] == "application_erased"
    documents = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["DocumentsTable"])
    assert "Item" not in documents.get_item(Key={"number": document_number(approved)})
    assert worker.in_queue() == 0 and worker.in_queue("IssueJobsDLQ") == 0
