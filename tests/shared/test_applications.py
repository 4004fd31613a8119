"""The shared status machine: tracking numbers, allowed moves, stale moves, and statistics that never drift."""

import datetime as dt
from collections import Counter
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from devstack.resources import table_definitions
from devstack.template import load_template
from functions.shared import stats
from functions.shared.applications import (
    ALLOWED_TRANSITIONS,
    APPLICANT_ACTOR,
    BUCKET,
    CROCKFORD,
    DAY_EVENT,
    JAKARTA,
    ApplicationRecord,
    HistoryEntry,
    Status,
    Tables,
    TrackingNumberTaken,
    TransactionCancelled,
    create_application,
    get_application,
    new_tracking_number,
    normalise_tracking_number,
    timestamp,
    transition,
)
from functions.shared.errors import Conflict

REGION = "ap-southeast-3"
SERVICES = ("sktm", "nib_oss")
START = dt.datetime(2026, 11, 20, 23, 30, tzinfo=JAKARTA)


@pytest.fixture
def store(aws_credentials: None) -> Any:
    """The applications and stats tables of template.yaml, on moto."""
    with mock_aws():
        yield _create_store()


def _create_store() -> tuple[Any, Tables, Any, Any]:
    definitions = table_definitions(load_template())
    client = boto3.client("dynamodb", region_name=REGION)
    for logical in ("ApplicationsTable", "StatsTable"):
        client.create_table(**definitions[logical])
    resource = boto3.resource("dynamodb", region_name=REGION)
    names = Tables(applications="ApplicationsTable", stats="StatsTable")
    return client, names, resource.Table("ApplicationsTable"), resource.Table("StatsTable")


def _record(application_id: str, service_id: str, at: dt.datetime) -> ApplicationRecord:
    when = timestamp(at)
    return ApplicationRecord(
        id=application_id,
        service_id=service_id,
        status=Status.SUBMITTED,
        applicant={"nik": "3171010101900001", "name": "Siti", "email": "siti@example.id", "phone": "0812345678"},
        history=[HistoryEntry(status=Status.SUBMITTED, at=when, actor=APPLICANT_ACTOR)],
        submitted_at=when,
        updated_at=when,
    )


def test_tracking_numbers_read_well_over_the_phone():
    # When
    numbers = {new_tracking_number(START) for _ in range(200)}
    # Then
    assert len(numbers) == 200
    for number in numbers:
        prefix, month, symbols = number.split("-")
        assert (prefix, month) == ("SP", "2611")
        assert len(symbols) == 6 and set(symbols) <= set(CROCKFORD)
        assert not set(symbols) & set("ILOU")


def test_a_typed_number_is_read_the_crockford_way():
    # Then
    assert normalise_tracking_number("sp-2611-7k3m9q") == "SP-2611-7K3M9Q"
    assert normalise_tracking_number(" SP-2611-O1LI0A ") == "SP-2611-01110A"
    assert normalise_tracking_number("SP-2611-7K3M9U") is None  # U is never used
    assert normalise_tracking_number("KS-2611-7K3M9Q") is None
    assert normalise_tracking_number("SP-26X1-7K3M9Q") is None
    assert normalise_tracking_number("SP-2611-7K3M9") is None


def test_every_status_is_reachable_and_issued_only_after_approval():
    # Given
    reached, frontier = {Status.SUBMITTED}, [Status.SUBMITTED]
    while frontier:
        for target in ALLOWED_TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    # Then
    assert reached == set(Status)
    assert [s for s, targets in ALLOWED_TRANSITIONS.items() if Status.ISSUED in targets] == [Status.APPROVED]
    assert ALLOWED_TRANSITIONS[Status.RETURNED] == {Status.SUBMITTED}
    assert ALLOWED_TRANSITIONS[Status.ISSUED] == ALLOWED_TRANSITIONS[Status.REJECTED] == frozenset()


def test_a_move_the_design_does_not_allow_is_a_conflict(store):
    # Given
    db, names, applications, _ = store
    create_application(db, names, _record("SP-2611-AAAAAA", "sktm", START))
    record = get_application(applications, "SP-2611-AAAAAA")
    # When
    with pytest.raises(Conflict) as refused:
        transition(db, names, record, Status.ISSUED, actor="officer:a", at=START)
    # Then
    assert refused.value.code == "transition_not_allowed"
    assert get_application(applications, "SP-2611-AAAAAA").status == Status.SUBMITTED


