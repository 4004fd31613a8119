"""Data access for the catalogue: services (pk SERVICE) and service points (pk SITE) in one table."""

import time
from collections.abc import Callable
from typing import Any

from functions.shared.dynamo import from_item, query_all, to_item
from functions.shared.errors import Unprocessable, detail

SERVICE_PK = "SERVICE"
SITE_PK = "SITE"
_KEYS = ("pk", "sk")
# The catalogue changes only when it is seeded again; a warm instance answers from memory for this long
# (a minute after `make seed`, every instance shows the new catalogue).
CACHE_SECONDS = 60.0
_cache: dict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = {}


# The proof a courier delivered a paper application (a photo of its receipt): a document every service takes,
# that only the officers' intake attaches (functions/submit/submission.py); the console's detail names it too.
DELIVERY_RECEIPT: dict[str, Any] = {
    "id": "delivery_receipt",
    "label_id": "Foto tanda terima kurir",
    "label_en": "Photo of the courier's receipt",
    "required": False,
    "accepted_types": ["image/jpeg", "image/png", "application/pdf"],
    "max_size_bytes": 5 * 1024 * 1024,
}


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


def load_service(catalogue: Any, service_id: str, field: str = "service_id") -> dict[str, Any]:
    """Return a service of the catalogue.

    :raises Unprocessable: ``unknown_service``, or ``applied_elsewhere`` (the NIB, on OSS), naming `field`.
    """
    service = get_service(catalogue, service_id)
    if service is None:
        message_id, message_en = "Layanan ini tidak ada dalam katalog.", "There is no such service in the catalogue."
        raise Unprocessable(
            message_id,
            message_en,
            code="unknown_service",
            details=[detail(field, "unknown_service", message_id, message_en)],
        )
    if service.get("applied_at"):
        where = service["applied_at"]
        message_id = f"Layanan ini tidak diajukan di sini. Ajukan di {where['name_id']} ({where['url']})."
        message_en = f"This service is not applied for here. Apply on {where['name_en']} ({where['url']})."
        raise Unprocessable(
            message_id,
            message_en,
            code="applied_elsewhere",
            details=[detail(field, "applied_elsewhere", message_id, message_en)],
        )
    return service


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


# The room figures an admin sets with the policy knob (functions/queue/site_policy.py), the mark it leaves, and
# the figures' version (1 for the first change; a seeded site has none), which the windows' caps carry.
POLICY_FIELDS = ("capacity", "occupancy_cap_percent")
POLICY_SET_AT = "policy_set_at"
POLICY_VERSION = "policy_version"


def put_catalogue(table: Any, services: list[dict[str, Any]], sites: list[dict[str, Any]]) -> None:
    """Write (or overwrite) every service and service point, as `make seed` does.

    A site whose room figures an admin has set keeps them: the seed gives a site its first figures only, so
    re-running a deployment never reopens a room the office has capped. The room's cap binds through the
    window counters, which take a site's figures when first counted (functions/shared/bookings.py): a seed's
    new figures reach the windows nobody has booked yet; a room in service is changed with the admin's
    `PATCH /api/officer/sites/{id}`, which writes every window of the horizon.
    """
    from boto3.dynamodb.conditions import Attr, Key

    clear_cache()
    # Only the sites an admin has set, and only their room figures: not every site whole (318 of them).
    kept_fields = ("sk", *POLICY_FIELDS, POLICY_SET_AT, POLICY_VERSION)
    stored = query_all(
        table,
        KeyConditionExpression=Key("pk").eq(SITE_PK),
        FilterExpression=Attr(POLICY_SET_AT).exists(),
        ProjectionExpression=", ".join(f"#kept{n}" for n in range(len(kept_fields))),
        ExpressionAttributeNames={f"#kept{n}": name for n, name in enumerate(kept_fields)},
        ConsistentRead=True,
    )
    set_by_admin = {i["sk"]: {k: i[k] for k in kept_fields[1:] if k in i} for i in stored}
    with table.batch_writer(overwrite_by_pkeys=list(_KEYS)) as batch:
        for service in services:
            batch.put_item(Item=to_item({**service, "pk": SERVICE_PK, "sk": service["id"]}))
        for site in sites:
            kept = set_by_admin.get(site["id"], {})
            batch.put_item(Item=to_item({**site, **kept, "pk": SITE_PK, "sk": site["id"]}))


def site_for_booking(table: Any, site_id: str) -> dict[str, Any] | None:
    """Return a service point to book at: from the cache, or as stored when the cache does not know it yet.

    Its hours, counters and slot sizes change only when the catalogue is seeded; the room's cap, which an
    admin changes at any time, binds through the window counters (functions/shared/bookings.py), not this copy.
    """
    return get_site(table, site_id) or read_site(table, site_id)


def read_site(table: Any, site_id: str) -> dict[str, Any] | None:
    """Return one service point as stored now (a consistent read, never the cache)."""
    found = table.get_item(Key={"pk": SITE_PK, "sk": site_id}, ConsistentRead=True).get("Item")
    return _strip(found) if found else None
