from django.urls import path

from influence.api import views

urlpatterns = [
    path("waves/<int:wave_id>/runs/", views.WaveRunListView.as_view(), name="api-wave-runs"),
    path("waves/<int:wave_id>/report/", views.WaveReportView.as_view(), name="api-wave-report"),
    path("runs/<int:run_id>/", views.RunDetailView.as_view(), name="api-run-detail"),
]
