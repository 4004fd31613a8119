"""Small helpers for DynamoDB items: numbers come back as Decimal and go in as Decimal."""

from decimal import Decimal
from typing import Any


def from_item(value: Any) -> Any:
    """Return a DynamoDB item (or value) with Decimals turned into int or float, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_item(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [from_item(v) for v in value]
    return value


def to_item(value: Any) -> Any:
    """Return a value ready for DynamoDB (floats as Decimal), recursively."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_item(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_item(v) for v in value]
    return value


def query_all(table: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Run a Query to the end, following LastEvaluatedKey, and return every item."""
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
