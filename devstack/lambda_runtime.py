"""Invoke the functions as Lambda does: each in its own worker processes, one event at a time per instance.

`WorkerFunctions` is what the stack runs: every function gets its own processes, started with its own
environment (from template.yaml, as provisioned) and so its own module state (Powertools' Logger and
Metrics, cached settings and clients), up to `concurrency` instances of a function at once, each kept
warm and replaced if it dies or times out. `Functions` imports the handlers into the caller's process,
for the handler tests on moto's in-process mock, which cannot be reached from another process. Both
have the same `invoke`.

This module is imported by the worker processes too (devstack.lambda_worker): it must not import the
functions' code, which would create their module state before their environment is set.
"""

import contextlib
import importlib
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from devstack.template import handler_of

ROOT = Path(__file__).resolve().parent.parent
# Lambda gives a function's init (its import) 10 s; a busy laptop is slower than a Lambda host, so more here.
INIT_TIMEOUT_S = 30
# The parts of the stack's environment a worker keeps: what the interpreter itself needs, as Lambda provides.
# Seconds to move a function's clock by (see StackOptions.clock_at); the worker applies it before the handler loads.
CLOCK_SHIFT_VARIABLE = "SATUPINTU_LOCAL_CLOCK_SHIFT_S"
PROCESS_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "VIRTUAL_ENV", "SYSTEMROOT")
_FRAME_HEADER = struct.Struct(">I")
# How many invocations of each function the stack remembers (which instance, from when to when).
INVOCATIONS_KEPT = 1000


@dataclass
class LocalContext:
    """The parts of LambdaContext that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    timeout_s: int = 15
    aws_request_id: str = ""

    def __post_init__(self) -> None:
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:local:123456789012:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        """Return the milliseconds left before the timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionError(Exception):
    """An invocation failed as Lambda reports it: the handler raised, timed out, or its instance died."""

    def __init__(self, function: str, error_type: str, message: str) -> None:
        super().__init__(f"{function}: {error_type}: {message}")
        self.function = function
        self.error_type = error_type


class Invoker(Protocol):
    """What the gateway, the pollers and the scheduler need: run a function on an event."""

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Run the function on an event and return what it returned."""
        ...


def _settings(template: dict[str, Any], function: str) -> tuple[int, int]:
    """Return a function's (timeout in seconds, memory in MB), its own or the template's Globals."""
    props = template["Resources"][function]["Properties"]
    globals_ = (template.get("Globals") or {}).get("Function", {})
    return int(props.get("Timeout", globals_.get("Timeout", 3))), int(
        props.get("MemorySize", globals_.get("MemorySize", 128))
    )


class Functions:
    """Loads each function's handler once into this process and serialises its invocations (one warm instance)."""

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
        timeout, memory = _settings(self.template, function)
        with self._locks[function]:
            return handler(event, LocalContext(function_name=function, timeout_s=timeout, memory_limit_in_mb=memory))

    def close(self) -> None:
        """Nothing to stop: the handlers live in this process."""


def write_frame(stream: Any, message: dict[str, Any]) -> None:
    """Write one length-prefixed JSON message."""
    data = json.dumps(message).encode()
    stream.write(_FRAME_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: Any) -> dict[str, Any] | None:
    """Read one length-prefixed JSON message; None at the end of the stream."""
    header = stream.read(_FRAME_HEADER.size)
    if len(header) < _FRAME_HEADER.size:
        return None
    (size,) = _FRAME_HEADER.unpack(header)
    data = stream.read(size)
    return json.loads(data) if len(data) == size else None


