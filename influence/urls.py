from django.urls import path

from influence import views

urlpatterns = [
    path("waves/<int:wave_id>/analysis/", views.wave_analysis, name="wave-analysis"),
    path("waves/<int:wave_id>/analysis/run/", views.wave_analysis_run, name="wave-analysis-run"),
]
