"""Booking a visit, and cancelling, moving and waitlisting it: the rules, without HTTP.

Every change is one transaction (functions/shared/bookings.py): the booking item, the counters it counts
in, the person's guard and the e-mail in the outbox commit together or not at all, so a rush of bookers
can never overbook a slot, a room window or a counter's day. A refusal names the rule that refused and
offers the three nearest free slots.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from functions.queue import slots
from functions.shared import aws, bookings, catalogue, clock, person_index, retention
from functions.shared.access_tokens import TokenPurpose, bearer_token, derive_access_token, hash_access_token
from functions.shared.bookings import Place, PlaceRefused, Refusal, Status, Tables
from functions.shared.errors import Conflict, NotFound, Unauthorized, Unprocessable
from functions.shared.nik import validate_nik
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import logger, metrics
from functions.shared.rate_limits import UNVERIFIED_EMAILS, RateLimiter
from functions.shared.settings import get_settings
from functions.shared.transactions import TransactionCancelled

# Crockford's base32 without I, L, O, U: read over the phone without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A cancellation hands its place to the first in line; if that person left meanwhile, the next is tried.
_PROMOTION_ATTEMPTS = 3

REFUSALS: dict[Refusal, tuple[str, str]] = {
    Refusal.SLOT_FULL: ("Jadwal ini sudah penuh.", "This slot is full."),
    Refusal.WINDOW_FULL: (
        "Ruang layanan sudah mencapai batas pengunjung pada jam itu.",
        "The service hall has reached its visitor limit at that time.",
    ),
    Refusal.QUOTA_REACHED: (
        "Kuota harian loket ini sudah habis pada tanggal itu.",
        "This counter's daily quota for that day is used up.",
    ),
    Refusal.ALREADY_BOOKED: (
        "Anda sudah memiliki pemesanan (atau antrean tunggu) di tempat ini pada tanggal itu.",
        "You already have a booking (or a waitlist place) here on that day.",
    ),
    Refusal.CHANGED: (
        "Pemesanan ini baru saja berubah. Muat ulang lalu coba lagi.",
        "This booking has just changed. Reload and try again.",
    ),
}

HEALTH_ADVICE = {
    "message": (
        "Demi keselamatan bersama, jangan datang bila Anda demam, batuk atau pilek. Tetap di rumah, ajukan "
        "permohonan secara daring, atau tanyakan kepada petugas lewat konsultasi e-mail. Pesan kunjungan "
        "setelah Anda sehat."
    ),
    "message_en": (
        "For everyone's safety, do not come with a fever, cough or flu. Stay at home, apply online, or ask an "
        "officer through the e-mail consultation. Book a visit once you are well."
    ),
    "links": ["/index.html", "/consult.html"],
}


@dataclass(frozen=True)
class Deps:
    """The tables, key and clients the booking rules work with."""

    tables: Tables
    catalogue: Any
    kms: Any
    access_token_key_id: str
    limiter: RateLimiter | None = None
    sqs: Any = None
    notifications_queue_url: str | None = None

    @classmethod
    def from_settings(cls) -> "Deps":
        """Return the function's own tables and clients."""
        settings = get_settings()
        return cls(
            tables=Tables(
                aws.table(settings.bookings_table), settings.notification_outbox_table, aws.client("dynamodb")
            ),
            catalogue=aws.table(settings.catalogue_table),
            kms=aws.client("kms"),
            access_token_key_id=settings.access_token_key_id,
            limiter=RateLimiter.from_settings(),
            sqs=aws.client("sqs"),
            notifications_queue_url=settings.notifications_queue_url,
        )


def new_booking_id() -> str:
    """Return a fresh booking id (50 random bits)."""
    return "BK-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def ticket_code(booking_id: str, counter_id: str, start: str) -> str:
    """Return the ticket code shown at the counter: counter, time and the id's last four characters."""
    return f"{counter_id.upper()[:8]}-{start.replace(':', '')}-{booking_id[-4:]}"


def _at(now: dt.datetime) -> str:
    return now.astimezone(clock.JAKARTA).isoformat(timespec="seconds")


