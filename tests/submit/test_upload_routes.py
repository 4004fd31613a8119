"""Handler tests of POST /api/uploads and of the checks every uploaded object passes at submission (moto)."""

import base64
import datetime as dt
import hashlib
import io
import json
import random
import re

import pytest

from tests.kits.submit_kit import FILES, ONE_DOCUMENT_SERVICE, image_bytes, pdf_bytes

FIVE_MB = 5 * 1024 * 1024


def _policy(ticket):
    return json.loads(base64.b64decode(ticket["fields"]["policy"]))


def test_an_upload_is_a_presigned_post_bound_to_its_key_type_and_size(citizen, tables):
    # When
    response = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_iptb", "image/png", 2000)
    # Then
    assert response.status == 201
    ticket = response.body
    assert re.fullmatch(r"[0-9a-f]{32}", ticket["upload_id"])
    key = f"incoming/{ticket['upload_id']}"
    assert ticket["fields"]["key"] == key
    conditions = _policy(ticket)["conditions"]
    assert {"key": key} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, FIVE_MB] in conditions
    expires_at = dt.datetime.fromisoformat(ticket["expires_at"])
    policy_expiry = dt.datetime.fromisoformat(_policy(ticket)["expiration"].replace("Z", "+00:00"))
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=14) < expires_at - now <= dt.timedelta(minutes=15)
    assert abs(policy_expiry - expires_at) < dt.timedelta(seconds=5)
    record = tables["UploadsTable"].get_item(Key={"upload_id": ticket["upload_id"]})["Item"]
    assert record["status"] == "pending"
    assert (record["service_id"], record["requirement_id"]) == (ONE_DOCUMENT_SERVICE, "fc_iptb")
    assert record["content_type"] == "image/png" and int(record["max_size_bytes"]) == FIVE_MB
    assert int(record["expires_at_epoch"]) > now.timestamp() + 3600


def test_the_upload_key_carries_no_name_and_no_nik(citizen):
    # Given
    body = {
        "service_id": ONE_DOCUMENT_SERVICE,
        "requirement_id": "fc_iptb",
        "filename": "KTP 3171010101900001 Siti.pdf",
        "content_type": "application/pdf",
        "size": 100,
    }
    # When
    ticket = citizen.api.post("/api/uploads", body).body
    # Then
    assert ticket["fields"]["key"] == f"incoming/{ticket['upload_id']}"
    assert "3171010101900001" not in json.dumps(ticket)


def test_a_type_the_requirement_does_not_accept_is_refused_naming_content_type(citizen):
    # When
    response = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_iptb", "application/zip")
    # Then
    assert response.status == 422
    error = response.body["error"]
    assert error["code"] == "upload_type_not_accepted"
    assert [d["field"] for d in error["details"]] == ["content_type"]
    assert error["details"][0]["accepted_types"] == ["application/pdf", "image/jpeg", "image/png"]


def test_a_size_above_the_requirements_maximum_is_refused_naming_size(citizen):
    # When
    response = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_iptb", "application/pdf", FIVE_MB + 1)
    # Then
    assert response.status == 422
    assert response.body["error"]["code"] == "upload_too_large"
    assert [d["field"] for d in response.body["error"]["details"]] == ["size"]
    assert "5 MB" in response.body["error"]["message"]


def test_an_unknown_service_or_requirement_is_named(citizen):
    # When
    no_service = citizen.ask_upload("no_such_service", "fc_iptb")
    no_requirement = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_ktp")
    zero = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_iptb", size=0)
    # Then
    assert (no_service.status, no_service.body["error"]["details"][0]["field"]) == (422, "service_id")
    assert (no_requirement.status, no_requirement.body["error"]["details"][0]["field"]) == (422, "requirement_id")
    assert (zero.status, zero.body["error"]["details"][0]["field"]) == (422, "size")


def _submit_with(citizen, upload_id, requirement_id="fc_iptb"):
    body = citizen.body(documents=[{"requirement_id": requirement_id, "upload_id": upload_id}])
    return citizen.submit(body)


