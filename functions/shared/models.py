"""Pydantic models of the catalogue (services and service points) as the API returns them."""

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

MimeType = Literal["application/pdf", "image/jpeg", "image/png"]
Category = Literal["perizinan", "nonperizinan"]
SiteKind = Literal["mall", "kelurahan", "kecamatan", "city"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class Requirement(_Model):
    """A document the applicant uploads; `required` false means conditional."""

    id: str
    label_id: str
    label_en: str
    required: bool
    accepted_types: list[MimeType]
    max_size_bytes: int = Field(gt=0)
    note_id: str | None = None
    note_en: str | None = None


class FormField(_Model):
    """A value the applicant types in, besides their identity."""

    id: str
    label_id: str
    label_en: str
    type: Literal["text", "textarea", "integer", "decimal", "date"]
    required: bool
    max_length: int | None = None


class ServiceSummary(_Model):
    """What the catalogue list shows of a service."""

    id: str
    name_id: str
    name_en: str
    category: Category
    agency: str
    agency_en: str | None = None
    summary_id: str
    summary_en: str
    fee_idr: int | None
    sla_days: int | None
    field_survey: bool


class AppliedElsewhere(_Model):
    """Where a service is applied for when it is not through this site (e.g. the NIB, on the national OSS)."""

    name_id: str
    name_en: str
    url: str


class Service(ServiceSummary):
    """A service (jenis layanan) with everything an applicant must know before applying."""

    requirements: list[Requirement]
    form_fields: list[FormField]
    fee_note_id: str | None = None
    fee_note_en: str | None = None
    sla_note_id: str | None = None
    sla_note_en: str | None = None
    legal_basis: list[str]
    validity_id: str | None = None
    validity_en: str | None = None
    validity_months: int | None = None
    # What a citizen reads. Research notes, sources and assumptions stay in seed/, for maintainers.
    notes_id: list[str] = []
    notes_en: list[str] = []
    applied_at: AppliedElsewhere | None = None


class ServiceList(_Model):
    """`GET /services`."""

    services: list[ServiceSummary]


class OpeningHours(_Model):
    """Opening hours in the site's time zone; `days` are weekday numbers (0 = Monday)."""

    open: str
    close: str
    days: list[int]


class Counter(_Model):
    """A counter (loket) at a service point."""

    id: str
    agency: str
    name: str = Field(validation_alias=AliasChoices("name", "name_id"), description="Nama loket (Bahasa Indonesia)")
    name_en: str
    service_ids: list[str] = []
    slot_minutes: int
    people_per_slot: int
    daily_quota: int | None = None


class Site(_Model):
    """A service point: the public service mall, or a kelurahan, kecamatan or city office."""

    id: str
    name: str
    kind: SiteKind
    area_code: str
    address: str
    capacity: int
    occupancy_cap_percent: int
    opening_hours: OpeningHours
    timezone: str = "Asia/Jakarta"
    counters: list[Counter]
    window_minutes: int = Field(30, description="Panjang jendela okupansi ruang / room occupancy window, minutes")
    booking_horizon_days: int = Field(14, description="Berapa hari ke depan dapat dipesan / days bookable ahead")
    closed_dates: list[str] = Field(default_factory=list, description="Hari libur / holidays closed (YYYY-MM-DD)")


class SiteList(_Model):
    """`GET /sites`."""

    sites: list[Site]


class ErrorItem(BaseModel):
    """One thing that failed: the field it names, a stable code, and words in Indonesian and English."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    field: str = Field(description="Isian yang gagal, mis. applicant.nik / the failing field, e.g. applicant.nik")
    code: str
    message: str
    message_en: str


class ErrorDetail(BaseModel):
    """The error itself: a stable code, the message in Indonesian and in English, and what failed."""

    model_config = ConfigDict(defer_build=True)

    code: str
    message: str
    message_en: str
    # Bad input: every problem as a list of items. A conflict (409) or a refusal with advice: an object, e.g.
    # `{"alternatives": [...]}` for a full slot.
    details: list[ErrorItem] | dict[str, Any] | None = None


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer: `{"error": {code, message, message_en, details}}`."""

    model_config = ConfigDict(defer_build=True)

    error: ErrorDetail
