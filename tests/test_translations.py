"""Chinese first, English on request; every string of ours goes through the catalogue."""

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(po_text):
    """(msgid, msgstr, fuzzy) for each entry of a .po file (plural forms: the first msgstr)."""
    entries = []
    for block in po_text.split("\n\n"):
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        msgid = _join(re.search(r'^msgid ((?:".*"\n?)+)', block, re.M))
        msgstr = _join(re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M))
        if msgid:
            entries.append((msgid, msgstr, fuzzy))
    return entries


def _join(match):
    if not match:
        return ""
    return "".join(re.findall(r'"(.*)"', match.group(1)))


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path, settings, monkeypatch):
    """Re-extract the strings from a copy of the source into a copy of the catalogue: none may be
    new, empty or fuzzy. (A copy, because makemessages writes into the locale/ beside the code.)"""
    root = Path(settings.BASE_DIR)
    for folder in ("supervision", "workflows", "templates", "locale"):
        shutil.copytree(root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    missing = {}
    for domain in ("django", "djangojs"):  # templates and Python; the field app's JavaScript
        call_command("makemessages", locale=["zh_Hans"], domain=domain, verbosity=0, no_obsolete=True)
        extracted = (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po").read_text()
        missing[domain] = [msgid for msgid, msgstr, fuzzy in _entries(extracted) if not msgstr or fuzzy]
    assert missing == {"django": [], "djangojs": []}, {d: (len(m), m[:15]) for d, m in missing.items()}


def test_the_desk_is_chinese_by_default(client, world):
    client.force_login(world.head_x)
    page = client.get("/libraries/institutions/").content.decode()
    assert "机构" in page and "Institutions" not in page


def test_the_desk_switches_to_english_and_back(client, world):
    client.force_login(world.head_x)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/libraries/institutions/"})
    assert response.status_code == 302
    page = client.get("/libraries/institutions/").content.decode()
    assert "Institutions" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "Institutions" not in client.get("/libraries/institutions/").content.decode()


def test_the_login_page_is_chinese_and_offers_english(client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and 'value="en"' in page


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client, world):
    client.force_login(world.head_x)
    page = client.get("/libraries/institutions/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert "Institutions" not in page


def test_pages_say_they_vary_by_the_language_cookie(client):
    response = client.get("/accounts/login/")
    assert "Cookie" in response["Vary"]
    assert response["Content-Language"] == "zh-hans"


def test_the_field_app_gets_its_chinese_strings_from_the_javascript_catalogue(client):
    script = client.get("/jsi18n/").content.decode()
    assert "\\u79bb\\u7ebf" in script or "离线" in script  # "Offline" → 离线
