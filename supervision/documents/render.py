"""PDF rendering of official documents with WeasyPrint.

Official documents use a CJK serif face (Noto Serif CJK SC, Debian's fonts-noto-cjk);
WeasyPrint needs Pango and HarfBuzz's subsetter (libharfbuzz-subset0: without it a page
takes ~1.9 s instead of ~50 ms). Templates live under templates/documents/.
"""

import base64
import io

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import: only where a PDF is made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def qr_data_uri(text: str) -> str:
    """A QR code for ``text`` as an inline SVG data URI, for <img src> in a document."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
