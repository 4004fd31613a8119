"""The booking transaction's own rules: how counters add up, and what a refusal or a lost race is called."""

import pytest
from botocore.exceptions import ClientError

from functions.shared import bookings
from functions.shared.bookings import Place, PlaceRefused, Refusal, Tables, counter_items
from functions.shared.errors import TooManyRequests

PLACE = Place("s", "c", "2026-11-24", "09:00", "09:45", ("09:00", "09:30"), 2, 3, 5)
LATER = Place("s", "c", "2026-11-24", "09:30", "10:15", ("09:30", "10:00"), 2, 3, 5)


def _ops(items):
    return {
        (entry[next(iter(entry))]["Key"]["pk"]["S"], entry[next(iter(entry))]["Key"]["sk"]["S"]): entry
        for _, entry in items
    }


def test_a_booking_counts_in_its_slot_every_window_it_overlaps_and_its_counters_day():
    ops = _ops(counter_items("t", [PLACE], []))
    assert set(ops) == {
        ("SLOT#s#2026-11-24", "c#09:00"),
        ("WINDOW#s#2026-11-24", "09:00"),
        ("WINDOW#s#2026-11-24", "09:30"),
        ("QUOTA#s#2026-11-24", "c"),
    }
    slot = ops[("SLOT#s#2026-11-24", "c#09:00")]["Update"]
    # Room for one more: at most capacity - 1 already booked
    assert slot["ExpressionAttributeValues"][":most"] == {"N": "1"}


def test_a_window_is_held_to_its_own_cap_and_a_new_one_takes_the_sites_limit():
    window = _ops(counter_items("t", [PLACE], []))[("WINDOW#s#2026-11-24", "09:00")]["Update"]
    # Nothing read first: a counter with a cap takes one more only below it; one without is held to the limit
    # the booking read (3), and keeps it as its cap.
    assert window["ConditionExpression"] == (
        "(attribute_exists(cap) AND booked < cap) OR "
        "(attribute_not_exists(cap) AND (attribute_not_exists(booked) OR booked <= :most))"
    )
    assert window["ExpressionAttributeValues"][":most"] == {"N": "2"}
    assert window["ExpressionAttributeValues"][":cap"] == {"N": "3"}
    assert window["UpdateExpression"].endswith("cap = if_not_exists(cap, :cap)")


def test_a_move_within_a_shared_window_only_checks_it_and_moves_the_rest():
    ops = _ops(counter_items("t", [LATER], [PLACE]))
    shared = ops[("WINDOW#s#2026-11-24", "09:30")]
    assert "ConditionCheck" in shared
    # Given back and taken at once: the window must hold no more than its cap now
    assert shared["ConditionCheck"]["ConditionExpression"].startswith("(attribute_exists(cap) AND booked <= cap) OR")
    assert shared["ConditionCheck"]["ExpressionAttributeValues"][":most"] == {"N": "3"}
    assert ops[("WINDOW#s#2026-11-24", "09:00")]["Update"]["ExpressionAttributeValues"][":net"] == {"N": "-1"}
    assert ops[("WINDOW#s#2026-11-24", "10:00")]["Update"]["ExpressionAttributeValues"][":net"] == {"N": "1"}
    assert ("QUOTA#s#2026-11-24", "c") in ops and "ConditionCheck" in ops[("QUOTA#s#2026-11-24", "c")]


def test_a_room_closed_by_a_zero_cap_lets_only_a_window_whose_own_cap_has_room_take():
    closed = Place("s", "c", "2026-11-24", "09:00", "09:30", ("09:00",), 2, 0, None)
    window = _ops(counter_items("t", [closed], []))[("WINDOW#s#2026-11-24", "09:00")]["Update"]
    # The reader's copy says closed; the window's own cap decides (an admin may have opened it since).
    assert window["ConditionExpression"] == "(attribute_exists(cap) AND booked < cap)"
    assert ":most" not in window["ExpressionAttributeValues"]


def test_a_slot_of_no_places_refuses_before_any_write():
    none = Place("s", "c", "2026-11-24", "09:00", "09:30", ("09:00",), 0, 3, None)
    with pytest.raises(PlaceRefused) as refused:
        counter_items("t", [none], [])
    assert refused.value.reason == Refusal.SLOT_FULL


def test_a_change_taking_two_places_in_one_window_is_refused_as_unsupported():
    with pytest.raises(ValueError, match="at most one"):
        counter_items("t", [PLACE, LATER], [])


class _AlwaysConflicting:
    def transact_write_items(self, TransactItems, ClientRequestToken):
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException"},
                "CancellationReasons": [{"Code": "TransactionConflict"}],
            },
            "TransactWriteItems",
        )


def test_a_booking_that_keeps_losing_the_race_is_told_to_try_again_not_a_500():
    tables = Tables(None, "outbox", _AlwaysConflicting())
    with pytest.raises(TooManyRequests) as busy:
        bookings.run(tables, [(None, {})], sleep=lambda _: None)
    assert busy.value.code == "busy" and busy.value.headers() == {"Retry-After": "1"}
