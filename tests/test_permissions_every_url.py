"""Every URL the project has, requested by every persona, with the status each must get.

The table RULES names each URL (by its namespaced name) with how to build a concrete
address from the test world and what each persona receives. A URL that is added to the
project without a row fails `test_every_url_has_a_rule`, so new views cannot slip in
unchecked. Each area of the system adds its rows in a module `tests/url_rules_<area>.py`
defining `RULES` (same shape) and optionally `extend_world(world)` to create the objects
its URLs need; this module merges them all.

Statuses: 200 ok, 302 redirect (anonymous → login, or a landing page), 403 section
refused, 404 the record is outside the persona's reach (no hint it exists), 405 method.
"""

import importlib
import pathlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.personas import (  # noqa: E402
    PERSONAS,
    admin_only,
    desk_list,
    editors,
    editors_of_x,
    head_of_x_or_admin_for,
    in_district_x,
    institution_p,
    officials_only,
    statuses,
)

# name -> (builder of the URL from the world, statuses per persona)
RULES = {
    "login": (lambda w: "/accounts/login/", statuses(200)),
    "logout": (lambda w: "/accounts/logout/", statuses(405, anonymous=302)),
    "set_language": (lambda w: "/i18n/setlang/", statuses(302)),
    "javascript-catalog": (lambda w: "/jsi18n/", statuses(200)),
    "registry:home": (lambda w: "/", statuses(302)),
    "index": (lambda w: "/", statuses(302)),  # shadowed by registry:home
    "libraries:import_institutions": (lambda w: "/libraries/imports/institutions/", editors()),
    "libraries:import_template": (lambda w: "/libraries/imports/institutions/template.xlsx", editors()),
    "libraries:import_inspectors": (lambda w: "/libraries/imports/inspectors/", statuses(403, anonymous=302, head_x=200, admin=200)),
    "libraries:import_job": (lambda w: f"/libraries/imports/jobs/{w.import_job.pk}/", statuses(404, anonymous=302, head_x=200, admin=200)),
    "libraries:import_job_progress": (
        lambda w: f"/libraries/imports/jobs/{w.import_job.pk}/progress/", statuses(404, anonymous=302, head_x=200, admin=200)
    ),
    "libraries:import_job_errors": (
        lambda w: f"/libraries/imports/jobs/{w.import_job.pk}/errors.csv", statuses(404, anonymous=302, head_x=200, admin=200)
    ),
    "libraries:import_job_commit": (lambda w: f"/libraries/imports/jobs/{w.import_job.pk}/commit/", statuses(405, anonymous=302)),
    "libraries:index": (lambda w: "/libraries/", statuses(302)),  # to the first library
    "libraries:institutions:index": (lambda w: "/libraries/institutions/", desk_list()),
    "libraries:institutions:list": (lambda w: "/libraries/institutions/", desk_list()),
    "libraries:institutions:export": (lambda w: "/libraries/institutions/export/?format=csv", desk_list()),
    "libraries:institutions:detail": (lambda w: f"/libraries/institutions/{w.inst_p.pk}/detail/", institution_p()),
    "libraries:institutions:change": (
        lambda w: f"/libraries/institutions/{w.inst_p.pk}/change/",
        {**editors_of_x(), "operator_p": 403, "inspector_x": 403, "fire_inspector_x": 403},
    ),
    "libraries:institutions:add": (lambda w: "/libraries/institutions/add/", editors()),
    "libraries:officials:index": (lambda w: "/libraries/officials/", officials_only()),
    "libraries:officials:list": (lambda w: "/libraries/officials/", officials_only()),
    "libraries:officials:export": (lambda w: "/libraries/officials/export/?format=xlsx", officials_only()),
    "libraries:officials:detail": (
        lambda w: f"/libraries/officials/{w.inspector_x.official.pk}/detail/",
        in_district_x(),
    ),
    "libraries:officials:change": (
        lambda w: f"/libraries/officials/{w.inspector_x.official.pk}/change/",
        head_of_x_or_admin_for(),
    ),
    "libraries:officials:add": (lambda w: "/libraries/officials/add/", statuses(403, anonymous=302)),
    "libraries:conflicts:index": (lambda w: "/libraries/conflicts/", officials_only()),
    "libraries:conflicts:list": (lambda w: "/libraries/conflicts/", officials_only()),
    "libraries:conflicts:detail": (
        # inspector_x's own declaration: theirs, their department line's head and planner, the admin.
        lambda w: f"/libraries/conflicts/{w.conflict_x.pk}/detail/",
        statuses(404, anonymous=302, inspector_x=200, head_x=200, planner_x=200, admin=200),
    ),
    "libraries:conflicts:change": (
        lambda w: f"/libraries/conflicts/{w.conflict_x.pk}/change/",
        statuses(403, anonymous=302, head_x=200, admin=200, inspector_y=404, fire_inspector_x=404, operator_p=404,
                 operator_q=404),
    ),
    "libraries:conflicts:add": (
        lambda w: "/libraries/conflicts/add/",
        statuses(200, anonymous=302, operator_p=403, operator_q=403),
    ),
    "administration:index": (lambda w: "/administration/", {**admin_only(), "admin": 302}),
    "administration:regions:index": (lambda w: "/administration/regions/", admin_only()),
    "administration:regions:list": (lambda w: "/administration/regions/", admin_only()),
    "administration:regions:detail": (lambda w: f"/administration/regions/{w.district_x.pk}/detail/", admin_only()),
    "administration:departments:index": (lambda w: "/administration/departments/", admin_only()),
    "administration:departments:list": (lambda w: "/administration/departments/", admin_only()),
    "administration:departments:detail": (
        lambda w: f"/administration/departments/{w.civil_x.pk}/detail/", admin_only()
    ),
    "administration:audit:index": (lambda w: "/administration/audit/", admin_only()),
    "administration:audit:list": (lambda w: "/administration/audit/", admin_only()),
    "administration:audit:detail": (lambda w: f"/administration/audit/{w.audit_entry.pk}/detail/", admin_only()),
}