def load_site(deps: Deps, site_id: str, *, cached: bool = False) -> dict[str, Any]:
    """Return a site as stored now, or (`cached`) as this instance read it within the catalogue's minute.

    A booking may take the cached copy: the room's cap binds through the window counters, and the rest of a
    site changes only when the catalogue is seeded.

    :raises NotFound: no such site (``site_not_found``).
    """
    site = (catalogue.site_for_booking if cached else catalogue.read_site)(deps.catalogue, site_id)
    if site is None:
        raise slots.site_not_found()
    return site


def check_person(request: dict[str, Any], now: dt.datetime) -> None:
    """Refuse anyone who declared a symptom, then any NIK that is not well formed.

    :raises Unprocessable: ``health_declaration`` with the advice, or the NIK's problems in details.
    """
    health = request["health"]
    declared = [name for name in ("fever", "cough", "flu") if health.get(name)]
    if declared:
        raise Unprocessable(
            "Anda menyatakan sedang demam, batuk atau pilek, sehingga belum dapat berkunjung.",
            "You declared a fever, cough or flu, so you cannot visit yet.",
            code="health_declaration",
            details={
                "advice": HEALTH_ADVICE,
                "fields": [
                    {
                        "field": f"health.{name}",
                        "code": "symptom_declared",
                        "message": HEALTH_ADVICE["message"],
                        "message_en": HEALTH_ADVICE["message_en"],
                    }
                    for name in declared
                ],
            },
        )
    check = validate_nik(request["nik"], today=clock.today(now))
    if check.errors:
        raise Unprocessable(
            details=[
                {"field": "nik", "code": m.code, "message": m.text_id, "message_en": m.text_en} for m in check.errors
            ]
        )


def refused(deps: Deps, site: dict[str, Any], place: Place, reason: Refusal, now: dt.datetime) -> Conflict:
    """Return the 409 of a refused place, with the three nearest slots still free."""
    alternatives = slots.nearest_free(deps.tables.bookings, site, place, now)
    message_id, message_en = REFUSALS[reason]
    return Conflict(message_id, message_en, code=reason.value, details={"alternatives": alternatives})


def _notification(event: NotificationEvent, booking: dict[str, Any], tag: str) -> Notification | None:
    """Return the e-mail about a booking, or None when the message refuses to carry it (an address with a NIK in it).

    The visit matters more than its e-mail: the ticket is in the answer, so the booking goes ahead without it.
    """
    try:
        return _notification_of(event, booking, tag)
    except ValueError as error:
        logger.warning("booking e-mail not sent", extra={"event": event.value, "error_type": type(error).__name__})
        return None


def _notification_of(event: NotificationEvent, booking: dict[str, Any], tag: str) -> Notification:
    return Notification(
        notification_id=f"{event.value}:{booking['id']}:{tag}",
        event=event,
        to=booking["email"],
        locale=booking.get("locale", "id"),
        facts={
            "booking_id": booking["id"],
            "ticket_code": booking["ticket_code"],
            "site_name": booking["site_name"],
            "date": booking["date"],
            "start": booking["start"],
        },
        link_access=TokenPurpose.BOOKING,
    )


def email_allowed(deps: Deps, address: str, now: dt.datetime) -> bool:
    """Count an e-mail to an unproved address against its hourly allowance (no limiter: always allowed)."""
    if deps.limiter is None or deps.limiter.take(UNVERIFIED_EMAILS, address, now) == 0:
        return True
    logger.warning("booking e-mail withheld: the address has had its share of e-mail for now")
    return False


def _dispatch(deps: Deps, notifications: list[Notification]) -> None:
    if notifications and deps.sqs is not None:
        dispatch(notifications, deps.sqs, deps.notifications_queue_url, deps.tables.db, deps.tables.outbox_table)


