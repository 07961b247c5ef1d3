"""The analysis API. Each case has HR (the owner), a colleague who may see part of it (the lead)
or not, and outsiders (an employee, HR of another organisation) who get 404."""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from influence.models import AnalysisRun
from surveys.models import Invitation
from surveys.services import wave_close, wave_create
from tests.factories import PersonFactory
from tests.influence.test_runs import (  # noqa: F401 - fixtures are used by name
    analysed,
    fake_pipeline,
    survey_world,
)

pytestmark = pytest.mark.django_db

OUTSIDERS = ["lead", "engineer", "other_hr"]  # runs are HR's: the lead is refused there too
REPORT_OUTSIDERS = ["engineer", "seller", "other_hr", "other_employee"]


def runs_url(wave) -> str:
    return f"/api/waves/{wave.pk}/runs/"


def report_url(wave) -> str:
    return f"/api/waves/{wave.pk}/report/"


def test_urls_are_named():
    assert reverse("api-wave-runs", kwargs={"wave_id": 3}) == "/api/waves/3/runs/"
    assert reverse("api-wave-report", kwargs={"wave_id": 3}) == "/api/waves/3/report/"
    assert reverse("api-run-detail", kwargs={"run_id": 4}) == "/api/runs/4/"


# --- runs ----------------------------------------------------------------------------------


def test_hr_requests_a_run_and_follows_it(
    survey_world, world, api_for, fake_pipeline, django_capture_on_commit_callbacks
):
    api = api_for(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(runs_url(survey_world.wave))
        assert response.status_code == 202, response.json()
        again = api.post(runs_url(survey_world.wave))  # still queued: the same run
    data = response.json()
    assert again.json()["id"] == data["id"]
    assert data["status"] == "queued" and data["reason"] == "api"
    assert data["requested_by"] == "hr@acme.test"
    assert data["wave_id"] == survey_world.wave.pk
    assert AnalysisRun.objects.count() == 1

    detail = api.get(f"/api/runs/{data['id']}/")
    assert detail.status_code == 200
    run = detail.json()
    assert run["status"] == "succeeded" and run["progress"] == 100
    assert {"load", "store", "total"} <= run["timings"].keys()
    assert run["warnings"] == ["fake analysis"] and run["error"] == ""
    assert run["finished_at"] is not None

    listing = api.get(runs_url(survey_world.wave))
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == [data["id"]]


def test_the_run_list_shows_a_failure_with_its_error(
    survey_world, world, api_for, fake_pipeline, django_capture_on_commit_callbacks
):
    def boom(data):
        raise ValueError("no people")

    fake_pipeline.behaviour = boom
    api = api_for(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(runs_url(survey_world.wave))
    (run,) = api.get(runs_url(survey_world.wave)).json()["results"]
    assert run["status"] == "failed"
    assert run["error"] == "The analysis failed: ValueError: no people"


def test_a_wave_that_has_not_opened_cannot_be_analysed(survey_world, world, api_for):
    wave_close(wave=survey_world.wave)
    now = timezone.now()
    draft = wave_create(
        survey=survey_world.survey,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
    )
    response = api_for(world.hr).post(runs_url(draft))
    assert response.status_code == 400
    assert "nothing to analyse" in response.json()["detail"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_runs_are_404_for_anyone_but_hr_of_the_organisation(survey_world, world, api_for, who):
    run = AnalysisRun.objects.create(wave=survey_world.wave, reason="api")
    api = api_for(getattr(world, who))
    assert api.get(runs_url(survey_world.wave)).status_code == 404
    assert api.post(runs_url(survey_world.wave)).status_code == 404
    assert api.get(f"/api/runs/{run.pk}/").status_code == 404
    assert AnalysisRun.objects.count() == 1


def test_runs_need_a_login(survey_world):
    assert APIClient().get(runs_url(survey_world.wave)).status_code in (401, 403)


# --- the report ----------------------------------------------------------------------------


def test_hr_sees_the_organisation_in_the_report(
    survey_world, world, api_for, fake_pipeline, django_capture_on_commit_callbacks
):
    run = analysed(survey_world, world, django_capture_on_commit_callbacks)
    response = api_for(world.hr).get(report_url(survey_world.wave))
    assert response.status_code == 200
    report = response.json()
    assert report["run"]["id"] == run.pk
    assert len(report["people"]) == 5
    assert report["teams"][0]["team_id"] is None
    assert {t["name"] for t in report["teams"]} == {
        "Acme",
        "Engineering",
        "Platform",
        "Sales",
        "People",
    }
    # The same shape as the export.
    out = StringIO()
    call_command("export_report", "--wave", str(survey_world.wave.pk), stdout=out)
    assert report == json.loads(out.getvalue())


def test_a_lead_sees_only_their_teams(
    survey_world, world, api_for, fake_pipeline, django_capture_on_commit_callbacks
):
    analysed(survey_world, world, django_capture_on_commit_callbacks)
    response = api_for(world.lead).get(report_url(survey_world.wave))
    assert response.status_code == 200
    report = response.json()
    assert {p["email"] for p in report["people"]} == {
        "lead@acme.test",
        "eng@acme.test",
        "plat@acme.test",
    }
    assert [t["name"] for t in report["teams"]] == ["Engineering", "Platform"]
    assert all(t["team_id"] is not None for t in report["teams"])
    # The silent members are HR and the seller: outside the lead's teams.
    assert report["flags"] == []
    # A lead is never told who answered.
    assert {p["responded"] for p in report["people"]} == {None}
    assert all(m["out_degree"] is None for p in report["people"] for m in p["metrics"].values())


@pytest.mark.parametrize("who", REPORT_OUTSIDERS)
def test_the_report_is_404_for_employees_and_other_organisations(
    survey_world, world, api_for, fake_pipeline, django_capture_on_commit_callbacks, who
):
    analysed(survey_world, world, django_capture_on_commit_callbacks)
    response = api_for(getattr(world, who)).get(report_url(survey_world.wave))
    assert response.status_code == 404
    assert "people" not in response.json()


def test_the_report_is_404_until_a_run_succeeds(survey_world, world, api_for):
    AnalysisRun.objects.create(wave=survey_world.wave, reason="api", status="failed")
    response = api_for(world.hr).get(report_url(survey_world.wave))
    assert response.status_code == 404
    assert response.json() == {"detail": "No analysis of this wave has succeeded yet."}


def test_the_report_queries_do_not_grow_with_people(
    survey_world,
    world,
    api_for,
    fake_pipeline,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    for person in PersonFactory.create_batch(25, team=world.sales):
        Invitation.objects.create(wave=survey_world.wave, person=person)
    analysed(survey_world, world, django_capture_on_commit_callbacks)
    api = api_for(world.hr)
    with django_assert_max_num_queries(12):
        response = api.get(report_url(survey_world.wave))
    assert len(response.json()["people"]) == 30
