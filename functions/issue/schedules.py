"""The issue function's scheduled jobs (EventBridge Scheduler sends the template's Input)."""

import datetime as dt
from typing import Any

from functions.issue import decisions, overdue
from functions.shared import aws
from functions.shared.observability import logger
from functions.shared.settings import get_issue_settings


def run_job(job: str, now: dt.datetime) -> dict[str, Any]:
    """Run one of the template's scheduled jobs.

    :raises ValueError: a job this function does not know.
    """
    if job == "deadlines":
        settings = get_issue_settings()
        result = overdue.run_deadlines(
            aws.table(settings.applications_table),
            aws.table(settings.catalogue_table),
            aws.client("dynamodb"),
            aws.client("sqs"),
            notifications_queue_url=settings.notifications_queue_url,
            outbox_table=settings.notification_outbox_table,
            supervisor=settings.supervisor_email or None,
            now=now,
        )
    elif job == "relay_issue_jobs":
        result = {"relayed": decisions.relay_issue_jobs(decisions.Office.from_settings(), now)}
    else:
        raise ValueError(f"unknown job {job!r}")
    logger.info("scheduled job done", extra={"job": job, **result})
    return {"job": job, **result}
