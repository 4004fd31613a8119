"""The submit function's API models: what the citizen sends and what each route answers.

Stored items have their own models (functions/shared/applications.py); these are only the API's.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from functions.shared.applications import Status
from functions.shared.email_address import EmailAddress

Locale = Literal["id", "en"]
SERVICE_ID = r"^[a-z0-9_]{1,64}$"
REQUIREMENT_ID = r"^[a-z0-9_]{1,64}$"
UPLOAD_ID = r"^[a-f0-9]{32}$"
PHONE = r"^\+?[0-9][0-9 ()-]{6,19}$"
# Free text allowed in a form field; numbers arrive as JSON numbers or as text.
FieldValue = str | int | float
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]


def _valid_unicode(value: Any) -> bool:
    """Tell whether every text inside a value can be written as UTF-8 (JSON allows lone surrogates; tables do not)."""
    # Walked with a list, not by recursion: however deep the value, this never runs out of stack.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


class _Input(BaseModel):
    # Unknown keys are refused rather than stored: nothing lands in the table that nobody validated.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _only_valid_text(cls, data: Any) -> Any:
        if not _valid_unicode(data):
            raise ValueError("text must be valid Unicode")
        return data


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class UploadRequest(_Input):
    """`POST /uploads`: the file the browser is about to upload for one requirement."""

    service_id: str = Field(pattern=SERVICE_ID)
    requirement_id: str = Field(pattern=REQUIREMENT_ID)
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=1, max_length=100, description="application/pdf, image/jpeg or image/png")
    size: int = Field(ge=1, description="Ukuran berkas dalam byte / file size in bytes")


class UploadTicket(_Output):
    """A presigned POST: send `fields` and then the file as multipart/form-data to `url` before `expires_at`."""

    upload_id: str
    url: str
    fields: dict[str, str]
    expires_at: str


class UploadCheck(_Output):
    """`POST /uploads/{upload_id}/check` 200: the file landed and passed the checks a submission runs."""

    upload_id: str
    requirement_id: str
    status: Literal["checked"]


class ApplicantIn(_Input):
    """Who applies. The NIK is checked by the NIK rules, which name what is wrong in both languages."""

    # repr=False: a debug log of the request (Powertools logs route arguments at DEBUG) shows no NIK.
    nik: str = Field(min_length=1, max_length=32, description="NIK, 16 digit / 16 digits", repr=False)
    name: str = Field(min_length=2, max_length=100)
    email: EmailAddress
    phone: str = Field(pattern=PHONE, max_length=20)


class DocumentRef(_Input):
    """An upload offered as the document for one requirement."""

    requirement_id: str = Field(pattern=REQUIREMENT_ID)
    upload_id: str = Field(pattern=UPLOAD_ID)


class SubmissionRequest(_Input):
    """`POST /applications`."""

    service_id: str = Field(pattern=SERVICE_ID)
    applicant: ApplicantIn
    fields: dict[FieldName, FieldValue] = Field(default_factory=dict, max_length=50)
    documents: list[DocumentRef] = Field(default_factory=list, max_length=40)
    locale: Locale = "id"
    declaration: bool = Field(
        default=False,
        description="Pemohon menyatakan data dan dokumen benar (wajib true) / "
        "the applicant declares the data and documents true (must be true)",
    )


class SubmissionWarning(_Output):
    """Something worth checking that does not stop the submission (e.g. an old district code in the NIK)."""

    field: str
    code: str
    message: str
    message_en: str


class SubmissionReceipt(_Output):
    """`POST /applications` 201: the tracking number and the token to follow it (shown once)."""

    id: str
    access_token: str
    status: Status
    submitted_at: str
    warnings: list[SubmissionWarning] = []


class ResubmissionRequest(_Input):
    """`POST /applications/{id}/documents`: the documents that were missing or wrong."""

    documents: list[DocumentRef] = Field(min_length=1, max_length=40)


class HistoryView(_Output):
    """One step of the application's life, as the applicant sees it."""

    status: Status
    at: str
    note: str | None = None


class MissingRequirement(_Output):
    """A requirement still to be supplied."""

    requirement_id: str
    label_id: str
    label_en: str


class IssuedDocumentView(_Output):
    """The permit issued for the application."""

    number: str
    status: str = "valid"
    issued_at: str | None = None
    valid_until: str | None = None
    download_url: str | None = None


class TrackingView(_Output):
    """`GET /applications/{id}`: where the application is, what is missing, and the permit once issued."""

    id: str
    service_id: str
    status: Status
    submitted_at: str
    updated_at: str
    history: list[HistoryView]
    missing_requirements: list[MissingRequirement]
    document: IssuedDocumentView | None = None


class TotalCounters(_Output):
    """All-time received, and how many are in each state now."""

    submitted: int
    new: int
    in_process: int
    returned: int
    issued: int
    rejected: int


class DayCounters(_Output):
    """What happened on one Jakarta day."""

    date: str
    submitted: int
    issued: int
    rejected: int
    returned: int


