"""Routes of visits: slots, booking, reading, cancelling and moving a visit, the waitlist, the policy knob."""

import datetime as dt
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query

from functions.queue import booking, site_policy, slots, tickets
from functions.queue.schemas import (
    DATE,
    ID,
    BookingReceipt,
    BookingRequest,
    BookingView,
    CancelledBooking,
    MoveRequest,
    SitePolicy,
    SitePolicyResult,
    SlotList,
    created,
)
from functions.shared import aws, clock
from functions.shared.access_tokens import TokenPurpose, derive_access_token
from functions.shared.api import json_response
from functions.shared.auth import ADMIN_GROUP, officer_claims, require_group
from functions.shared.bookings import Tables
from functions.shared.idempotency import KEY_PATTERN, require_key, run_once
from functions.shared.models import Site
from functions.shared.settings import get_settings

router = Router()

SiteId = Annotated[str, Path(max_length=64)]
BookingId = Annotated[str, Path(max_length=32, description="Nomor pemesanan / booking number, e.g. BK-7K3M9Q2XAB")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        description="Kunci unik per pemesanan / one per booking",
        json_schema_extra={"pattern": KEY_PATTERN.pattern, "minLength": 8},
    ),
]


@router.get("/api/sites/<site_id>/slots", summary="Jadwal tersedia / Available slots", tags=["bookings"])
def list_slots(
    site_id: SiteId,
    date: Annotated[str, Query(pattern=DATE, description="YYYY-MM-DD (WIB)")],
    counter_id: Annotated[str | None, Query(pattern=ID)] = None,
) -> Response[SlotList]:
    """List a day's slots of a site (or one counter) with what is still free, read from the counters."""
    deps = booking.Deps.from_settings()
    site = booking.load_site(deps, site_id)
    if counter_id:
        slots.require_counter(site, counter_id)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        day = None
    found = slots.day_slots(deps.tables.bookings, site, day, clock.now(), counter_id) if day else []
    return json_response(200, SlotList(slots=found).model_dump(mode="json"))


def _view(found: dict[str, Any], **extra: Any) -> dict[str, Any]:
    qr = tickets.qr_svg(found["id"]) if found["status"] in ("BOOKED", "CHECKED_IN") else None
    return {**booking.receipt(found), "qr_svg": qr, **extra}


@router.post(
    "/api/bookings",
    summary="Pesan kunjungan / Book a visit",
    tags=["bookings"],
    responses=created(BookingReceipt, "Dipesan; simpan access_token / Booked; keep the access_token"),
)
def book(
    request: Annotated[BookingRequest, Body()], idempotency_key: IdempotencyKey = None
) -> Response[BookingReceipt]:
    """Book a place once per Idempotency-Key; answer with the ticket, its QR and the access token."""
    key = require_key(idempotency_key)
    deps = booking.Deps.from_settings()
    made = run_once(_book_once, key, request.model_dump(mode="json"), lambda_context=router.lambda_context, deps=deps)
    # The token is derived again rather than kept: it must not sit in the idempotency record.
    token = derive_access_token(made["id"], deps.kms, deps.access_token_key_id, purpose=TokenPurpose.BOOKING)
    body = BookingReceipt.model_validate({**made, "qr_svg": tickets.qr_svg(made["id"]), "access_token": token})
    return json_response(201, body.model_dump(mode="json"))


def _book_once(request: dict[str, Any], deps: booking.Deps) -> dict[str, Any]:
    return booking.book_visit(request["payload"], deps, clock.now())


@router.post(
    "/api/bookings/waitlist",
    summary="Antre untuk jadwal penuh / Join a full slot's waitlist",
    tags=["bookings"],
    responses=created(BookingReceipt, "Masuk antrean tunggu / On the waitlist; keep the access_token"),
)
def waitlist(request: Annotated[BookingRequest, Body()]) -> Response[BookingReceipt]:
    """Queue for a full slot; a cancellation books the first in line and e-mails them."""
    deps = booking.Deps.from_settings()
    joined = booking.join_waitlist(request.model_dump(mode="json"), deps, clock.now())
    token = derive_access_token(joined["id"], deps.kms, deps.access_token_key_id, purpose=TokenPurpose.BOOKING)
    body = BookingReceipt.model_validate({**joined, "access_token": token})
    return json_response(201, body.model_dump(mode="json"))


def _own(booking_id: str, deps: booking.Deps) -> dict[str, Any]:
    authorization = router.current_event.headers.get("authorization")
    return booking.find_own_booking(deps.tables.bookings, booking_id, authorization)


@router.get("/api/bookings/<booking_id>", summary="Lihat pemesanan / See a booking", tags=["bookings"])
def read_booking(booking_id: BookingId) -> Response[BookingView]:
    """Return the booking to the holder of its token, with its QR while it is active."""
    from functions.shared.bookings import waitlist_position

    deps = booking.Deps.from_settings()
    found = _own(booking_id, deps)
    position = None
    if found["status"] == "WAITLISTED":
        position = waitlist_position(deps.tables.bookings, found["waitlist_pk"], found["waitlist_sk"])
    return json_response(200, BookingView.model_validate(_view(found, position=position)).model_dump(mode="json"))


@router.delete("/api/bookings/<booking_id>", summary="Batalkan pemesanan / Cancel a booking", tags=["bookings"])
def cancel(booking_id: BookingId) -> Response[CancelledBooking]:
    """Cancel the booking (or leave the waitlist); its place goes to the first in line, if anyone waits."""
    deps = booking.Deps.from_settings()
    done = booking.cancel_booking(_own(booking_id, deps), deps, clock.now())
    return json_response(200, CancelledBooking(id=done["id"], status="CANCELLED").model_dump(mode="json"))


@router.post("/api/bookings/<booking_id>/move", summary="Ubah jadwal / Reschedule a booking", tags=["bookings"])
def move(booking_id: BookingId, target: Annotated[MoveRequest, Body()]) -> Response[BookingView]:
    """Move the booking to another slot in one transaction, or change nothing."""
    deps = booking.Deps.from_settings()
    moved = booking.move_booking(_own(booking_id, deps), target.model_dump(mode="json"), deps, clock.now())
    return json_response(200, BookingView.model_validate(_view(moved)).model_dump(mode="json"))


@router.patch(
    "/api/officer/sites/<site_id>", summary="Kapasitas dan batas okupansi / Room capacity and cap", tags=["officer"]
)
def set_policy(site_id: SiteId, policy: Annotated[SitePolicy, Body()]) -> Response[SitePolicyResult]:
    """Set a site's capacity and occupancy cap (admin); new bookings follow at once, windows over it are listed."""
    actor = require_group(officer_claims(router.current_event), ADMIN_GROUP)
    settings = get_settings()
    site, over = site_policy.set_site_policy(
        aws.table(settings.catalogue_table),
        Tables(aws.table(settings.bookings_table), settings.notification_outbox_table, aws.client("dynamodb")),
        site_id,
        policy.capacity,
        policy.occupancy_cap_percent,
        actor,
        clock.now(),
    )
    body = SitePolicyResult(site=Site.model_validate(site), windows_over_cap=over)
    return json_response(200, body.model_dump(mode="json"))
