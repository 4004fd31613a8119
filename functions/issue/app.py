"""Issue function: officer decisions, the issuing worker, verification and revocation.

HTTP events go to the routers (officers' decisions, verification and revocation); SQS batches from the
issue-jobs queue go to the issuing worker (functions/issue/issuing.py), each job reported back on its own
when it fails, so SQS retries it and after five receives keeps it in the dead-letter queue (with its alarm);
scheduled events run the deadlines and the relay of issue jobs (functions/issue/schedules.py).
"""

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared import aws, clock
from functions.shared.batch import SQSMessage, process_sqs_batch
from functions.shared.observability import logger, metrics
from functions.shared.settings import get_link_settings


def routers() -> list[Any]:
    """Return the function's HTTP routers (their modules are imported here, on the first HTTP event)."""
    from functions.issue import document_routes, erasure_routes, officer_routes

    return [document_routes.router, officer_routes.router, erasure_routes.router]


@cache
def http_app() -> Any:
    """Build the HTTP resolver on the first HTTP event, once per warm instance.

    The issuing worker, which the queue invokes, never routes a request: importing the routes (their pydantic
    models) and building the resolver at import would put Powertools' resolver with its validation
    (bench/README.md) into the worker's cold start.
    """
    from functions.shared.api import create_resolver

    app = create_resolver()
    for router in routers():
        app.include_router(router)
    return app


@cache
def issuer() -> Any:
    """Return what issuing needs, built from the settings once per warm instance."""
    from functions.issue.issuing import Issuer
    from functions.shared.applications import Tables

    settings = get_link_settings()
    return Issuer(
        db=aws.client("dynamodb"),
        applications=aws.table(settings.applications_table),
        documents=aws.table(settings.documents_table),
        catalogue=aws.table(settings.catalogue_table),
        s3=aws.client("s3"),
        kms=aws.client("kms"),
        tables=Tables.from_settings(),
        documents_table=settings.documents_table,
        outbox_table=settings.notification_outbox_table,
        bucket=settings.documents_bucket,
        signing_key_id=settings.signing_key_id,
        site_url=settings.site_url,
    )


def handle_issue_job(record: SQSMessage) -> None:
    """Carry out one issue job; raising leaves it on the queue to be retried or dead-lettered."""
    from functions.issue.issuing import IssueJob, issue_document

    logger.append_keys(sqs_message_id=record.message_id)
    try:
        issue_document(IssueJob.model_validate_json(record.body), issuer(), clock.now())
    except Exception as error:
        # The type only: a validation error's text could carry what the message held.
        logger.error("issue job failed; will be retried", extra={"error_type": type(error).__name__})
        raise
    finally:
        logger.remove_keys(["sqs_message_id"])


def expired_applications(event: dict[str, Any]) -> dict[str, Any]:
    """Delete the files of applications DynamoDB's TTL removed; a record that fails is retried on its own."""
    from functions.shared.erasure import Stores, expire_application

    stores = Stores.from_settings()
    failures = []
    for record in event["Records"]:
        try:
            deleted = expire_application(stores, record["dynamodb"]["OldImage"])
            logger.info("expired application's files deleted", extra={"objects": deleted})
            metrics.add_metric(name="ExpiredApplicationsCleared", unit="Count", value=1)
        except Exception as error:
            logger.error("expired application's files not deleted", extra={"error_type": type(error).__name__})
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Process issue jobs from SQS, run a scheduled job, or route an HTTP API event."""
    if "job" in event:
        from functions.issue import schedules

        return schedules.run_job(event["job"], clock.now())
    if "Records" in event and event["Records"] and event["Records"][0].get("eventSource") == "aws:dynamodb":
        return expired_applications(event)
    if "Records" in event:
        # A job that fails is reported as a batch item failure even when the whole batch failed: the
        # dead-letter queue's alarm is what speaks for jobs that stay stuck (as in the notify function).
        return process_sqs_batch(event, handle_issue_job, raise_when_all_fail=False)
    return http_app().resolve(event, context)