def _only_problem(response):
    assert response.status == 422, response.body
    error = response.body["error"]
    assert len(error["details"]) == 1
    return error["code"], error["details"][0]


def test_an_object_larger_than_the_limit_is_refused_at_submission_naming_the_document(citizen, tables):
    # Given: the POST policy would stop this on S3; the emulator lets it through, the API must not
    oversize = pdf_bytes() + b"\0" * FIVE_MB
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", oversize, declared_size=1000)
    # When
    code, detail = _only_problem(_submit_with(citizen, upload_id))
    # Then
    assert code == detail["code"] == "upload_too_large"
    assert (detail["field"], detail["requirement_id"]) == ("documents[0].upload_id", "fc_iptb")
    assert detail["label_id"] in detail["message"] and detail["label_en"] in detail["message_en"]
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_a_pdf_that_is_really_a_png_is_refused(citizen):
    # Given
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", image_bytes("PNG"), content_type="application/pdf")
    # When
    code, detail = _only_problem(_submit_with(citizen, upload_id))
    # Then: said in plain words, not in media types
    assert code == "upload_type_mismatch"
    assert "bukan PDF yang dapat dibuka. Pilih berkas lain." in detail["message"]
    assert "is not a PDF that can be opened. Choose another file." in detail["message_en"]
    assert "application/pdf" not in detail["message"] + detail["message_en"]


def test_a_png_that_is_really_a_jpeg_is_refused_and_a_real_jpeg_accepted(citizen):
    # Given
    fake = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", image_bytes("JPEG"), content_type="image/png")
    real = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", image_bytes("JPEG"), content_type="image/jpeg")
    # When
    refused = _submit_with(citizen, fake)
    accepted = _submit_with(citizen, real)
    # Then
    assert _only_problem(refused)[0] == "upload_type_mismatch"
    assert accepted.status == 201


def test_an_upload_never_sent_to_s3_is_missing(citizen):
    # Given: a ticket was issued but nothing was posted
    ticket = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_iptb").body
    # When
    never_posted = _submit_with(citizen, ticket["upload_id"])
    never_issued = _submit_with(citizen, "0" * 32)
    # Then
    assert _only_problem(never_posted)[0] == "upload_missing"
    assert _only_problem(never_issued)[0] == "upload_missing"


def test_an_empty_object_is_refused(citizen):
    # Given
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", b"", declared_size=1)
    # When / Then
    assert _only_problem(_submit_with(citizen, upload_id))[0] == "upload_empty"


def test_an_expired_upload_is_missing_even_before_ttl_removes_it(citizen, tables):
    # Given
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb")
    tables["UploadsTable"].update_item(
        Key={"upload_id": upload_id},
        UpdateExpression="SET expires_at_epoch = :past",
        ExpressionAttributeValues={":past": int(dt.datetime.now(dt.UTC).timestamp()) - 1},
    )
    # When / Then
    assert _only_problem(_submit_with(citizen, upload_id))[0] == "upload_missing"


def test_an_upload_cannot_be_attached_twice(citizen, tables):
    # Given
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb")
    first = _submit_with(citizen, upload_id)
    # When
    second = _submit_with(citizen, upload_id)
    # Then
    assert first.status == 201
    assert _only_problem(second)[0] == "upload_already_used"
    record = tables["UploadsTable"].get_item(Key={"upload_id": upload_id})["Item"]
    assert (record["status"], record["application_id"]) == ("attached", first.body["id"])
    assert tables["ApplicationsTable"].scan()["Count"] == 1


def test_one_upload_offered_twice_in_one_submission_is_refused(citizen):
    # Given: the same file offered twice for the same requirement
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb")
    twice = [{"requirement_id": "fc_iptb", "upload_id": upload_id}] * 2
    # When
    response = citizen.submit(citizen.body(documents=twice))
    # Then
    code, detail = _only_problem(response)
    assert (code, detail["field"]) == ("upload_already_used", "documents[1].upload_id")


