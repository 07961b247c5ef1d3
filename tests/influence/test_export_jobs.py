"""Report exports as a service and a Celery job: scope (HR the organisation or any team, a lead
their teams, everybody else 404), streaming against a job, the job's life (queued → running →
succeeded or failed, progress), download rights, expiry and the audit lines. Built on
`dashboard_world` (see conftest); `settings.EXPORT_STREAM_MAX_PEOPLE = 1` forces a job."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from influence.exports import FORMATS, ExportFile, export_people_count
from influence.models import Export
from influence.selectors import export_get_for_user
from influence.services import (
    ExportExpired,
    ExportNotReady,
    export_download,
    export_execute,
    export_request,
    export_scope_team_ids,
)
from influence.services import exports as export_service
from influence.tasks import export_build, exports_expire
from surveys.services import wave_create
from teams.models import AuditEvent, Role
from tests.factories import PersonFactory, login_for

pytestmark = pytest.mark.django_db


def sales_lead(world):
    lead = PersonFactory(
        team=world.sales, email="saleslead@acme.test", name="Sal Lead", role=Role.LEAD
    )
    login_for(lead)
    return lead


def exported_emails(file: ExportFile) -> set[str]:
    return {person["email"] for person in json.loads(file.content)["people"]}


def queued_job(dw, person, *, team=None) -> Export:
    """A job of the wave's report asked for by `person`, not yet built."""
    return export_request(user=person.user, wave=dw.wave, fmt="json", team=team, background=True)


def built_job(dw, person, capture, *, team=None) -> Export:
    """A job asked for by `person` and built (its task runs on commit, eagerly)."""
    with capture(execute=True):
        export = queued_job(dw, person, team=team)
    export.refresh_from_db()
    return export


def export_audits():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id")


# --- scope ---------------------------------------------------------------------------------


def test_hr_exports_the_organisation_and_any_team_with_its_sub_teams(dashboard_world):
    w = dashboard_world.world
    org = w.org.pk
    assert export_scope_team_ids(user=w.hr.user, organization_id=org, team=None) is None
    engineering = export_scope_team_ids(user=w.hr.user, organization_id=org, team=w.engineering)
    assert engineering == {w.engineering.pk, w.platform.pk}
    assert export_scope_team_ids(user=w.hr.user, organization_id=org, team=w.sales) == {w.sales.pk}


def test_a_lead_exports_their_teams_only(dashboard_world):
    w = dashboard_world.world
    org = w.org.pk
    mine = export_scope_team_ids(user=w.lead.user, organization_id=org, team=None)
    assert mine == {w.engineering.pk, w.platform.pk}
    assert export_scope_team_ids(user=w.lead.user, organization_id=org, team=w.platform) == {
        w.platform.pk
    }
    with pytest.raises(Http404):
        export_scope_team_ids(user=w.lead.user, organization_id=org, team=w.sales)


@pytest.mark.parametrize("who", ["engineer", "seller", "other_hr", "other_employee"])
def test_anybody_else_gets_404(dashboard_world, who):
    person = getattr(dashboard_world.world, who)
    with pytest.raises(Http404):
        export_request(user=person.user, wave=dashboard_world.wave, fmt="json")
    assert not Export.objects.exists() and not export_audits().exists()


def test_a_lead_cannot_export_sales_nor_another_organisations_wave(dashboard_world):
    w = dashboard_world.world
    with pytest.raises(Http404):
        export_request(user=w.lead.user, wave=dashboard_world.wave, fmt="json", team=w.sales)
    with pytest.raises(Http404):  # HR of the other organisation, this wave
        export_request(user=w.other_hr.user, wave=dashboard_world.wave, fmt="json")


# --- streaming -------------------------------------------------------------------------------


def test_a_small_export_is_the_file_at_once_and_is_audited(dashboard_world):
    dw = dashboard_world
    w = dw.world
    file = export_request(user=w.hr.user, wave=dw.wave, fmt="json")
    assert isinstance(file, ExportFile) and file.content_type == "application/json"
    assert {"sales@acme.test", "eng@acme.test", "star@acme.test"} <= exported_emails(file)
    assert not Export.objects.exists()  # nothing stored
    (line,) = export_audits()
    assert line.actor == w.hr.user and line.organization_id == w.org.pk
    assert line.target == f"wave {dw.wave.pk} report (json)"
    people = export_people_count(run=dw.run, team_ids=None)
    assert line.detail == {
        "format": "json",
        "team": None,
        "pseudonymised": False,
        "people": people,
        "mode": "stream",
    }


