"""Only public facts: every public page of the demo city, crawled from /public/ by its links, holds
none of the private fields' values (people's names and phones, officials' personal data, ID numbers).

The demo is seeded as tests/test_seed_demo.py does, on a fixed day. The private values are read
from the database: officials (name, phone, login, e-mail), institutions' contact person, contact
phone and legal representative, operators' phones, the people who signed for notices, the
representatives on inspection records, the persons responsible in rectification reports, the
signers of commitments, the complaints behind case checks. Officials' names appear only where
a published draw names its team (DRAW_PAGES). Besides, no text may look like a
mainland ID number or a mobile number.
"""

import datetime as dt
import io
import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from tests.clocks import local

pytestmark = pytest.mark.django_db

MAX_PAGES = 2000
# The one place officials are named: a published spot-check draw names the team drawn for each
# target (双随机: who checks whom is part of the verifiable record). Their phones and logins
# are still checked there. (A setting to show enforcement numbers instead is for the draw's area.)
DRAW_PAGES = ("/public/spot-checks/",)
LINK = re.compile(r'(?:href|action)="([^"]+)"')
MOBILE = re.compile(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])")
ID_NUMBER = re.compile(r"(?<![0-9A-Z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX](?![0-9A-Z])")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def is_id_number(text: str) -> bool:
    """GB 11643: the 18th character is the ISO 7064 check of the first 17."""
    total = sum(int(c) * w for c, w in zip(text[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == text[17]


def private_values() -> dict[str, str]:
    from django.contrib.auth.models import User

    from supervision.filings.models import CommitmentSignature, Filing
    from supervision.inspections.models import Inspection
    from supervision.listings.models import ListingCase
    from supervision.rectification.models import RectificationNotice, ReportItem
    from supervision.registry.models import Institution, InstitutionAccount
    from supervision.staff.models import Official

    found = {}

    def add(label, values):
        for value in values:
            value = (value or "").strip()
            if len(value) >= 2 and not value.isdigit() or len(value) >= 7:
                found.setdefault(value, label)

    for o in Official.objects.select_related("user"):
        add("official name", [o.name, o.user.get_full_name()])
        add("official", [o.phone, o.user.username, o.user.email])
    for u in User.objects.filter(institution_account__isnull=False):
        add("operator login", [u.username, u.email, u.get_full_name()])
    add("operator phone", InstitutionAccount.objects.values_list("phone", flat=True))
    for row in Institution.objects.values_list("contact_person", "contact_phone", "phone_numbers", "legal_representative"):
        add("institution contact", [row[0], row[1], row[3], *row[2].split(", ")])
    for row in Filing.objects.values_list("contact_person", "contact_phone"):
        add("filing contact", row)
    add("commitment signer", CommitmentSignature.objects.values_list("signer_name", flat=True))
    for row in Inspection.objects.values_list("representative_name", "notice_received_by", "case_reason"):
        add("inspection record", row)
    add("notice receiver", RectificationNotice.objects.values_list("received_by_name", flat=True))
    add("listing receiver", ListingCase.objects.values_list("received_by_name", flat=True))
    add("report person", ReportItem.objects.values_list("responsible_person", flat=True))
    return found


def crawl(client) -> dict[str, str]:
    pages, todo = {}, ["/public/"]
    while todo and len(pages) < MAX_PAGES:
        url = todo.pop()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:
            pages[url] = ""
            todo.append(response["Location"])
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        kind = response.get("Content-Type", "")
        text = body.decode() if kind.startswith(("text/", "application/json")) else ""
        pages[url] = text
        for href in LINK.findall(text):
            target = urljoin(url, unescape(href))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/public/") or parts.path.startswith("/public/display/"):
                continue
            if parts.query and not parts.path.startswith("/public/institutions/") or "page=" in parts.query and (
                    int(re.search(r"page=(\d+)", parts.query).group(1)) > 50):
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_no_public_page_of_the_demo_shows_a_private_value(client, settings, time_machine):
    time_machine.move_to(local(dt.date(2026, 11, 23)), tick=False)
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    private = private_values()
    assert len(private) > 300  # the demo has officials, contacts, signers…

    pages = crawl(client)
    institution_pages = [u for u in pages if re.fullmatch(r"/public/institutions/\d+/", u)]
    assert len(institution_pages) >= 300  # every institution reached through search's pages
    assert any(u.startswith("/public/notices/") for u in pages)
    assert any(u.startswith("/public/spot-checks/draws/") for u in pages)
    assert any(u.startswith("/public/commitments/") and u != "/public/commitments/" for u in pages)

    leaks = []
    for url, text in pages.items():
        visible = unescape(re.sub(r"<[^>]+>", " ", text))
        for value, label in private.items():
            if value in visible and not (label == "official name" and url.startswith(DRAW_PAGES)):
                leaks.append(f"{url}: {label} {value!r}")
        leaks += [f"{url}: mobile {m}" for m in MOBILE.findall(visible)]
        leaks += [f"{url}: ID number {m}" for m in ID_NUMBER.findall(visible) if is_id_number(m)]
    assert leaks == [], "\n".join(leaks[:40])
