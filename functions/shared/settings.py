"""Settings for every function, read from the environment when first asked for (never at import)."""

from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """The names and knobs a function gets from template.yaml's Environment."""

    stage: str = Field("local", alias="STAGE")
    region: str = Field("ap-southeast-3", alias="AWS_REGION")
    catalogue_table: str = Field("", alias="CATALOGUE_TABLE")
    applications_table: str = Field("", alias="APPLICATIONS_TABLE")
    uploads_table: str = Field("", alias="UPLOADS_TABLE")
    stats_table: str = Field("", alias="STATS_TABLE")
    consultations_table: str = Field("", alias="CONSULTATIONS_TABLE")
    bookings_table: str = Field("", alias="BOOKINGS_TABLE")
    documents_table: str = Field("", alias="DOCUMENTS_TABLE")
    idempotency_table: str = Field("", alias="IDEMPOTENCY_TABLE")
    notification_ledger_table: str = Field("", alias="NOTIFICATION_LEDGER_TABLE")
    notification_outbox_table: str = Field("", alias="NOTIFICATION_OUTBOX_TABLE")
    rate_limit_table: str = Field("", alias="RATE_LIMIT_TABLE")
    uploads_bucket: str = Field("", alias="UPLOADS_BUCKET")
    documents_bucket: str = Field("", alias="DOCUMENTS_BUCKET")
    issue_jobs_queue_url: str = Field("", alias="ISSUE_JOBS_QUEUE_URL")
    notifications_queue_url: str = Field("", alias="NOTIFICATIONS_QUEUE_URL")
    signing_key_id: str = Field("", alias="SIGNING_KEY_ID")
    access_token_key_id: str = Field("", alias="ACCESS_TOKEN_KEY_ID")
    sender_email: str = Field("no-reply@satupintu.example", alias="SENDER_EMAIL")
    ses_configuration_set: str = Field("", alias="SES_CONFIGURATION_SET")
    # The officers' console signs in at this user pool's app client (both public identifiers).
    user_pool_id: str = Field("", alias="USER_POOL_ID")
    user_pool_client_id: str = Field("", alias="USER_POOL_CLIENT_ID")
    # The supervisor (admin) who gets the daily digest of overdue applications.
    supervisor_email: str = Field("", alias="SUPERVISOR_EMAIL")
    site_url: str = Field("http://127.0.0.1:3000", alias="SITE_URL")
    # The endpoint boto3 uses for presigned URLs when it differs from the default (local stack).
    aws_endpoint_url: str | None = Field(None, alias="AWS_ENDPOINT_URL")


@cache
def get_settings() -> Settings:
    """Return the settings, read from os.environ once per process (tests call cache_clear)."""
    import os

    return Settings.model_validate(dict(os.environ))
