"""Queue function: service points, slots, bookings, waitlist, check-in and occupancy."""

from datetime import datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.queue import booking_routes, site_routes, visit_routes
from functions.shared import clock
from functions.shared.api import create_resolver
from functions.shared.observability import logger, metrics

ROUTERS = [site_routes.router, booking_routes.router, visit_routes.router]

app = create_resolver()
for _router in ROUTERS:
    app.include_router(_router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Run a scheduled job (EventBridge Scheduler sends the template's Input) or route an HTTP API event."""
    if "job" in event:
        return run_job(event["job"], clock.now())
    return app.resolve(event, context)


def run_job(job: str, now: datetime) -> dict[str, Any]:
    """Run one of the template's scheduled jobs."""
    # Imported here: only a scheduled run needs the jobs.
    from functions.queue import schedules
    from functions.queue.booking import Deps

    deps = Deps.from_settings()
    if job == "no_show_sweep":
        done = schedules.sweep(deps, now)
    elif job == "booking_reminders":
        done = schedules.send_reminders(deps, now)
    else:
        raise ValueError(f"unknown job {job!r}")
    logger.info("scheduled job done", extra={"job": job, "count": len(done)})
    return {"job": job, "count": len(done)}