RULE_MODULES = [
    importlib.import_module(f"tests.{path.stem}")
    for path in sorted(pathlib.Path(__file__).parent.glob("url_rules_*.py"))
]
for _module in RULE_MODULES:
    _clash = set(_module.RULES) & set(RULES)
    assert not _clash, f"{_module.__name__} redefines {_clash}"
    RULES.update(_module.RULES)

# POSTs to the pages that change things, in the permission world: `POSTS` of the same modules,
# (builder, statuses[, data builder]) per name. (A module with a world of its own for its posts keeps
# them in POST_RULES, tested beside it: tests/test_registry_post_permissions.py.)
POSTS = {}
for _module in RULE_MODULES:
    POSTS.update(getattr(_module, "POSTS", {}))

# The Django admin: only administrators; everyone else is sent to the admin's login.
ADMIN_SAMPLE = ["/admin/", "/admin/core/region/load/", "/admin/registry/institution/", "/admin/core/auditentry/", "/admin/staff/official/"]


def _walk(patterns, namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield ":".join(namespaces + (str(pattern.name),))


def project_url_names():
    return sorted({name for name in _walk(get_resolver().url_patterns) if not name.startswith("admin:")})


def test_every_url_has_a_rule():
    missing = [name for name in project_url_names() if name not in RULES]
    assert missing == [], f"URLs without a permission rule in {__name__}.RULES: {missing}"


@pytest.fixture
def full_world(world):
    from supervision.core.models import AuditEntry
    from supervision.registry.models import ImportJob
    from supervision.staff.models import ConflictOfInterest

    world.conflict_x = ConflictOfInterest.objects.create(
        official=world.inspector_x.official, institution=world.inst_p, reason="亲属任职"
    )
    world.audit_entry = AuditEntry.objects.filter(model="registry.Institution").first()
    world.import_job = ImportJob.objects.create(
        kind="institutions", file="imports/x.csv", original_name="x.csv", created_by=world.head_x,
        jurisdiction=world.district_x,
    )
    for module in RULE_MODULES:
        if hasattr(module, "extend_world"):
            module.extend_world(world)
    return world


def _login(client, world, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_expected_status_everywhere(client, full_world, persona):
    _login(client, full_world, persona)
    wrong = []
    for name, (build, expected) in RULES.items():
        url = build(full_world)
        response = client.get(url)
        if response.status_code != expected[persona]:
            wrong.append(f"{name} {url}: got {response.status_code}, expected {expected[persona]}")
        if response.status_code == 302 and persona == "anonymous" and name not in {"set_language", "registry:home", "index"}:
            assert response["Location"].startswith("/accounts/login/"), (name, response["Location"])
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_expected_status_for_every_post(client, full_world, persona):
    _login(client, full_world, persona)
    wrong = []
    for name, (build, expected, *data) in POSTS.items():
        url = build(full_world)
        response = client.post(url, data[0](full_world) if data else {})
        if response.status_code != expected[persona]:
            wrong.append(f"POST {name} {url}: got {response.status_code}, expected {expected[persona]}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_reach_the_django_admin(client, full_world, persona):
    _login(client, full_world, persona)
    for url in ADMIN_SAMPLE:
        response = client.get(url)
        if persona == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(("/admin/login/", "/accounts/login/")), url