class ServiceCounters(TotalCounters):
    """The same figures for one service, and how many of its decisions came within its time standard."""

    service_id: str
    decided: int = 0
    decided_on_time: int = 0
    # None until the service has a decision.
    on_time_percent: float | None = None


class Statistics(_Output):
    """`GET /stats`: no personal data, only counts."""

    totals: TotalCounters
    by_day: list[DayCounters]
    by_service: list[ServiceCounters]


class ConsultationRequest(_Input):
    """`POST /consultations`: a question for an officer, answered by e-mail."""

    name: str = Field(min_length=2, max_length=100)
    email: EmailAddress
    service_id: str | None = Field(default=None, pattern=SERVICE_ID)
    question: str = Field(min_length=10, max_length=2000)
    locale: Locale = "id"


class ConsultationReceipt(_Output):
    """`POST /consultations` 201."""

    id: str


class ConsultationView(_Output):
    """A consultation in the officers' list."""

    id: str
    name: str
    email: str
    service_id: str | None = None
    question: str
    locale: Locale
    status: str
    created_at: str
    answer: str | None = None
    answered_by: str | None = None
    answered_at: str | None = None


class ConsultationAnswerRequest(_Input):
    """`POST /officer/consultations/{id}/answer`: the officer's answer, e-mailed to the asker."""

    answer: str = Field(min_length=2, max_length=5000)


class ConsultationPublicView(_Output):
    """`GET /consultations/{id}`: the asker's own question, and the answer once there is one."""

    id: str
    service_id: str | None = None
    question: str
    status: str
    created_at: str
    answer: str | None = None
    answered_at: str | None = None


class ConsultationList(_Output):
    """`GET /officer/consultations`."""

    consultations: list[ConsultationView]
    next_cursor: str | None = None


class ApplicationSummary(_Output):
    """An application in the officers' review queue (NIK masked to its last four digits)."""

    id: str
    service_id: str
    service_name_id: str
    service_name_en: str
    status: Status
    version: int
    channel: str
    applicant_name: str
    nik_masked: str
    documents: int
    submitted_at: str
    updated_at: str
    assignee: str | None = None
    # The holder as people read them (their e-mail), beside the stable username.
    assignee_name: str | None = None
    sla_days: int
    due_date: str
    age_days: int
    overdue: bool


class ApplicationQueue(_Output):
    """`GET /officer/applications`: oldest first, the order they should be reviewed in."""

    applications: list[ApplicationSummary]
    next_cursor: str | None = None


PaperChannel = Literal["dropbox", "courier"]


class DraftApplicant(_Input):
    """The applicant as far as the citizen filled them in; the officer's intake checks everything."""

    nik: str = Field(default="", max_length=32, description="NIK, 16 digit / 16 digits", repr=False)
    name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=20)


class DraftRequest(_Input):
    """`POST /drafts`: a paper application's form, kept for the officer who receives the envelope (no documents)."""

    service_id: str = Field(pattern=SERVICE_ID)
    applicant: DraftApplicant = Field(default_factory=DraftApplicant)
    fields: dict[FieldName, FieldValue] = Field(default_factory=dict, max_length=50)
    locale: Locale = "id"
    channel: PaperChannel = Field(description="kotak surat / drop box, or kurir / courier")


class DraftReceipt(_Output):
    """`POST /drafts` 201: the reference to print on the cover sheet, its QR code (SVG) and when it expires."""

    reference: str
    expires_at: str
    qr_svg: str


class DraftView(_Output):
    """`GET /officer/drafts/{reference}`: what the citizen filled in, to pre-fill the intake."""

    reference: str
    service_id: str
    applicant: dict[str, str]
    fields: dict[str, FieldValue]
    locale: Locale
    channel: PaperChannel
    created_at: str
    expires_at: str
    # The application keyed in from this cover sheet, once there is one.
    used_by: str | None = None


class IntakeRequest(SubmissionRequest):
    """`POST /officer/applications`: a paper application keyed in by an officer (drop box or courier)."""

    channel: PaperChannel
    cover_sheet_ref: str | None = Field(
        default=None, max_length=20, description="Nomor lembar sampul / cover sheet reference, e.g. DR-7K3M9-Q2HXA"
    )
    receipt_upload_id: str | None = Field(
        default=None, pattern=UPLOAD_ID, description="Foto tanda terima kurir / the courier's receipt, an upload"
    )


class IntakeReceipt(_Output):
    """`POST /officer/applications` 201: the application's number; the applicant gets the tracking link by e-mail."""

    id: str
    status: Status
    channel: PaperChannel
    submitted_at: str
    cover_sheet_ref: str | None = None
    warnings: list[SubmissionWarning] = []


def created(model: type[BaseModel], description: str) -> dict[int, Any]:
    """Declare a 201 answer of `model` for the OpenAPI document."""
    return {201: {"description": description, "content": {"application/json": {"model": model}}}}
