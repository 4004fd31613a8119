"""Handler tests of POST /api/consultations on moto: stored, acknowledged without echoing anything, and limited."""

import datetime as dt
import json
import re

import pytest
import time_machine

from functions.shared import clock
from functions.shared.clock import JAKARTA

# Five past nine in Jakarta: a burst stays inside one hourly window of the limits.
MORNING = dt.datetime(2026, 3, 12, 9, 5, tzinfo=JAKARTA)
VICTIM = "korban.phishing@example.id"
PHISHING = {
    "name": "Petugas Pajak: bayar denda di https://pajak-denda.example/bayar",
    "question": "Akun Anda diblokir. Pulihkan di www.verifikasi-dpmptsp.example sebelum 24 jam, hubungi 0812-0000.",
}


def _from(client: str) -> dict[str, str]:
    """The header CloudFront adds with the viewer's address."""
    return {"CloudFront-Viewer-Address": f"{client}:50123"}


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
    assert message["locale"] == "en"


def test_the_acknowledgement_echoes_no_name_question_or_link_from_the_request(api, catalogue, tables, queued, postman):
    # Given a stranger who names someone else's address, with a phishing text as name and question
    body = _question(email=VICTIM, **PHISHING)
    # When it is asked, and the notify function sends what was queued
    response = api.post("/api/consultations", body)
    consultation_id = response.body["id"]
    (message,) = postman.peek("NotificationsQueue")
    postman.deliver()
    # Then the address gets one e-mail with the office's facts: the number, the topic, what happens next
    (mail,) = postman.sent()
    assert mail.to == VICTIM
    assert consultation_id in mail.subject and consultation_id in mail.text
    assert "Surat Keterangan Tidak Mampu" in mail.text
    # and nothing the request typed, in the queued message or any part of the e-mail
    for text in (message, mail.subject, mail.text, mail.html):
        for typed in (
            body["name"],
            body["question"],
            "pajak-denda",
            "verifikasi-dpmptsp",
            "0812-0000",
            "Petugas Pajak",
        ):
            assert typed not in text
    assert not {"name", "question"} & set(json.loads(message)["facts"])
    # while the officer still has the question, as it was asked
    stored = tables["ConsultationsTable"].get_item(Key={"id": consultation_id})["Item"]
    assert (stored["name"], stored["question"]) == (body["name"], body["question"])


def test_a_general_question_is_acknowledged_under_a_general_topic(api, catalogue, postman):
    # When
    assert api.post("/api/consultations", _question(service_id=None, locale="en")).status == 201
    postman.deliver()
    # Then
    (mail,) = postman.sent()
    assert "General question" in mail.text


@pytest.mark.parametrize("clients", [1, 50], ids=["from-one-client", "from-fifty-clients"])
def test_a_burst_of_fifty_questions_to_one_address_sends_it_three_emails_and_refuses_the_rest(
    api, catalogue, tables, postman, clients
):
    # Given fifty questions naming one address in a burst, from one client or from fifty
    with time_machine.travel(MORNING, tick=True):
        answers = [
            api.post("/api/consultations", _question(email=VICTIM), headers=_from(f"198.51.100.{n % clients + 1}"))
            for n in range(50)
        ]
        postman.deliver()

    # Then three are taken, and the address gets exactly three e-mails
    assert [a.status for a in answers[:3]] == [201, 201, 201]
    assert [m.to for m in postman.sent()] == [VICTIM] * 3
    assert tables["ConsultationsTable"].scan()["Count"] == 3
    # and each of the other 47 is a 429 in the error shape, saying when to come back
    refused = answers[3:]
    assert [a.status for a in refused] == [429] * 47
    for answer in refused:
        error = answer.body["error"]
        assert set(error) == {"code", "message", "message_en", "details"}
        assert error["message"] and error["message_en"]
        wait_s = int(answer.headers["Retry-After"])
        assert 0 < wait_s <= 55 * 60  # the hourly window ends at ten o'clock
    # (by the address's limit, named on the field; from one client, its own limit takes over past 30 requests)
    by_address = [a for a in refused if a.body["error"]["code"] == "too_many_emails"]
    assert len(by_address) == (27 if clients == 1 else 47)
    assert all(
        a.body["error"]["details"] == [{"field": "email", "code": "too_many_emails", **_messages(a)}]
        for a in by_address
    )


def _messages(answer):
    return {"message": answer.body["error"]["message"], "message_en": answer.body["error"]["message_en"]}


def test_the_address_limit_counts_one_mailbox_however_its_address_is_written(api, catalogue):
    # Given
    spellings = [
        "budi.santoso@gmail.com",
        "BudiSantoso@GMail.com",
        "b.u.d.i.santoso+izin@googlemail.com",
        "budisantoso+x@gmail.com",
    ]
    # When
    with time_machine.travel(MORNING, tick=True):
        statuses = [api.post("/api/consultations", _question(email=address)).status for address in spellings]
    # Then
    assert statuses == [201, 201, 201, 429]


def test_an_address_gets_its_allowance_again_when_the_hour_is_over(api, catalogue):
    # Given an address that had its three e-mails this hour
    with time_machine.travel(MORNING, tick=True):
        for _ in range(3):
            assert api.post("/api/consultations", _question(email=VICTIM)).status == 201
        refused = api.post("/api/consultations", _question(email=VICTIM))
        # The travelling clock ticks: on a loaded machine the refusal comes seconds after nine past five
        refused_at = clock.now()
    assert refused.status == 429
    # When the time Retry-After named has passed, counted from the refusal
    later = refused_at + dt.timedelta(seconds=int(refused.headers["Retry-After"]) + 5)
    with time_machine.travel(later, tick=True):
        again = api.post("/api/consultations", _question(email=VICTIM))
    # Then
    assert again.status == 201


def test_one_client_past_its_limit_is_refused_while_others_are_not(api, catalogue, tables):
    # Given one client asking thirty questions for thirty addresses in ten minutes
    with time_machine.travel(MORNING, tick=True):
        taken = [
            api.post("/api/consultations", _question(email=f"warga{n}@example.id"), headers=_from("203.0.113.9")).status
            for n in range(30)
        ]
        # When it asks once more, and another client asks
        more = api.post("/api/consultations", _question(email="warga-lain@example.id"), headers=_from("203.0.113.9"))
        other = api.post("/api/consultations", _question(email="warga-lain@example.id"), headers=_from("203.0.113.10"))
    # Then
    assert taken == [201] * 30
    assert more.status == 429 and more.body["error"]["code"] == "throttled"
    assert 0 < int(more.headers["Retry-After"]) <= 600
    assert other.status == 201
    assert tables["ConsultationsTable"].scan()["Count"] == 31


def test_the_limits_keep_no_address_or_ip(api, catalogue, tables):
    # When
    api.post("/api/consultations", _question(email=VICTIM), headers=_from("203.0.113.9"))
    # Then the counters exist, keyed by pseudonyms only
    items = tables["RateLimitTable"].scan()["Items"]
    assert {i["pk"].split("#")[0] for i in items} == {"address", "client"}
    everything = json.dumps(items, default=str).lower()
    assert "korban" not in everything and "example.id" not in everything and "203.0.113.9" not in everything
    assert all(int(i["expires_at_epoch"]) > 0 for i in items)


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