def test_an_upload_for_another_requirement_or_service_is_refused(citizen):
    # Given
    for_ktp = citizen.upload("sktm", "fc_ktp")
    documents = citizen.documents_for("sktm")
    swapped = [{**d, "upload_id": for_ktp} if d["requirement_id"] == "fc_kk" else d for d in documents]
    other_service = citizen.upload("sktm", "fc_ktp")
    # When
    wrong_requirement = citizen.submit(citizen.body("sktm", documents=swapped))
    wrong_service = _submit_with(citizen, other_service)
    # Then
    assert wrong_requirement.status == 422
    assert [(d["requirement_id"], d["code"]) for d in wrong_requirement.body["error"]["details"]] == [
        ("fc_kk", "upload_wrong_requirement")
    ]
    assert _only_problem(wrong_service)[0] == "upload_wrong_requirement"


def test_several_documents_failing_differently_are_each_named(citizen):
    # Given
    documents = citizen.documents_for("sktm")
    documents[0]["upload_id"] = citizen.upload("sktm", documents[0]["requirement_id"], image_bytes("PNG"))
    documents[1]["upload_id"] = "f" * 32
    # When
    response = citizen.submit(citizen.body("sktm", documents=documents))
    # Then
    error = response.body["error"]
    assert error["code"] == "uploads_rejected"
    assert [(d["field"], d["code"]) for d in error["details"]] == [
        ("documents[0].upload_id", "upload_type_mismatch"),
        ("documents[1].upload_id", "upload_missing"),
    ]


def test_uploads_of_a_refused_submission_stay_usable_for_the_corrected_one(citizen):
    # Given: the form misses a field, so the submission is refused before any upload is taken
    body = citizen.body()
    broken = {**body, "fields": {}}
    assert citizen.submit(broken).status == 422
    # When
    response = citizen.submit(body)
    # Then
    assert response.status == 201


HTML = b"<!doctype html><html><body><img src=x onerror=alert(1)><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("content", "content_type", "kind_en"),
    [
        (b"%PDF-1.7\n" + HTML, "application/pdf", "a PDF"),
        (b"\x89PNG\r\n\x1a\n" + HTML, "image/png", "a PNG image"),
        (b"\xff\xd8\xff\xe0" + HTML, "image/jpeg", "a JPEG image"),
    ],
    ids=["%PDF- then HTML", "PNG magic then HTML", "JPEG magic then HTML"],
)
def test_a_file_with_the_right_first_bytes_but_html_after_them_is_refused(
    citizen, tables, content, content_type, kind_en
):
    # Given: the magic bytes of the declared type, and then a web page
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", content, content_type=content_type)
    # When
    code, detail = _only_problem(_submit_with(citizen, upload_id))
    # Then
    assert code == "upload_type_mismatch"
    assert f"is not {kind_en} that can be opened. Choose another file." in detail["message_en"]
    assert tables["ApplicationsTable"].scan()["Count"] == 0


def test_a_pdf_locked_with_a_password_is_refused_saying_so(citizen):
    # Given
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("rahasia", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", locked.getvalue())
    # When
    code, detail = _only_problem(_submit_with(citizen, upload_id))
    # Then
    assert code == "upload_password_protected"
    assert "kata sandi" in detail["message"] and "password" in detail["message_en"]


def _photo_of_about(megabytes: int) -> bytes:
    """A real PNG of noise, which does not compress: about `megabytes` large."""
    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 8
    noise = random.Random(20260401).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), noise).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def test_an_object_of_another_size_than_declared_is_refused_and_the_declared_size_accepted(citizen):
    # Given: a real 4 MB image (under the 5 MB limit), once declared as 10 bytes and once as what it is
    photo = _photo_of_about(4)
    assert 4 * 1024 * 1024 < len(photo) < FIVE_MB
    understated = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", photo, content_type="image/png", declared_size=10)
    honest = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", photo, content_type="image/png")
    # When
    refused = _submit_with(citizen, understated)
    accepted = _submit_with(citizen, honest)
    # Then
    code, detail = _only_problem(refused)
    assert code == "upload_size_mismatch"
    assert detail["label_en"] in detail["message_en"]
    assert accepted.status == 201, accepted.body


