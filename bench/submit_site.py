"""Settings and URLs for bench/submit.py's gunicorn: production settings plus one trivial view.

DJANGO_SETTINGS_MODULE=submit_site (with bench/ on the Python path) serves the real site and
/bench/one-row/, which writes a single row: the floor a real submission is compared with.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "submit_site"
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}


@csrf_exempt
def one_row(request, invitation_id: int):
    from surveys.models import InvitationEvent

    InvitationEvent.objects.create(invitation_id=invitation_id, kind=InvitationEvent.Kind.OPENED)
    return HttpResponse(status=201)


urlpatterns = [
    path("bench/one-row/<int:invitation_id>/", one_row),
    path("", include("config.urls")),
]
