"""Development: the embedded default (SQLite file, eager Celery, console e-mail)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
