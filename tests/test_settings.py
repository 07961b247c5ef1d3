"""Production settings: refuse weak secrets, and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-for-tests-only-0123456789",
    "ALLOWED_HOSTS": "influence.example.com",
    "DATABASE_URL": "postgres://influence@db.example.com:5432/influence",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "REDIS_URL": "redis://redis.example.com:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD_ENV and not k.startswith(("DJANGO_", "PYTEST"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {k: v for k, v in GOOD_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    from config.settings.base import INSECURE_DEV_SECRET_KEY

    result = _manage("check", env={**GOOD_ENV, "SECRET_KEY": INSECURE_DEV_SECRET_KEY})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_checklist_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_needs_no_services():
    from config.settings import base

    assert base.DATABASES["default"]["ENGINE"].endswith("sqlite3") or os.environ.get("DATABASE_URL")
    assert base.CELERY_TASK_ALWAYS_EAGER or os.environ.get("CELERY_BROKER_URL")
    assert base.EMAIL_BACKEND.endswith("console.EmailBackend") or os.environ.get("EMAIL_URL")
