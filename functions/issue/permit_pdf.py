"""The permit as a one-page A4 PDF: its facts in Indonesian with English beside them, and the QR code.

fpdf2 is imported here only, when a permit is rendered: it is most of a second of import time that no
route should pay. The QR code is drawn as vector squares (one per run of dark modules), so it prints
sharp at any size without an image library.
"""

import unicodedata
from dataclasses import dataclass
from typing import Any

MM_PER_MODULE = 0.75  # a version-15 symbol (77 modules + the quiet zone) comes out about 64 mm wide
# Punctuation the built-in font lacks, written as the nearest characters it has.
_PUNCTUATION = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"})


@dataclass(frozen=True)
class PermitFacts:
    """What is printed on a permit."""

    number: str
    service_name_id: str
    service_name_en: str
    holder_name: str
    issued_on: str  # e.g. "2 Desember 2026 / 2 December 2026"
    valid_until: str  # a date in both languages, or what the service says instead
    office: str
    agency: str
    decision_ref: str
    verify_url: str


def printable(text: str) -> str:
    """Return text the PDF's built-in font can draw: accents kept where Latin-1 has them, else the bare letter."""
    out = []
    for char in unicodedata.normalize("NFC", text).translate(_PUNCTUATION):
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)


def _label(pdf: Any, text_id: str, text_en: str) -> None:
    pdf.set_font("helvetica", "B", 9)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(0, 5, printable(f"{text_id} / {text_en}"), new_x="LMARGIN", new_y="NEXT")


def _value(pdf: Any, text: str, size: int = 12) -> None:
    pdf.set_font("helvetica", "", size)
    pdf.set_text_color(11, 12, 12)
    pdf.multi_cell(0, size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _draw_qr(pdf: Any, modules: list[list[bool]], x: float, y: float, border: int = 4) -> float:
    """Draw the QR matrix at (x, y) with its quiet zone; return the side in millimetres."""
    size = len(modules) + 2 * border
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size * MM_PER_MODULE, size * MM_PER_MODULE, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row, line in enumerate(modules):
        col = 0
        while col < len(line):
            if not line[col]:
                col += 1
                continue
            start = col
            while col < len(line) and line[col]:
                col += 1
            pdf.rect(
                x + (border + start) * MM_PER_MODULE,
                y + (border + row) * MM_PER_MODULE,
                (col - start) * MM_PER_MODULE,
                MM_PER_MODULE,
                style="F",
            )
    return size * MM_PER_MODULE


def render_permit(facts: PermitFacts, qr_modules: list[list[bool]]) -> bytes:
    """Return the PDF of one permit."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # a fixed layout: everything on one page
    pdf.set_margins(20, 18, 20)
    pdf.set_title(printable(f"{facts.number} - {facts.service_name_id}"))
    pdf.set_author(printable(facts.office))
    pdf.set_creator("Satu Pintu")
    pdf.add_page()

    pdf.set_font("helvetica", "B", 11)
    pdf.set_text_color(11, 12, 12)
    pdf.cell(
        0, 6, printable("PEMERINTAH PROVINSI DAERAH KHUSUS IBUKOTA JAKARTA"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(0, 6, printable(facts.office.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(11, 12, 12)
    pdf.set_line_width(0.6)
    pdf.line(20, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(8)

    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, printable(facts.service_name_id), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "I", 11)
    pdf.multi_cell(0, 6, printable(facts.service_name_en), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    _label(pdf, "Nomor dokumen", "Document number")
    _value(pdf, facts.number, 14)
    _label(pdf, "Diberikan kepada", "Issued to")
    _value(pdf, facts.holder_name, 14)
    _label(pdf, "Tanggal terbit", "Issued on")
    _value(pdf, facts.issued_on)
    _label(pdf, "Berlaku sampai", "Valid until")
    _value(pdf, facts.valid_until)
    _label(pdf, "Diterbitkan oleh", "Issuing office")
    _value(pdf, f"{facts.office}\n{facts.agency}", 10)
    _label(pdf, "Referensi keputusan", "Decision reference")
    _value(pdf, facts.decision_ref, 10)

    top = max(pdf.get_y() + 4, 170)
    side = _draw_qr(pdf, qr_modules, 20, top)
    pdf.set_xy(20 + side + 6, top + 4)
    pdf.set_font("helvetica", "", 9)
    pdf.multi_cell(
        190 - (20 + side + 6),
        4.5,
        printable(
            "Pindai kode QR dengan kamera ponsel untuk memeriksa keaslian dan status dokumen ini, "
            "atau buka halaman verifikasi dan tempelkan tautannya.\n\n"
            "Scan the QR code with a phone camera to check that this document is genuine and still valid, "
            "or open the verification page and paste its link.\n\n" + facts.verify_url
        ),
    )
    pdf.set_xy(20, 282)
    pdf.set_font("helvetica", "I", 8)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(
        0,
        4,
        printable(
            "Dokumen ini diterbitkan secara elektronik dan ditandatangani secara digital. "
            "/ Issued electronically and digitally signed."
        ),
        align="C",
    )
    return bytes(pdf.output())
