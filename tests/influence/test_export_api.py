"""The exports API: ask for a report (the file at once, or 202 and a job to poll), list and follow
jobs, download (the requester and HR only; 409 not ready, 410 expired), errors in the API's
one shape. Each case has HR, a lead (their teams only) and outsiders who get 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from influence.exports import FORMATS
from influence.models import Export
from teams.models import AuditEvent
from tests.influence.test_export_jobs import built_job, queued_job, sales_lead

pytestmark = pytest.mark.django_db


def exports_url(wave) -> str:
    return f"/api/waves/{wave.pk}/exports/"


def detail_url(export) -> str:
    return f"/api/exports/{export.pk}/"


def download_url(export) -> str:
    return f"/api/exports/{export.pk}/download/"


def test_urls_are_named():
    assert reverse("api-wave-exports", kwargs={"wave_id": 3}) == "/api/waves/3/exports/"
    assert reverse("api-export-list") == "/api/exports/"
    assert reverse("api-export-detail", kwargs={"export_id": 4}) == "/api/exports/4/"
    assert reverse("api-export-download", kwargs={"export_id": 4}) == "/api/exports/4/download/"


# --- asking for a report ---------------------------------------------------------------------


def test_hr_gets_a_small_report_at_once(dashboard_world, api_for):
    dw = dashboard_world
    response = api_for(dw.world.hr).post(exports_url(dw.wave), {"format": "json"}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"sales@acme.test" in response.content and b"eng@acme.test" in response.content
    line = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert line.source == "api" and line.detail["mode"] == "stream"


def test_a_lead_exports_their_team_but_not_sales(dashboard_world, api_for):
    dw = dashboard_world
    w = dw.world
    api = api_for(w.lead)
    mine = api.post(exports_url(dw.wave), {"format": "json", "team": w.platform.pk}, format="json")
    assert mine.status_code == 200
    assert b"plat@acme.test" in mine.content and b"eng@acme.test" not in mine.content
    sales = api.post(exports_url(dw.wave), {"format": "json", "team": w.sales.pk}, format="json")
    assert sales.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


@pytest.mark.parametrize("who", ["engineer", "seller", "other_hr", "other_employee"])
def test_anybody_else_gets_404(dashboard_world, api_for, who):
    dw = dashboard_world
    response = api_for(getattr(dw.world, who)).post(
        exports_url(dw.wave), {"format": "json"}, format="json"
    )
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_a_team_of_another_organisation_is_404(dashboard_world, api_for):
    dw = dashboard_world
    other_team = dw.world.other_employee.team
    response = api_for(dw.world.hr).post(
        exports_url(dw.wave), {"format": "json", "team": other_team.pk}, format="json"
    )
    assert response.status_code == 404


def test_bad_input_is_400_with_the_field_to_fix(dashboard_world, api_for):
    dw = dashboard_world
    api = api_for(dw.world.hr)
    unknown = api.post(exports_url(dw.wave), {"format": "docx"}, format="json")
    assert unknown.status_code == 400
    body = unknown.json()
    assert "docx" in body["errors"]["format"]
    assert all(key in body["detail"] for key in FORMATS)
    mode = api.post(exports_url(dw.wave), {"format": "json", "mode": "later"}, format="json")
    assert mode.status_code == 400 and "mode" in mode.json()["errors"]
    missing = api.post(exports_url(dw.wave), {}, format="json")
    assert missing.status_code == 400 and "format" in missing.json()["errors"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_job_is_202_with_its_location_then_ready(
    dashboard_world, api_for, django_capture_on_commit_callbacks
):
    dw = dashboard_world
    api = api_for(dw.world.lead)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(exports_url(dw.wave), {"format": "json", "mode": "job"}, format="json")
    assert response.status_code == 202
    data = response.json()
    export = Export.objects.get(pk=data["id"])
    assert response["Location"] == f"http://testserver{detail_url(export)}"
    assert data["status"] == "queued" and data["download_url"] is None
    assert data["requested_by"] == "lead@acme.test" and data["team_id"] is None

    callbacks[0]()  # the worker builds it
    ready = api.get(detail_url(export)).json()
    assert ready["status"] == "succeeded" and ready["progress"] == 100
    assert ready["download_url"] == f"http://testserver{download_url(export)}"
    assert ready["size_bytes"] > 0 and ready["expired"] is False
    file = api.get(download_url(export))
    assert file.status_code == 200 and file.content == bytes(Export.objects.get().content)


def test_large_reports_become_jobs_by_themselves(
    dashboard_world, api_for, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_PEOPLE = 1
    dw = dashboard_world
    api = api_for(dw.world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(exports_url(dw.wave), {"format": "json"})
    assert response.status_code == 202
    assert api.get(response["Location"]).json()["status"] == "succeeded"


# --- following and downloading -------------------------------------------------------------


def test_the_requester_and_hr_may_follow_and_download_nobody_else(
    dashboard_world, api_for, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    export = built_job(dashboard_world, w.lead, django_capture_on_commit_callbacks)
    for person in (w.lead, w.hr):
        api = api_for(person)
        assert api.get(detail_url(export)).status_code == 200
        assert api.get(download_url(export)).status_code == 200
    for person in (sales_lead(w), w.engineer, w.other_hr):
        api = api_for(person)
        assert api.get(detail_url(export)).status_code == 404
        assert api.get(download_url(export)).status_code == 404
    downloads = AuditEvent.objects.filter(detail__mode="download")
    assert [line.actor for line in downloads] == [w.hr.user]


def test_a_job_not_ready_is_409_and_an_expired_one_410(
    dashboard_world, api_for, django_capture_on_commit_callbacks
):
    hr = dashboard_world.world.hr
    api = api_for(hr)
    with django_capture_on_commit_callbacks():
        waiting = queued_job(dashboard_world, hr)
    response = api.get(download_url(waiting))
    assert response.status_code == 409 and "still queued" in response.json()["detail"]

    done = built_job(dashboard_world, hr, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=done.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    gone = api.get(download_url(done))
    assert gone.status_code == 410 and "expired" in gone.json()["detail"]
    detail = api.get(detail_url(done)).json()
    assert detail["expired"] is True and detail["download_url"] is None


def test_the_list_is_yours_hr_sees_the_organisations(
    dashboard_world, api_for, monkeypatch, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    mine = built_job(dashboard_world, w.lead, django_capture_on_commit_callbacks)
    hrs = built_job(dashboard_world, w.hr, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=hrs.pk).update(status=Export.Status.FAILED, error="broken")

    lead_list = api_for(w.lead).get("/api/exports/").json()
    assert [e["id"] for e in lead_list["results"]] == [mine.pk]
    hr_api = api_for(w.hr)
    assert [e["id"] for e in hr_api.get("/api/exports/").json()["results"]] == [hrs.pk, mine.pk]
    failed = hr_api.get("/api/exports/?status=failed").json()
    assert failed["count"] == 1 and failed["results"][0]["error"] == "broken"
    assert hr_api.get(f"/api/exports/?wave={dashboard_world.wave.pk}").json()["count"] == 2
    bad = hr_api.get("/api/exports/?status=done")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    for person in (w.engineer, w.other_hr):
        assert api_for(person).get("/api/exports/").json()["count"] == 0


def test_the_list_takes_a_bounded_number_of_queries(
    dashboard_world, api_for, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    for person in (w.hr, w.lead) * 5:
        built_job(dashboard_world, person, django_capture_on_commit_callbacks)
    api = api_for(w.hr)
    with django_assert_max_num_queries(6):
        response = api.get("/api/exports/")
    assert response.json()["count"] == 10


# --- the schema ----------------------------------------------------------------------------


def test_the_schema_documents_the_exports(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/waves/{wave_id}/exports/:",
        "/api/exports/:",
        "/api/exports/{export_id}/:",
        "/api/exports/{export_id}/download/:",
    ):
        assert path in schema
    assert "- exports" in schema
    for media_type in ("application/pdf", "application/zip", "'202':", "'409':", "'410':"):
        assert media_type in schema
    assert "format: binary" in schema
