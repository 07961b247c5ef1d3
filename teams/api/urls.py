from django.urls import path

from teams.api import audit, erasure, organization, views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("people/", views.PersonListView.as_view(), name="api-person-list"),
    path("people/<int:person_id>/", views.PersonDetailView.as_view(), name="api-person-detail"),
    path(
        "people/<int:person_id>/access/",
        views.PersonAccessView.as_view(),
        name="api-person-access",
    ),
    path("teams/", views.TeamListView.as_view(), name="api-team-list"),
    path("teams/<int:team_id>/", views.TeamDetailView.as_view(), name="api-team-detail"),
    path("roster/import/", views.RosterImportView.as_view(), name="api-roster-import"),
    path(
        "people/<int:person_id>/erase/", erasure.PersonEraseView.as_view(), name="api-person-erase"
    ),
    path("organization/", organization.OrganizationSettingsView.as_view(), name="api-organization"),
    path("audit/", audit.AuditEventListView.as_view(), name="api-audit-list"),
    path("audit/export/", audit.AuditExportView.as_view(), name="api-audit-export"),
]
