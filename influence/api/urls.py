from django.urls import path

from influence.api import exports, results, views

urlpatterns = [
    path("waves/<int:wave_id>/runs/", views.WaveRunListView.as_view(), name="api-wave-runs"),
    path("waves/<int:wave_id>/report/", views.WaveReportView.as_view(), name="api-wave-report"),
    path("runs/<int:run_id>/", views.RunDetailView.as_view(), name="api-run-detail"),
    # Results of a wave's current run, scoped like the pages (HR: all; a lead: their teams)
    path(
        "waves/<int:wave_id>/metrics/",
        results.WaveMetricListView.as_view(),
        name="api-wave-metrics",
    ),
    path("waves/<int:wave_id>/flags/", results.WaveFlagListView.as_view(), name="api-wave-flags"),
    path(
        "waves/<int:wave_id>/teams/",
        results.WaveTeamMetricListView.as_view(),
        name="api-wave-teams",
    ),
    path(
        "waves/<int:wave_id>/people/<int:person_id>/",
        results.WavePersonView.as_view(),
        name="api-wave-person",
    ),
    path("flags/<int:flag_id>/review/", results.FlagReviewView.as_view(), name="api-flag-review"),
    path("me/network/", results.MyNetworkView.as_view(), name="api-my-network"),
    # Report exports: small ones answer the file, large ones a job to poll
    path("waves/<int:wave_id>/exports/", exports.WaveExportView.as_view(), name="api-wave-exports"),
    path("exports/", exports.ExportListView.as_view(), name="api-export-list"),
    path("exports/<int:export_id>/", exports.ExportDetailView.as_view(), name="api-export-detail"),
    path(
        "exports/<int:export_id>/download/",
        exports.ExportDownloadView.as_view(),
        name="api-export-download",
    ),
]
