"""Lazy boto3 clients, created on first use and reused across warm invocations.

boto3 itself is imported on first use too: it is a third of a function's import time, and a route
that answers from validation alone never needs it.
"""

from functools import cache
from typing import Any


@cache
def _config() -> Any:
    from botocore.config import Config

    # Standard retry mode backs off on throttling; short timeouts keep a stuck call from eating the
    # whole Lambda timeout.
    return Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


@cache
def _session() -> Any:
    import boto3

    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    """Return the shared boto3 client for a service (e.g. "s3", "sqs", "kms", "sesv2")."""
    if service == "s3":
        # Virtual-host addressing does not work against a local endpoint; path style works everywhere.
        from botocore.config import Config

        config = _config().merge(Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
        return _session().client("s3", config=config)
    return _session().client(service, config=_config())


@cache
def dynamodb() -> Any:
    """Return the shared DynamoDB service resource."""
    return _session().resource("dynamodb", config=_config())


def table(name: str) -> Any:
    """Return a DynamoDB Table resource by its physical name."""
    return dynamodb().Table(name)


def reset_clients() -> None:
    """Forget every client (tests that switch endpoints or credentials call this)."""
    client.cache_clear()
    dynamodb.cache_clear()
    _session.cache_clear()
