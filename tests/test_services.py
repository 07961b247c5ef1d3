"""The production stack: PostgreSQL, Redis as cache and broker, a real Celery worker.

Skipped where those are not configured (plain `make test`); required in the second pass of
.ci/run, where a missing service fails the run.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.mark.postgres
@pytest.mark.django_db
def test_suite_runs_on_postgresql_when_configured():
    url = os.environ.get("DATABASE_URL", "")
    require_service(
        "PostgreSQL",
        configured=url.startswith("postgres"),
        reachable=True,
        why="DATABASE_URL does not name a PostgreSQL database",
    )
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13


@pytest.mark.redis
def test_cache_round_trips_through_redis():
    url = os.environ.get("REDIS_URL", "")
    require_service(
        "Redis",
        configured=bool(url),
        reachable=bool(url) and _redis_reachable(url),
        why=f"REDIS_URL={url!r} is not set or does not answer",
    )
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    key = f"test:{uuid.uuid4()}"
    cache.set(key, {"answer": 42}, timeout=30)
    assert cache.get(key) == {"answer": 42}
    cache.delete(key)


@pytest.fixture
def celery_worker_queue(tmp_path):
    """A real worker process on a queue of its own, so messages left in the broker by anything
    else cannot delay the test. Yields the queue name; the worker's log is shown on failure."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    require_service(
        "A Celery broker",
        configured=url.startswith("redis"),
        reachable=url.startswith("redis") and _redis_reachable(url),
        why=f"CELERY_BROKER_URL={url!r} is not a reachable Redis",
    )
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "--pool=solo",
                "--loglevel=warning",
                f"--queues={queue}",
                f"--hostname={queue}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield queue
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
    print(log.read_text())


@pytest.mark.redis
def test_task_runs_on_a_real_worker(celery_worker_queue):
    from common.tasks import ping
    from config.celery_app import app

    app.conf.task_always_eager = False  # the test settings run tasks in-process otherwise
    try:
        result = ping.apply_async(queue=celery_worker_queue)
        assert result.get(timeout=60) == "pong"
    finally:
        app.conf.task_always_eager = True
