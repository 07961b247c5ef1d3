"""The reports pages: the form of a wave's reports (HR: the organisation or any team; a lead:
their teams), the file at once or a job page that follows itself with htmx, the download (the
requester and HR only), errors as form messages, never a 500. Built on `dashboard_world`."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from influence.exports import FORMATS
from influence.models import Export
from influence.services import exports as export_service
from surveys.services import wave_create
from teams.models import AuditEvent
from tests.influence.test_export_jobs import built_job, queued_job, sales_lead

pytestmark = pytest.mark.django_db


def reports_url(wave, team=None) -> str:
    url = reverse("wave-reports", kwargs={"wave_id": wave.pk})
    return url if team is None else f"{url}?team={team.pk}"


def status_url(export) -> str:
    return reverse("export-status", kwargs={"export_id": export.pk})


def download_url(export) -> str:
    return reverse("export-download", kwargs={"export_id": export.pk})


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def scope_options(html: str) -> list[str]:
    select = re.search(r'<select name="team".*?</select>', html, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_urls_are_named():
    assert reverse("wave-reports", kwargs={"wave_id": 3}) == "/waves/3/reports/"
    assert reverse("export-status", kwargs={"export_id": 4}) == "/exports/4/"
    assert reverse("export-download", kwargs={"export_id": 4}) == "/exports/4/download/"


# --- the form --------------------------------------------------------------------------------


def test_hr_sees_every_format_and_every_team(dashboard_world, client_for):
    dw = dashboard_world
    response = client_for(dw.world.hr).get(reports_url(dw.wave))
    assert response.status_code == 200
    html = response.content.decode()
    for key in FORMATS:
        assert f'name="format" value="{key}"' in html
    assert scope_options(html) == [
        "The whole organisation — Acme",
        "Engineering",
        "— Platform",
        "People",
        "Sales",
    ]
    assert 'name="pseudonymise"' in html
    assert "download straight away" in html and "in the background" in html


def test_a_lead_chooses_among_their_teams_only(dashboard_world, client_for):
    dw = dashboard_world
    w = dw.world
    client = client_for(w.lead)
    html = client.get(reports_url(dw.wave, w.platform)).content.decode()
    assert scope_options(html) == ["All my teams and their sub-teams", "Engineering", "— Platform"]
    assert f'<option value="{w.platform.pk}" selected>' in html
    assert client.get(reports_url(dw.wave, w.sales)).status_code == 404


@pytest.mark.parametrize("who", ["engineer", "seller", "other_hr", "other_employee"])
def test_anybody_else_gets_404(dashboard_world, client_for, who):
    dw = dashboard_world
    client = client_for(getattr(dw.world, who))
    assert client.get(reports_url(dw.wave)).status_code == 404
    assert client.post(reports_url(dw.wave), {"format": "json"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_dashboards_link_to_the_reports(dashboard_world, client_for):
    dw = dashboard_world
    w = dw.world
    team_page = client_for(w.lead).get(
        reverse("team-dashboard", kwargs={"team_id": w.engineering.pk})
    )
    assert f'href="{reports_url(dw.wave, w.engineering)}"' in team_page.content.decode()
    org_page = client_for(w.hr).get(reverse("organization-dashboard"))
    assert f'href="{reports_url(dw.wave)}"' in org_page.content.decode()


# --- asking for a report ---------------------------------------------------------------------


def test_a_small_report_downloads_at_once(dashboard_world, client_for):
    dw = dashboard_world
    w = dw.world
    response = client_for(w.lead).post(
        reports_url(dw.wave), {"format": "json", "team": str(w.platform.pk)}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = response.content.decode()
    assert "plat@acme.test" in body and "eng@acme.test" not in body  # Platform only
    line = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert line.source == "web" and line.detail["team"] == w.platform.pk


def test_a_lead_cannot_post_a_team_outside_their_scope(dashboard_world, client_for):
    dw = dashboard_world
    response = client_for(dw.world.lead).post(
        reports_url(dw.wave), {"format": "json", "team": str(dw.world.sales.pk)}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"format": "docx"}, "Unknown format &#x27;docx&#x27;. Choose one of:"),
        ({}, "No format was chosen. Choose one of:"),
        ({"format": "json", "team": "engineering"}, "Choose a team from the list."),
    ],
)
def test_bad_input_re_renders_the_form_with_the_message(
    dashboard_world, client_for, data, field_message
):
    dw = dashboard_world
    response = client_for(dw.world.hr).post(reports_url(dw.wave), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_message in html and 'class="field-error"' in html
    if "format" in field_message.lower():
        assert all(key in text(html) for key in FORMATS)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_wave_without_results_says_so_instead_of_a_form(dashboard_world, client_for):
    dw = dashboard_world
    now = timezone.now()
    draft = wave_create(
        survey=dw.survey, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    client = client_for(dw.world.hr)
    page = client.get(reports_url(draft)).content.decode()
    assert "No analysis of Pulse, wave 2 has succeeded yet" in page and "export-form" not in page
    response = client.post(reports_url(draft), {"format": "json"})
    assert response.status_code == 400
    assert "No analysis of this wave has succeeded yet" in response.content.decode()


def test_a_large_report_runs_in_the_background_and_the_page_follows_it(
    dashboard_world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_PEOPLE = 1
    dw = dashboard_world
    client = client_for(dw.world.lead)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reports_url(dw.wave), {"format": "json", "pseudonymise": "on"})
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == status_url(export)
    assert export.pseudonymise is True

    page = client.get(status_url(export)).content.decode()
    assert "is queued" in page and f'hx-get="{status_url(export)}"' in page
    assert 'hx-trigger="every 2s"' in page and "reload the page" in page

    callbacks[0]()  # the worker builds it
    partial = client.get(status_url(export), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "hx-trigger" not in partial  # done: polling stops
    assert f'href="{download_url(export)}"' in partial and "is ready" in partial

    file = client.get(download_url(export))
    assert file.status_code == 200 and file["Content-Disposition"].startswith("attachment")
    assert file["Cache-Control"] == "private, no-store"


def test_the_requester_and_hr_may_download_nobody_else(
    dashboard_world, client_for, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    export = built_job(dashboard_world, w.lead, django_capture_on_commit_callbacks)
    for person in (w.lead, w.hr):
        response = client_for(person).get(download_url(export))
        assert response.status_code == 200
        assert response.content == bytes(export.content)
        assert export.filename in response["Content-Disposition"]
    for person in (sales_lead(w), w.engineer, w.other_hr):
        client = client_for(person)
        assert client.get(download_url(export)).status_code == 404
        assert client.get(status_url(export)).status_code == 404
    downloads = AuditEvent.objects.filter(detail__mode="download")
    assert [line.actor for line in downloads] == [w.hr.user]


def test_a_failed_job_shows_its_error(
    dashboard_world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(export_service, "export_render", broken)
    hr = dashboard_world.world.hr
    export = built_job(dashboard_world, hr, django_capture_on_commit_callbacks)
    client = client_for(hr)
    page = text(client.get(status_url(export)).content.decode())
    assert "The export failed" in page and "the disk is full" in page and "Try again" in page
    response = client.get(download_url(export))
    assert response.status_code == 409 and "the disk is full" in response.content.decode()


def test_a_job_not_ready_says_so(dashboard_world, client_for, django_capture_on_commit_callbacks):
    hr = dashboard_world.world.hr
    with django_capture_on_commit_callbacks():
        export = queued_job(dashboard_world, hr)
    response = client_for(hr).get(download_url(export))
    assert response.status_code == 409
    assert "still queued" in text(response.content.decode())


def test_an_expired_download_is_gone(
    dashboard_world, client_for, django_capture_on_commit_callbacks
):
    hr = dashboard_world.world.hr
    export = built_job(dashboard_world, hr, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    client = client_for(hr)
    response = client.get(download_url(export))
    assert response.status_code == 410
    html = text(response.content.decode())
    assert "expired" in html and "Request a new one" in html
    listing = client.get(reports_url(dashboard_world.wave)).content.decode()
    assert "expired" in listing and f'href="{download_url(export)}"' not in listing


# --- the list of recent exports --------------------------------------------------------------


def test_hr_sees_who_asked_and_a_lead_sees_their_own(
    dashboard_world, client_for, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    mine = built_job(dashboard_world, w.lead, django_capture_on_commit_callbacks)
    hrs = built_job(dashboard_world, w.hr, django_capture_on_commit_callbacks)
    hr_page = client_for(w.hr).get(reports_url(dashboard_world.wave)).content.decode()
    assert f'data-export="{mine.pk}"' in hr_page and f'data-export="{hrs.pk}"' in hr_page
    assert "lead@acme.test" in hr_page
    lead_page = client_for(w.lead).get(reports_url(dashboard_world.wave)).content.decode()
    assert f'data-export="{mine.pk}"' in lead_page and f'data-export="{hrs.pk}"' not in lead_page


def test_the_reports_page_takes_a_bounded_number_of_queries(
    dashboard_world, client_for, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    w = dashboard_world.world
    for person in (w.hr, w.lead) * 6:
        built_job(dashboard_world, person, django_capture_on_commit_callbacks)
    client = client_for(w.hr)
    with django_assert_max_num_queries(9):
        response = client.get(reports_url(dashboard_world.wave))
    assert response.content.decode().count("data-export=") == 10
