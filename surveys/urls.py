from django.urls import path

from surveys.views import answer, manage

urlpatterns = [
    # Employees: by secret link (no password) or signed in.
    path("s/<str:token>/", answer.answer_by_link, name="survey-answer"),
    path("s/<str:token>/people", answer.people_by_link, name="survey-answer-people"),
    path("my/surveys/", answer.my_surveys, name="my-surveys"),
    path("my/surveys/<int:invitation_id>/", answer.answer_signed_in, name="my-survey-answer"),
    path(
        "my/surveys/<int:invitation_id>/people",
        answer.people_signed_in,
        name="my-survey-answer-people",
    ),
    # HR (and leads for response rates).
    path("surveys/", manage.survey_list, name="survey-list"),
    path("surveys/new/", manage.survey_create_page, name="survey-create"),
    path("surveys/<int:survey_id>/", manage.survey_detail, name="survey-detail"),
    path("surveys/<int:survey_id>/edit/", manage.survey_edit, name="survey-edit"),
    path("surveys/<int:survey_id>/copy/", manage.survey_copy_action, name="survey-copy"),
    path("surveys/<int:survey_id>/archive/", manage.survey_archive_action, name="survey-archive"),
    path("surveys/<int:survey_id>/waves/new/", manage.wave_create_action, name="wave-create"),
    path("waves/<int:wave_id>/", manage.wave_detail, name="wave-detail"),
    path("waves/<int:wave_id>/rates/", manage.wave_rates_fragment, name="wave-rates"),
    path("waves/<int:wave_id>/open/", manage.wave_open_action, name="wave-open"),
    path("waves/<int:wave_id>/close/", manage.wave_close_action, name="wave-close"),
    path("waves/<int:wave_id>/invitations/", manage.wave_invitations, name="wave-invitations"),
    path(
        "invitations/<int:invitation_id>/resend/",
        manage.invitation_resend_action,
        name="invitation-resend",
    ),
]
