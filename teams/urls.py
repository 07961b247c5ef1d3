from django.urls import path

from teams import audit_views, erasure_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("organization/", views.organization_overview, name="organization"),
    path("organization/import/", views.roster_import_page, name="roster-import"),
    path("teams/<int:team_id>/", views.team_detail, name="team-detail"),
    path("people/", views.person_list, name="person-list"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("people/<int:person_id>/access/", views.person_access, name="person-access"),
    path("people/<int:person_id>/erase/", erasure_views.person_erase, name="person-erase"),
    # HR: the audit log, filterable, and the same as CSV
    path("organisation/audit/", audit_views.audit_log, name="audit-log"),
    path("organisation/audit/export.csv", audit_views.audit_log_export, name="audit-log-export"),
]
