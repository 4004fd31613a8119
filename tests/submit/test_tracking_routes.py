"""Handler tests of following an application and completing a returned one (moto)."""

import boto3

from functions.shared.applications import Status
from tests.kits.submit_kit import ONE_DOCUMENT_SERVICE, REGION, VALID_NIK, image_bytes


def _submitted(citizen, service_id=ONE_DOCUMENT_SERVICE, **overrides):
    response = citizen.submit(citizen.body(service_id, **overrides))
    assert response.status == 201, response.body
    return response.body


def test_the_token_holder_sees_status_and_history_without_actors_or_personal_data(citizen):
    # Given
    receipt = _submitted(citizen)
    # When
    response = citizen.track(receipt["id"], receipt["access_token"])
    # Then
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    view = response.body
    assert (view["id"], view["service_id"], view["status"]) == (receipt["id"], ONE_DOCUMENT_SERVICE, "SUBMITTED")
    assert view["history"] == [{"status": "SUBMITTED", "at": receipt["submitted_at"], "note": None}]
    assert view["missing_requirements"] == [] and view["document"] is None
    text = str(view)
    assert VALID_NIK not in text and VALID_NIK[-4:] not in text
    assert "siti.rahayu" not in text and "applicant" not in text


def test_a_wrong_token_and_an_unknown_number_get_the_same_404(citizen):
    # Given
    receipt = _submitted(citizen)
    other = _submitted(citizen)
    # When
    wrong_token = citizen.track(receipt["id"], other["access_token"])
    unknown_id = citizen.track("SP-2611-ZZZZZZ", receipt["access_token"])
    malformed_id = citizen.track("not-a-number", receipt["access_token"])
    # Then
    assert wrong_token.status == unknown_id.status == malformed_id.status == 404
    assert wrong_token.body == unknown_id.body == malformed_id.body
    assert wrong_token.body["error"]["code"] == "application_not_found"


def test_without_a_token_the_answer_is_401(citizen):
    # Given
    receipt = _submitted(citizen)
    # When
    response = citizen.track(receipt["id"], None)
    basic = citizen.api.get(f"/api/applications/{receipt['id']}", headers={"Authorization": "Basic abc"})
    # Then
    assert response.status == basic.status == 401


def test_a_number_typed_in_lower_case_is_found(citizen):
    # Given
    receipt = _submitted(citizen)
    # When
    response = citizen.track(receipt["id"].lower(), receipt["access_token"])
    # Then
    assert response.status == 200 and response.body["id"] == receipt["id"]


def test_the_issued_document_is_shown_with_a_short_lived_download_link(citizen, aws, tables):
    # Given
    receipt = _submitted(citizen)
    bucket = aws.refs["DocumentsBucket"]
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key="documents/DOC-1.pdf", Body=b"%PDF-1.7")
    tables["DocumentsTable"].put_item(
        Item={
            "number": "503/IPTB/2026/000123",
            "application_id": receipt["id"],
            "status": "valid",
            "issued_at": "2026-11-26T10:00:00+07:00",
            "valid_until": "2031-11-26",
            "pdf_key": "documents/DOC-1.pdf",
        }
    )
    # When
    document = citizen.track(receipt["id"], receipt["access_token"]).body["document"]
    # Then
    assert document["number"] == "503/IPTB/2026/000123"
    assert (document["status"], document["valid_until"]) == ("valid", "2031-11-26")
    assert "documents/DOC-1.pdf" in document["download_url"] and "Expires=" in document["download_url"]


def test_a_returned_application_shows_what_is_missing(citizen, officer):
    # Given
    receipt = _submitted(citizen, "sktm")
    officer.returns(receipt["id"], ["fc_kk"], note="Fotokopi KK tidak terbaca")
    # When
    view = citizen.track(receipt["id"], receipt["access_token"]).body
    # Then
    assert view["status"] == "RETURNED"
    assert [h["status"] for h in view["history"]] == ["SUBMITTED", "IN_REVIEW", "RETURNED"]
    assert view["history"][-1]["note"] == "Fotokopi KK tidak terbaca"
    assert view["missing_requirements"] == [
        {"requirement_id": "fc_kk", "label_id": "Fotokopi Kartu Keluarga", "label_en": "Copy of family card"}
    ]


def test_a_returned_application_goes_back_to_submitted_with_its_number_and_history(
    citizen, officer, tables, api, queued
):
    # Given
    receipt = _submitted(citizen, "sktm")
    queued()  # the first acknowledgement
    officer.returns(receipt["id"], ["fc_kk"])
    stats_before = api.get("/api/stats").body["totals"]
    new_kk = citizen.upload("sktm", "fc_kk", image_bytes("JPEG"), content_type="image/jpeg")
    # When
    response = citizen.api.post(
        f"/api/applications/{receipt['id']}/documents",
        {"documents": [{"requirement_id": "fc_kk", "upload_id": new_kk}]},
        headers={"Authorization": f"Bearer {receipt['access_token']}"},
    )
    # Then
    assert response.status == 200, response.body
    assert (response.body["id"], response.body["status"]) == (receipt["id"], "SUBMITTED")
    assert [h["status"] for h in response.body["history"]] == ["SUBMITTED", "IN_REVIEW", "RETURNED", "SUBMITTED"]
    assert response.body["missing_requirements"] == []
    stored = tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]
    kk = [d for d in stored["documents"] if d["requirement_id"] == "fc_kk"]
    assert [(d["upload_id"], d["content_type"]) for d in kk] == [(new_kk, "image/jpeg")]
    assert [d["requirement_id"] for d in stored["superseded_documents"]] == ["fc_kk"]
    assert len(stored["documents"]) == 5
    stats_after = api.get("/api/stats").body["totals"]
    assert stats_after["submitted"] == stats_before["submitted"]
    assert (stats_after["returned"], stats_after["new"]) == (stats_before["returned"] - 1, stats_before["new"] + 1)
    messages = queued()
    assert [m["notification_id"] for m in messages] == [f"application.submitted:{receipt['id']}:3"]
    assert tables["NotificationOutboxTable"].scan()["Count"] == 0