def _new_item(
    deps: Deps, request: dict[str, Any], site: dict[str, Any], place: Place, status: Status, now: dt.datetime
) -> dict[str, Any]:
    booking_id = new_booking_id()
    token = derive_access_token(booking_id, deps.kms, deps.access_token_key_id, purpose=TokenPurpose.BOOKING)
    # The booking keeps the person's index HMAC, never the NIK: the erasure finds it, a move derives its guard.
    nik_hmac = person_index.nik_hmac(person_index.index_key(deps.kms, deps.access_token_key_id), request["nik"])
    guard = bookings.person_guard_key(
        bookings.person_key(deps.kms, deps.access_token_key_id), nik_hmac, site["id"], place.date
    )
    at = _at(now)
    return {
        **bookings.booking_key(booking_id),
        **bookings.booking_fields(place),
        "gsi1sk": f"{site['id']}#{place.start}#{booking_id}",
        "id": booking_id,
        "site_name": site["name"],
        "status": status.value,
        "ticket_code": ticket_code(booking_id, place.counter_id, place.start),
        "nik_hmac": nik_hmac,
        "name": request["name"],
        "email": request["email"],
        "phone": request.get("phone"),
        "locale": request.get("locale", "id"),
        "health": {name: bool(request["health"].get(name)) for name in ("fever", "cough", "flu")},
        "access_token_hash": hash_access_token(token),
        "guard_pk": guard["pk"],
        "version": 0,
        "created_at": at,
        "updated_at": at,
        "expires_at_epoch": retention.booking_expires_at(place.date, status.value),
    }


def _guard_of(booking: dict[str, Any]) -> dict[str, str]:
    return {"pk": booking["guard_pk"], "sk": "GUARD"}


def book_visit(request: dict[str, Any], deps: Deps, now: dt.datetime, **retry: Any) -> dict[str, Any]:
    """Book one place in one slot; return the receipt (no token, no NIK) kept as the Idempotency-Key's answer.

    :raises Unprocessable: a symptom declared, a bad NIK, or a slot that cannot be booked.
    :raises Conflict: ``slot_full``, ``window_full``, ``quota_reached`` or ``already_booked``, with alternatives.
    """
    check_person(request, now)
    site = load_site(deps, request["site_id"], cached=True)
    place = slots.require_place(site, request["counter_id"], request["date"], request["start"], now)
    booking = _new_item(deps, request, site, place, Status.BOOKED, now)
    notification = _notification(NotificationEvent.BOOKING_CONFIRMED, booking, "0")
    table = deps.tables.name
    try:
        labelled = [
            *bookings.counter_items(table, [place], []),
            (Refusal.ALREADY_BOOKED, bookings.guard_put(table, _guard_of(booking), booking["id"], place.date)),
            (None, bookings.put_new(table, booking)),
            *_stat_items(table, [bookings.stat_change(booking, "booked", 1)]),
        ]
        if notification is not None and email_allowed(deps, booking["email"], now):
            labelled.append((None, outbox_put(notification, deps.tables.outbox_table, now)))
        else:
            notification = None
        bookings.run(deps.tables, labelled, **retry)
    except PlaceRefused as refusal:
        metrics.add_metric(name="BookingsRefused", unit="Count", value=1)
        raise refused(deps, site, place, refusal.reason, now) from None
    logger.info("visit booked", extra={"booking_id": booking["id"], "site_id": site["id"]})
    metrics.add_metric(name="BookingsMade", unit="Count", value=1)
    _dispatch(deps, [notification] if notification else [])
    return receipt(booking)


def receipt(booking: dict[str, Any]) -> dict[str, Any]:
    """Return what the API shows of a booking (no NIK, no token, no hash)."""
    keys = ("id", "ticket_code", "status", "site_id", "site_name", "counter_id", "date", "start", "end", "locale")
    return {key: booking.get(key) for key in keys}


def not_found() -> NotFound:
    """Return the one answer for an unknown booking and a wrong token alike."""
    return NotFound(
        "Pemesanan tidak ditemukan, atau kode aksesnya salah.",
        "No booking with that number and access code.",
        code="booking_not_found",
    )


def find_own_booking(table: Any, booking_id: str, authorization: str | None) -> dict[str, Any]:
    """Return the booking whose access token the caller holds.

    :raises Unauthorized: no bearer token at all.
    :raises NotFound: no such booking, or not its token (the same answer for both).
    """
    from functions.shared.access_tokens import token_matches

    token = bearer_token(authorization)
    if token is None:
        raise Unauthorized(
            "Sertakan kode akses pemesanan (Authorization: Bearer <kode>).",
            "Send the booking's access token (Authorization: Bearer <token>).",
        )
    booking = bookings.get_booking(table, booking_id)
    # Compared even when there is no booking, so both answers take the same time.
    if not token_matches(token, booking.get("access_token_hash") if booking else None) or booking is None:
        raise not_found()
    return booking


