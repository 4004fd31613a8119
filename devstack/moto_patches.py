"""Two narrow fixes to moto (5.2) so the local stack holds a busy day; both reported upstream (README, notes).

1. DynamoDB TransactWriteItems deep-copies every table a transaction names before writing, to put the
   tables back if a condition fails. Each transaction so costs time and memory in proportion to the
   whole table: the stack slowed down with every application. Here a transaction keeps a copy of only
   the items it names (and the length of the table's stream), and puts those back on a rollback.
2. moto appends every model instance it creates (each DynamoDB item, each of those table copies, each
   SQS message, each S3 object) to a class-level `instances_tracked` list that only a reset clears, so
   nothing moto ever created is freed: 600 one-item transactions on one table left 180,300 items alive
   (n(n+1)/2). Here those lists hold weak references: moto's dashboard (`/moto-api/data.json`) and S3's
   reset still see every live instance, and an instance nothing else holds is freed.

`apply()` patches the running process (the stack's moto server calls it) and returns the undo.
"""

import contextvars
import copy
import functools
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# Set while a patched TransactWriteItems runs: moto's own whole-table copy is then skipped.
_IN_TRANSACTION = contextvars.ContextVar("_IN_TRANSACTION", default=False)


class WeakInstances:
    """Stands in for a model class's `instances_tracked` list: remembers instances without keeping them alive."""

    def __init__(self, instances: Iterable[Any] = ()) -> None:
        self._refs: list[weakref.ref[Any]] = []
        self._live_after_prune = 0
        for instance in instances:
            self.append(instance)

    def append(self, instance: Any) -> None:
        """Track an instance (one that cannot be weakly referenced is not tracked)."""
        try:
            self._refs.append(weakref.ref(instance))
        except TypeError:
            return
        # Dead references are dropped once they could double the list: appending stays O(1) on average.
        if len(self._refs) > 2 * self._live_after_prune + 64:
            self._refs = [ref for ref in self._refs if ref() is not None]
            self._live_after_prune = len(self._refs)

    def __iter__(self) -> Iterator[Any]:
        return iter([instance for ref in self._refs if (instance := ref()) is not None])

    def __len__(self) -> int:
        return sum(1 for ref in self._refs if ref() is not None)


class _CopyExceptTables:
    """moto.dynamodb.models' `copy` module, except that inside a patched transaction a Table copies to itself."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        """Return a deep copy, or the table itself when a patched transaction asks for a table's snapshot."""
        if _IN_TRANSACTION.get() and isinstance(value, self._table_type):
            return value
        return copy.deepcopy(value, memo)


def _touched_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
    """Return (table, hash key, range key, a copy of the item or None) for every item the transaction names."""
    touched = []
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.get_table(op["TableName"])
            hash_key, range_key = backend.get_keys_value(table, op["Item"] if op_type == "Put" else op["Key"])
        except Exception:  # noqa: S112 - moto refuses this entry before writing it: nothing to keep
            continue
        current = table.get_item(hash_key, range_key)
        touched.append((table, hash_key, range_key, copy.deepcopy(current)))
    return touched


def _put_back(touched: list[tuple[Any, Any, Any, Any]], stream_lengths: dict[int, tuple[Any, int]]) -> None:
    """Return every touched item to its state before the transaction (the earliest copy wins)."""
    for table, hash_key, range_key, original in reversed(touched):
        if range_key is None:
            if original is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = original
        elif original is None:
            same_hash = table.items.get(hash_key)
            if same_hash is not None:
                same_hash.pop(range_key, None)
                if not same_hash:
                    del table.items[hash_key]
        else:
            table.items[hash_key][range_key] = original
    for shard, length in stream_lengths.values():
        del shard.items[length:]


def _item_snapshots(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap DynamoDBBackend.transact_write_items: snapshot the named items, not whole tables."""

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        touched = _touched_items(self, transact_items)
        streams = {
            id(table.stream_shard): (table.stream_shard, len(table.stream_shard.items))
            for table, *_ in touched
            if table.stream_shard is not None
        }
        token = _IN_TRANSACTION.set(True)
        try:
            return original(self, transact_items)
        except BaseException:
            # moto has "restored" each table from its copy, which was the table itself: restore the items.
            _put_back(touched, streams)
            raise
        finally:
            _IN_TRANSACTION.reset(token)

    transact_write_items.patched_by_devstack = True  # type: ignore[attr-defined]
    return transact_write_items


def _tracked_weakly(base_model: type) -> Callable[..., Any]:
    """Return a BaseModel.__new__ that tracks each instance in its class's WeakInstances."""

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        instance = super(base_model, cls).__new__(cls)
        tracked = cls.instances_tracked  # type: ignore[attr-defined]
        if not isinstance(tracked, WeakInstances):  # a new class, or one moto's reset gave a fresh list
            tracked = WeakInstances(tracked)
            cls.instances_tracked = tracked  # type: ignore[attr-defined]
        tracked.append(instance)
        return instance

    return __new__


def apply() -> Callable[[], None]:
    """Patch moto in this process (a second call changes nothing); return a function that undoes it."""
    import moto.dynamodb.models as dynamodb_models
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import model_data
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original_transact = DynamoDBBackend.transact_write_items
    if getattr(original_transact, "patched_by_devstack", False):
        return lambda: None
    original_copy = dynamodb_models.copy
    original_new = BaseModel.__dict__["__new__"]

    DynamoDBBackend.transact_write_items = _item_snapshots(original_transact)
    dynamodb_models.copy = _CopyExceptTables(Table)
    BaseModel.__new__ = staticmethod(_tracked_weakly(BaseModel))
    for models in model_data.values():
        for model in models.values():
            model.instances_tracked = WeakInstances(model.instances_tracked)

    def undo() -> None:
        DynamoDBBackend.transact_write_items = original_transact
        dynamodb_models.copy = original_copy
        BaseModel.__new__ = original_new
        for models in model_data.values():
            for model in models.values():
                model.instances_tracked = list(model.instances_tracked)

    return undo