def test_a_lead_streams_their_teams_only(dashboard_world):
    dw = dashboard_world
    file = export_request(user=dw.world.lead.user, wave=dw.wave, fmt="json")
    emails = exported_emails(file)
    assert {"eng@acme.test", "plat@acme.test", "help@acme.test"} <= emails
    assert "sales@acme.test" not in emails and "bridge@acme.test" not in emails


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_streams(dashboard_world, fmt):
    dw = dashboard_world
    file = export_request(user=dw.world.hr.user, wave=dw.wave, fmt=fmt, pseudonymise=True)
    assert file.content and file.filename and file.content_type
    assert export_audits().get().detail["pseudonymised"] is True


def test_a_pseudonymised_report_names_nobody(dashboard_world):
    dw = dashboard_world
    file = export_request(user=dw.world.hr.user, wave=dw.wave, fmt="json", pseudonymise=True)
    content = file.content.decode()
    assert "Nia Star" not in content and "star@acme.test" not in content
    assert len(json.loads(content)["people"]) == export_people_count(run=dw.run, team_ids=None)


def test_an_unknown_format_names_the_valid_ones(dashboard_world):
    dw = dashboard_world
    with pytest.raises(ValidationError) as caught:
        export_request(user=dw.world.hr.user, wave=dw.wave, fmt="docx")
    message = caught.value.message_dict["format"][0]
    assert "docx" in message and all(key in message for key in FORMATS)
    assert not export_audits().exists()


