"""Route of the public statistics (counts only, never personal data)."""

import datetime as dt
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.shared import aws, clock, stats
from functions.shared.api import json_response
from functions.shared.errors import Unprocessable, detail
from functions.shared.settings import get_settings
from functions.submit.schemas import Statistics

router = Router()

DEFAULT_DAYS = 30
MAX_DAYS = 366
# Figures move slowly enough for a minute of caching to spare the table on a busy day.
STATS_CACHE = {"Cache-Control": "public, max-age=60"}
DATE = r"^\d{4}-\d{2}-\d{2}$"


def _date(value: str | None, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Unprocessable(
            "Tanggal harus berformat TTTT-BB-HH.",
            "Dates are written YYYY-MM-DD.",
            details=[
                detail(field, "not_a_date", "Tanggal harus berformat TTTT-BB-HH.", "Dates are written YYYY-MM-DD.")
            ],
        ) from None


def date_range(date_from: str | None, date_to: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the days asked for: by default the last 30 days up to today (Jakarta).

    :raises Unprocessable: a date is malformed, `from` is after `to`, or the range is over 366 days.
    """
    end = _date(date_to, "to") or today
    start = _date(date_from, "from") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Unprocessable(
            "Tanggal awal harus sebelum tanggal akhir.",
            "The start date must not be after the end date.",
            details=[
                detail(
                    "from",
                    "after_to",
                    "Tanggal awal harus sebelum tanggal akhir.",
                    "The start date must not be after the end date.",
                )
            ],
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise Unprocessable(
            f"Rentang paling panjang {MAX_DAYS} hari.",
            f"The range can be at most {MAX_DAYS} days.",
            details=[
                detail(
                    "from",
                    "range_too_long",
                    f"Rentang paling panjang {MAX_DAYS} hari.",
                    f"The range can be at most {MAX_DAYS} days.",
                )
            ],
        )
    return start, end


@router.get("/api/stats", summary="Statistik layanan / Service statistics", tags=["statistics"])
def get_statistics(
    date_from: Annotated[str | None, Query(alias="from", pattern=DATE, description="YYYY-MM-DD (WIB)")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DATE, description="YYYY-MM-DD (WIB)")] = None,
) -> Response[Statistics]:
    """Return totals, daily events and per-service figures from the counters."""
    start, end = date_range(date_from, date_to, clock.today())
    figures = stats.read_statistics(aws.table(get_settings().stats_table), start, end)
    return json_response(200, Statistics.model_validate(figures).model_dump(mode="json"), STATS_CACHE)
