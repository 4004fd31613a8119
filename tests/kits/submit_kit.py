"""What the application tests share: real files, a citizen who uploads through the presigned POST, valid data."""

import io
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import requests

REGION = "ap-southeast-3"
# Jakarta Pusat (31.71), Gambir (31.71.01), a man born 1 January 1990, serial 0001.
VALID_NIK = "3171010101900001"
# The same, with a district code (99) the current area data does not know: a warning, not an error.
OLD_DISTRICT_NIK = "3171990101900001"
# A one-document service: legalising a copy of an IPTB licence.
ONE_DOCUMENT_SERVICE = "iptb_legalisasi"


@cache
def pdf_bytes() -> bytes:
    """Return a real one-page PDF."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Surat permohonan")
    return bytes(pdf.output())


@cache
def image_bytes(kind: str) -> bytes:
    """Return a real small PNG or JPEG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


FILES = {
    "application/pdf": pdf_bytes,
    "image/png": lambda: image_bytes("PNG"),
    "image/jpeg": lambda: image_bytes("JPEG"),
}


def form_values(service: dict[str, Any]) -> dict[str, Any]:
    """Return a plausible value for every form field of a service."""
    values: dict[str, Any] = {}
    for field in service["form_fields"]:
        if field["type"] in {"integer", "decimal"}:
            values[field["id"]] = 3
        elif field["type"] == "date":
            values[field["id"]] = "2026-12-01"
        else:
            values[field["id"]] = "Jl. Medan Merdeka Selatan 8-9"[: field.get("max_length") or 100]
    return values


@dataclass
class Citizen:
    """Does what the site does for a citizen: ask for an upload, POST the file, submit, track."""

    api: Any
    catalogue: Any

    def service(self, service_id: str = ONE_DOCUMENT_SERVICE) -> dict[str, Any]:
        """Return a service as the API shows it."""
        return self.api.get(f"/api/services/{service_id}").body

    def ask_upload(
        self, service_id: str, requirement_id: str, content_type: str = "application/pdf", size: int = 1000
    ) -> Any:
        """Call POST /api/uploads and return the response."""
        body = {
            "service_id": service_id,
            "requirement_id": requirement_id,
            "filename": "dokumen.pdf",
            "content_type": content_type,
            "size": size,
        }
        return self.api.post("/api/uploads", body)

    def upload(
        self,
        service_id: str,
        requirement_id: str,
        content: bytes | None = None,
        content_type: str = "application/pdf",
        declared_size: int | None = None,
    ) -> str:
        """Ask for an upload, POST the file to the presigned URL as a browser would, return the upload id."""
        content = FILES[content_type]() if content is None else content
        response = self.ask_upload(service_id, requirement_id, content_type, declared_size or max(len(content), 1))
        assert response.status == 201, response.body
        ticket = response.body
        posted = requests.post(
            ticket["url"], data=ticket["fields"], files={"file": ("dokumen", content, content_type)}, timeout=10
        )
        assert posted.status_code in (200, 201, 204), posted.text
        return ticket["upload_id"]

    def documents_for(self, service_id: str, *, skip: tuple[str, ...] = ()) -> list[dict[str, str]]:
        """Upload a real PDF for each required requirement (but those skipped)."""
        service = self.service(service_id)
        return [
            {"requirement_id": r["id"], "upload_id": self.upload(service_id, r["id"])}
            for r in service["requirements"]
            if r["required"] and r["id"] not in skip
        ]

    def body(self, service_id: str = ONE_DOCUMENT_SERVICE, **overrides: Any) -> dict[str, Any]:
        """Return a complete submission (its documents uploaded) with some parts replaced."""
        service = self.service(service_id)
        body = {
            "service_id": service_id,
            "applicant": {
                "nik": VALID_NIK,
                "name": "Siti Rahayu",
                "email": "siti.rahayu@example.id",
                "phone": "+62 812-3456-7890",
            },
            "fields": form_values(service),
            "documents": overrides.pop("documents", None) or self.documents_for(service_id),
            "locale": "id",
            "declaration": True,
        }
        body.update(overrides)
        return body

    def submit(self, body: dict[str, Any], key: str | None = "new") -> Any:
        """POST /api/applications with an Idempotency-Key (a fresh one unless given; None sends none)."""
        headers = {} if key is None else {"Idempotency-Key": str(uuid.uuid4()) if key == "new" else key}
        return self.api.post("/api/applications", body, headers=headers)

    def track(self, application_id: str, token: str | None) -> Any:
        """GET /api/applications/{id} with a bearer token."""
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.api.get(f"/api/applications/{application_id}", headers=headers)
