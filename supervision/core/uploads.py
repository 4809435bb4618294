"""Uploaded documents (evidence, certificates): the type is decided by the file's content (magic bytes,
then a real parse), never by its name. Used by rectification evidence and filing certificates."""

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# content type -> leading bytes
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


# content type -> the extension a stored file gets
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

# A PDF ends with %%EOF, possibly followed by a little whitespace or a trailing incremental note.
PDF_TAIL_BYTES = 1024


@dataclass(frozen=True)
class Checked:
    ok: bool
    content_type: str = ""
    message: str = ""

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "")


def sniff(head: bytes) -> str:
    for content_type, prefixes in SIGNATURES.items():
        if any(head.startswith(p) for p in prefixes):
            return content_type
    return ""


def check_document(upload, limit: int = DEFAULT_MAX_BYTES) -> Checked:
    """Accept a JPEG, PNG or PDF up to ``limit`` bytes; otherwise say why, naming the file."""
    name = upload.name
    if upload.size > limit:
        return Checked(False, message=_("“%(name)s” is %(size)s; files may be at most %(limit)s.") % {
            "name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    if upload.size == 0:
        return Checked(False, message=_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if not content_type or not _whole_file_holds(upload, content_type):
        return Checked(False, message=_(
            "“%(name)s” is not a photo (JPEG or PNG) or a PDF document by its content, whatever its name; "
            "it was not accepted."
        ) % {"name": name})
    return Checked(True, content_type=content_type)


def _whole_file_holds(upload, content_type: str) -> bool:
    """Beyond the leading bytes: an image Pillow can read, a PDF that ends like one."""
    try:
        if content_type == "application/pdf":
            upload.seek(max(upload.size - PDF_TAIL_BYTES, 0))
            return b"%%EOF" in upload.read()
        from PIL import Image

        with Image.open(upload) as image:
            image.verify()
            return Image.MIME.get(image.format) == content_type
    except Exception:  # Pillow raises many kinds of errors on a broken image
        return False
    finally:
        upload.seek(0)
