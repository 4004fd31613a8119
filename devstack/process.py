"""Run the local stack as a child process, as `make dev` does (used by tests and benchmarks)."""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningStack:
    """A local stack started as `make dev` starts it, and what it wrote to its state file."""

    process: subprocess.Popen[bytes]
    info: dict[str, Any]
    log_path: Path

    @property
    def site_url(self) -> str:
        """The static site, e.g. http://127.0.0.1:PORT/."""
        return self.info["site_url"]

    @property
    def api_url(self) -> str:
        """The API base, e.g. http://127.0.0.1:PORT/api."""
        return self.info["api_url"]

    @property
    def mailbox_url(self) -> str:
        """The local mailbox page (its JSON at mailbox_url + '.json')."""
        return self.info["mailbox_url"]

    def client(self, service: str) -> Any:
        """A boto3 client for the stack's moto server (DynamoDB: wherever the stack keeps its tables)."""
        return self._session().client(service, endpoint_url=self.endpoint(service))

    def resource(self, service: str) -> Any:
        """A boto3 service resource for the stack's moto server (e.g. "dynamodb")."""
        return self._session().resource(service, endpoint_url=self.endpoint(service))

    def endpoint(self, service: str) -> str:
        """The endpoint of one service: DynamoDB may be DynamoDB Local, the rest is moto."""
        if service == "dynamodb":
            return self.info.get("dynamodb_endpoint_url", self.info["aws_endpoint_url"])
        return self.info["aws_endpoint_url"]

    def invocations(self) -> dict[str, list[dict[str, Any]]]:
        """The functions' recent invocations, as the stack recorded them: which instance (pid), from when to when."""
        import requests

        return requests.get(f"{self.site_url}_invocations.json", timeout=10).json()

    def _session(self) -> Any:
        import boto3

        return boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.info["region"]
        )

    def process_ids(self) -> list[int]:
        """The stack's process and every process it started (the functions' instances)."""
        return [self.process.pid, *descendants(self.process.pid)]

    def memory_bytes(self) -> int:
        """The resident memory of the stack and all its processes, summed."""
        return sum(rss_bytes(pid) for pid in self.process_ids())

    def cpu_seconds(self) -> float:
        """The processor time the stack and its live processes have used, summed."""
        return sum(cpu_seconds(pid) for pid in self.process_ids())

    def by_role(self, measure: Callable[[int], float]) -> dict[str, float]:
        """Sum `measure(pid)` per role: the stack's own process (gateway, moto, pollers), then each function."""
        roles: Counter[str] = Counter()
        for pid in self.process_ids():
            role = "stack (gateway, moto, pollers)"
            if pid != self.process.pid:
                try:
                    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                except OSError:
                    continue  # it ended meanwhile
                names = [e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"AWS_LAMBDA_FUNCTION_NAME=")]
                role = names[0] if names else "other"
            roles[role] += measure(pid)
        return dict(roles)

    def wait_for_queue_drained(self, queue: str, timeout_s: float = 30) -> None:
        """Wait until the poller has taken every message off a queue (by logical id) and finished with it."""
        sqs = self.client("sqs")
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            counts = sqs.get_queue_attributes(QueueUrl=self.info["resources"][queue], AttributeNames=names)
            if all(int(v) == 0 for v in counts["Attributes"].values()):
                return
            time.sleep(0.2)
        raise AssertionError(f"{queue} did not drain in {timeout_s} s")


def descendants(pid: int) -> list[int]:
    """Return the ids of a process's children, their children and so on (Linux: read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name (field 2) may hold spaces: the parent id is the second field after its ")".
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_bytes(pid: int) -> int:
    """Return a process's resident memory in bytes (0 if it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """Return the processor time (user and system) a process has used, in seconds (0 if it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are the 14th and 15th fields of stat; here counted after the command name's ")".
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_stack(
    state_file: Path, log_path: Path, timeout_s: float = 60, extra_args: tuple[str, ...] = ()
) -> RunningStack:
    """Run `python -m devstack` on free ports (with `extra_args`, e.g. --concurrency 8) and wait for its state file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack",
            "--port",
            "0",
            "--aws-port",
            "0",
            "--state-file",
            str(state_file),
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout_s
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the local stack did not start:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.1)
    return RunningStack(process, json.loads(state_file.read_text()), log_path)


def stop_stack(stack: RunningStack) -> int:
    """Stop it as Ctrl-C does and return its exit code."""
    stack.process.send_signal(2)  # SIGINT
    # A safety net, not a claim: how fast it stops is measured by bench/local_stack_day.py.
    try:
        return stack.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        raise