def test_of_two_officers_deciding_at_once_only_one_wins(store):
    # Given: both read the application while it was IN_REVIEW
    db, names, applications, stats_table = store
    create_application(db, names, _record("SP-2611-BBBBBB", "sktm", START))
    in_review = transition(
        db, names, get_application(applications, "SP-2611-BBBBBB"), Status.IN_REVIEW, actor="a", at=START
    )
    # When
    transition(db, names, in_review, Status.APPROVED, actor="officer:a", at=START)
    with pytest.raises(Conflict) as lost:
        transition(db, names, in_review, Status.REJECTED, actor="officer:b", at=START, note="terlambat")
    # Then
    assert lost.value.code == "stale_transition"
    final = get_application(applications, "SP-2611-BBBBBB")
    assert final.status == Status.APPROVED and [h.status for h in final.history][-1] == Status.APPROVED
    totals = stats.read_statistics(stats_table, START.date(), START.date())["totals"]
    assert (totals["in_process"], totals["rejected"]) == (1, 0)


def test_a_stale_read_loses_even_when_the_status_came_back_to_the_same_value(store):
    # Given: read while RETURNED; meanwhile resubmitted, reviewed and returned again
    db, names, applications, _ = store
    create_application(db, names, _record("SP-2611-CCCCCC", "sktm", START))
    record = get_application(applications, "SP-2611-CCCCCC")
    for status in (Status.IN_REVIEW, Status.RETURNED):
        record = transition(db, names, record, status, actor="a", at=START)
    stale = record
    for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED):
        record = transition(db, names, record, status, actor="a", at=START)
    # When / Then
    with pytest.raises(Conflict):
        transition(db, names, stale, Status.SUBMITTED, actor=APPLICANT_ACTOR, at=START)


def test_an_existing_tracking_number_is_refused_so_another_is_drawn(store):
    # Given
    db, names, _, stats_table = store
    create_application(db, names, _record("SP-2611-DDDDDD", "sktm", START))
    # When / Then
    with pytest.raises(TrackingNumberTaken):
        create_application(db, names, _record("SP-2611-DDDDDD", "nib_oss", START))
    assert stats.read_statistics(stats_table, START.date(), START.date())["totals"]["submitted"] == 1


def test_a_failed_extra_condition_names_its_index_and_changes_nothing(store):
    # Given: an extra write whose condition cannot hold
    db, names, applications, _ = store
    impossible = {
        "ConditionCheck": {
            "TableName": names.applications,
            "Key": {"id": {"S": "SP-2611-NOPE00"}},
            "ConditionExpression": "attribute_exists(id)",
        }
    }
    # When
    with pytest.raises(TransactionCancelled) as cancelled:
        create_application(db, names, _record("SP-2611-EEEEEE", "sktm", START), [impossible])
    # Then
    assert cancelled.value.failed == [0]
    assert get_application(applications, "SP-2611-EEEEEE") is None


# A step: which application, where to move it, whether to use a stale copy, how many hours later.
_steps = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(list(Status)), st.booleans(), st.integers(0, 20)),
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(services=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=6), steps=_steps)
def test_the_statistics_always_equal_a_count_of_the_applications(aws_credentials, services, steps):
    with mock_aws():
        # Given
        db, names, applications, stats_table = _create_store()
        ids = [f"SP-2611-{i:06d}" for i in range(len(services))]
        at = START
        for application_id, service_id in zip(ids, services, strict=True):
            create_application(db, names, _record(application_id, service_id, at))
        # When: a random mix of allowed, disallowed and stale moves
        previous: dict[str, ApplicationRecord] = {}
        for index, target, stale, hours in steps:
            application_id = ids[index % len(ids)]
            at += dt.timedelta(hours=hours)
            current = get_application(applications, application_id)
            record = previous.get(application_id, current) if stale else current
            try:
                transition(db, names, record, target, actor="officer:x", at=at)
            except Conflict:
                assert target not in ALLOWED_TRANSITIONS[record.status] or record.version != current.version
            else:
                assert target in ALLOWED_TRANSITIONS[record.status] and record.version == current.version
            previous[application_id] = current
        # Then
        items = [ApplicationRecord.model_validate(i) for i in applications.scan()["Items"]]
        figures = stats.read_statistics(stats_table, START.date(), at.date())
        buckets = Counter(BUCKET[i.status] for i in items)
        assert figures["totals"] == {"submitted": len(items), **{b: buckets[b] for b in stats.BUCKETS}}
        for row in figures["by_service"]:
            mine = [i for i in items if i.service_id == row["service_id"]]
            assert row["submitted"] == len(mine)
            assert all(row[b] == sum(BUCKET[i.status] == b for i in mine) for b in stats.BUCKETS)
        events = Counter(
            (dt.datetime.fromisoformat(h.at).date().isoformat(), DAY_EVENT[h.status])
            for i in items
            for h in i.history
            if h.status in DAY_EVENT
        )
        submitted_days = Counter(dt.datetime.fromisoformat(i.submitted_at).date().isoformat() for i in items)
        for day in figures["by_day"]:
            assert day["submitted"] == submitted_days[day["date"]]
            assert all(day[event] == events[(day["date"], event)] for event in ("issued", "rejected", "returned"))
