"""Conflicts and throttling, as real DynamoDB answers them under contention, never book a place twice.

DynamoDB Local serializes transactions and never answers TransactionConflict; real DynamoDB does. So the
client is made to answer it (and throttling) on about half of the attempts, before the request leaves.
"""

import random
import threading
from collections import Counter
from types import SimpleNamespace

import pytest
from test_booking_rush import BOOKERS, assert_counters_equal_items, race, request, rush_site

pytestmark = pytest.mark.dynamodb_local


def inject_faults(client, rate: float, seed: int = 7) -> Counter:
    """Make `rate` of the client's TransactWriteItems calls fail as retryable, never more than twice in a row."""
    rng = random.Random(seed)
    lock = threading.Lock()
    streak = threading.local()
    injected: Counter = Counter()

    def maybe_fail(**_):
        with lock:
            fail = rng.random() < rate and getattr(streak, "n", 0) < 2
            kind = rng.choice(["TransactionConflict", "ThrottlingError"])
        if not fail:
            streak.n = 0
            return None
        streak.n = getattr(streak, "n", 0) + 1
        injected[kind] += 1
        reasons = [{"Code": "None"}, {"Code": kind, "Message": "injected"}]
        parsed = {
            "Error": {"Code": "TransactionCanceledException", "Message": f"Transaction cancelled [{kind}]"},
            "CancellationReasons": reasons,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return SimpleNamespace(status_code=400, headers={}), parsed

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", maybe_fail)
    return injected


def test_conflicts_and_throttling_are_retried_and_each_place_is_booked_once(world):
    # Given a slot of 12 and a client that meets conflicts and throttling on half its transactions
    world.put_site(rush_site())
    injected = inject_faults(world.db, rate=0.5)
    # When 200 people race for it
    outcomes = race(world, [request(n) for n in range(BOOKERS)])
    # Then faults were met and retried: exactly 12 bookings, counters equal to items, every loser a 409
    assert sum(injected.values()) > 20 and set(injected) == {"TransactionConflict", "ThrottlingError"}
    assert outcomes == Counter({"booked": 12, "409 slot_full": 188})
    assert len(assert_counters_equal_items(world)) == 12