def place_of_booking(site: dict[str, Any], booking: dict[str, Any]) -> Place:
    """Return the place a stored booking holds (its windows as counted when it was taken)."""
    counter = slots.find_counter(site, booking["counter_id"]) or {"people_per_slot": 0, "daily_quota": None}
    quota = counter.get("daily_quota")
    return Place(
        site_id=booking["site_id"],
        counter_id=booking["counter_id"],
        date=booking["date"],
        start=booking["start"],
        end=booking["end"],
        windows=tuple(booking.get("windows", [])),
        slot_capacity=int(counter.get("people_per_slot", 0)),
        window_limit=slots.window_limit(site),
        daily_quota=int(quota) if quota is not None else None,
    )


def _not_active(booking: dict[str, Any]) -> Conflict:
    return Conflict(
        "Pemesanan ini sudah tidak aktif (dibatalkan, selesai atau lewat).",
        "This booking is no longer active (cancelled, done or past).",
        code="booking_not_active",
        details={"status": booking["status"]},
    )


@dataclass(frozen=True)
class _HandOver:
    """The items and the e-mail that give a released place to a waiting person (their guard already holds the day)."""

    items: list[tuple[Refusal | None, dict]]
    notice: Notification | None
    promoted_id: str
    stats: list[tuple[str, str, str, str, int]]


