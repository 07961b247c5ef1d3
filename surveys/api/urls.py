from django.urls import path

from surveys.api import answering, views, waves

urlpatterns = [
    path("surveys/", views.SurveyListView.as_view(), name="api-survey-list"),
    path("surveys/<int:survey_id>/", views.SurveyDetailView.as_view(), name="api-survey-detail"),
    path("surveys/<int:survey_id>/copy/", views.SurveyCopyView.as_view(), name="api-survey-copy"),
    path(
        "surveys/<int:survey_id>/archive/",
        views.SurveyArchiveView.as_view(),
        name="api-survey-archive",
    ),
    path(
        "surveys/<int:survey_id>/waves/",
        waves.SurveyWaveListView.as_view(),
        name="api-survey-waves",
    ),
    path("question-bank/", views.QuestionBankView.as_view(), name="api-question-bank"),
    path("waves/<int:wave_id>/", waves.WaveDetailView.as_view(), name="api-wave-detail"),
    path("waves/<int:wave_id>/open/", waves.WaveOpenView.as_view(), name="api-wave-open"),
    path("waves/<int:wave_id>/close/", waves.WaveCloseView.as_view(), name="api-wave-close"),
    path(
        "waves/<int:wave_id>/invitations/",
        waves.WaveInvitationListView.as_view(),
        name="api-wave-invitations",
    ),
    path(
        "waves/<int:wave_id>/response-rates/",
        waves.WaveResponseRatesView.as_view(),
        name="api-wave-response-rates",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        waves.InvitationResendView.as_view(),
        name="api-invitation-resend",
    ),
    path("answer/<str:token>/", answering.AnswerView.as_view(), name="api-answer"),
    path(
        "answer/<str:token>/people/",
        answering.AnswerPeopleView.as_view(),
        name="api-answer-people",
    ),
]
