"""A report export built by a real Celery worker: Redis as the broker, and a real database that
the worker (another process) shares with the test, so the test's data is committed.

Skipped where those are not configured (plain `make test`); required in the second pass of
.ci/run, where a missing service fails the run (see tests.conftest.require_service).
"""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from influence.models import Export
from influence.services import export_download, export_request
from tests.conftest import require_service
from tests.influence.conftest import dashboard_world  # noqa: F401 - used by name
from tests.test_services import celery_worker_queue  # noqa: F401 - used by name

WAIT_SECONDS = 90


@pytest.fixture
def worker_database(transactional_db, monkeypatch):
    """Point the worker about to start at the test database (not the one DATABASE_URL names)."""
    url = os.environ.get("DATABASE_URL", "")
    require_service(
        "PostgreSQL",
        configured=url.startswith("postgres"),
        reachable=connection.vendor == "postgresql",
        why="DATABASE_URL does not name a PostgreSQL database the worker could share",
    )
    parts = urlsplit(url)
    test_url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    monkeypatch.setenv("DATABASE_URL", test_url)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_queued_export_is_built_by_a_real_worker(
    worker_database, celery_worker_queue, dashboard_world, monkeypatch
):
    # worker_database comes first: the worker reads DATABASE_URL when it starts.
    from config.celery_app import app
    from influence.tasks import export_build

    def delay_on_test_queue(export_id):
        return export_build.apply_async((export_id,), queue=celery_worker_queue)

    monkeypatch.setattr(export_build, "delay", delay_on_test_queue)
    app.conf.task_always_eager = False  # the test settings run tasks in-process otherwise
    try:
        hr = dashboard_world.world.hr
        export = export_request(
            user=hr.user, wave=dashboard_world.wave, fmt="json", background=True
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            export.refresh_from_db()
            if export.status in (Export.Status.SUCCEEDED, Export.Status.FAILED):
                break
            time.sleep(0.25)
    finally:
        app.conf.task_always_eager = True
    assert export.status == Export.Status.SUCCEEDED, export.error or export.status
    assert export.progress == 100 and export.size_bytes > 0
    file = export_download(user=hr.user, export=export)
    assert b"sales@acme.test" in file.content
