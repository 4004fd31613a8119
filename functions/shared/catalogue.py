"""Data access for the catalogue: services (pk SERVICE) and service points (pk SITE) in one table."""

from typing import Any

from functions.shared.dynamo import from_item, query_all, to_item

SERVICE_PK = "SERVICE"
SITE_PK = "SITE"
_KEYS = ("pk", "sk")


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return from_item({k: v for k, v in item.items() if k not in _KEYS})


def list_services(table: Any, q: str | None = None, category: str | None = None) -> list[dict[str, Any]]:
    """Return the services, optionally only those matching a search text and a category."""
    from boto3.dynamodb.conditions import Key

    services = [_strip(i) for i in query_all(table, KeyConditionExpression=Key("pk").eq(SERVICE_PK))]
    if category:
        services = [s for s in services if s.get("category") == category]
    if q:
        needle = q.casefold().strip()
        fields = ("id", "name_id", "name_en", "summary_id", "summary_en", "agency")
        services = [s for s in services if any(needle in str(s.get(f, "")).casefold() for f in fields)]
    return sorted(services, key=lambda s: s["name_id"].casefold())


def get_service(table: Any, service_id: str) -> dict[str, Any] | None:
    """Return one service, or None."""
    item = table.get_item(Key={"pk": SERVICE_PK, "sk": service_id}).get("Item")
    return _strip(item) if item else None


def list_sites(table: Any, kind: str | None = None, area: str | None = None) -> list[dict[str, Any]]:
    """Return the service points, optionally of one kind and within an area code prefix."""
    from boto3.dynamodb.conditions import Key

    if kind:
        condition = Key("kind").eq(kind)
        if area:
            condition &= Key("area_code").begins_with(area)
        items = query_all(table, IndexName="ByKind", KeyConditionExpression=condition)
    else:
        items = query_all(table, KeyConditionExpression=Key("pk").eq(SITE_PK))
        if area:
            items = [i for i in items if str(i.get("area_code", "")).startswith(area)]
    kind_order = {"mall": 0, "city": 1, "kecamatan": 2, "kelurahan": 3}
    return sorted((_strip(i) for i in items), key=lambda s: (kind_order.get(s["kind"], 9), s["area_code"], s["id"]))


def get_site(table: Any, site_id: str) -> dict[str, Any] | None:
    """Return one service point, or None."""
    item = table.get_item(Key={"pk": SITE_PK, "sk": site_id}).get("Item")
    return _strip(item) if item else None


def put_catalogue(table: Any, services: list[dict[str, Any]], sites: list[dict[str, Any]]) -> None:
    """Write (or overwrite) every service and service point, as `make seed` does."""
    with table.batch_writer(overwrite_by_pkeys=list(_KEYS)) as batch:
        for service in services:
            batch.put_item(Item=to_item({**service, "pk": SERVICE_PK, "sk": service["id"]}))
        for site in sites:
            batch.put_item(Item=to_item({**site, "pk": SITE_PK, "sk": site["id"]}))
