"""Retention in the results: once a wave's raw answers are deleted its results stay as they
were, the map says its ties were deleted, and the wave cannot be analysed again."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from influence.models import AnalysisRun
from influence.reports import report_build
from influence.services import analysis_run_request
from surveys.models import Nomination, Wave
from surveys.retention import retention_apply
from teams.models import Organization

pytestmark = pytest.mark.django_db

REFUSAL = (
    "The raw answers of this wave were deleted on {date} under the retention setting; its "
    "results stay, but it cannot be analysed again."
)


def apply_retention(dw) -> Wave:
    """Wave 1 closed 23 days ago: 30 days of retention, applied 10 days from now."""
    Organization.objects.filter(pk=dw.world.org.pk).update(retention_days=30)
    done = retention_apply(now=timezone.now() + timedelta(days=10))
    assert [wave_id for wave_id, _ in done] == [dw.wave.pk]
    return Wave.objects.get(pk=dw.wave.pk)


def deleted_on(wave) -> str:
    when = timezone.localtime(wave.answers_deleted_at)
    return f"{when.day} {when:%B %Y}"


def test_results_stay_as_they_were(dashboard_world):
    dw = dashboard_world
    before = report_build(run=dw.run)
    apply_retention(dw)
    assert not Nomination.objects.filter(response__invitation__wave=dw.wave).exists()
    after = report_build(run=dw.run)
    assert after["teams"] == before["teams"]
    assert after["people"] == before["people"] and after["flags"] == before["flags"]


def test_a_later_wave_keeps_its_answers(dashboard_world, analyse_next_wave):
    dw = dashboard_world
    second = analyse_next_wave(dw)
    apply_retention(dw)
    assert Nomination.objects.filter(response__invitation__wave=second.wave).exists()
    assert Wave.objects.get(pk=second.wave_id).answers_deleted_at is None


def test_the_wave_cannot_be_analysed_again(dashboard_world):
    dw = dashboard_world
    wave = apply_retention(dw)
    with pytest.raises(ValidationError) as refused:
        analysis_run_request(wave=wave, reason=AnalysisRun.Reason.RERUN)
    assert refused.value.messages == [REFUSAL.format(date=deleted_on(wave))]
    assert AnalysisRun.objects.filter(wave=wave).count() == 1


def test_the_analysis_page_says_why_instead_of_failing_a_run(dashboard_world, client_for):
    dw = dashboard_world
    wave = apply_retention(dw)
    client = client_for(dw.world.hr)
    page = client.get(reverse("wave-analysis", kwargs={"wave_id": wave.pk})).content.decode()
    assert "Run analysis again" not in page and 'id="answers-deleted"' in page
    response = client.post(reverse("wave-analysis-run", kwargs={"wave_id": wave.pk}), follow=True)
    assert REFUSAL.format(date=deleted_on(wave)) in response.content.decode()
    assert list(AnalysisRun.objects.filter(wave=wave).values_list("status", flat=True)) == [
        AnalysisRun.Status.SUCCEEDED
    ]


def test_the_map_says_its_ties_were_deleted(dashboard_world, client_for):
    dw = dashboard_world
    wave = apply_retention(dw)
    client = client_for(dw.world.hr)
    page = client.get(reverse("organization-dashboard") + f"?wave={wave.pk}").content.decode()
    note = (
        f"The ties of this wave were deleted on {deleted_on(wave)} under the retention setting; "
        "people and results remain."
    )
    assert note in page
    url = reverse("organization-map-data") + f"?wave={wave.pk}&relation=decision"
    data = client.get(url).json()
    assert data["edges"] == [] and data["ties_deleted"] == deleted_on(wave)
    assert dw.star.pk in data["people"]["id"]  # people and their metrics remain
    assert data["metrics"]["in_degree"][data["metrics"]["person"].index(dw.star.pk)] > 0


def test_a_wave_with_its_answers_has_no_note(dashboard_world, client_for):
    dw = dashboard_world
    page = client_for(dw.world.hr).get(reverse("organization-dashboard")).content.decode()
    assert "map-ties-deleted" not in page
    url = reverse("organization-map-data") + f"?wave={dw.wave.pk}"
    assert "ties_deleted" not in client_for(dw.world.hr).get(url).json()
