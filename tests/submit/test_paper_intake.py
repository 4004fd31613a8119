"""Drop-box and courier intake: an officer keys a paper application in; it joins the same workflow as online."""

import uuid

from functions.shared.catalogue import DELIVERY_RECEIPT
from tests.kits.submit_kit import VALID_NIK

OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer"]}
CITIZEN_WITH_A_TOKEN = {"username": "someone", "cognito:groups": ["citizen"]}


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _draft(api, channel: str = "dropbox") -> str:
    body = {
        "service_id": "iptb_legalisasi",
        "applicant": {"nik": VALID_NIK, "name": "Siti Rahayu", "email": "siti@example.id", "phone": "0812 3456 7890"},
        "locale": "id",
        "channel": channel,
    }
    response = api.post("/api/drafts", body)
    assert response.status == 201, response.body
    return response.body["reference"]


def _intake(api, body: dict, claims: dict | None = OFFICER, headers: dict | None = None):
    return api.post("/api/officer/applications", body, claims=claims, headers=headers or _key())


def test_a_drop_box_file_with_its_cover_sheet_enters_as_submitted_with_its_channel_and_officer(
    api, citizen, tables, queued
):
    # Given a cover sheet the citizen printed, and the envelope's documents scanned and uploaded
    reference = _draft(api)
    body = {**citizen.body(), "channel": "dropbox", "cover_sheet_ref": reference}
    # When the officer keys it in
    response = _intake(api, body)
    # Then
    assert response.status == 201, response.body
    receipt = response.body
    assert receipt["status"] == "SUBMITTED" and receipt["channel"] == "dropbox"
    assert receipt["cover_sheet_ref"] == reference and "access_token" not in receipt
    stored = tables["ApplicationsTable"].get_item(Key={"id": receipt["id"]})["Item"]
    assert stored["channel"] == "dropbox" and stored["cover_sheet_ref"] == reference
    (entry,) = stored["history"]
    assert entry["status"] == "SUBMITTED" and entry["actor"] == f"officer:{OFFICER['username']}"
    assert "kotak surat" in entry["note"] and "drop box" in entry["note"]
    assert stored["access_token_hash"]
    # and the cover sheet is spent
    draft = tables["DraftsTable"].get_item(Key={"reference": reference})["Item"]
    assert draft["used_by"] == receipt["id"]
    # and it waits in the officers' queue like any other, with its channel
    queue = api.get("/api/officer/applications", claims=OFFICER).body["applications"]
    assert [(a["id"], a["channel"]) for a in queue] == [(receipt["id"], "dropbox")]
    # and the public counters count it
    assert api.get("/api/stats").body["totals"]["submitted"] == 1


def test_the_applicant_gets_the_same_receipt_email_as_online_without_their_name(api, citizen, queued):
    # Given
    body = {**citizen.body(), "channel": "dropbox"}
    # When
    receipt = _intake(api, body).body
    # Then one application.submitted notification, for the unproven address, with no name and no token
    (message,) = queued()
    assert message["event"] == "application.submitted" and message["to"] == body["applicant"]["email"]
    assert message["facts"]["application_id"] == receipt["id"]
    assert body["applicant"]["name"] not in str(message) and "token" not in str(message["facts"])


def test_a_courier_file_without_a_cover_sheet_keeps_the_receipt_photo_as_a_document(api, citizen, tables):
    # Given the officer keyed the whole application in, and photographed the courier's receipt
    receipt_upload = citizen.upload("iptb_legalisasi", DELIVERY_RECEIPT["id"], content_type="image/jpeg")
    body = {**citizen.body(), "channel": "courier", "receipt_upload_id": receipt_upload}
    # When
    response = _intake(api, body)
    # Then
    assert response.status == 201, response.body
    assert response.body["channel"] == "courier" and response.body["cover_sheet_ref"] is None
    stored = tables["ApplicationsTable"].get_item(Key={"id": response.body["id"]})["Item"]
    assert stored["channel"] == "courier" and stored.get("cover_sheet_ref") is None
    kept = {d["requirement_id"]: d for d in stored["documents"]}
    assert kept[DELIVERY_RECEIPT["id"]]["upload_id"] == receipt_upload
    assert kept[DELIVERY_RECEIPT["id"]]["content_type"] == "image/jpeg"
    assert "Diterima lewat kurir" in stored["history"][0]["note"]
    # and the officers' detail names it in both languages
    detail = api.get(f"/api/officer/applications/{response.body['id']}", claims=OFFICER).body
    (shown,) = [d for d in detail["documents"] if d["requirement_id"] == DELIVERY_RECEIPT["id"]]
    assert (shown["label_id"], shown["label_en"]) == (DELIVERY_RECEIPT["label_id"], DELIVERY_RECEIPT["label_en"])