class Instance:
    """One warm instance of a function: a `python -m devstack.lambda_worker` process with the function's environment."""

    def __init__(self, function: str, handler: str, environment: dict[str, str], timeout_s: int) -> None:
        self.function = function
        self.timeout_s = timeout_s
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devstack.lambda_worker", handler],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # The function's own output (its logs) goes where the stack's goes, as Lambda's goes to its log group.
            stderr=None,
        )
        self.invocations = 0
        try:
            hello = self._answer(INIT_TIMEOUT_S, "Runtime.InitTimeout", INIT_TIMEOUT_S)
        except FunctionError:
            self.kill()
            raise
        if "init_error" in hello:
            self.kill()
            raise FunctionError(function, hello["init_error"]["errorType"], hello["init_error"]["errorMessage"])

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.process.pid

    @property
    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.poll() is None

    def invoke(self, event: dict[str, Any]) -> Any:
        """Send one event and wait for the answer; a timeout or a death ends this instance.

        :raises FunctionError: the handler raised, timed out or the process died.
        """
        request_id = str(uuid.uuid4())
        try:
            write_frame(self.process.stdin, {"event": event, "request_id": request_id, "timeout_s": self.timeout_s})
        except (BrokenPipeError, OSError, ValueError):
            self.kill()
            raise FunctionError(self.function, "Runtime.ExitError", "the instance had stopped") from None
        # A second's grace for the pipes; the worker's context counts down the function's own timeout.
        answer = self._answer(self.timeout_s + 1, "Task.TimedOut", self.timeout_s)
        self.invocations += 1
        if "error" in answer:
            raise FunctionError(self.function, answer["error"]["errorType"], answer["error"]["errorMessage"])
        return answer["result"]

    def _answer(self, wait_s: float, timeout_error: str, timeout_s: float) -> dict[str, Any]:
        """Read the worker's next message, or kill it when the time is up or it died."""
        stream = self.process.stdout
        deadline = time.monotonic() + wait_s
        buffer = b""
        needed = _FRAME_HEADER.size
        header_done = False
        while True:
            while len(buffer) < needed:
                remaining = deadline - time.monotonic()
                try:
                    ready, _, _ = select.select([stream], [], [], max(0.0, remaining))
                    chunk = os.read(stream.fileno(), needed - len(buffer)) if ready else None
                except (OSError, ValueError):  # the stack stopped the instance meanwhile
                    chunk = b""
                if chunk is None:
                    self.kill()
                    raise FunctionError(self.function, timeout_error, f"Task timed out after {timeout_s:.0f} seconds")
                if not chunk:
                    try:
                        code = self.process.wait(timeout=1)
                    except subprocess.TimeoutExpired:
                        code = None
                    self.kill()
                    raise FunctionError(self.function, "Runtime.ExitError", f"the instance exited with code {code}")
                buffer += chunk
            if header_done:
                return json.loads(buffer[_FRAME_HEADER.size :])
            (size,) = _FRAME_HEADER.unpack(buffer)
            needed += size
            header_done = True

    def stop(self) -> None:
        """Ask the worker to finish (it exits when its input closes)."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()

    def kill(self) -> None:
        """End the worker now."""
        if self.alive:
            self.process.kill()
        self.process.wait()
        self.stop()
        self.process.stdout.close()


class Pool:
    """The warm instances of one function: at most `size` at once, the most recently used first."""

    def __init__(self, function: str, handler: str, environment: dict[str, str], timeout_s: int, size: int) -> None:
        self.function = function
        self.handler = handler
        self.environment = environment
        self.timeout_s = timeout_s
        self.size = size
        self.idle: list[Instance] = []
        self.busy: set[Instance] = set()
        self.starting = 0
        # Instances started ahead of demand, and the invocations waiting for them rather than starting their own.
        self.prewarming = 0
        self.waiting_for_prewarm = 0
        self.closed = False
        self.started = 0
        self.condition = threading.Condition()
        # The latest invocations: (instance pid, start, end), epoch seconds; for a developer or a test to see which
        # instances served what, and whether they ran side by side.
        self.invocations: deque[tuple[int, float, float]] = deque(maxlen=INVOCATIONS_KEPT)

    def invoke(self, event: dict[str, Any]) -> Any:
        """Run one event on a free instance, starting one (a cold start) if none is free and there is room."""
        instance = self._acquire()
        started = time.time()
        try:
            return instance.invoke(event)
        finally:
            self.invocations.append((instance.pid, started, time.time()))
            self._release(instance)

    def _acquire(self) -> Instance:
        with self.condition:
            while True:
                if self.closed:
                    raise FunctionError(self.function, "Runtime.Stopped", "the stack is stopping")
                while self.idle and not self.idle[-1].alive:
                    self.idle.pop().kill()  # died while idle: replaced below, the invocation never sees it
                if self.idle:
                    instance = self.idle.pop()
                    self.busy.add(instance)
                    return instance
                if self.prewarming > self.waiting_for_prewarm:
                    self.waiting_for_prewarm += 1
                    self.condition.wait()
                    self.waiting_for_prewarm -= 1
                    continue
                if len(self.busy) + self.starting + self.prewarming < self.size:
                    self.starting += 1
                    break
                self.condition.wait()
        try:
            instance = Instance(self.function, self.handler, self.environment, self.timeout_s)
        except BaseException:
            with self.condition:
                self.starting -= 1
                self.condition.notify_all()
            raise
        with self.condition:
            self.starting -= 1
            self.started += 1
            self.busy.add(instance)
        return instance

    def _release(self, instance: Instance) -> None:
        with self.condition:
            self.busy.discard(instance)
            keep = instance.alive and not self.closed
            if keep:
                self.idle.append(instance)
            self.condition.notify_all()
        if not keep:
            instance.kill()

    def prewarm(self) -> None:
        """Start an instance if the function has none, and leave it idle for the first invocation."""
        with self.condition:
            if self.closed or self.idle or self.busy or self.starting or self.prewarming:
                return
            self.prewarming += 1
        try:
            instance = Instance(self.function, self.handler, self.environment, self.timeout_s)
        except FunctionError:
            instance = None  # the first invocation tries again and reports what went wrong
        with self.condition:
            self.prewarming -= 1
            keep = instance is not None and not self.closed
            if keep:
                self.started += 1
                self.idle.append(instance)
            self.condition.notify_all()
        if instance is not None and not keep:
            instance.kill()

    def pids(self) -> list[int]:
        """The process ids of the live instances."""
        with self.condition:
            return [i.pid for i in (*self.idle, *self.busy) if i.alive]

    def close(self) -> list[Instance]:
        """Refuse new invocations and return every instance, for the caller to stop."""
        with self.condition:
            self.closed = True
            instances = [*self.idle, *self.busy]
            self.idle.clear()
            self.condition.notify_all()
        return instances


def worker_environment(
    function: str, template: dict[str, Any], variables: dict[str, str], base: dict[str, str] | None = None
) -> dict[str, str]:
    """Return a worker's environment: the interpreter's basics, then what Lambda sets, then the function's own."""
    base = os.environ if base is None else base
    timeout, memory = _settings(template, function)
    environment = {k: v for k, v in base.items() if k in PROCESS_VARIABLES or k.startswith("PYTHON")}
    runtime = (template.get("Globals") or {}).get("Function", {}).get("Runtime", "python3.13")
    environment.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": function,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(timeout),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "_HANDLER": handler_of(template, function),
        }
    )
    environment.update(variables)
    return environment


