"""Settings for bench/submit.py's gunicorn: production settings plus one trivial view.

DJANGO_SETTINGS_MODULE=submit_site (with bench/ on the Python path) serves the real site and
/bench/one-row/<invitation>/ (submit_urls.py), which writes a single row: the floor a real
submission is compared with.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "submit_urls"
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