def test_every_problem_is_named_in_one_answer_a_bad_cover_sheet_and_receipt_among_them(api, citizen, tables):
    # Given an unknown reference, a document missing, a receipt that is not the image it claims, no declaration
    not_an_image = citizen.upload(
        "iptb_legalisasi", DELIVERY_RECEIPT["id"], content=b"%PDF-no", content_type="image/png"
    )
    body = {
        **citizen.body(documents=[{"requirement_id": "ktp", "upload_id": "0" * 32}]),
        "documents": [],
        "channel": "courier",
        "cover_sheet_ref": "DR-00000-00000",
        "receipt_upload_id": not_an_image,
        "declaration": False,
    }
    # When
    response = _intake(api, body)
    # Then
    assert response.status == 422, response.body
    found = {(d["field"], d["code"]) for d in response.body["error"]["details"]}
    assert ("cover_sheet_ref", "unknown_cover_sheet") in found
    assert ("declaration", "declaration_required") in found
    assert ("receipt_upload_id", "upload_type_mismatch") in found
    assert any(code == "missing_requirement" for _, code in found)
    for problem in response.body["error"]["details"]:
        assert problem["message"] and problem["message_en"]
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_a_cover_sheet_makes_one_application_only(api, citizen, tables):
    # Given a cover sheet already keyed in
    reference = _draft(api)
    first = _intake(api, {**citizen.body(), "channel": "dropbox", "cover_sheet_ref": reference})
    assert first.status == 201
    # When it is keyed in again (another envelope with a photocopy of it)
    again = _intake(api, {**citizen.body(), "channel": "dropbox", "cover_sheet_ref": reference.lower()})
    # Then
    assert again.status == 422
    (problem,) = again.body["error"]["details"]
    assert (problem["field"], problem["code"]) == ("cover_sheet_ref", "cover_sheet_used")
    assert problem["application_id"] == first.body["id"]
    assert tables["ApplicationsTable"].scan()["Count"] == 1


def test_only_an_officer_keys_in_a_paper_application(api, citizen, tables):
    # Given
    body = {**citizen.body(), "channel": "dropbox"}
    # When
    unsigned = _intake(api, body, claims=None)
    not_an_officer = _intake(api, body, claims=CITIZEN_WITH_A_TOKEN)
    # Then
    assert (unsigned.status, not_an_officer.status) == (401, 403)
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_the_same_idempotency_key_keys_in_one_application(api, citizen, tables):
    # Given a double click on the intake's button
    body = {**citizen.body(), "channel": "courier"}
    headers = _key()
    # When
    first, second = _intake(api, body, headers=headers), _intake(api, body, headers=headers)
    # Then
    assert (first.status, second.status) == (201, 201)
    assert first.body["id"] == second.body["id"]
    assert tables["ApplicationsTable"].scan()["Count"] == 1


def test_an_intake_without_a_channel_is_refused(api, citizen):
    # Given / When
    response = _intake(api, citizen.body())
    # Then
    assert response.status == 422


def test_a_citizen_cannot_attach_a_delivery_receipt_online(citizen, tables):
    # Given
    receipt_upload = citizen.upload("iptb_legalisasi", DELIVERY_RECEIPT["id"], content_type="image/jpeg")
    body = citizen.body()
    body["documents"].append({"requirement_id": DELIVERY_RECEIPT["id"], "upload_id": receipt_upload})
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 422
    assert ("documents[1].requirement_id", "unknown_requirement") in {
        (d["field"], d["code"]) for d in response.body["error"]["details"]
    }
