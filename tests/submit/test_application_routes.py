"""Handler tests of POST /api/applications on moto: complete or refused, once per key, nothing secret kept."""

import re

import pytest

from functions.shared.access_tokens import hash_access_token
from tests.kits.submit_kit import OLD_DISTRICT_NIK, ONE_DOCUMENT_SERVICE, VALID_NIK

TRACKING_NUMBER = re.compile(r"^SP-\d{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$")


def test_a_complete_submission_is_stored_as_submitted_with_its_documents(citizen, tables, s3, aws):
    # Given
    body = citizen.body("sktm")
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 201, response.body
    receipt = response.body
    assert TRACKING_NUMBER.match(receipt["id"])
    assert receipt["status"] == "SUBMITTED" and receipt["warnings"] == []
    assert len(receipt["access_token"]) >= 43  # 256 bits, base64url
    stored = tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]
    assert stored["status"] == "SUBMITTED" and stored["channel"] == "online"
    assert [h["status"] for h in stored["history"]] == ["SUBMITTED"]
    assert stored["history"][0]["actor"] == "applicant" and stored["history"][0]["at"] == receipt["submitted_at"]
    assert {d["requirement_id"] for d in stored["documents"]} == {d["requirement_id"] for d in body["documents"]}
    bucket = aws.refs["UploadsBucket"]
    for document in stored["documents"]:
        assert document["key"] == f"applications/{receipt['id']}/{document['upload_id']}"
        assert document["content_type"] == "application/pdf"
        stored_object = s3.get_object(Bucket=bucket, Key=document["key"])
        content = stored_object["Body"].read()
        assert int(document["size"]) == len(content)
        import hashlib

        assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert s3.list_objects_v2(Bucket=bucket, Prefix="incoming/").get("KeyCount", 0) == 0


def test_the_access_token_is_kept_only_as_its_hash_not_even_in_the_idempotency_record(citizen, tables):
    # Given
    body = citizen.body()
    # When
    receipt = citizen.submit(body).body
    # Then
    token = receipt["access_token"]
    stored = tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]
    assert stored["access_token_hash"] == hash_access_token(token)
    everything = [str(item) for name, table in tables.items() for item in table.scan()["Items"]]
    assert not any(token in text for text in everything)
    assert any(receipt["id"] in text for text in (str(i) for i in tables["IdempotencyTable"].scan()["Items"]))


def test_an_invalid_nik_is_refused_naming_applicant_nik_in_both_languages(citizen, tables):
    # Given
    body = citizen.body()
    body["applicant"]["nik"] = "3171010101900000"  # serial 0000
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    details = response.body["error"]["details"]
    assert [d["field"] for d in details] == ["applicant.nik"]
    assert details[0]["code"] == "nik_serial"
    assert "0000" in details[0]["message"] and "0000" in details[0]["message_en"]
    assert "3171010101900000" not in str(response.body)
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_a_nik_that_is_too_short_is_refused_with_the_length_message(citizen):
    # Given
    body = citizen.body()
    body["applicant"]["nik"] = "31710101"
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    assert [(d["field"], d["code"]) for d in response.body["error"]["details"]] == [("applicant.nik", "nik_length")]


def test_a_nik_warning_is_returned_but_does_not_block(citizen):
    # Given
    body = citizen.body()
    body["applicant"]["nik"] = OLD_DISTRICT_NIK
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 201
    assert [(w["field"], w["code"]) for w in response.body["warnings"]] == [("applicant.nik", "nik_district")]
    assert response.body["warnings"][0]["message"] and response.body["warnings"][0]["message_en"]


def test_missing_and_malformed_form_fields_are_each_named(citizen):
    # Given: sktm needs purpose (text), rt_rw (text, at most 7) and household_members (number)
    body = citizen.body("sktm")
    del body["fields"]["purpose"]
    body["fields"]["rt_rw"] = "001/002/003"
    body["fields"]["household_members"] = "empat"
    body["fields"]["favourite_colour"] = "blue"
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    named = {(d["field"], d["code"]) for d in response.body["error"]["details"]}
    assert named == {
        ("fields.purpose", "missing"),
        ("fields.rt_rw", "too_long"),
        ("fields.household_members", "not_a_number"),
        ("fields.favourite_colour", "unknown_field"),
    }


