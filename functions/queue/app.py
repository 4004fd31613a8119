"""Queue function: service points, slots, bookings, waitlist, check-in and occupancy."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.queue import site_routes
from functions.shared.api import create_resolver
from functions.shared.observability import logger, metrics

ROUTERS = [site_routes.router]

app = create_resolver()
for _router in ROUTERS:
    app.include_router(_router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Route an HTTP API (payload 2.0) event."""
    return app.resolve(event, context)