@pytest.mark.parametrize("content_type", sorted(FILES))
def test_a_real_pdf_png_or_jpeg_is_accepted_and_kept_with_its_size_and_digest(citizen, tables, s3, aws, content_type):
    # Given
    content = FILES[content_type]()
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", content, content_type=content_type)
    # When
    response = _submit_with(citizen, upload_id)
    # Then
    assert response.status == 201, response.body
    [document] = tables["ApplicationsTable"].get_item(Key={"id": response.body["id"]})["Item"]["documents"]
    assert (int(document["size"]), document["content_type"]) == (len(content), content_type)
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    stored = s3.get_object(Bucket=aws.refs["UploadsBucket"], Key=document["key"])
    assert stored["Body"].read() == content and stored["ContentType"] == content_type


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("KTP\x00Siti.pdf", "KTPSiti.pdf"),
        ("surat\r\nSet-Cookie: sesi=1.pdf", "surat Set-Cookie_ sesi=1.pdf"),
        ("tagihan\u202efdp.exe", "tagihanfdp.exe"),
        ("<img src=x onerror=alert(1)>.pdf", "_img src=x onerror=alert(1)_.pdf"),
    ],
    ids=["NUL", "CR/LF", "U+202E", "img onerror"],
)
def test_a_file_name_is_cleaned_before_it_is_stored(citizen, tables, filename, kept):
    # Given
    body = {
        "service_id": ONE_DOCUMENT_SERVICE,
        "requirement_id": "fc_iptb",
        "filename": filename,
        "content_type": "application/pdf",
        "size": 100,
    }
    # When
    ticket = citizen.api.post("/api/uploads", body).body
    # Then
    record = tables["UploadsTable"].get_item(Key={"upload_id": ticket["upload_id"]})["Item"]
    assert record["filename"] == kept


def _check(citizen, upload_id):
    return citizen.api.post(f"/api/uploads/{upload_id}/check", None)


def test_a_file_that_is_not_what_it_claims_is_refused_right_after_it_lands_in_plain_words(citizen, tables):
    # Given a PNG uploaded as a PDF
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb", image_bytes("PNG"), content_type="application/pdf")
    # When the page asks for it to be checked, before any submission
    response = _check(citizen, upload_id)
    # Then it is refused at once, on that file, in plain words in both languages
    assert response.status == 422
    error = response.body["error"]
    assert error["code"] == "upload_type_mismatch"
    [detail] = error["details"]
    assert detail["field"] == "upload_id" and detail["code"] == "upload_type_mismatch"
    assert detail["requirement_id"] == "fc_iptb"
    assert "bukan PDF yang dapat dibuka. Pilih berkas lain." in detail["message"]
    assert "is not a PDF that can be opened. Choose another file." in detail["message_en"]
    assert "application/pdf" not in detail["message"] + detail["message_en"]
    assert "checked_etag" not in tables["UploadsTable"].get_item(Key={"upload_id": upload_id})["Item"]


def test_a_good_file_is_marked_checked_and_still_usable_in_a_submission(citizen, tables):
    # Given a real PDF uploaded
    upload_id = citizen.upload(ONE_DOCUMENT_SERVICE, "fc_iptb")
    # When it is checked (twice: the second answer comes from the mark)
    first, second = _check(citizen, upload_id), _check(citizen, upload_id)
    # Then it is checked, stays pending, and a submission still takes it
    assert first.status == second.status == 200
    assert first.body == {"upload_id": upload_id, "requirement_id": "fc_iptb", "status": "checked"}
    record = tables["UploadsTable"].get_item(Key={"upload_id": upload_id})["Item"]
    assert record["status"] == "pending" and record["checked_etag"] and record["checked_at"]
    assert _submit_with(citizen, upload_id).status == 201


def test_checking_an_upload_that_was_never_issued_is_a_404_and_one_never_posted_is_missing(citizen):
    # Given a ticket whose file never came, and an id never issued
    ticket = citizen.ask_upload(ONE_DOCUMENT_SERVICE, "fc_iptb").body
    # When / Then
    assert _check(citizen, "0" * 32).status == 404
    never_posted = _check(citizen, ticket["upload_id"])
    assert never_posted.status == 422 and never_posted.body["error"]["details"][0]["code"] == "upload_missing"
