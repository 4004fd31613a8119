"""Handler tests of GET /api/stats: counters only, DKI's meaning of each figure, a short public cache."""

import datetime as dt

from functions.shared.applications import JAKARTA, Status
from tests.kits.submit_kit import ONE_DOCUMENT_SERVICE


def test_with_no_applications_every_figure_is_zero_for_the_last_thirty_days(api, aws):
    # When
    response = api.get("/api/stats")
    # Then
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    body = response.body
    assert body["totals"] == {"submitted": 0, "new": 0, "in_process": 0, "returned": 0, "issued": 0, "rejected": 0}
    today = dt.datetime.now(JAKARTA).date()
    assert [d["date"] for d in body["by_day"]] == [(today - dt.timedelta(days=29 - i)).isoformat() for i in range(30)]
    assert body["by_service"] == []


def test_the_figures_follow_dkis_meaning_and_add_up(citizen, officer, api):
    # Given: four applications; one issued, one rejected, one returned, one still new
    ids = [citizen.submit(citizen.body()).body["id"] for _ in range(4)]
    officer.move(ids[0], Status.IN_REVIEW, Status.APPROVED, Status.ISSUED)
    officer.move(ids[1], Status.IN_REVIEW, Status.REJECTED, note="Tidak memenuhi syarat")
    officer.returns(ids[2], ["fc_iptb"])
    # When
    body = api.get("/api/stats").body
    # Then
    totals = body["totals"]
    assert totals == {"submitted": 4, "new": 1, "in_process": 0, "returned": 1, "issued": 1, "rejected": 1}
    assert totals["submitted"] == sum(totals[k] for k in ("new", "in_process", "returned", "issued", "rejected"))
    assert body["by_day"][-1] == {
        "date": dt.datetime.now(JAKARTA).date().isoformat(),
        "submitted": 4,
        "issued": 1,
        "rejected": 1,
        "returned": 1,
    }
    # (moved by the shared transition, not by officers' decisions: nothing counted as decided on time)
    on_time = {"decided": 0, "decided_on_time": 0, "on_time_percent": None}
    assert body["by_service"] == [{"service_id": ONE_DOCUMENT_SERVICE, **totals, **on_time}]


def test_the_statistics_carry_no_personal_data(citizen, api):
    # Given
    body = citizen.body()
    citizen.submit(body)
    # When
    text = str(api.get("/api/stats").body)
    # Then
    for value in body["applicant"].values():
        assert value not in text


def test_a_range_gives_exactly_its_days(api, aws):
    # When
    response = api.get("/api/stats", query={"from": "2026-02-27", "to": "2026-03-02"})
    # Then
    assert response.status == 200
    assert [d["date"] for d in response.body["by_day"]] == [
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
        "2026-03-02",
    ]


def test_a_bad_range_is_a_422_naming_the_field(api, aws):
    # When
    reversed_range = api.get("/api/stats", query={"from": "2026-03-02", "to": "2026-03-01"})
    too_long = api.get("/api/stats", query={"from": "2024-01-01", "to": "2026-01-01"})
    not_a_date = api.get("/api/stats", query={"from": "2026-02-30"})
    malformed = api.get("/api/stats", query={"to": "yesterday"})
    # Then
    assert [r.status for r in (reversed_range, too_long, not_a_date, malformed)] == [422] * 4
    assert [r.body["error"]["details"][0]["field"] for r in (reversed_range, too_long, not_a_date, malformed)] == [
        "from",
        "from",
        "from",
        "to",
    ]
