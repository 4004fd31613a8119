"""A function for the runtime tests: it tells which process and environment ran it, and can sleep, fail or die."""

import os
import time
from typing import Any

# Module state: it lives as long as one warm instance does, and no other instance or function sees it.
INVOCATIONS = 0


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer with the process id, the environment it asks about and this instance's invocation count."""
    global INVOCATIONS
    INVOCATIONS += 1
    started = time.time()
    if event.get("exit"):
        os._exit(3)
    if event.get("raise"):
        raise ValueError(event["raise"])
    time.sleep(event.get("sleep_s", 0))
    return {
        "pid": os.getpid(),
        "env": {name: os.environ.get(name) for name in event.get("env", [])},
        "invocations": INVOCATIONS,
        "started": started,
        "ended": time.time(),
        "remaining_ms": context.get_remaining_time_in_millis(),
        "function_name": context.function_name,
    }