def _hand_over(deps: Deps, place: Place, at: str, skip: int = 0) -> _HandOver | None:
    """Return the hand-over of a place to the person `skip` places after the first in its slot's line, or None."""
    waiting = bookings.first_waiting(deps.tables.bookings, place, skip)
    if waiting is None:
        return None
    promoted = bookings.get_booking(deps.tables.bookings, str(waiting["booking_id"]))
    if promoted is None or promoted["status"] != Status.WAITLISTED:
        return None
    table = deps.tables.name
    promoted_now = {**promoted, "status": Status.BOOKED.value, "version": int(promoted.get("version", 0)) + 1}
    items: list[tuple[Refusal | None, dict]] = [
        (None, bookings.status_change(table, promoted, Status.BOOKED, at, {"windows": list(place.windows)})),
        (
            None,
            {
                "Delete": {
                    "TableName": table,
                    "Key": bookings.item({"pk": waiting["pk"], "sk": waiting["sk"]}),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
        ),
    ]
    notice = _notification(NotificationEvent.BOOKING_WAITLIST_PROMOTED, promoted_now, "promoted")
    return _HandOver(items, notice, promoted["id"], [bookings.stat_change(promoted, "booked", 1)])


def _stat_items(table: str, changes: list[tuple[str, str, str, str, int]]) -> list[tuple[Refusal | None, dict]]:
    """Return the visit statistics' updates of a change, labelled for `bookings.run` (they have no condition)."""
    return [(None, entry) for entry in bookings.visit_stat_items(table, changes)]


def cancel_booking(booking: dict[str, Any], deps: Deps, now: dt.datetime, **retry: Any) -> dict[str, Any]:
    """Cancel a booking (or leave a waitlist); a booked place goes to the first in line in the same transaction.

    :raises Conflict: the booking is not active, or changed meanwhile.
    """
    if booking["status"] not in (Status.BOOKED, Status.WAITLISTED):
        raise _not_active(booking)
    if booking["status"] == Status.WAITLISTED:
        table = deps.tables.name
        at = _at(now)
        cancelled = {**booking, "status": Status.CANCELLED.value, "version": int(booking.get("version", 0)) + 1}
        notice = _notification(NotificationEvent.BOOKING_CANCELLED, cancelled, str(cancelled["version"]))
        entry = {"pk": booking["waitlist_pk"], "sk": booking["waitlist_sk"]}
        labelled = [
            (Refusal.CHANGED, bookings.status_change(table, booking, Status.CANCELLED, at)),
            (None, bookings.guard_delete(table, _guard_of(booking), booking["id"])),
            (None, {"Delete": {"TableName": table, "Key": bookings.item(entry)}}),
        ]
        _commit(deps, labelled, [notice], now, retry)
        return cancelled
    return release_place(
        booking,
        deps,
        now,
        Status.CANCELLED,
        event=NotificationEvent.BOOKING_CANCELLED,
        stats=[bookings.stat_change(booking, "booked", -1)],
        retry=retry,
    )


def release_place(
    booking: dict[str, Any],
    deps: Deps,
    now: dt.datetime,
    to: Status,
    *,
    event: NotificationEvent | None,
    stats: list[tuple[str, str, str, str, int]],
    changes: dict[str, Any] | None = None,
    promote: bool = True,
    retry: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Move a BOOKED booking to `to` and give its place back, in one transaction; return the booking as it is now.

    What a cancellation, a refusal at the door and a no-show share: the slot, the windows, the counter's quota
    and the person's guard are freed, `stats` are added to the visit statistics, and (if `promote`) the place
    goes to the first in the slot's line, who is told by e-mail.

    :raises Conflict: the booking changed meanwhile (``booking_changed``): its status or version is not as read.
    """
    retry = retry or {}
    table = deps.tables.name
    at = _at(now)
    base = [
        (Refusal.CHANGED, bookings.status_change(table, booking, to, at, changes)),
        (None, bookings.guard_delete(table, _guard_of(booking), booking["id"])),
    ]
    released = {**booking, **(changes or {}), "status": to.value, "version": int(booking.get("version", 0)) + 1}
    notice = _notification(event, released, str(released["version"])) if event else None
    site = load_site(deps, booking["site_id"])
    place = place_of_booking(site, booking)
    for skip in range(_PROMOTION_ATTEMPTS if promote else 0):
        hand_over = _hand_over(deps, place, at, skip)
        if hand_over is None:
            break
        try:
            # The place changes hands: the counters stay, but must still allow a new booking (a cap lowered
            # since may not), and the waiting person's guard already holds their day.
            counters = bookings.counter_items(table, [place], [place])
            counted = _stat_items(table, [*stats, *hand_over.stats])
            _commit(deps, [*base, *hand_over.items, *counters, *counted], [notice, hand_over.notice], now, retry)
        except PlaceRefused:
            break  # the room or the slot is over a lowered cap: the place is given back, not handed on
        except TransactionCancelled:
            continue  # the waiting person left meanwhile: try the next
        logger.info("waitlist promoted", extra={"booking_id": booking["id"], "promoted": hand_over.promoted_id})
        metrics.add_metric(name="WaitlistPromotions", unit="Count", value=1)
        return released
    counted = _stat_items(table, stats)
    _commit(deps, [*base, *bookings.counter_items(table, [], [place]), *counted], [notice], now, retry)
    return released


def _commit(
    deps: Deps,
    labelled: list[tuple[Refusal | None, dict]],
    notifications: list[Notification | None],
    now: dt.datetime,
    retry: dict[str, Any],
) -> None:
    """Run a change with its notifications in the outbox, then queue them.

    :raises Conflict: the booking changed meanwhile (``booking_changed``).
    """
    sent = [n for n in notifications if n is not None and email_allowed(deps, n.to, now)]
    outbox = [(None, outbox_put(n, deps.tables.outbox_table, now)) for n in sent]
    try:
        bookings.run(deps.tables, [*labelled, *outbox], **retry)
    except PlaceRefused as refusal:
        if refusal.reason == Refusal.CHANGED:
            raise Conflict(*REFUSALS[Refusal.CHANGED], code=Refusal.CHANGED.value) from None
        raise
    _dispatch(deps, sent)


def move_booking(
    booking: dict[str, Any], target: dict[str, Any], deps: Deps, now: dt.datetime, **retry: Any
) -> dict[str, Any]:
    """Move a booking to another slot in one transaction: the old place is given back and the new one taken, or nothing.

    :raises Conflict: not active, the same slot, or the new place is refused (with alternatives).
    :raises Unprocessable: the new slot cannot be booked.
    """
    if booking["status"] != Status.BOOKED:
        raise _not_active(booking)
    site = load_site(deps, booking["site_id"])
    counter_id = target.get("counter_id") or booking["counter_id"]
    new = slots.require_place(site, counter_id, target["date"], target["start"], now)
    old = place_of_booking(site, booking)
    if (new.counter_id, new.date, new.start) == (old.counter_id, old.date, old.start):
        raise Conflict("Pemesanan sudah pada jadwal itu.", "The booking is already in that slot.", code="same_slot")
    table = deps.tables.name
    changes = {
        **{k: v for k, v in bookings.booking_fields(new).items()},
        "gsi1sk": f"{site['id']}#{new.start}#{booking['id']}",
        "ticket_code": ticket_code(booking["id"], new.counter_id, new.start),
    }
    moved = {**booking, **changes, "version": int(booking.get("version", 0)) + 1}
    notice = _notification(NotificationEvent.BOOKING_CONFIRMED, moved, str(moved["version"]))
    at = _at(now)
    # The old place goes to the first in its line, in the same transaction; if that part fails (they left,
    # or a lowered cap forbids it), the move is tried once more on its own.
    hand_over = _hand_over(deps, old, at)
    for handing in [hand_over, None] if hand_over else [None]:
        labelled: list[tuple[Refusal | None, dict]] = []
        try:
            labelled += bookings.counter_items(table, [new, old] if handing else [new], [old])
            if new.date != old.date:
                new_guard = bookings.person_guard_key(
                    bookings.person_key(deps.kms, deps.access_token_key_id), booking["nik_hmac"], site["id"], new.date
                )
                changes["guard_pk"] = new_guard["pk"]
                labelled += [
                    (None, bookings.guard_delete(table, _guard_of(booking), booking["id"])),
                    (Refusal.ALREADY_BOOKED, bookings.guard_put(table, new_guard, booking["id"], new.date)),
                ]
            labelled.append((Refusal.CHANGED, bookings.status_change(table, booking, Status.BOOKED, at, changes)))
            notices = [notice]
            stats = [
                bookings.stat_change(booking, "booked", -1),
                (new.date, new.site_id, new.counter_id, "booked", 1),
            ]
            if handing:
                labelled += handing.items
                notices.append(handing.notice)
                stats += handing.stats
            labelled += _stat_items(table, stats)
            _commit(deps, labelled, notices, now, retry)
            break
        except (PlaceRefused, TransactionCancelled) as failure:
            if handing:
                continue
            if isinstance(failure, PlaceRefused):
                raise refused(deps, site, new, failure.reason, now) from None
            raise
    moved = {**booking, **changes, "version": int(booking.get("version", 0)) + 1}
    logger.info("booking moved", extra={"booking_id": booking["id"]})
    return moved


def join_waitlist(request: dict[str, Any], deps: Deps, now: dt.datetime, **retry: Any) -> dict[str, Any]:
    """Queue for a slot that has no place left; return ``{id, position, status}`` (no token, no NIK).

    The waiting person's guard holds their day at the site, so promotion never books them twice.

    :raises Conflict: the slot still has room (``slot_available``), or ``already_booked``.
    """
    check_person(request, now)
    site = load_site(deps, request["site_id"])
    place = slots.require_place(site, request["counter_id"], request["date"], request["start"], now)
    day = dt.date.fromisoformat(place.date)
    free = [
        s
        for s in slots.day_slots(deps.tables.bookings, site, day, now, place.counter_id)
        if s["start"] == place.start and s["available"] > 0
    ]
    if free:
        raise Conflict(
            "Jadwal ini masih tersedia: silakan pesan langsung.",
            "This slot still has room: book it directly.",
            code="slot_available",
        )
    booking = _new_item(deps, request, site, place, Status.WAITLISTED, now)
    entry = {
        "pk": bookings.waitlist_pk(site["id"], place.date, place.counter_id, place.start),
        "sk": f"{_at(now)}#{booking['id']}",
    }
    booking |= {"waitlist_pk": entry["pk"], "waitlist_sk": entry["sk"]}
    table = deps.tables.name
    labelled = [
        (Refusal.ALREADY_BOOKED, bookings.guard_put(table, _guard_of(booking), booking["id"], place.date)),
        (None, bookings.put_new(table, booking)),
        (
            None,
            bookings.put_new(
                table,
                {**entry, "booking_id": booking["id"], "expires_at_epoch": retention.guard_expires_at(place.date)},
            ),
        ),
    ]
    try:
        bookings.run(deps.tables, labelled, **retry)
    except PlaceRefused as refusal:
        raise refused(deps, site, place, refusal.reason, now) from None
    position = bookings.waitlist_position(deps.tables.bookings, entry["pk"], entry["sk"])
    return {**receipt(booking), "position": position}
