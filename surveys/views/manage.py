"""HR survey pages (placeholder)."""

from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


survey_list = _todo
survey_create_page = _todo
survey_detail = _todo
survey_edit = _todo
survey_copy_action = _todo
survey_archive_action = _todo
wave_create_action = _todo
wave_detail = _todo
wave_rates_fragment = _todo
wave_open_action = _todo
wave_close_action = _todo
wave_invitations = _todo
invitation_resend_action = _todo