class WorkerFunctions:
    """Runs each function in its own worker processes, with its own environment, up to `concurrency` at once."""

    def __init__(self, template: dict[str, Any], concurrency: int = 2) -> None:
        if concurrency < 1:
            raise ValueError("a function needs at least one instance")
        self.template = template
        self.concurrency = concurrency
        self.pools: dict[str, Pool] = {}

    def configure(self, environments: dict[str, dict[str, str]]) -> None:
        """Set each function's whole environment (see `worker_environment`); call before the first invocation."""
        for function, environment in environments.items():
            timeout, _ = _settings(self.template, function)
            self.pools[function] = Pool(
                function, handler_of(self.template, function), environment, timeout, self.concurrency
            )

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Run the function on an event in one of its instances and return what it returned.

        :raises FunctionError: the function raised, timed out or its instance died.
        """
        return self.pools[function].invoke(event)

    def warm(self, functions: Iterable[str] | None = None) -> None:
        """Start one instance of each function in the background (as provisioned concurrency would), so the
        first request finds it warm; an instance that fails to start is reported by the first invocation."""
        for function in functions or list(self.pools):
            threading.Thread(target=self.pools[function].prewarm, name=f"warm-{function}", daemon=True).start()

    def pids(self) -> dict[str, list[int]]:
        """The process ids of each function's live instances."""
        return {function: pool.pids() for function, pool in self.pools.items()}

    def invocations(self) -> dict[str, list[dict[str, Any]]]:
        """Each function's latest invocations: the instance's pid, and start and end (epoch seconds)."""
        return {
            function: [{"pid": pid, "start": start, "end": end} for pid, start, end in list(pool.invocations)]
            for function, pool in self.pools.items()
        }

    def close(self, timeout_s: float = 5) -> None:
        """Stop every instance: ask each to finish, then end those still running when the time is up."""
        instances = [instance for pool in self.pools.values() for instance in pool.close()]
        for instance in instances:
            instance.stop()
        deadline = time.monotonic() + timeout_s
        for instance in instances:
            with contextlib.suppress(subprocess.TimeoutExpired):
                instance.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            instance.kill()
