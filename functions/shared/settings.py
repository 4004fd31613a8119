"""Settings for every function, read from the environment when first asked for (never at import).

Every name a function is given by template.yaml is required: a function deployed without one fails at
its first request with the names that are missing, not later with an empty table name deep in a call.
"""

import os
from functools import cache
from typing import Any, TypeVar

S = TypeVar("S", bound="Settings")


class MissingSettings(RuntimeError):
    """The function's environment lacks variables template.yaml gives it."""


class _Variable:
    """A setting read from one environment variable; on an instance, the value read (read-only)."""

    def __init__(self, variable: str, *, optional: bool = False, default: str | None = None) -> None:
        self.variable, self.optional, self.default = variable, optional, default
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: "Settings | None", owner: type) -> Any:
        return self if instance is None else instance._values[self.name]

    def read(self, environ: Any) -> str | None:
        """The value in environ; None when a required variable is missing or blank."""
        if self.optional:
            return environ.get(self.variable, self.default)
        return environ.get(self.variable, "").strip() or None


def _name(variable: str) -> Any:
    """A name template.yaml must give (surrounding spaces dropped, never empty), read from `variable`."""
    return _Variable(variable)


def _optional(variable: str, default: str | None) -> Any:
    """A variable that may be absent, read as given."""
    return _Variable(variable, optional=True, default=default)


# Plain classes, neither pydantic models (twenty names need no schema) nor dataclasses (whose generated methods
# are compiled from source when the class is made): a cold start then pays next to nothing for them.
class Settings:
    """The names and knobs every function gets from template.yaml's Globals."""

    __slots__ = ("_values",)

    def __init__(self, **values: str | None) -> None:
        object.__setattr__(self, "_values", values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"settings are read-only: {name}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"

    @classmethod
    def variables(cls) -> list[_Variable]:
        """Every setting of this class, its own and its bases'."""
        seen: dict[str, _Variable] = {}
        for klass in reversed(cls.__mro__):
            seen.update((k, v) for k, v in vars(klass).items() if isinstance(v, _Variable))
        return list(seen.values())

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


class LinkSettings(Settings):
    """What a function that writes links to the site is given besides (issue: the QR; notify: e-mails)."""

    site_url: str = _name("SITE_URL")


class IssueSettings(LinkSettings):
    """What the issue function is given besides: the officers' user pool, and who gets the overdue digest."""

    # The officers' console signs in at this user pool's app client (both public identifiers).
    user_pool_id: str = _name("USER_POOL_ID")
    user_pool_client_id: str = _name("USER_POOL_CLIENT_ID")
    # The supervisor (admin) who gets the daily digest of overdue applications; empty: no digest is sent.
    supervisor_email: str = _optional("SUPERVISOR_EMAIL", "")


class NotifySettings(LinkSettings):
    """What the notify function is given besides: who it sends as."""

    sender_email: str = _name("SENDER_EMAIL")
    ses_configuration_set: str = _name("SES_CONFIGURATION_SET")


def _read(model: type[S]) -> S:
    values: dict[str, str | None] = {}
    missing: list[str] = []
    for setting in model.variables():
        value = setting.read(os.environ)
        if value is None and not setting.optional:
            missing.append(setting.variable)
        values[setting.name] = value
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
