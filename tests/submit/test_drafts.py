"""A paper application's draft: kept 30 days under a short reference, no document and no token, found by officers."""

import datetime as dt

import time_machine

from functions.shared.clock import JAKARTA
from functions.shared.rate_limits import DRAFT_WRITES
from functions.submit.drafts import normalise_reference
from tests.kits.submit_kit import VALID_NIK

MORNING = dt.datetime(2026, 3, 12, 9, 5, tzinfo=JAKARTA)
OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer"]}
CITIZEN_WITH_A_TOKEN = {"username": "someone", "cognito:groups": ["citizen"]}


def _draft(channel: str = "dropbox") -> dict:
    return {
        "service_id": "sktm",
        "applicant": {"nik": VALID_NIK, "name": "Siti Rahayu", "email": "siti@example.id", "phone": "0812 3456 7890"},
        "fields": {"keperluan": "Beasiswa sekolah"},
        "locale": "id",
        "channel": channel,
    }


def test_a_draft_is_kept_thirty_days_under_a_readable_reference_with_nothing_secret(api, catalogue, tables):
    # Given
    with time_machine.travel(MORNING, tick=False):
        # When
        response = api.post("/api/drafts", _draft())
    # Then
    assert response.status == 201, response.body
    reference = response.body["reference"]
    assert normalise_reference(reference) == reference and len(reference) == len("DR-XXXXX-XXXXX")
    assert response.body["qr_svg"].lstrip().startswith("<svg") or "<svg" in response.body["qr_svg"][:200]
    (item,) = tables["DraftsTable"].scan()["Items"]
    assert item["reference"] == reference
    assert int(item["expires_at_epoch"]) == int((MORNING + dt.timedelta(days=30)).timestamp())
    assert (
        response.body["expires_at"]
        == item["expires_at"]
        == (MORNING + dt.timedelta(days=30)).isoformat(timespec="milliseconds")
    )
    assert set(item) == {
        "reference",
        "service_id",
        "applicant",
        "fields",
        "locale",
        "channel",
        "created_at",
        "expires_at",
        "expires_at_epoch",
        "nik_hmac",
    }
    assert not any("token" in key for key in (*item, *item["applicant"]))
    # The index an erasure finds it by is keyed, not the NIK itself (functions/shared/person_index.py)
    assert len(item["nik_hmac"]) == 64 and VALID_NIK not in item["nik_hmac"]


def test_two_drafts_get_different_references(api, catalogue):
    # Given / When
    first = api.post("/api/drafts", _draft()).body["reference"]
    second = api.post("/api/drafts", _draft("courier")).body["reference"]
    # Then
    assert first != second


def test_a_draft_for_an_unknown_service_or_with_a_document_is_refused(api, catalogue, tables):
    # Given
    unknown = {**_draft(), "service_id": "no_such_service"}
    with_documents = {**_draft(), "documents": [{"requirement_id": "ktp", "upload_id": "a" * 32}]}
    # When
    answers = [api.post("/api/drafts", body) for body in (unknown, with_documents)]
    # Then
    assert [a.status for a in answers] == [422, 422]
    assert answers[0].body["error"]["details"][0]["code"] == "unknown_service"
    assert tables["DraftsTable"].scan()["Count"] == 0


def test_a_client_past_its_draft_allowance_is_refused_with_retry_after(api, catalogue, tables):
    # Given a client that saved its share of drafts in these ten minutes
    headers = {"CloudFront-Viewer-Address": "198.51.100.23:443"}
    with time_machine.travel(MORNING, tick=False):
        saved = [api.post("/api/drafts", _draft(), headers=headers) for _ in range(DRAFT_WRITES.allowance)]
        # When it saves one more, and another client saves one
        refused = api.post("/api/drafts", _draft(), headers=headers)
        other = api.post("/api/drafts", _draft(), headers={"CloudFront-Viewer-Address": "203.0.113.9:443"})
    # Then
    assert {s.status for s in saved} == {201}
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert other.status == 201
    assert tables["DraftsTable"].scan()["Count"] == DRAFT_WRITES.allowance + 1


def test_an_officer_finds_a_draft_by_its_reference_typed_loosely(api, catalogue):
    # Given
    reference = api.post("/api/drafts", _draft()).body["reference"]
    typed = reference.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    # When
    found = api.get(f"/api/officer/drafts/{typed.replace(' ', '%20')}", claims=OFFICER)
    # Then
    assert found.status == 200, found.body
    assert found.body["reference"] == reference
    assert found.body["service_id"] == "sktm" and found.body["channel"] == "dropbox"
    assert found.body["applicant"]["name"] == "Siti Rahayu" and found.body["used_by"] is None


def test_only_an_officer_reads_a_draft_and_an_unknown_or_expired_one_is_not_found(api, catalogue):
    # Given
    with time_machine.travel(MORNING, tick=False):
        reference = api.post("/api/drafts", _draft()).body["reference"]
    path = f"/api/officer/drafts/{reference}"
    # When
    with time_machine.travel(MORNING + dt.timedelta(days=29), tick=False):
        unsigned = api.get(path)
        not_an_officer = api.get(path, claims=CITIZEN_WITH_A_TOKEN)
        unknown = api.get("/api/officer/drafts/DR-00000-00000", claims=OFFICER)
        in_time = api.get(path, claims=OFFICER)
    with time_machine.travel(MORNING + dt.timedelta(days=30, seconds=1), tick=False):
        expired = api.get(path, claims=OFFICER)
    # Then
    assert (unsigned.status, not_an_officer.status) == (401, 403)
    assert unknown.status == 404 and unknown.body["error"]["code"] == "unknown_cover_sheet"
    assert in_time.status == 200
    assert expired.status == 404
