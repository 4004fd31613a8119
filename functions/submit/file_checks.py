"""What an uploaded file must be before an application takes it: a name safe to keep and show, and bytes that open.

A file's first bytes say little: ``%PDF-`` followed by an HTML page is not a PDF. A PDF must open with pypdf and
have pages; a JPEG or PNG must open with Pillow as that very format, within a pixel budget, and decode. Both
libraries are imported inside the checks, only when a file is checked, so the submit function's cold start does
not pay for them.
"""

import io
import re
import unicodedata
import warnings
from typing import Any

# What each accepted type's bytes start with (its "magic number"): a cheap first refusal before any parser runs.
MAGIC_BYTES: dict[str, bytes] = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# A phone's full-resolution photo is 12 to 50 megapixels; a document needs no more. More pixels than this in a file
# of a few megabytes is a decompression bomb (Pillow's own guard starts at 89 million).
MAX_IMAGE_PIXELS = 50_000_000

MAX_FILENAME_LENGTH = 120
# Control, format (bidi overrides, zero-width characters), surrogate, private-use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Characters no file system takes in a name (Windows refuses them); "<" and ">" also keep markup out of it.
_RESERVED = re.compile(r'[<>:"|?*]')
_PATH_SEPARATOR = re.compile(r"[/\\]")
# The extension kept when a long name is cut: the last dot and up to 16 characters after it.
_EXTENSION = re.compile(r"\.[^.\s]{1,16}\Z")

Problem = tuple[str, dict[str, Any]]


def clean_filename(name: str, fallback: str = "dokumen") -> str:
    """Return a file name safe to store and show: NFC, no control or bidi characters, no path, at most 120 long.

    Whitespace of any kind becomes one space; control and format characters (U+202E and friends, which make a
    name read backwards) are dropped; only the last part of a path is kept ("C:\\fakepath\\ktp.pdf" is "ktp.pdf");
    characters file systems refuse become "_"; a name cut to length keeps its extension. `fallback` when nothing
    is left.
    """
    kept = "".join(" " if char.isspace() else char for char in name if char.isspace() or not _is_dropped(char))
    text = unicodedata.normalize("NFC", kept)
    parts = [part for part in _PATH_SEPARATOR.split(text) if part.strip(" .")]
    text = parts[-1] if parts else ""
    text = " ".join(_RESERVED.sub("_", text).split()).strip(" .")
    if len(text) > MAX_FILENAME_LENGTH:
        found = _EXTENSION.search(text)
        extension = found.group() if found else ""
        stem = text[: MAX_FILENAME_LENGTH - len(extension)].rstrip(" .")
        text = unicodedata.normalize("NFC", stem + extension)
    return text or fallback


def _is_dropped(char: str) -> bool:
    return unicodedata.category(char) in _DROPPED_CATEGORIES


def content_problem(content_type: str, data: bytes) -> Problem | None:
    """Return why these bytes are not a file of the declared type that opens, as (problem code, facts), or None.

    Codes: ``upload_type_mismatch`` (it does not open as the declared type), ``upload_password_protected`` (a PDF
    that needs a password), ``upload_empty`` (a PDF without pages), ``upload_image_too_large`` (too many pixels).
    """
    if not data.startswith(MAGIC_BYTES[content_type]):
        return _not_openable(content_type)
    if content_type == "application/pdf":
        return _pdf_problem(data)
    return _image_problem(data, content_type)


def _not_openable(content_type: str) -> Problem:
    return "upload_type_mismatch", {"content_type": content_type}


def _pdf_problem(data: bytes) -> Problem | None:
    import logging

    from pypdf import PdfReader

    # pypdf logs each repair it makes to a damaged file; a citizen's file is no operator's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        # Most "protected" PDFs only restrict printing or copying and open without a password: those are fine.
        if reader.is_encrypted and not reader.decrypt(""):
            return "upload_password_protected", {}
        pages = len(reader.pages)
    except Exception:  # a parser of untrusted bytes fails in many ways; each means "does not open"
        return _not_openable("application/pdf")
    return ("upload_empty", {}) if pages == 0 else None


def _image_problem(data: bytes, content_type: str) -> Problem | None:
    from PIL import Image

    too_large: Problem = ("upload_image_too_large", {"max_megapixels": MAX_IMAGE_PIXELS // 1_000_000})
    try:
        with warnings.catch_warnings():
            # Pillow only warns of a decompression bomb below twice its own limit; here its warning refuses too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the declared format is tried: a JPEG sent as image/png does not open.
            with Image.open(io.BytesIO(data), formats=[IMAGE_FORMATS[content_type]]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    return too_large
                if image.format == "JPEG":
                    # JPEG's verify() checks nothing: decode it, at an eighth of its size (every block is still
                    # read and decoded, at a fraction of the work: 12 megapixels in about 30 ms).
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                    image.load()
                else:
                    # Every chunk read up to IEND and its checksum checked, image data included (a full decode
                    # would cost ten times as much: about 300 ms for 12 megapixels).
                    image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return too_large
    except Exception:  # a decoder of untrusted bytes fails in many ways; each means "does not open"
        return _not_openable(content_type)
    return None