def test_a_submission_without_every_required_document_lists_each_missing_one(citizen, tables):
    # Given: sktm has five required documents; two are left out
    body = citizen.body("sktm", documents=citizen.documents_for("sktm", skip=("fc_kk", "foto_rumah")))
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    error = response.body["error"]
    assert error["code"] == "missing_requirements"
    assert [m["requirement_id"] for m in error["details"]] == ["fc_kk", "foto_rumah"]
    assert all(m["label_id"] and m["label_en"] for m in error["details"])
    assert error["message"] and error["message_en"]
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_an_unknown_service_or_requirement_is_named(citizen):
    # Given
    body = citizen.body()
    unknown_service = {**body, "service_id": "no_such_service"}
    unknown_requirement = {**body, "documents": [*body["documents"], {**body["documents"][0], "requirement_id": "x"}]}
    # When
    first = citizen.submit(unknown_service)
    second = citizen.submit(unknown_requirement)
    # Then
    assert (first.status, first.body["error"]["details"][0]["field"]) == (422, "service_id")
    assert second.status == 422
    assert [d["field"] for d in second.body["error"]["details"]] == ["documents[1].requirement_id"]


def test_a_malformed_body_is_a_422_naming_the_fields_never_a_500(citizen):
    # Given
    body = citizen.body()
    body["applicant"]["email"] = "not-an-address"
    body["locale"] = "fr"
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    assert {d["field"] for d in response.body["error"]["details"]} == {"applicant.email", "locale"}


def test_without_an_idempotency_key_the_submission_is_a_400(citizen, tables):
    # Given
    body = citizen.body()
    # When
    response = citizen.submit(body, key=None)
    # Then
    assert response.status == 400
    assert response.body["error"]["code"] == "idempotency_key_required"
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_the_same_key_and_body_twice_make_one_application_and_the_same_answer(citizen, tables):
    # Given
    body = citizen.body()
    # When
    first = citizen.submit(body, key="key-0001-satu-pintu")
    second = citizen.submit(body, key="key-0001-satu-pintu")
    # Then
    assert first.status == second.status == 201
    assert first.body == second.body
    assert tables["ApplicationsTable"].scan()["Count"] == 1


def test_the_same_key_with_another_body_is_refused_as_reused(citizen, tables):
    # Given
    body = citizen.body()
    citizen.submit(body, key="key-0002-satu-pintu")
    changed = {**body, "applicant": {**body["applicant"], "name": "Budi Santoso"}}
    # When
    response = citizen.submit(changed, key="key-0002-satu-pintu")
    # Then
    assert response.status == 422
    assert response.body["error"]["code"] == "idempotency_key_reused"
    assert tables["ApplicationsTable"].scan()["Count"] == 1


def test_a_refused_submission_can_be_fixed_and_sent_again_with_the_same_key(citizen):
    # Given
    body = citizen.body()
    wrong = {**body, "applicant": {**body["applicant"], "nik": "123"}}
    assert citizen.submit(wrong, key="key-0003-satu-pintu").status == 422
    # When
    response = citizen.submit(body, key="key-0003-satu-pintu")
    # Then
    assert response.status == 201


def test_submitting_queues_one_acknowledgement_in_the_applicants_language_without_the_nik(citizen, queued):
    # Given
    body = citizen.body(locale="en")
    # When
    receipt = citizen.submit(body).body
    # Then
    messages = queued()
    assert len(messages) == 1
    message = messages[0]
    assert message["event"] == "application.submitted"
    assert message["notification_id"] == f"application.submitted:{receipt['id']}:0"
    assert message["to"] == body["applicant"]["email"] and message["locale"] == "en"
    # the link's token is not in it: the notify function derives it when it sends
    assert message["link_access"] == "application" and "link_token" not in message
    assert receipt["access_token"] not in str(message)
    assert "name" not in message["facts"]
    assert message["facts"]["application_id"] == receipt["id"]
    assert VALID_NIK not in str(message)


def test_submitting_counts_the_application_in_the_statistics(citizen, api):
    # Given
    before = api.get("/api/stats").body
    # When
    citizen.submit(citizen.body())
    # Then
    after = api.get("/api/stats").body
    assert after["totals"]["submitted"] == before["totals"]["submitted"] + 1
    assert after["totals"]["new"] == before["totals"]["new"] + 1
    assert after["by_day"][-1]["submitted"] == before["by_day"][-1]["submitted"] + 1
    services = {s["service_id"]: s for s in after["by_service"]}
    assert services[ONE_DOCUMENT_SERVICE]["submitted"] == 1


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_receipt_never_contains_the_nik(citizen, locale):
    # When
    response = citizen.submit(citizen.body(locale=locale))
    # Then
    assert response.status == 201
    assert VALID_NIK not in str(response.body) and VALID_NIK not in str(response.headers)


