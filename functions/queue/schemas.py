"""The queue function's API models: what a visitor sends to book, move or wait, and what each route answers."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.models import Site

DATE = r"^\d{4}-\d{2}-\d{2}$"
TIME = r"^\d{2}:\d{2}$"
ID = r"^[a-z0-9-]{1,64}$"


class _Input(BaseModel):
    # Unknown keys are refused rather than stored; the NIK never comes back in an error.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True, defer_build=True)


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class HealthDeclaration(_Input):
    """The visitor's own word, today: any "yes" means stay at home."""

    fever: bool = Field(description="Demam / fever")
    cough: bool = Field(description="Batuk / cough")
    flu: bool = Field(description="Pilek / flu")


class BookingRequest(_Input):
    """`POST /bookings` and `POST /bookings/waitlist`."""

    site_id: str = Field(pattern=ID)
    counter_id: str = Field(pattern=ID)
    date: str = Field(pattern=DATE, description="YYYY-MM-DD (WIB)")
    start: str = Field(pattern=TIME, description="HH:MM (WIB), the start of one of the counter's slots")
    nik: str = Field(min_length=1, max_length=32, description="NIK, 16 digit / 16 digits", repr=False)
    name: str = Field(min_length=2, max_length=100)
    # A shape check, not EmailStr: email_validator costs the queue function about 60 ms of every cold start,
    # and an address nobody has proved gets no free text anyway (functions/shared/notifications.py).
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 ()-]{6,19}$", max_length=20)
    locale: Literal["id", "en"] = "id"
    health: HealthDeclaration


class MoveRequest(_Input):
    """`POST /bookings/{id}/move`: the new slot (the same counter unless another is named)."""

    date: str = Field(pattern=DATE)
    start: str = Field(pattern=TIME)
    counter_id: str | None = Field(None, pattern=ID)


class Slot(_Output):
    """One counter's slot with its capacity and the places still free (the least of slot, room and quota)."""

    counter_id: str
    date: str
    start: str
    end: str
    capacity: int
    available: int


class SlotList(_Output):
    """`GET /sites/{id}/slots`."""

    slots: list[Slot]


class BookingView(_Output):
    """A booking as its holder sees it (no NIK)."""

    id: str
    ticket_code: str
    status: Literal["BOOKED", "WAITLISTED", "CHECKED_IN", "DONE", "CANCELLED", "NO_SHOW", "REFUSED"]
    site_id: str
    site_name: str
    counter_id: str
    date: str
    start: str
    end: str
    locale: Literal["id", "en"] = "id"
    position: int | None = Field(None, description="Urutan di antrean tunggu / place in the waitlist")
    qr_svg: str | None = Field(None, description="QR untuk check-in (SVG) / check-in QR code (SVG)")


class BookingReceipt(BookingView):
    """`POST /bookings` 201 and `POST /bookings/waitlist` 201: keep the access_token (shown once)."""

    access_token: str


class CancelledBooking(_Output):
    """`DELETE /bookings/{id}`."""

    id: str
    status: Literal["CANCELLED"]


class SitePolicy(_Input):
    """`PATCH /officer/sites/{id}`: the room's capacity and the share of it that may be inside at once."""

    capacity: int = Field(ge=1, le=100_000)
    occupancy_cap_percent: int = Field(ge=0, le=100)


class OverCapWindow(_Output):
    """A window holding more bookings than the new cap allows (kept; the office decides what to do)."""

    date: str
    start: str
    booked: int
    cap: int


class SitePolicyResult(_Output):
    """`PATCH /officer/sites/{id}` 200."""

    site: Site
    windows_over_cap: list[OverCapWindow]


def created(model: type[BaseModel], description: str) -> dict[int, Any]:
    """Declare a 201 answer of `model` for the OpenAPI document."""
    return {201: {"description": description, "content": {"application/json": {"model": model}}}}


class CheckIn(_Input):
    """`POST /officer/bookings/{id}/check-in`: the temperature taken at the door, and the site the officer is at."""

    # Bounds are checked by the rule (functions/queue/visits.py) so a slip of the thermometer gets its own words.
    temperature_c: float = Field(
        allow_inf_nan=False,
        description="Suhu tubuh, °C (37,5 atau lebih: ditolak) / body temperature, °C (37.5 or more: refused)",
        json_schema_extra={"minimum": 34.0, "maximum": 43.0},
    )
    site_id: str = Field(pattern=ID, description="Tempat layanan petugas / the officer's service point")


class CheckInByCode(_Input):
    """`POST /officer/sites/{site_id}/check-in`: a ticket code typed in (when the QR cannot be scanned)."""

    ticket_code: str = Field(min_length=6, max_length=32, pattern=r"^[A-Za-z0-9-]+$", description="e.g. PTSP-0900-7K3M")
    temperature_c: float = Field(
        allow_inf_nan=False,
        description="Suhu tubuh, °C / body temperature, °C",
        json_schema_extra={"minimum": 34.0, "maximum": 43.0},
    )


class Occupancy(_Output):
    """People inside now and the cap (capacity × occupancy_cap_percent / 100)."""

    inside: int
    cap: int


class OfficerIdentity(_Output):
    """Who checked the visitor in."""

    sub: str | None = None
    username: str | None = None
    email: str | None = None


class CheckInResult(_Output):
    """`POST …/check-in` 200: CHECKED_IN (with `checked_in_at`) or REFUSED (a fever; the place is given back)."""

    id: str
    ticket_code: str
    status: Literal["CHECKED_IN", "REFUSED"]
    site_id: str
    counter_id: str
    date: str
    start: str
    end: str
    temperature_c: float
    occupancy: Occupancy
    checked_in_at: str | None = None


class CheckOutResult(_Output):
    """`POST /officer/bookings/{id}/check-out` 200."""

    id: str
    status: Literal["DONE"]
    occupancy: Occupancy


class SiteDay(_Output):
    """`GET /officer/sites/{id}/occupancy`: the door's board, with today's counts."""

    site_id: str
    inside: int
    cap: int
    checked_in_today: int
    refused_today: int
    no_show_today: int
    booked_today: int
    updated_at: str


class PublicOccupancy(_Output):
    """`GET /sites/{id}/occupancy`: for a board at the entrance; no personal data."""

    site_id: str
    site_name: str
    inside: int
    cap: int
    updated_at: str


class CounterVisits(_Output):
    """One counter's visits on a day."""

    counter_id: str
    name_id: str
    name_en: str
    booked: int
    checked_in: int
    refused: int
    no_show: int


class SiteVisits(_Output):
    """One site's visits on a day, and its counters'."""

    site_id: str
    site_name: str
    booked: int
    checked_in: int
    refused: int
    no_show: int
    counters: list[CounterVisits]


class VisitStatistics(_Output):
    """`GET /stats/visits`: a day's visits per site and counter (sites with none that day are left out)."""

    date: str
    sites: list[SiteVisits]
