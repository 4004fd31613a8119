"""Fixtures of the visit day's tests: the test site in the catalogue, visitors, the bookings table."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from functions.shared.catalogue import SITE_PK, clear_cache, put_catalogue
from tests.kits.visit_kit import REGION, Visitors, door_site


@pytest.fixture
def site(catalogue: Any) -> Iterator[dict[str, Any]]:
    """The test site, stored in the catalogue next to the seeded ones."""
    found = door_site()
    put_catalogue(catalogue, [], [found])
    yield found
    # The catalogue is seeded once a session: take the test site out, so later tests see the 318 seeded ones.
    catalogue.delete_item(Key={"pk": SITE_PK, "sk": found["id"]})
    clear_cache()


@pytest.fixture
def visitors(api: Any, site: dict[str, Any]) -> Visitors:
    """People who book the test site through the API."""
    return Visitors(api)


@pytest.fixture
def bookings_table(aws: Any) -> Any:
    """The bookings table (to look inside: tests may read items the API does not show)."""
    return boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["BookingsTable"])
