"""Handler tests of answering a consultation: stored once, e-mailed with the question defanged, read by the asker."""

import boto3

from functions.shared.access_tokens import TokenPurpose, derive_access_token
from tests.kits.submit_kit import REGION

OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer"]}
OTHER = {"username": "petugas2@satupintu.local", "cognito:groups": ["officer"]}
QUESTION = "Apakah izin bisa diurus lewat https://izin-cepat.example/bayar atau harus datang ke kantor?"


def ask(api):
    """A citizen asks a question; return its number."""
    body = {"name": "Budi Santoso", "email": "budi@example.id", "service_id": "sktm", "question": QUESTION}
    return api.post("/api/consultations", body).body["id"]


def token_of(aws, consultation_id):
    """Derive the token the e-mailed link carries."""
    kms = boto3.client("kms", region_name=REGION)
    return derive_access_token(consultation_id, kms, aws.refs["AccessTokenKey"], purpose=TokenPurpose.CONSULTATION)


def test_an_answer_is_stored_once_and_emailed_with_the_question_defanged(api, catalogue, aws, postman):
    # Given
    consultation_id = ask(api)
    # When
    first = api.post(f"/api/officer/consultations/{consultation_id}/answer", {"answer": "Bisa online."}, claims=OFFICER)
    second = api.post(f"/api/officer/consultations/{consultation_id}/answer", {"answer": "Datang."}, claims=OTHER)
    # Then
    assert first.status == 200
    assert (first.body["status"], first.body["answered_by"]) == ("ANSWERED", OFFICER["username"])
    assert (second.status, second.body["error"]["code"]) == (409, "already_answered")
    postman.deliver()
    received, answered = postman.sent()
    assert "Bisa online." in answered.text and "Datang." not in answered.text
    assert "hxxps[:]//izin-cepat[.]example/bayar" in answered.text
    assert "https://izin-cepat.example" not in answered.html
    assert f"/answer.html#id={consultation_id}&token=" in received.text


def test_the_asker_reads_the_answer_with_the_links_token_and_nobody_else_does(api, catalogue, aws):
    # Given
    consultation_id = ask(api)
    token = token_of(aws, consultation_id)
    before = api.get(f"/api/consultations/{consultation_id}", headers={"Authorization": f"Bearer {token}"})
    api.post(f"/api/officer/consultations/{consultation_id}/answer", {"answer": "Bisa online."}, claims=OFFICER)
    # When
    after = api.get(f"/api/consultations/{consultation_id}", headers={"Authorization": f"Bearer {token}"})
    wrong = api.get(f"/api/consultations/{consultation_id}", headers={"Authorization": "Bearer bukan-token"})
    application_token = derive_access_token(
        consultation_id, boto3.client("kms", region_name=REGION), aws.refs["AccessTokenKey"]
    )
    other_purpose = api.get(
        f"/api/consultations/{consultation_id}", headers={"Authorization": f"Bearer {application_token}"}
    )
    unknown = api.get("/api/consultations/KS-2611-ZZZZZZ", headers={"Authorization": f"Bearer {token}"})
    none = api.get(f"/api/consultations/{consultation_id}")
    # Then
    assert (before.status, before.body["status"], before.body["answer"]) == (200, "OPEN", None)
    assert (after.body["status"], after.body["answer"], after.body["question"]) == (
        "ANSWERED",
        "Bisa online.",
        QUESTION,
    )
    assert "email" not in after.body and "name" not in after.body
    assert wrong.status == other_purpose.status == unknown.status == 404
    assert none.status == 401


def test_answering_needs_the_officer_group_and_an_answer(api, catalogue):
    # Given
    consultation_id = ask(api)
    path = f"/api/officer/consultations/{consultation_id}/answer"
    # Then
    assert api.post(path, {"answer": "Bisa."}).status == 401
    assert api.post(path, {"answer": "Bisa."}, claims={"username": "x", "cognito:groups": []}).status == 403
    assert api.post(path, {"answer": ""}, claims=OFFICER).status == 422
    assert (
        api.post("/api/officer/consultations/KS-2611-ZZZZZZ/answer", {"answer": "Bisa."}, claims=OFFICER).status == 404
    )
