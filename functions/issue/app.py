"""Issue function: officer decisions, the issuing worker, verification and revocation.

Approvals put jobs on the issue-jobs queue; the issuing worker arrives with the documents capability,
and until then a job that arrives is failed so it is retried and then kept in the dead-letter queue
(with its alarm) rather than dropped.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.issue import officer_routes, schedules
from functions.shared import clock
from functions.shared.api import create_resolver
from functions.shared.observability import logger, metrics

ROUTERS: list[Any] = [officer_routes.router]

app = create_resolver()
for _router in ROUTERS:
    app.include_router(_router)

processor = BatchProcessor(event_type=EventType.SQS)


def handle_issue_job(record: SQSRecord) -> None:
    """Refuse a job this version cannot carry out, so it is kept rather than lost."""
    raise RuntimeError(f"no issuing worker in this version for message {record.message_id}")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Process issue jobs from SQS, run a scheduled job, or route an HTTP API event."""
    if "job" in event:
        return schedules.run_job(event["job"], clock.now())
    if "Records" in event:
        return process_partial_response(event, handle_issue_job, processor, context)
    return app.resolve(event, context)
