"""Telephone numbers as people write them in Chinese registers, read into one normalised form.

A cell may hold several numbers joined by 、，,/;；, each with an area code in brackets of
either width, spaces and dashes anywhere, and an extension after 转, *, ext or a last dash:

    （021）6543 2100转8001、138-0000-0000   →   021-65432100-8001, 13800000000

Mobile numbers become their 11 digits, landlines area-local[-extension], service numbers
(400/800) their 10 digits. Pure Python, no Django import.
"""

import re
import unicodedata

SEPARATORS = re.compile(r"[、，,/;；]+")
_EXTENSION = re.compile(r"(?:转|\*|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
_BRACKETED_AREA = re.compile(r"^\((0\d{2,3})\)")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^[48]00\d{7}$")
_AREA = re.compile(r"^0(?:10|2\d|[3-9]\d{2})")  # Beijing 010, the 02x cities, else three digits after 0


class PhoneError(ValueError):
    """``number`` (as written) is not a telephone number."""

    def __init__(self, number: str):
        super().__init__(number)
        self.number = number


def split_numbers(text: str) -> list[str]:
    """The numbers of a cell as written, without the separators."""
    return [part.strip() for part in SEPARATORS.split(unicodedata.normalize("NFKC", text)) if part.strip()]


def normalise_number(written: str) -> str:
    """One number in its stored form; PhoneError if it is none."""
    text = unicodedata.normalize("NFKC", written).strip().replace("—", "-").replace("–", "-")
    extension = ""
    if match := _EXTENSION.search(text):
        extension, text = match.group(1), text[:match.start()]
    text = re.sub(r"^(?:\+|00)86[\s-]*", "", text.strip())
    area = ""
    if match := _BRACKETED_AREA.match(text.replace(" ", "")):
        area, text = match.group(1), text.replace(" ", "")[match.end():]
    groups = [g for g in re.split(r"[\s-]+", text) if g]
    if not groups or not all(g.isdigit() for g in groups):
        raise PhoneError(written)
    digits = "".join(groups)
    if not area and not extension and len(groups) > 1 and len(groups[-1]) <= 5 and len(digits) > 12:
        extension, digits = groups[-1], "".join(groups[:-1])  # 021-65432100-8001
    if area:
        number = _landline(area, digits)
    elif _MOBILE.match(digits) or _SERVICE.match(digits):
        number = digits
    elif digits.startswith("0") and (found := _AREA.match(digits)):
        number = _landline(found.group(0), digits[found.end():])
    elif 7 <= len(digits) <= 8 and not digits.startswith(("0", "1")):
        number = digits  # a local number without its area code
    else:
        number = None
    if number is None:
        raise PhoneError(written)
    if extension:
        if _MOBILE.match(number):
            raise PhoneError(written)  # mobiles have no extensions
        number = f"{number}-{extension}"
    return number


def _landline(area: str, local: str) -> str | None:
    if not (7 <= len(local) <= 8) or local.startswith(("0", "1")):
        return None
    return f"{area}-{local}"


def normalise_phones(text: str) -> list[str]:
    """Every number of the cell normalised; PhoneError names the first that is none."""
    return [normalise_number(part) for part in split_numbers(text)]
