"""Employee answering pages (placeholder)."""

from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


answer_by_link = _todo
people_by_link = _todo
my_surveys = _todo
answer_signed_in = _todo
people_signed_in = _todo
