"""QR codes as SVG documents, for pages that show or print one (qrcode loads only when one is drawn)."""


def qr_svg(text: str) -> str:
    """Return `text` as a QR code (error correction M, so a creased print still scans) in an SVG document."""
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
