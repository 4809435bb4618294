import os

# Tests run with the embedded defaults unless the caller chose a database (make test sets
# DATABASE_URL for the PostgreSQL pass).
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _background_runs_inline(settings):
    """Background jobs run synchronously inside the test's transaction."""
    settings.BACKGROUND_SYNC = True


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the public pages' cache keys repeat across tests (ids do)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.2 s a user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _account_guards_only_where_tested(request, settings):
    """The login's guards (issue 19) are on in every deployment; the suite logs in with force_login,
    travels in time and hammers the APIs, so each guard is on only in the tests marked for it:
    `two_factor` (officials must give a second factor), `idle_timeout`, `rate_limits`."""
    if not request.node.get_closest_marker("two_factor"):
        settings.TWO_FACTOR_REQUIRED = False
    if not request.node.get_closest_marker("idle_timeout"):
        settings.SESSION_IDLE_TIMEOUT_MINUTES = 0
    if not request.node.get_closest_marker("rate_limits"):
        settings.RATE_LIMIT_ENABLED = False


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def permission_world(world):
    """The permission suite's world: each tests/url_rules_*.py module's `extend_world` applied (a
    process of every flow at every node, and the objects the URL rows need)."""
    import importlib
    import pathlib

    for path in sorted((pathlib.Path(__file__).parent / "tests").glob("url_rules_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        if hasattr(module, "extend_world"):
            module.extend_world(world)
    return world


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on the SQLite pass; make test runs both.

    Browser tests run on the SQLite pass only: they test the field app, not the database; so does
    the production static build (a minute of compression that no database changes).
    """
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    unwanted = {"browser", "collectstatic"} if on_postgres else {"postgres"}
    kept, dropped = [], []
    for item in items:
        (dropped if any(item.get_closest_marker(m) for m in unwanted) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    # On several workers (make test: --dist loadgroup), the browser tests run on one worker, in file
    # order: their module restores the migrations' reference data from a copy it takes before its
    # first test, and split over workers one of them started from a flushed database.
    for item in kept:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
