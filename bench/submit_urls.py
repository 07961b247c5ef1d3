"""The real URLs plus the benchmark's floor: a view that writes one row."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from surveys.models import InvitationEvent


@csrf_exempt
def one_row(request, invitation_id: int):
    InvitationEvent.objects.create(invitation_id=invitation_id, kind=InvitationEvent.Kind.OPENED)
    return HttpResponse(status=201)


urlpatterns = [
    path("bench/one-row/<int:invitation_id>/", one_row),
    path("", include("config.urls")),
]
