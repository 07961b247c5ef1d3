from django.urls import path

from influence.views import maps, network, organization, reports, runs, team

urlpatterns = [
    # HR: a wave's runs
    path("waves/<int:wave_id>/analysis/", runs.wave_analysis, name="wave-analysis"),
    path("waves/<int:wave_id>/analysis/run/", runs.wave_analysis_run, name="wave-analysis-run"),
    # htmx partial: the latest run of a wave, refreshed while it is queued or running
    path(
        "waves/<int:wave_id>/analysis/status/",
        team.wave_analysis_status,
        name="wave-analysis-status",
    ),
    # Lead (and HR): one team's dashboard, ?wave=<id>
    path("teams/<int:team_id>/influence/", team.team_dashboard, name="team-dashboard"),
    path("flags/<int:flag_id>/review/", team.flag_review, name="flag-review"),
    # The map's data, ?wave=<id>&relation=<slug|all>
    path("teams/<int:team_id>/influence/map.json", maps.team_map_data, name="team-map-data"),
    path(
        "teams/<int:team_id>/influence/people/<int:person_id>.json",
        maps.team_map_person,
        name="team-map-person",
    ),
    # HR: the organisation, ?wave=<id>&compare=<id>
    path(
        "organisation/influence/",
        organization.organization_dashboard,
        name="organization-dashboard",
    ),
    path(
        "organisation/influence/map.json",
        maps.organization_map_data,
        name="organization-map-data",
    ),
    path(
        "organisation/influence/people/<int:person_id>.json",
        maps.organization_map_person,
        name="organization-map-person",
    ),
    # HR and leads: reports of a wave (CSV, XLSX, PDF, GraphML, GEXF, edge list), ?team=<id>
    path("waves/<int:wave_id>/reports/", reports.wave_reports, name="wave-reports"),
    path("exports/<int:export_id>/", reports.export_status, name="export-status"),
    path("exports/<int:export_id>/download/", reports.export_download, name="export-download"),
    # Employee: their own network, ?wave=<id>
    path("me/network/", network.my_network, name="my-network"),
]
