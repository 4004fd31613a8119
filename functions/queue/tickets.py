"""The ticket's QR code: an SVG the visitor shows (or prints) at the entrance for check-in."""

# What the QR holds: the booking's id only. The officer's scanner looks the booking up; no name, no NIK, no token.
QR_PREFIX = "SATUPINTU-BOOKING:"


def qr_svg(booking_id: str) -> str:
    """Return the check-in QR code of a booking as an SVG document (qrcode loads only here)."""
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(QR_PREFIX + booking_id)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
