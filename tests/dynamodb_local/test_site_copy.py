"""A booking judges against this instance's copy of the site, and still follows every change made since.

The changes are written straight to the catalogue table, as another instance (an admin's request) or
`make seed` writes them: this instance's copy is not told.
"""

from collections import Counter

import pytest

from functions.queue import booking
from functions.shared.errors import AppError
from tests.dynamodb_local.test_booking_rush import NOW, counter, race, request, rush_site

pytestmark = pytest.mark.dynamodb_local


def outcome(deps, req) -> str:
    try:
        booking.book_visit(req, deps, NOW)
        return "booked"
    except AppError as error:
        return f"{int(error.status)} {error.code}"


def catalogue_table(world):
    return world.local.resource().Table(world.refs["CatalogueTable"])


def count_site_reads(deps) -> list[str]:
    """Record every GetItem the deps' catalogue makes."""
    reads: list[str] = []
    deps.catalogue.meta.client.meta.events.register("before-call.dynamodb.GetItem", lambda **_: reads.append("get"))
    return reads


def test_a_warm_instance_books_without_reading_the_site_again(world):
    # Given an instance that has booked once at the site
    world.put_site(rush_site())
    deps = world.deps()
    reads = count_site_reads(deps)
    assert outcome(deps, request(1)) == "booked"
    assert reads == ["get"]
    # When it books again
    assert outcome(deps, request(2)) == "booked"
    # Then it did not read the site a second time
    assert reads == ["get"]


def test_an_admins_new_cap_binds_the_very_next_booking_of_an_instance_that_has_the_old_site(world):
    # Given an instance that booked (and so keeps the site) in a room of 400 capped at 50 %
    world.put_site(rush_site(counters=[counter("a", 10), counter("b", 10)]))
    deps = world.deps()
    for n in range(3):
        assert outcome(deps, request(n, "ab"[n % 2])) == "booked"
    # When another instance sets the room to 4 at 50 % (2 at once)
    catalogue_table(world).update_item(
        Key={"pk": "SITE", "sk": "rush"},
        UpdateExpression="SET #capacity = :capacity",
        ExpressionAttributeNames={"#capacity": "capacity"},
        ExpressionAttributeValues={":capacity": 4},
    )
    # Then this instance's next booking at 09:00 is refused by the new cap, not let in by its copy
    assert outcome(deps, request(10, "b")) == "409 window_full"
    # And an hour the new cap leaves room for still books
    assert outcome(deps, request(11, "b", "10:00")) == "booked"


def test_a_counter_made_smaller_binds_at_once_even_in_a_rush_of_instances_with_the_old_site(world):
    # Given instances that have the site with a counter of 10 per slot, 2 booked at 09:00
    world.put_site(rush_site(counters=[counter("a", 10)]))
    deps = world.deps()
    for n in range(2):
        assert outcome(deps, request(n, "a")) == "booked"
    # When the catalogue is seeded again with that counter at 2 per slot (written past this process's copy)
    smaller = rush_site(counters=[counter("a", 2)])
    catalogue_table(world).put_item(Item={**smaller, "pk": "SITE", "sk": "rush"})
    # Then the next booking of 09:00 is refused as full, and a rush on 10:00 gives exactly its 2 places
    assert outcome(deps, request(10, "a")) == "409 slot_full"
    outcomes = race(world, [request(20 + n, "a", "10:00") for n in range(20)])
    assert outcomes == Counter({"booked": 2, "409 slot_full": 18})
