"""Issue function: officer decisions, the issuing worker, verification and revocation.

Its HTTP routes and the issuing worker arrive with the documents capability; until then nothing
puts a job on the issue-jobs queue, and a job that does arrive is failed so it is retried and
then kept in the dead-letter queue (with its alarm) rather than dropped.
"""

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.batch import SQSMessage, process_sqs_batch
from functions.shared.observability import logger, metrics

ROUTERS: list[Any] = []


@cache
def http_app() -> Any:
    """Build the HTTP resolver on the first HTTP event, once per warm instance.

    The issuing worker, which the queue invokes, never routes a request: building the resolver at import would
    load Powertools' event handler and its pydantic validation (about 90 ms, bench/README.md) into its cold start.
    """
    from functions.shared.api import create_resolver

    app = create_resolver()
    for router in ROUTERS:
        app.include_router(router)
    return app


def handle_issue_job(record: SQSMessage) -> None:
    """Refuse a job this version cannot carry out, so it is kept rather than lost."""
    raise RuntimeError(f"no issuing worker in this version for message {record.message_id}")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Process issue jobs from SQS, or route an HTTP API event."""
    if "Records" in event:
        return process_sqs_batch(event, handle_issue_job)
    return http_app().resolve(event, context)
