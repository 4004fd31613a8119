"""Invoke the functions in-process as Lambda would: one warm instance per function, one event at a time."""

import importlib
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from devstack.template import handler_of


@dataclass
class LocalContext:
    """The parts of LambdaContext that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    timeout_s: int = 15

    def __post_init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:local:123456789012:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        """Return the milliseconds left before the timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Functions:
    """Loads each function's handler once and serialises its invocations (a single warm instance)."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.template = template
        self._handlers: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._load_lock = threading.Lock()

    def _handler(self, function: str) -> Any:
        with self._load_lock:
            if function not in self._handlers:
                module_name, attr = handler_of(self.template, function).rsplit(".", 1)
                self._handlers[function] = getattr(importlib.import_module(module_name), attr)
                self._locks[function] = threading.Lock()
            return self._handlers[function]

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Run the function's handler on an event and return what it returned."""
        handler = self._handler(function)
        props = self.template["Resources"][function]["Properties"]
        globals_ = (self.template.get("Globals") or {}).get("Function", {})
        timeout = int(props.get("Timeout", globals_.get("Timeout", 15)))
        with self._locks[function]:
            return handler(event, LocalContext(function_name=function, timeout_s=timeout))
