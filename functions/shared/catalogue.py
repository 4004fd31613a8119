"""Data access for the catalogue: services (pk SERVICE) and service points (pk SITE) in one table."""

import time
from collections.abc import Callable
from typing import Any

from functions.shared.dynamo import from_item, query_all, to_item

SERVICE_PK = "SERVICE"
SITE_PK = "SITE"
_KEYS = ("pk", "sk")
# The catalogue changes only when it is seeded again; a warm instance answers from memory for this long
# (a minute after `make seed`, every instance shows the new catalogue).
CACHE_SECONDS = 60.0
_cache: dict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = {}


def _remembered(table: Any, pk: str, load: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    key = (table.name, pk)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        hit = (now, load())
        _cache[key] = hit
    return hit[1]


def clear_cache() -> None:
    """Forget what was read (tests and `make seed` in-process)."""
    _cache.clear()


def _partition(table: Any, pk: str) -> list[dict[str, Any]]:
    from boto3.dynamodb.conditions import Key

    return _remembered(
        table, pk, lambda: [_strip(i) for i in query_all(table, KeyConditionExpression=Key("pk").eq(pk))]
    )


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return from_item({k: v for k, v in item.items() if k not in _KEYS})


def list_services(table: Any, q: str | None = None, category: str | None = None) -> list[dict[str, Any]]:
    """Return the services, optionally only those matching a search text and a category."""
    services = _partition(table, SERVICE_PK)
    if category:
        services = [s for s in services if s.get("category") == category]
    if q:
        needle = q.casefold().strip()
        fields = ("id", "name_id", "name_en", "summary_id", "summary_en", "agency")
        services = [s for s in services if any(needle in str(s.get(f, "")).casefold() for f in fields)]
    return sorted(services, key=lambda s: s["name_id"].casefold())


def get_service(table: Any, service_id: str) -> dict[str, Any] | None:
    """Return one service, or None."""
    return next((s for s in _partition(table, SERVICE_PK) if s["id"] == service_id), None)


def list_sites(table: Any, kind: str | None = None, area: str | None = None) -> list[dict[str, Any]]:
    """Return the service points, optionally of one kind and within an area code prefix."""
    sites = [
        s
        for s in _partition(table, SITE_PK)
        if (not kind or s["kind"] == kind) and (not area or s["area_code"].startswith(area))
    ]
    kind_order = {"mall": 0, "city": 1, "kecamatan": 2, "kelurahan": 3}
    return sorted(sites, key=lambda s: (kind_order.get(s["kind"], 9), s["area_code"], s["id"]))


def get_site(table: Any, site_id: str) -> dict[str, Any] | None:
    """Return one service point, or None."""
    return next((s for s in _partition(table, SITE_PK) if s["id"] == site_id), None)


def put_catalogue(table: Any, services: list[dict[str, Any]], sites: list[dict[str, Any]]) -> None:
    """Write (or overwrite) every service and service point, as `make seed` does."""
    clear_cache()
    with table.batch_writer(overwrite_by_pkeys=list(_KEYS)) as batch:
        for service in services:
            batch.put_item(Item=to_item({**service, "pk": SERVICE_PK, "sk": service["id"]}))
        for site in sites:
            batch.put_item(Item=to_item({**site, "pk": SITE_PK, "sk": site["id"]}))


def read_site(table: Any, site_id: str) -> dict[str, Any] | None:
    """Return one service point as stored now (a consistent read, never the cache): what bookings are checked against.

    An admin's new capacity or cap must bind the very next booking, in every instance.
    """
    found = table.get_item(Key={"pk": SITE_PK, "sk": site_id}, ConsistentRead=True).get("Item")
    return _strip(found) if found else None
