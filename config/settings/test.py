"""Tests: in-memory SQLite unless DATABASE_URL names a real database (CI runs both)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

if not env("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# Tasks run in the test process, whatever broker is configured; the tests of the real worker
# (tests/test_services.py) switch this off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests of the throttle set their own rate; the rest should never be throttled.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "auth": "1000/min",
        "answer": "10000/min",
        "user": "100000/min",
        "anon": "100000/min",
    },
}
