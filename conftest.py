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


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()
