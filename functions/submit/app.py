"""Submit function: catalogue, uploads, applications, tracking, statistics, consultations."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.api import create_resolver
from functions.shared.observability import logger, metrics
from functions.submit import (
    application_routes,
    catalogue_routes,
    consultation_routes,
    draft_routes,
    meta_routes,
    officer_routes,
    stats_routes,
    upload_routes,
)

ROUTERS = [
    catalogue_routes.router,
    upload_routes.router,
    application_routes.router,
    stats_routes.router,
    consultation_routes.router,
    draft_routes.router,
    officer_routes.router,
    meta_routes.router,
]

app = create_resolver()
for _router in ROUTERS:
    app.include_router(_router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Route an HTTP API (payload 2.0) event."""
    return app.resolve(event, context)
