"""Public statistics: counters kept in the stats table, changed in the same transaction as each status change.

Layout (no personal data anywhere): pk ``TOTALS`` sk ``-``; pk ``SERVICE`` sk the service id;
pk ``DAY`` sk the Jakarta date ``YYYY-MM-DD``. TOTALS and SERVICE hold ``submitted`` (every
application ever received) and the current count in each bucket (``new``, ``in_process``,
``returned``, ``issued``, ``rejected``), so submitted = new + in_process + returned + issued +
rejected. DAY holds what happened that day: ``submitted``, ``issued``, ``rejected``, ``returned``.
pk ``SLA`` sk the service id holds ``decided`` (approved or rejected) and ``decided_on_time`` (by the due
date of functions/shared/deadlines.py), added in the decision's own transaction: the "on time %" per service.
Reading them is a handful of key lookups, never a scan of the applications.
"""

import datetime as dt
from typing import Any

from functions.shared.dynamo import from_item, query_all

TOTALS_PK, TOTALS_SK = "TOTALS", "-"
SERVICE_PK = "SERVICE"
DAY_PK = "DAY"

BUCKETS = ("new", "in_process", "returned", "issued", "rejected")
TOTAL_COUNTERS = ("submitted", *BUCKETS)
DAY_COUNTERS = ("submitted", "issued", "rejected", "returned")
SLA_PK = "SLA"
SLA_COUNTERS = ("decided", "decided_on_time")


def counter_updates(
    table_name: str, service_id: str, day: str, deltas: dict[str, int], day_events: dict[str, int]
) -> list[dict[str, Any]]:
    """Return the TransactWriteItems entries that add `deltas` to TOTALS and SERVICE and `day_events` to DAY."""
    items = []
    deltas = {k: v for k, v in deltas.items() if v}
    day_events = {k: v for k, v in day_events.items() if v}
    if deltas:
        items.append(_add(table_name, TOTALS_PK, TOTALS_SK, deltas))
        items.append(_add(table_name, SERVICE_PK, service_id, deltas))
    if day_events:
        items.append(_add(table_name, DAY_PK, day, day_events))
    return items


def decision_updates(table_name: str, service_id: str, on_time: bool) -> list[dict[str, Any]]:
    """Return the TransactWriteItems entry that counts one decided application of a service, on time or late."""
    return [_add(table_name, SLA_PK, service_id, {"decided": 1, "decided_on_time": 1 if on_time else 0})]


def _on_time(item: dict[str, Any] | None) -> dict[str, Any]:
    counts = _counters(item, SLA_COUNTERS)
    percent = round(100 * counts["decided_on_time"] / counts["decided"], 1) if counts["decided"] else None
    return {**counts, "on_time_percent": percent}


def _add(table_name: str, pk: str, sk: str, deltas: dict[str, int]) -> dict[str, Any]:
    """One Update that ADDs each delta (ADD creates a missing counter at zero first)."""
    names = {f"#c{i}": name for i, name in enumerate(deltas)}
    values = {f":d{i}": {"N": str(delta)} for i, delta in enumerate(deltas.values())}
    clauses = ", ".join(f"#c{i} :d{i}" for i in range(len(deltas)))
    return {
        "Update": {
            "TableName": table_name,
            "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
            "UpdateExpression": f"ADD {clauses}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _counters(item: dict[str, Any] | None, names: tuple[str, ...]) -> dict[str, int]:
    item = from_item(item or {})
    return {name: int(item.get(name, 0)) for name in names}


def read_statistics(table: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Return totals, one entry per day from `date_from` to `date_to` (zeros included) and one per service."""
    from boto3.dynamodb.conditions import Key

    totals = _counters(table.get_item(Key={"pk": TOTALS_PK, "sk": TOTALS_SK}).get("Item"), TOTAL_COUNTERS)
    day_range = Key("pk").eq(DAY_PK) & Key("sk").between(date_from.isoformat(), date_to.isoformat())
    day_items = query_all(table, KeyConditionExpression=day_range)
    days = {item["sk"]: _counters(item, DAY_COUNTERS) for item in day_items}
    by_day = []
    day = date_from
    while day <= date_to:
        by_day.append({"date": day.isoformat(), **days.get(day.isoformat(), dict.fromkeys(DAY_COUNTERS, 0))})
        day += dt.timedelta(days=1)
    sla = {item["sk"]: item for item in query_all(table, KeyConditionExpression=Key("pk").eq(SLA_PK))}
    by_service = [
        {"service_id": item["sk"], **_counters(item, TOTAL_COUNTERS), **_on_time(sla.get(item["sk"]))}
        for item in query_all(table, KeyConditionExpression=Key("pk").eq(SERVICE_PK))
    ]
    return {"totals": totals, "by_day": by_day, "by_service": by_service}
