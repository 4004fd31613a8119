"""An uploaded file's name is cleaned before it is kept, and its bytes must open as the type it was declared as."""

import io
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter

from functions.submit.file_checks import MAX_FILENAME_LENGTH, MAX_IMAGE_PIXELS, clean_filename, content_problem

HTML = b"<html><body><img src=x onerror=alert(document.cookie)><script>alert(1)</script></body></html>"


# --- file names -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ktp\x00.pdf", "ktp.pdf"),
        ("surat\r\nSet-Cookie: sesi=1.pdf", "surat Set-Cookie_ sesi=1.pdf"),
        ("tagihan\u202efdp.exe", "tagihanfdp.exe"),
        ("<img src=x onerror=alert(1)>.png", "_img src=x onerror=alert(1)_.png"),
    ],
    ids=["NUL", "CR/LF", "U+202E", "img onerror"],
)
def test_the_four_nasty_names_come_out_clean(raw, clean):
    assert clean_filename(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\fakepath\\KTP Siti.pdf", "KTP Siti.pdf"),
        ("../../etc/passwd", "passwd"),
        ("  ..surat.pdf.. ", "surat.pdf"),
        ("Akta\u00a0\u2003kelahiran\t(1).jpg", "Akta kelahiran (1).jpg"),
        ("Surat Kete\u0301rangan.pdf", "Surat Ket\u00e9rangan.pdf"),
        ("\u200b\ufeff\u2066\u2069", "dokumen"),
        ("", "dokumen"),
        ("/", "dokumen"),
    ],
)
def test_paths_whitespace_and_invisible_characters(raw, clean):
    assert clean_filename(raw) == clean


def test_an_overlong_name_is_cut_keeping_its_extension():
    # Given
    raw = "Surat Keterangan " * 20 + ".pdf"
    # When
    clean = clean_filename(raw)
    # Then: 116 characters of the name, no space left dangling, then the extension
    assert clean == "Surat Keterangan " * 6 + "Surat Keterang.pdf"
    assert len(clean) == MAX_FILENAME_LENGTH


def test_the_fallback_is_the_callers():
    assert clean_filename("\u202e\x00", fallback="dokumen.png") == "dokumen.png"


@given(st.text(max_size=400))
@example("a" * 300 + "\u0301" * 5 + ".pdf")
@example("e" + "\u0301" * 200)
@example(".\u0085.")
def test_any_name_comes_out_short_visible_single_line_nfc_and_stable(raw):
    # When
    clean = clean_filename(raw)
    # Then
    assert 0 < len(clean) <= MAX_FILENAME_LENGTH
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in clean)
    assert not any(c in clean for c in '/\\<>:"|?*')
    assert not any(c.isspace() and c != " " for c in clean) and "  " not in clean
    assert clean == clean.strip(" .")
    assert unicodedata.is_normalized("NFC", clean)
    assert clean_filename(clean) == clean


@given(
    st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=300), st.sampled_from(["pdf", "jpeg"])
)
def test_a_plain_name_keeps_its_extension_whatever_its_length(stem, extension):
    # Given
    raw = f"{stem}.{extension}"
    # When
    clean = clean_filename(raw)
    # Then
    assert clean.endswith(f".{extension}")
    if len(unicodedata.normalize("NFC", raw)) <= MAX_FILENAME_LENGTH:
        assert clean == unicodedata.normalize("NFC", raw)


# --- file contents --------------------------------------------------------------------------------------------


@cache
def image_bytes(kind: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    """Return a real image file."""
    buffer = io.BytesIO()
    Image.new(mode, size, 255 if mode == "1" else (20, 120, 200)).save(buffer, format=kind)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1, password: str | None = None, owner_only: bool = False) -> bytes:
    """Return a real PDF written by pypdf, optionally encrypted."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt("" if owner_only else password, password, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/pdf", pdf_bytes()),
        ("application/pdf", pdf_bytes(pages=3)),
        ("application/pdf", pdf_bytes(password="rahasia", owner_only=True)),
        ("image/png", image_bytes("PNG")),
        ("image/jpeg", image_bytes("JPEG")),
        ("image/png", image_bytes("PNG", (1, 1), "1")),
    ],
    ids=["pdf", "3-page pdf", "pdf restricted by an owner password only", "png", "jpeg", "1x1 png"],
)
def test_real_files_open(content_type, data):
    assert content_problem(content_type, data) is None


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/pdf", b"%PDF-1.7\n" + HTML),
        ("application/pdf", pdf_bytes()[: len(pdf_bytes()) // 2]),
        ("application/pdf", HTML),
        ("image/png", b"\x89PNG\r\n\x1a\n" + HTML),
        ("image/png", image_bytes("PNG")[:-12]),
        ("image/png", image_bytes("JPEG")),
        ("image/jpeg", b"\xff\xd8\xff\xe0" + HTML),
        ("image/jpeg", image_bytes("JPEG")[: len(image_bytes("JPEG")) - 200] + HTML),
        ("image/jpeg", image_bytes("PNG")),
    ],
    ids=[
        "%PDF- then HTML",
        "half a PDF",
        "HTML as PDF",
        "PNG magic then HTML",
        "PNG cut short",
        "JPEG as PNG",
        "JPEG magic then HTML",
        "JPEG data replaced by HTML",
        "PNG as JPEG",
    ],
)
def test_files_that_do_not_open_as_their_type_are_refused(content_type, data):
    assert content_problem(content_type, data) == ("upload_type_mismatch", {"content_type": content_type})


def test_a_pdf_that_needs_a_password_is_refused_as_such():
    assert content_problem("application/pdf", pdf_bytes(password="rahasia")) == ("upload_password_protected", {})


def test_a_pdf_without_pages_is_empty():
    assert content_problem("application/pdf", pdf_bytes(pages=0)) == ("upload_empty", {})


@pytest.mark.parametrize(
    "size",
    [(10_000, MAX_IMAGE_PIXELS // 10_000 + 1), (20_000, 20_000)],
    ids=["just over the budget", "over Pillow's own limit"],
)
def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(size):
    # Given: a small file (one bit per pixel, all white, compressed) that would decode to a huge image
    data = image_bytes("PNG", size, "1")
    assert len(data) < 200_000
    # When / Then
    assert content_problem("image/png", data) == ("upload_image_too_large", {"max_megapixels": 50})


def test_importing_the_submit_function_loads_neither_pypdf_nor_pillow():
    # Given: a fresh interpreter, as a cold Lambda is
    script = (
        "import sys, functions.submit.app; print(sorted({m.split('.')[0] for m in sys.modules} & {'PIL', 'pypdf'}))"
    )
    # When
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    # Then: the file checks import them only when a file is checked
    assert loaded.stdout.strip() == "[]"
