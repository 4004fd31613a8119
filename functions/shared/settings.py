"""Settings for every function, read from the environment when first asked for (never at import).

Every name a function is given by template.yaml is required: a function deployed without one fails at
its first request with the names that are missing, not later with an empty table name deep in a call.
"""

from functools import cache
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


S = TypeVar("S", bound="Settings")


class MissingSettings(RuntimeError):
    """The function's environment lacks variables template.yaml gives it."""


class Settings(BaseModel):
    """The names and knobs every function gets from template.yaml's Globals."""

    model_config = ConfigDict(frozen=True)

    stage: Name = Field(alias="STAGE")
    region: Name = Field(alias="AWS_REGION")
    catalogue_table: Name = Field(alias="CATALOGUE_TABLE")
    applications_table: Name = Field(alias="APPLICATIONS_TABLE")
    uploads_table: Name = Field(alias="UPLOADS_TABLE")
    stats_table: Name = Field(alias="STATS_TABLE")
    consultations_table: Name = Field(alias="CONSULTATIONS_TABLE")
    bookings_table: Name = Field(alias="BOOKINGS_TABLE")
    documents_table: Name = Field(alias="DOCUMENTS_TABLE")
    idempotency_table: Name = Field(alias="IDEMPOTENCY_TABLE")
    notification_ledger_table: Name = Field(alias="NOTIFICATION_LEDGER_TABLE")
    notification_outbox_table: Name = Field(alias="NOTIFICATION_OUTBOX_TABLE")
    rate_limit_table: Name = Field(alias="RATE_LIMIT_TABLE")
    drafts_table: Name = Field(alias="DRAFTS_TABLE")
    erasures_table: Name = Field(alias="ERASURES_TABLE")
    uploads_bucket: Name = Field(alias="UPLOADS_BUCKET")
    documents_bucket: Name = Field(alias="DOCUMENTS_BUCKET")
    issue_jobs_queue_url: Name = Field(alias="ISSUE_JOBS_QUEUE_URL")
    notifications_queue_url: Name = Field(alias="NOTIFICATIONS_QUEUE_URL")
    signing_key_id: Name = Field(alias="SIGNING_KEY_ID")
    access_token_key_id: Name = Field(alias="ACCESS_TOKEN_KEY_ID")
    # The endpoint boto3 uses for presigned URLs when it differs from the default (the local stack only).
    aws_endpoint_url: str | None = Field(None, alias="AWS_ENDPOINT_URL")


class LinkSettings(Settings):
    """What a function that writes links to the site is given besides (issue: the QR; notify: e-mails)."""

    site_url: Name = Field(alias="SITE_URL")


class IssueSettings(LinkSettings):
    """What the issue function is given besides: the officers' user pool, and who gets the overdue digest."""

    # The officers' console signs in at this user pool's app client (both public identifiers).
    user_pool_id: Name = Field(alias="USER_POOL_ID")
    user_pool_client_id: Name = Field(alias="USER_POOL_CLIENT_ID")
    # The supervisor (admin) who gets the daily digest of overdue applications; empty: no digest is sent.
    supervisor_email: str = Field("", alias="SUPERVISOR_EMAIL")


class NotifySettings(LinkSettings):
    """What the notify function is given besides: who it sends as."""

    sender_email: Name = Field(alias="SENDER_EMAIL")
    ses_configuration_set: Name = Field(alias="SES_CONFIGURATION_SET")


def _read(model: type[S]) -> S:
    import os

    try:
        return model.model_validate(dict(os.environ))
    except ValidationError as error:
        names = sorted({str(e["loc"][0]) for e in error.errors(include_input=False)})
        raise MissingSettings(f"missing or empty environment variables: {', '.join(names)}") from None


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
