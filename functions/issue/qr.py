"""The QR code on a permit: the verify page's URL, its fragment the signed token written as digits.

A JWS uses only base64url characters and dots (45..122 in ASCII), so, as SMART Health Cards do, each
is written as the two digits of ``ord(c) - 45``. The URL goes in byte mode and the digits in numeric
mode (10 bits for 3 digits): the symbol stays at version 15 or below at error correction M, small
enough that a worn or creased paper copy still scans. The verify page turns the digits back.
qrcode is imported only when a symbol is made (the issuing path), never by the routes.
"""

from typing import Any

MAX_VERSION = 15
_OFFSET = 45


class QrTooLarge(Exception):
    """The token does not fit in a QR code of MAX_VERSION at error correction M."""


def to_digits(token: str) -> str:
    """Write a JWS as digits, two per character (``ord(c) - 45``)."""
    if any(not 45 <= ord(c) <= 122 for c in token):
        raise ValueError("only base64url characters and dots can be written as digits")
    return "".join(f"{ord(c) - _OFFSET:02d}" for c in token)


def from_digits(digits: str) -> str:
    """Read back what `to_digits` wrote."""
    if len(digits) % 2 or not digits.isdigit():
        raise ValueError("an even number of digits is expected")
    return "".join(chr(int(digits[i : i + 2]) + _OFFSET) for i in range(0, len(digits), 2))


def verify_url(site_url: str) -> str:
    """Return the address of the verify page the QR code opens, up to and including the '#'."""
    return f"{site_url.rstrip('/')}/verify.html#"


def _filled(site_url: str, token: str) -> Any:
    """Return a `qrcode.QRCode` holding the verify URL (byte mode) and the token (numeric mode), not yet made."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.util import MODE_8BIT_BYTE, MODE_NUMBER, QRData

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(QRData(verify_url(site_url).encode("utf-8"), mode=MODE_8BIT_BYTE, check_data=False), optimize=0)
    code.add_data(QRData(to_digits(token), mode=MODE_NUMBER), optimize=0)
    return code


def qr_version(site_url: str, token: str) -> int:
    """Return the smallest QR version that holds the link (cheap: no mask is drawn).

    :raises QrTooLarge: it needs a version above MAX_VERSION.
    """
    from qrcode.exceptions import DataOverflowError

    try:
        version = _filled(site_url, token).best_fit()
    except DataOverflowError:
        raise QrTooLarge("the token does not fit in any QR version") from None
    if version > MAX_VERSION:
        raise QrTooLarge(f"the token needs QR version {version}, above {MAX_VERSION}")
    return version


def qr_code(site_url: str, token: str) -> Any:
    """Return a made `qrcode.QRCode` of the link, at the smallest version that holds it.

    :raises QrTooLarge: it needs a version above MAX_VERSION.
    """
    version = qr_version(site_url, token)
    code = _filled(site_url, token)
    code.version = version
    code.make(fit=False)
    return code
