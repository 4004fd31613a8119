"""Routes of the visit day: check-in (QR or typed code) and check-out, the occupancy boards, the visit statistics."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.queue import booking, visits
from functions.queue.schemas import (
    DATE,
    ID,
    CheckIn,
    CheckInByCode,
    CheckInResult,
    CheckOutResult,
    PublicOccupancy,
    SiteDay,
    VisitStatistics,
)
from functions.shared import bookings, clock
from functions.shared.api import json_response
from functions.shared.auth import ADMIN_GROUP, OFFICER_GROUP, officer_claims, officer_identity, require_group
from functions.shared.errors import Unprocessable, detail

router = Router()

SiteId = Annotated[str, Path(max_length=64)]
BookingId = Annotated[
    str, Path(max_length=32, description="Nomor pemesanan dari QR tiket / booking number from the ticket's QR")
]
# The door's board refreshes often; a few seconds of caching spares the table a crowd of readers.
BOARD_CACHE = {"Cache-Control": "public, max-age=10"}
STATS_CACHE = {"Cache-Control": "public, max-age=60"}


def _officer() -> dict[str, str]:
    """Return who is acting (an officer or an admin), for the booking's audit trail."""
    claims = officer_claims(router.current_event)
    require_group(claims, OFFICER_GROUP, ADMIN_GROUP)
    return officer_identity(claims)


@router.post(
    "/api/officer/bookings/<booking_id>/check-in",
    summary="Periksa suhu dan masukkan pengunjung / Temperature check and check-in",
    tags=["officer"],
)
def check_in(booking_id: BookingId, request: Annotated[CheckIn, Body()]) -> Response[CheckInResult]:
    """Check a visitor in by the booking id of their ticket's QR; 37.5 °C or more refuses them and frees the place."""
    officer = _officer()
    deps = booking.Deps.from_settings()
    found = bookings.get_booking(deps.tables.bookings, booking_id)
    done = visits.check_in(found, request.site_id, request.temperature_c, officer, deps, clock.now())
    return json_response(200, CheckInResult.model_validate(done).model_dump(mode="json", exclude_none=True))


@router.post(
    "/api/officer/sites/<site_id>/check-in",
    summary="Check-in dengan kode tiket / Check-in by typed ticket code",
    tags=["officer"],
)
def check_in_by_code(site_id: SiteId, request: Annotated[CheckInByCode, Body()]) -> Response[CheckInResult]:
    """Check a visitor in by the ticket code they read out: today's booking at this site with that code."""
    officer = _officer()
    deps = booking.Deps.from_settings()
    now = clock.now()
    # The reading is checked first: a slip of the thermometer is named before the ticket is looked for.
    visits.check_reading(request.temperature_c)
    found = visits.find_by_ticket_code(deps.tables.bookings, site_id, request.ticket_code, now)
    done = visits.check_in(found, site_id, request.temperature_c, officer, deps, now)
    return json_response(200, CheckInResult.model_validate(done).model_dump(mode="json", exclude_none=True))


@router.post(
    "/api/officer/bookings/<booking_id>/check-out",
    summary="Pengunjung keluar / Check-out",
    tags=["officer"],
)
def check_out(booking_id: BookingId) -> Response[CheckOutResult]:
    """Let a visitor out: the visit is DONE and the room has one place more."""
    officer = _officer()
    deps = booking.Deps.from_settings()
    found = bookings.get_booking(deps.tables.bookings, booking_id)
    done = visits.check_out(found, officer, deps, clock.now())
    return json_response(200, CheckOutResult.model_validate(done).model_dump(mode="json"))


@router.get(
    "/api/officer/sites/<site_id>/occupancy",
    summary="Okupansi dan angka hari ini / Occupancy and today's counts",
    tags=["officer"],
)
def officer_occupancy(site_id: SiteId) -> Response[SiteDay]:
    """Return who is inside, the cap, and today's booked, checked-in, refused and no-show counts."""
    _officer()
    deps = booking.Deps.from_settings()
    site = booking.load_site(deps, site_id)
    body = visits.site_day(deps.tables.bookings, site, clock.now())
    return json_response(200, SiteDay.model_validate(body).model_dump(mode="json"))


@router.get("/api/sites/<site_id>/occupancy", summary="Okupansi saat ini / Occupancy now", tags=["sites"])
def public_occupancy(site_id: SiteId) -> Response[PublicOccupancy]:
    """Return how many people are inside and the cap, for a board at the entrance (no personal data)."""
    deps = booking.Deps.from_settings()
    site = booking.load_site(deps, site_id)
    day = visits.site_day(deps.tables.bookings, site, clock.now())
    body = {key: day[key] for key in ("site_id", "inside", "cap", "updated_at")} | {"site_name": site["name"]}
    return json_response(200, PublicOccupancy.model_validate(body).model_dump(mode="json"), BOARD_CACHE)


@router.get("/api/stats/visits", summary="Statistik kunjungan / Visit statistics", tags=["stats"])
def visit_statistics(
    date: Annotated[str, Query(pattern=DATE, description="YYYY-MM-DD (WIB)")],
    site_id: Annotated[str | None, Query(pattern=ID)] = None,
) -> Response[VisitStatistics]:
    """Return a day's visits per site and counter: booked (not cancelled), checked in, refused, no-show."""
    import datetime as dt

    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise Unprocessable(
            details=[
                detail("date", "date_parsing", "Harus tanggal TTTT-BB-HH.", "This must be a date written YYYY-MM-DD.")
            ]
        ) from None
    deps = booking.Deps.from_settings()
    body = visits.visit_statistics(deps.tables.bookings, deps.catalogue, date, site_id)
    return json_response(200, VisitStatistics.model_validate(body).model_dump(mode="json"), STATS_CACHE)
