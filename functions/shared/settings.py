"""Settings for every function, read from the environment when first asked for (never at import).

Every name a function is given by template.yaml is required: a function deployed without one fails at
its first request with the names that are missing, not later with an empty table name deep in a call.
"""

import os
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, TypeVar

S = TypeVar("S", bound="Settings")


class MissingSettings(RuntimeError):
    """The function's environment lacks variables template.yaml gives it."""


def _name(variable: str) -> Any:
    """A name template.yaml must give (surrounding spaces dropped, never empty), read from `variable`."""
    return field(metadata={"variable": variable})


def _optional(variable: str, default: str | None) -> Any:
    """A variable that may be absent, read as given."""
    return field(default=default, metadata={"variable": variable, "optional": True})


# Plain dataclasses, not pydantic models: twenty names need no schema, and a function's cold start then builds
# none for them (about 7 ms of every HTTP function's import).
@dataclass(frozen=True, kw_only=True)
class Settings:
    """The names and knobs every function gets from template.yaml's Globals."""

    stage: str = _name("STAGE")
    region: str = _name("AWS_REGION")
    catalogue_table: str = _name("CATALOGUE_TABLE")
    applications_table: str = _name("APPLICATIONS_TABLE")
    uploads_table: str = _name("UPLOADS_TABLE")
    stats_table: str = _name("STATS_TABLE")
    consultations_table: str = _name("CONSULTATIONS_TABLE")
    bookings_table: str = _name("BOOKINGS_TABLE")
    documents_table: str = _name("DOCUMENTS_TABLE")
    idempotency_table: str = _name("IDEMPOTENCY_TABLE")
    notification_ledger_table: str = _name("NOTIFICATION_LEDGER_TABLE")
    notification_outbox_table: str = _name("NOTIFICATION_OUTBOX_TABLE")
    rate_limit_table: str = _name("RATE_LIMIT_TABLE")
    drafts_table: str = _name("DRAFTS_TABLE")
    erasures_table: str = _name("ERASURES_TABLE")
    uploads_bucket: str = _name("UPLOADS_BUCKET")
    documents_bucket: str = _name("DOCUMENTS_BUCKET")
    issue_jobs_queue_url: str = _name("ISSUE_JOBS_QUEUE_URL")
    notifications_queue_url: str = _name("NOTIFICATIONS_QUEUE_URL")
    signing_key_id: str = _name("SIGNING_KEY_ID")
    access_token_key_id: str = _name("ACCESS_TOKEN_KEY_ID")
    # The endpoint boto3 uses for presigned URLs when it differs from the default (the local stack only).
    aws_endpoint_url: str | None = _optional("AWS_ENDPOINT_URL", None)


@dataclass(frozen=True, kw_only=True)
class LinkSettings(Settings):
    """What a function that writes links to the site is given besides (issue: the QR; notify: e-mails)."""

    site_url: str = _name("SITE_URL")


@dataclass(frozen=True, kw_only=True)
class IssueSettings(LinkSettings):
    """What the issue function is given besides: the officers' user pool, and who gets the overdue digest."""

    # The officers' console signs in at this user pool's app client (both public identifiers).
    user_pool_id: str = _name("USER_POOL_ID")
    user_pool_client_id: str = _name("USER_POOL_CLIENT_ID")
    # The supervisor (admin) who gets the daily digest of overdue applications; empty: no digest is sent.
    supervisor_email: str = _optional("SUPERVISOR_EMAIL", "")


@dataclass(frozen=True, kw_only=True)
class NotifySettings(LinkSettings):
    """What the notify function is given besides: who it sends as."""

    sender_email: str = _name("SENDER_EMAIL")
    ses_configuration_set: str = _name("SES_CONFIGURATION_SET")


def _read(model: type[S]) -> S:
    values: dict[str, Any] = {}
    missing: list[str] = []
    for spec in fields(model):
        variable = spec.metadata["variable"]
        if spec.metadata.get("optional"):
            values[spec.name] = os.environ.get(variable, spec.default)
        elif value := os.environ.get(variable, "").strip():
            values[spec.name] = value
        else:
            missing.append(variable)
    if missing:
        raise MissingSettings(f"missing or empty environment variables: {', '.join(sorted(missing))}")
    return model(**values)


@cache
def get_settings() -> Settings:
    """Return the settings, read from os.environ once per process (tests call cache_clear).

    :raises MissingSettings: a variable template.yaml gives every function is missing or empty.
    """
    return _read(Settings)


@cache
def get_link_settings() -> LinkSettings:
    """Return the settings of a function that links to the site.

    :raises MissingSettings: a variable is missing or empty.
    """
    return _read(LinkSettings)


@cache
def get_issue_settings() -> IssueSettings:
    """Return the issue function's settings.

    :raises MissingSettings: a variable is missing or empty.
    """
    return _read(IssueSettings)


@cache
def get_notify_settings() -> NotifySettings:
    """Return the notify function's settings (the common ones and its own).

    :raises MissingSettings: a variable is missing or empty.
    """
    return _read(NotifySettings)


def reset_settings() -> None:
    """Forget the settings read, so the next call reads the environment again (tests and the local stack)."""
    get_settings.cache_clear()
    get_link_settings.cache_clear()
    get_issue_settings.cache_clear()
    get_notify_settings.cache_clear()