def test_odd_input_is_a_422_never_a_500(citizen):
    # Given: a number no form needs, a field name that is not one, text that is not valid Unicode
    body = citizen.body("sktm")
    huge = {**body, "fields": {**body["fields"], "household_members": 10**400}}
    odd_name = {**body, "fields": {**body["fields"], "Robert'); DROP TABLE": "x"}}
    surrogate = {**body, "applicant": {**body["applicant"], "name": "Siti \ud800"}}
    # When
    answers = [citizen.submit(b) for b in (huge, odd_name, surrogate)]
    # Then
    assert [a.status for a in answers] == [422, 422, 422]
    assert [d["field"] for d in answers[0].body["error"]["details"]] == ["fields.household_members"]


def test_a_tracking_number_that_is_taken_is_drawn_again(citizen, tables, s3, aws, monkeypatch):
    # Given: the first number drawn belongs to an earlier application
    taken = citizen.submit(citizen.body()).body["id"]
    from functions.submit import submission

    draws = iter([taken, "SP-2611-NEW000"])
    monkeypatch.setattr(submission, "new_tracking_number", lambda at: next(draws))
    # When
    response = citizen.submit(citizen.body())
    # Then
    assert response.status == 201 and response.body["id"] == "SP-2611-NEW000"
    assert tables["ApplicationsTable"].scan()["Count"] == 2
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=aws.refs["UploadsBucket"])["Contents"]]
    assert len([k for k in keys if k.startswith(f"applications/{taken}/")]) == 1
    assert len([k for k in keys if k.startswith("applications/SP-2611-NEW000/")]) == 1


def test_a_queue_that_fails_does_not_undo_a_stored_application_and_leaves_its_email_in_the_outbox(
    citizen, tables, queued, monkeypatch
):
    # Given
    from functions.shared import notifications

    def broken(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(notifications, "enqueue", broken)
    # When
    response = citizen.submit(citizen.body())
    # Then
    assert response.status == 201
    application_id = response.body["id"]
    assert tables["ApplicationsTable"].get_item(Key={"id": application_id})["Item"]["status"] == "SUBMITTED"
    (left,) = tables["NotificationOutboxTable"].scan()["Items"]
    assert left["notification_id"] == f"application.submitted:{application_id}:0"
    assert queued() == []


def test_a_submission_whose_email_is_queued_leaves_nothing_in_the_outbox(citizen, tables, queued):
    # When
    receipt = citizen.submit(citizen.body()).body
    # Then
    assert [m["notification_id"] for m in queued()] == [f"application.submitted:{receipt['id']}:0"]
    assert tables["NotificationOutboxTable"].scan()["Count"] == 0


def test_every_problem_of_a_submission_is_named_in_one_answer(citizen, tables):
    # Given a submission with a bad NIK, a bad field, a missing document, a refused file and no declaration
    from tests.kits.submit_kit import image_bytes

    service = citizen.service("sktm")
    first, *rest = [r for r in service["requirements"] if r["required"]]
    fake_pdf = citizen.upload("sktm", first["id"], image_bytes("PNG"), content_type="application/pdf")
    documents = [{"requirement_id": first["id"], "upload_id": fake_pdf}]
    documents += [{"requirement_id": r["id"], "upload_id": citizen.upload("sktm", r["id"])} for r in rest[1:]]
    body = citizen.body("sktm", documents=documents, declaration=False)
    body["applicant"]["nik"] = "3171010101900000"
    body["fields"]["household_members"] = "empat"
    # When
    response = citizen.submit(body)
    # Then all five are in the one 422, each {field, code, message, message_en}
    assert response.status == 422
    error = response.body["error"]
    assert error["code"] == "validation_error"
    named = {(d["field"], d["code"]) for d in error["details"]}
    assert named == {
        ("applicant.nik", "nik_serial"),
        ("fields.household_members", "not_a_number"),
        ("documents", "missing_requirement"),
        ("documents[0].upload_id", "upload_type_mismatch"),
        ("declaration", "declaration_required"),
    }
    assert all(d["message"] and d["message_en"] for d in error["details"])
    missing = next(d for d in error["details"] if d["code"] == "missing_requirement")
    assert missing["requirement_id"] == rest[0]["id"]
    assert tables["ApplicationsTable"].scan()["Count"] == 0


@pytest.mark.parametrize("declaration", [False, None])
def test_a_submission_without_the_declaration_is_refused_naming_it(citizen, tables, declaration):
    # Given an otherwise complete submission whose applicant did not declare it true
    body = citizen.body()
    if declaration is None:
        del body["declaration"]
    else:
        body["declaration"] = declaration
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    [detail] = response.body["error"]["details"]
    assert (detail["field"], detail["code"]) == ("declaration", "declaration_required")
    assert "benar" in detail["message"] and "true" in detail["message_en"]
    assert tables["ApplicationsTable"].scan()["Count"] == 0
