"""Celery application: broker and limits come from the Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("influence_map")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
