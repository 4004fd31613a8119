"""Notify function: the only code that sends e-mail. Consumes the notifications queue; the rules live in sender.py.

On a schedule it also relays the notification outbox (see functions/shared/notifications.py).
"""

from datetime import datetime
from functools import cache, partial
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notify.sender import Outbox, Undelivered, deliver
from functions.shared import aws, clock
from functions.shared.batch import SQSMessage, process_sqs_batch
from functions.shared.notifications import relay_outbox
from functions.shared.observability import logger, metrics
from functions.shared.settings import get_notify_settings


@cache
def ses_client() -> Any:
    """Return the SES v2 client, with botocore's own retries off.

    botocore would retry a read timeout by sending the same e-mail again, unseen by the sent ledger; every retry
    goes through SQS and the ledger instead (see sender.py). Connect + read timeouts stay below the time
    sender.MIN_TIME_TO_SEND_S reserves for a send.
    """
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=3, read_timeout=10)
    return boto3.session.Session().client("sesv2", config=config)


@cache
def outbox() -> Outbox:
    """Return what sending needs, built from the settings once per warm instance."""
    settings = get_notify_settings()
    return Outbox(
        ses=ses_client(),
        ledger=aws.table(settings.notification_ledger_table),
        sender_email=settings.sender_email,
        configuration_set=settings.ses_configuration_set,
        site_url=settings.site_url,
        kms=aws.client("kms"),
        access_token_key_id=settings.access_token_key_id,
    )


def handle_notification(record: SQSMessage, lambda_context: LambdaContext) -> None:
    """Deliver one queued notification; raising leaves it on the queue to be retried or dead-lettered."""
    logger.append_keys(sqs_message_id=record.message_id)
    try:
        deliver(record.body, record.message_id, outbox(), lambda_context.get_remaining_time_in_millis() / 1000)
    except Undelivered:
        raise  # already logged with its reason
    except Exception:
        logger.exception("notification failed unexpectedly; will be retried")
        raise
    finally:
        logger.remove_keys(["sqs_message_id"])


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Process a batch from the notifications queue (reporting the records to retry), or run a scheduled job."""
    if "job" in event:
        return run_job(event["job"], clock.now())
    # A record that is not sent this time is reported as a batch item failure even when the whole batch failed:
    # throttling is not a function error, and the dead-letter queue's alarm speaks for messages that stay stuck.
    return process_sqs_batch(event, partial(handle_notification, lambda_context=context), raise_when_all_fail=False)


def run_job(job: str, now: datetime) -> dict[str, Any]:
    """Run one of the template's scheduled jobs for this function."""
    if job != "relay_outbox":
        raise ValueError(f"unknown job {job!r}")
    relayed = relay_outbox(aws.table(get_notify_settings().notification_outbox_table), now, aws.client("sqs"))
    logger.info("scheduled job done", extra={"job": job, "count": relayed})
    return {"job": job, "count": relayed}
