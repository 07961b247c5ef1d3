"""The analysis page of a wave (HR only): runs with status, progress, timings, warnings and
errors, the "run again" button, and the comparison with the previous wave."""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import pytest
from django.urls import reverse

from influence.models import AnalysisRun, Flag
from influence.services import analysis_run_request
from tests.influence.test_runs import (  # noqa: F401 - fixtures are used by name
    analysed,
    answer,
    fake_pipeline,
    next_wave,
    survey_world,
)

pytestmark = pytest.mark.django_db

OUTSIDERS = ["lead", "engineer", "other_hr"]


def page_url(wave) -> str:
    return reverse("wave-analysis", kwargs={"wave_id": wave.pk})


def run_url(wave) -> str:
    return reverse("wave-analysis-run", kwargs={"wave_id": wave.pk})


def test_urls():
    assert reverse("wave-analysis", kwargs={"wave_id": 2}) == "/waves/2/analysis/"
    assert reverse("wave-analysis-run", kwargs={"wave_id": 2}) == "/waves/2/analysis/run/"


def test_before_any_run(survey_world, world, client_for):
    page = client_for(world.hr).get(page_url(survey_world.wave))
    assert page.status_code == 200
    html = page.content.decode()
    assert "No analysis has been run for this wave yet" in html
    assert "No run of this wave has succeeded yet" in html
    assert "Run analysis again" in html
    assert 'http-equiv="refresh"' not in html and "hx-trigger" not in html


def test_hr_runs_it_again_and_watches_it(
    survey_world, world, client_for, fake_pipeline, django_capture_on_commit_callbacks
):
    client = client_for(world.hr)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(run_url(survey_world.wave), follow=True)
    run = AnalysisRun.objects.get()
    html = response.content.decode()
    assert response.redirect_chain == [(page_url(survey_world.wave), 302)]
    assert f"Run {run.pk} is queued" in html
    # The run's status block polls itself (htmx) while the run is under way.
    status_url = reverse("wave-analysis-status", kwargs={"wave_id": survey_world.wave.pk})
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in html
    assert "<progress" in html
    assert 'http-equiv="refresh"' not in html
    assert run.requested_by == world.hr.user and run.reason == "re-run"

    second = client.post(run_url(survey_world.wave), follow=True)
    assert f"Run {run.pk} is already queued; no second run was started." in second.content.decode()
    assert AnalysisRun.objects.count() == 1

    partial = client.get(status_url).content.decode()
    assert "is queued" in partial and 'hx-trigger="every 2s"' in partial

    callbacks[0]()  # the worker's turn
    partial = client.get(status_url).content.decode()
    assert "hx-trigger" not in partial and "Reload the page" in partial  # polling stops
    html = client.get(page_url(survey_world.wave)).content.decode()
    assert "hx-trigger" not in html
    assert "Succeeded" in html and "current</span>" in html
    assert "Stage timings" in html and "<dt>load</dt>" in html and "<dt>total</dt>" in html
    assert "fake analysis" in html


def test_a_failed_run_shows_its_error_and_the_previous_results_stay(
    survey_world, world, client_for, fake_pipeline, django_capture_on_commit_callbacks
):
    good = analysed(survey_world, world, django_capture_on_commit_callbacks)

    def boom(data):
        raise ValueError("the wave has no answers")

    fake_pipeline.behaviour = boom
    with django_capture_on_commit_callbacks(execute=True):
        analysis_run_request(wave=survey_world.wave, reason="re-run")
    html = client_for(world.hr).get(page_url(survey_world.wave)).content.decode()
    assert "The analysis failed: ValueError: the wave has no answers" in html
    assert f"Run {good.pk}, finished" in html


def test_the_current_run_is_compared_with_the_previous_wave(
    survey_world, world, client_for, fake_pipeline, django_capture_on_commit_callbacks
):
    before = analysed(survey_world, world, django_capture_on_commit_callbacks)
    Flag.objects.create(run=before, person=world.lead, kind="bypassed_lead", score=0.6)
    survey_world.wave = next_wave(survey_world)
    answer(survey_world, world.engineer, decision=[world.seller])
    answer(survey_world, world.platform_engineer, decision=[world.seller])
    with django_capture_on_commit_callbacks(execute=True):
        analysis_run_request(wave=survey_world.wave, reason="re-run")

    html = client_for(world.hr).get(page_url(survey_world.wave)).content.decode()
    assert "Compared with the previous wave" in html
    assert f"against run {before.pk} of wave 1" in html
    assert "Informal decision-maker: Sam Ode" in html  # new
    assert "Bypassed lead: Lea Dorn" in html  # resolved
    assert "<td>Sam Ode</td><td>decision</td><td>0</td><td>2</td><td>+2</td>" in html


def test_without_a_previous_analysis_the_page_says_so(
    survey_world, world, client_for, fake_pipeline, django_capture_on_commit_callbacks
):
    analysed(survey_world, world, django_capture_on_commit_callbacks)
    html = client_for(world.hr).get(page_url(survey_world.wave)).content.decode()
    assert "The previous wave has no successful analysis to compare with." in html


@pytest.mark.parametrize("who", OUTSIDERS)
def test_anyone_but_hr_gets_404(survey_world, world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(page_url(survey_world.wave)).status_code == 404
    assert client.post(run_url(survey_world.wave)).status_code == 404
    assert not AnalysisRun.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(survey_world, client):
    response = client.get(page_url(survey_world.wave))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_running_again_needs_a_post(survey_world, world, client_for):
    assert client_for(world.hr).get(run_url(survey_world.wave)).status_code == 405


def test_the_page_queries_do_not_grow_with_runs(
    survey_world,
    world,
    client_for,
    fake_pipeline,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    analysed(survey_world, world, django_capture_on_commit_callbacks)
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            analysis_run_request(wave=survey_world.wave, reason="re-run")
    client = client_for(world.hr)
    with django_assert_max_num_queries(16):
        assert client.get(page_url(survey_world.wave)).status_code == 200