def test_a_wave_without_a_succeeded_analysis_is_refused(dashboard_world):
    dw = dashboard_world
    now = timezone.now()
    draft = wave_create(
        survey=dw.survey, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    with pytest.raises(ValidationError) as caught:
        export_request(user=dw.world.hr.user, wave=draft, fmt="json")
    assert "No analysis of this wave has succeeded yet" in " ".join(caught.value.messages)


# --- the job -------------------------------------------------------------------------------


def test_a_large_export_goes_queued_then_succeeded(
    dashboard_world, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_PEOPLE = 1
    dw = dashboard_world
    lead = dw.world.lead
    with django_capture_on_commit_callbacks() as callbacks:
        export = export_request(user=lead.user, wave=dw.wave, fmt="json")
    assert isinstance(export, Export)
    export.refresh_from_db()
    assert export.status == Export.Status.QUEUED and export.progress == 0
    assert export.run == dw.run and export.requested_by == lead.user and export.team is None
    assert len(callbacks) == 1

    callbacks[0]()  # the task, eagerly
    export.refresh_from_db()
    assert export.status == Export.Status.SUCCEEDED and export.progress == 100
    assert export.filename.endswith(".json") and export.content_type == "application/json"
    assert export.size_bytes == len(export.content) > 0
    assert "sales@acme.test" not in bytes(export.content).decode()  # the lead's scope
    assert export.finished_at is not None
    kept = export.expires_at - export.finished_at
    assert timedelta(hours=71) < kept <= timedelta(hours=settings.EXPORT_KEEP_HOURS)
    (line,) = export_audits()
    assert line.detail["mode"] == "job" and line.detail["export"] == export.pk


def test_progress_is_written_at_most_twice_a_second(
    dashboard_world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []

    def slow_render(*, run, team_ids, fmt, pseudonymise=False, progress=None):
        for row in range(2000):
            progress(row // 20, "writing people")
        seen.append(Export.objects.values_list("status", "progress", "stage").get())
        return ExportFile("report.json", "application/json", b"{}")

    monkeypatch.setattr(export_service, "export_render", slow_render)
    with django_capture_on_commit_callbacks():
        export = queued_job(dashboard_world, dashboard_world.world.hr)
    with CaptureQueriesContext(connection) as queries:
        export_execute(export_id=export.pk)
    updates = [q for q in queries if q["sql"].startswith("UPDATE") and "progress" in q["sql"]]
    assert len(updates) <= 4  # claim, one or two progress notes, done — not 2,000
    assert seen == [("running", 1, "writing people")]
    export.refresh_from_db()
    assert export.status == "succeeded" and export.progress == 100


def test_a_duplicate_delivery_does_nothing(dashboard_world, django_capture_on_commit_callbacks):
    export = built_job(
        dashboard_world, dashboard_world.world.hr, django_capture_on_commit_callbacks
    )
    assert export.status == Export.Status.SUCCEEDED
    assert export_execute(export_id=export.pk) is None
    assert export_build.apply(args=[export.pk]).get() == "skipped"


def test_a_failure_is_recorded_on_the_export(
    dashboard_world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(export_service, "export_render", broken)
    export = built_job(
        dashboard_world, dashboard_world.world.hr, django_capture_on_commit_callbacks
    )
    assert export.status == Export.Status.FAILED
    assert export.error == "The export failed: RuntimeError: the disk is full"
    assert export.content is None and export.finished_at is not None
    assert f"Export {export.pk} failed" in caplog.text
    with pytest.raises(ExportNotReady, match="the disk is full"):
        export_download(user=dashboard_world.world.hr.user, export=export)


def test_a_broker_that_refuses_the_task_fails_the_export(
    dashboard_world, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args):
        raise ConnectionError("broker away")

    monkeypatch.setattr(export_build, "delay", refuse)
    export = built_job(
        dashboard_world, dashboard_world.world.hr, django_capture_on_commit_callbacks
    )
    assert export.status == Export.Status.FAILED
    assert "could not be started" in export.error and "broker away" in export.error


def test_a_requester_who_lost_the_right_gets_no_file(
    dashboard_world, django_capture_on_commit_callbacks
):
    lead = dashboard_world.world.lead
    with django_capture_on_commit_callbacks() as callbacks:
        export = queued_job(dashboard_world, lead)
    lead.role = Role.EMPLOYEE
    lead.save(update_fields=["role"])
    callbacks[0]()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and export.content is None
    assert "may no longer export" in export.error


# --- download rights -----------------------------------------------------------------------


def test_the_requester_and_hr_may_download_nobody_else(
    dashboard_world, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    export = built_job(dashboard_world, w.lead, django_capture_on_commit_callbacks)
    for person in (w.lead, w.hr):
        found = export_get_for_user(user=person.user, export_id=export.pk)
        assert export_download(user=person.user, export=found).content == bytes(export.content)
    for person in (sales_lead(w), w.engineer, w.platform_engineer, w.other_hr):
        with pytest.raises(Http404):
            export_get_for_user(user=person.user, export_id=export.pk)


def test_hr_downloading_someone_elses_export_is_audited(
    dashboard_world, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    export = built_job(dashboard_world, w.lead, django_capture_on_commit_callbacks)
    export_download(user=w.lead.user, export=export)  # the requester's own: not audited again
    assert export_audits().count() == 1
    export_download(user=w.hr.user, export=export)
    line = export_audits().last()
    assert line.actor == w.hr.user
    assert line.target == f"export {export.pk} of wave {export.wave_id} (json), downloaded"
    assert line.detail["requested_by"] == w.lead.user.pk and line.detail["mode"] == "download"


def test_a_job_not_ready_cannot_be_downloaded(dashboard_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        export = queued_job(dashboard_world, dashboard_world.world.hr)
    with pytest.raises(ExportNotReady, match="still queued"):
        export_download(user=dashboard_world.world.hr.user, export=export)


# --- expiry --------------------------------------------------------------------------------


def test_an_expired_export_is_gone_and_the_sweeper_drops_its_file(
    dashboard_world, django_capture_on_commit_callbacks
):
    hr = dashboard_world.world.hr
    export = built_job(dashboard_world, hr, django_capture_on_commit_callbacks)
    fresh = built_job(dashboard_world, hr, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    export.refresh_from_db()
    with pytest.raises(ExportExpired, match="expired"):
        export_download(user=hr.user, export=export)

    assert exports_expire.apply().get() == {"failed": 0, "expired": 1, "deleted": 0}
    export.refresh_from_db()
    assert export.content is None and export.status == Export.Status.SUCCEEDED
    assert export_get_for_user(user=hr.user, export_id=export.pk).expired is True
    fresh.refresh_from_db()
    assert fresh.content  # not yet expired: kept


def test_the_sweeper_deletes_long_expired_rows_and_fails_lost_jobs(
    dashboard_world, django_capture_on_commit_callbacks
):
    hr = dashboard_world.world.hr
    old = built_job(dashboard_world, hr, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=31))
    with django_capture_on_commit_callbacks():
        lost = queued_job(dashboard_world, hr)
    Export.objects.filter(pk=lost.pk).update(
        status=Export.Status.RUNNING, created_at=timezone.now() - timedelta(hours=25)
    )
    assert exports_expire.apply().get() == {"failed": 1, "expired": 1, "deleted": 1}
    assert not Export.objects.filter(pk=old.pk).exists()
    lost.refresh_from_db()
    assert lost.status == Export.Status.FAILED and "did not finish within 24 h" in lost.error