def test_a_completed_application_whose_queue_fails_keeps_its_email_in_the_outbox_for_the_relay(
    citizen, officer, tables, queued, monkeypatch
):
    # Given a returned application, and a queue that fails from now on
    import datetime as dt

    from functions.shared import notifications

    receipt = _submitted(citizen, "sktm")
    queued()  # the first acknowledgement
    officer.returns(receipt["id"], ["fc_kk"])
    new_kk = citizen.upload("sktm", "fc_kk", image_bytes("JPEG"), content_type="image/jpeg")
    working = notifications.enqueue

    def broken(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(notifications, "enqueue", broken)
    # When
    response = citizen.api.post(
        f"/api/applications/{receipt['id']}/documents",
        {"documents": [{"requirement_id": "fc_kk", "upload_id": new_kk}]},
        headers={"Authorization": f"Bearer {receipt['access_token']}"},
    )
    # Then the change stands, its e-mail waits in the outbox, and the relay queues it once the queue works
    assert response.status == 200 and response.body["status"] == "SUBMITTED"
    (left,) = tables["NotificationOutboxTable"].scan()["Items"]
    assert left["notification_id"] == f"application.submitted:{receipt['id']}:3"
    assert queued() == []
    monkeypatch.setattr(notifications, "enqueue", working)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    assert notifications.relay_outbox(tables["NotificationOutboxTable"], later) == 1
    assert [m["notification_id"] for m in queued()] == [f"application.submitted:{receipt['id']}:3"]


def test_a_returned_application_without_what_was_asked_for_stays_returned(citizen, officer, tables):
    # Given: the officer asked for the family card; the citizen sends only a new house photo
    receipt = _submitted(citizen, "sktm")
    officer.returns(receipt["id"], ["fc_kk"])
    photo = citizen.upload("sktm", "foto_rumah", image_bytes("PNG"), content_type="image/png")
    # When
    response = citizen.api.post(
        f"/api/applications/{receipt['id']}/documents",
        {"documents": [{"requirement_id": "foto_rumah", "upload_id": photo}]},
        headers={"Authorization": f"Bearer {receipt['access_token']}"},
    )
    # Then
    assert response.status == 422
    assert response.body["error"]["code"] == "missing_requirements"
    assert [m["requirement_id"] for m in response.body["error"]["details"]] == ["fc_kk"]
    assert tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]["status"] == "RETURNED"
    assert tables["UploadsTable"].get_item(Key={"upload_id": photo})["Item"]["status"] == "pending"


def test_new_documents_for_a_returned_application_pass_the_same_checks(citizen, officer, tables):
    # Given
    receipt = _submitted(citizen)
    officer.returns(receipt["id"], ["fc_iptb"])
    fake_pdf = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", image_bytes("PNG"), content_type="application/pdf")
    # When
    response = citizen.api.post(
        f"/api/applications/{receipt['id']}/documents",
        {"documents": [{"requirement_id": "fc_iptb", "upload_id": fake_pdf}]},
        headers={"Authorization": f"Bearer {receipt['access_token']}"},
    )
    # Then
    assert response.status == 422
    assert response.body["error"]["code"] == "upload_type_mismatch"
    assert tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]["status"] == "RETURNED"


def test_only_a_returned_application_takes_new_documents(citizen, officer):
    # Given
    receipt = _submitted(citizen)
    officer.move(receipt["id"], Status.IN_REVIEW)
    upload = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb")
    # When
    response = citizen.api.post(
        f"/api/applications/{receipt['id']}/documents",
        {"documents": [{"requirement_id": "fc_iptb", "upload_id": upload}]},
        headers={"Authorization": f"Bearer {receipt['access_token']}"},
    )
    # Then
    assert response.status == 409
    assert response.body["error"]["code"] == "not_returned"


def test_completing_someone_elses_application_is_the_same_404(citizen, officer):
    # Given
    mine = _submitted(citizen)
    theirs = _submitted(citizen)
    officer.returns(theirs["id"], ["fc_iptb"])
    upload = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb")
    # When
    response = citizen.api.post(
        f"/api/applications/{theirs['id']}/documents",
        {"documents": [{"requirement_id": "fc_iptb", "upload_id": upload}]},
        headers={"Authorization": f"Bearer {mine['access_token']}"},
    )
    # Then
    assert response.status == 404
    assert response.body["error"]["code"] == "application_not_found"
