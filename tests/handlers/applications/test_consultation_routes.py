"""Handler tests of POST /api/consultations on moto."""

import re


def _question(**overrides):
    return {
        "name": "Budi Santoso",
        "email": "budi@example.id",
        "service_id": "sktm",
        "question": "Apakah SKTM bisa diurus di kelurahan tempat saya tinggal sekarang?",
        "locale": "id",
        **overrides,
    }


def test_a_question_is_stored_open_and_acknowledged(api, catalogue, tables, queued):
    # When
    response = api.post("/api/consultations", _question())
    # Then
    assert response.status == 201
    consultation_id = response.body["id"]
    assert re.fullmatch(r"KS-\d{4}-[0-9A-HJKMNP-TV-Z]{6}", consultation_id)
    stored = tables["ConsultationsTable"].get_item(Key={"id": consultation_id})["Item"]
    assert (stored["status"], stored["service_id"], stored["email"]) == ("OPEN", "sktm", "budi@example.id")
    messages = queued()
    assert [(m["event"], m["notification_id"], m["to"]) for m in messages] == [
        ("consultation.received", f"consultation.received:{consultation_id}", "budi@example.id")
    ]


def test_a_nik_pasted_into_the_question_does_not_reach_the_queue(api, catalogue, queued):
    # Given
    question = "NIK saya 3171010101900001, apakah sudah terdaftar untuk SKTM?"
    # When
    response = api.post("/api/consultations", _question(question=question, locale="en"))
    # Then
    assert response.status == 201
    message = queued()[0]
    assert "3171010101900001" not in str(message)
    assert message["facts"]["question"].count("•") == 12 and "0001" in message["facts"]["question"]
    assert message["locale"] == "en"


def test_a_question_needs_no_service_but_a_named_one_must_exist(api, catalogue):
    # When
    general = api.post("/api/consultations", _question(service_id=None))
    unknown = api.post("/api/consultations", _question(service_id="no_such_service"))
    # Then
    assert general.status == 201
    assert (unknown.status, unknown.body["error"]["details"][0]["field"]) == (422, "service_id")


def test_a_bad_question_is_a_422_naming_each_field(api, catalogue):
    # When
    response = api.post("/api/consultations", _question(email="budi", question="?"))
    # Then
    assert response.status == 422
    assert {d["field"] for d in response.body["error"]["details"]} == {"email", "question"}
