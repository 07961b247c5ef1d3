"""Analysis runs: the seam selector, the run lifecycle (queued → running → succeeded/failed), the
one-transaction store, the wave-closed hook, the task's retries and limits, the comparison.

Most tests use `fake_pipeline`, a tiny stand-in for `influence.analysis.pipeline` put in
sys.modules, so that they can make the analysis fail, stall or return odd results on purpose;
the last test runs the real one end to end. The other test modules of this package import the
fixture and the helpers from here.
"""

# Fixtures imported from other test modules are used as test parameters of the same name.
# ruff: noqa: F811

import dataclasses
import sys
import types
from collections import Counter
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from influence.analysis.types import (
    AnalysisInput,
    AnalysisResult,
    FlagResult,
    GroupResult,
    PersonResult,
    RelationMetrics,
)
from influence.models import AnalysisRun, Flag, PersonMetric, PersonPosition, TeamMetric
from influence.selectors import analysis_input_for_wave, analysis_run_current
from influence.services import (
    analysis_comparison,
    analysis_run_execute,
    analysis_run_request,
)
from influence.tasks import analyse_wave_run
from surveys.answering import AnswerSet, response_save
from surveys.models import Invitation, Wave
from surveys.services import wave_close, wave_create, wave_open
from tests.factories import PersonFactory
from tests.surveys.conftest import survey_world  # noqa: F401 - a fixture, used by name

pytestmark = pytest.mark.django_db


# --- a stand-in for the analysis -----------------------------------------------------------


def fake_result(data: AnalysisInput) -> AnalysisResult:
    """In-degree counted from the nominations; one informal_decision_maker flag for everybody
    named on `decision` by two or more people, and a silent_member flag for nobody-named people
    who did not answer."""
    ties = {(n.respondent, n.nominee, n.relation) for n in data.nominations}
    named = Counter((nominee, relation) for _, nominee, relation in ties)
    named_out = Counter((respondent, relation) for respondent, _, relation in ties)
    people = tuple(
        PersonResult(
            person_id=p.id,
            community=p.team_id % 2,
            metrics={
                relation: RelationMetrics(
                    in_degree=named[(p.id, relation)],
                    weighted_in_degree=float(named[(p.id, relation)]),
                    out_degree=named_out[(p.id, relation)] if p.responded else None,
                    pagerank=1 / len(data.people),
                    betweenness=0.0,
                    harmonic=float(named[(p.id, relation)]),
                    in_degree_pct_org=0.5,
                    in_degree_pct_team=0.25,
                )
                for relation in data.relations
            },
            x=float(i),
            y=-float(i),
        )
        for i, p in enumerate(sorted(data.people, key=lambda p: p.id))
    )
    groups = [_group(None, data.people, data.relations)]
    for team in sorted(data.teams, key=lambda t: t.id):
        members = [p for p in data.people if p.team_id == team.id]
        if members:
            groups.append(_group(team.id, members, data.relations))
    flags = [
        FlagResult(p.id, "informal_decision_maker", 0.9, ("named by 2",), ("invite",), "")
        for p in data.people
        if named[(p.id, "decision")] >= 2
    ] + [
        FlagResult(p.id, "silent_member", 0.5, ("unseen",), ("ask",), "low response")
        for p in data.people
        if not p.responded and not any(named[(p.id, r)] for r in data.relations)
    ]
    return AnalysisResult(
        people=people,
        groups=tuple(groups),
        flags=tuple(flags),
        parameters={"betweenness": "exact", "seed": data.seed, "thresholds": data.thresholds},
        warnings=("fake analysis",),
        timings={"graphs": 0.01, "metrics": 0.02},
    )


def _group(team_id, members, relations) -> GroupResult:
    respondents = sum(p.responded for p in members)
    return GroupResult(
        team_id=team_id,
        size=len(members),
        respondents=respondents,
        response_rate=respondents / len(members),
        relations={r: {"density": 0.5, "centralisation": None} for r in relations},
        low_response=respondents / len(members) < 0.7,
    )


class FakePipeline:
    """What the fake `analyse` was called with; `behaviour(data)` may raise, or return a result
    to use instead of `fake_result(data)`."""

    def __init__(self):
        self.calls: list[AnalysisInput] = []
        self.behaviour = None

    def analyse(self, data: AnalysisInput, *, flagger=None) -> AnalysisResult:
        self.calls.append(data)
        result = self.behaviour(data) if self.behaviour is not None else None
        return result or fake_result(data)


@pytest.fixture
def fake_pipeline(monkeypatch) -> FakePipeline:
    pipeline = FakePipeline()
    module = types.ModuleType("influence.analysis.pipeline")
    module.analyse = pipeline.analyse
    monkeypatch.setitem(sys.modules, "influence.analysis.pipeline", module)
    return pipeline


# --- helpers -------------------------------------------------------------------------------


def answer(sw, person, *, advice=(), decision=(), submit=True):
    invitation = sw.wave.invitations.get(person=person)
    nominees = {
        sw.advice.id: [(p.id, 3) for p in advice],
        sw.decision.id: [(p.id, None) for p in decision],
    }
    response_save(invitation=invitation, answers=AnswerSet(nominees=nominees), submit=submit)


def answer_world(sw, world):
    """Engineer and platform engineer name the engineer's colleague Pia and the lead; the seller
    saves a draft only; HR and the lead do not answer."""
    answer(sw, world.engineer, advice=[world.platform_engineer], decision=[world.platform_engineer])
    answer(sw, world.platform_engineer, advice=[world.lead], decision=[world.engineer])
    answer(sw, world.seller, advice=[world.hr], decision=[world.platform_engineer], submit=False)


def analysed(sw, world, django_capture_on_commit_callbacks, *, reason="re-run") -> AnalysisRun:
    """Answers, closes the wave and runs the analysis through the task, as in production."""
    answer_world(sw, world)
    wave_close(wave=sw.wave)
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_request(wave=sw.wave, reason=reason)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    return run


def next_wave(sw) -> Wave:
    now = timezone.now()
    wave = wave_create(survey=sw.survey, opens_at=now, closes_at=now + timedelta(days=7))
    wave_open(wave=wave, send=False)
    wave.refresh_from_db()
    return wave


# --- the seam ------------------------------------------------------------------------------


def test_input_has_every_invited_person_and_only_submitted_nominations(survey_world, world):
    answer_world(survey_world, world)
    data = analysis_input_for_wave(survey_world.wave)

    people = {p.id: p for p in data.people}
    assert set(people) == {
        world.hr.id,
        world.lead.id,
        world.engineer.id,
        world.platform_engineer.id,
        world.seller.id,
    }
    assert [p.id for p in data.people] == sorted(people)
    assert people[world.engineer.id].responded is True
    assert people[world.platform_engineer.id].responded is True
    # A draft is not an answer; HR and the lead did not answer at all.
    assert people[world.seller.id].responded is False
    assert people[world.hr.id].responded is False and people[world.lead.id].responded is False
    assert people[world.lead.id].is_lead is True and people[world.lead.id].direct_reports == 2
    assert people[world.engineer.id].is_lead is False
    assert people[world.engineer.id].direct_reports == 0
    assert people[world.platform_engineer.id].team_id == world.platform.id

    assert {t.name for t in data.teams} == {"People", "Engineering", "Platform", "Sales"}
    platform = next(t for t in data.teams if t.name == "Platform")
    assert platform.parent_id == world.engineering.id
    assert data.relations == ("advice", "decision")
    assert sorted((n.respondent, n.nominee, n.relation, n.strength) for n in data.nominations) == (
        sorted(
            [
                (world.engineer.id, world.platform_engineer.id, "advice", 3),
                (world.engineer.id, world.platform_engineer.id, "decision", None),
                (world.platform_engineer.id, world.lead.id, "advice", 3),
                (world.platform_engineer.id, world.engineer.id, "decision", None),
            ]
        )
    )
    assert data.previous_positions == {}


def test_input_leaves_out_nominees_who_were_not_invited(survey_world, world):
    newcomer = PersonFactory(team=world.sales, name="New Comer")  # joined after the wave opened
    answer(survey_world, world.engineer, advice=[newcomer, world.seller])
    data = analysis_input_for_wave(survey_world.wave)
    assert newcomer.id not in {p.id for p in data.people}
    assert [(n.nominee, n.relation) for n in data.nominations] == [(world.seller.id, "advice")]


def test_direct_reports_count_only_active_people(survey_world, world):
    PersonFactory(team=world.engineering, manager=world.lead, is_active=False)
    data = analysis_input_for_wave(survey_world.wave)
    lead = next(p for p in data.people if p.id == world.lead.id)
    assert lead.direct_reports == 2


def test_input_takes_a_constant_number_of_queries(
    survey_world, world, django_assert_max_num_queries
):
    answer_world(survey_world, world)
    with django_assert_max_num_queries(8):
        small = analysis_input_for_wave(survey_world.wave)
    crowd = PersonFactory.create_batch(30, team=world.sales, manager=world.seller)
    for person in crowd:
        Invitation.objects.create(wave=survey_world.wave, person=person)
    for person in crowd[:10]:
        answer(survey_world, person, advice=[world.seller], decision=crowd[10:13])
    with django_assert_max_num_queries(8):
        big = analysis_input_for_wave(survey_world.wave)
    assert len(big.people) == len(small.people) + 30
    assert len(big.nominations) == len(small.nominations) + 40
    assert next(p for p in big.people if p.id == world.seller.id).direct_reports == 30


def test_input_carries_the_previous_waves_positions(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    first = analysed(survey_world, world, django_capture_on_commit_callbacks)
    wave = next_wave(survey_world)
    data = analysis_input_for_wave(wave)
    positions = dict(PersonPosition.objects.filter(run=first).values_list("person_id", "x"))
    assert {pid: x for pid, (x, _) in data.previous_positions.items()} == positions
    assert len(data.previous_positions) == 5


# --- lifecycle -----------------------------------------------------------------------------


def test_a_run_goes_queued_running_succeeded(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    answer_world(survey_world, world)
    wave_close(wave=survey_world.wave)
    seen = []
    fake_pipeline.behaviour = lambda data: seen.append(
        AnalysisRun.objects.values_list("status", "progress").get()
    )

    with django_capture_on_commit_callbacks() as callbacks:
        run = analysis_run_request(
            wave=survey_world.wave, reason="re-run", requested_by=world.hr.user
        )
    assert run.status == AnalysisRun.Status.QUEUED
    assert len(callbacks) == 1  # the task is queued only once the run is committed
    assert analysis_run_current(survey_world.wave) is None

    callbacks[0]()

    run.refresh_from_db()
    assert seen == [("running", 20)]
    assert run.status == AnalysisRun.Status.SUCCEEDED
    assert run.progress == 100 and run.error == "" and run.stage == ""
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.requested_by == world.hr.user and run.reason == "re-run"
    assert {"load", "graphs", "metrics", "store", "total"} <= run.timings.keys()
    assert run.parameters["betweenness"] == "exact"
    assert run.parameters["thresholds"]["decision_min_nominators"] == 3  # dataclass → JSON
    assert run.warnings == ["fake analysis"]
    assert PersonPosition.objects.filter(run=run).count() == 5
    assert PersonMetric.objects.filter(run=run).count() == 10  # 5 people × 2 relations
    assert TeamMetric.objects.filter(run=run, team__isnull=True).count() == 1
    assert TeamMetric.objects.filter(run=run).count() == 5  # organisation + 4 teams
    pia = PersonMetric.objects.get(run=run, person=world.platform_engineer, relation="decision")
    assert pia.in_degree == 1 and pia.out_degree == 1
    hana = PersonMetric.objects.get(run=run, person=world.hr, relation="advice")
    assert hana.out_degree is None  # did not answer: unknown, not zero
    assert PersonPosition.objects.get(run=run, person=world.seller).responded is False
    assert Flag.objects.filter(run=run, kind="silent_member").count() == 2  # HR and the seller
    assert analysis_run_current(survey_world.wave) == run


def test_a_second_request_returns_the_queued_run(survey_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = analysis_run_request(wave=survey_world.wave, reason="api")
        second = analysis_run_request(wave=survey_world.wave, reason="re-run")
    assert second.pk == first.pk
    assert len(callbacks) == 1
    AnalysisRun.objects.filter(pk=first.pk).update(status=AnalysisRun.Status.RUNNING)
    assert analysis_run_request(wave=survey_world.wave, reason="api").pk == first.pk
    assert AnalysisRun.objects.count() == 1


def test_a_duplicate_delivery_does_nothing(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    run = analysed(survey_world, world, django_capture_on_commit_callbacks)
    assert analysis_run_execute(run_id=run.pk) is None
    assert analyse_wave_run.delay(run.pk).get() == "skipped"
    assert len(fake_pipeline.calls) == 1
    assert PersonPosition.objects.filter(run=run).count() == 5


def test_a_failure_marks_the_run_failed_and_keeps_the_previous_results(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    good = analysed(survey_world, world, django_capture_on_commit_callbacks)

    def boom(data):
        raise ValueError("the graph has no nodes")

    fake_pipeline.behaviour = boom
    with django_capture_on_commit_callbacks(execute=True):
        bad = analysis_run_request(wave=survey_world.wave, reason="re-run")
    bad.refresh_from_db()
    assert bad.status == AnalysisRun.Status.FAILED
    assert bad.error == "The analysis failed: ValueError: the graph has no nodes"
    assert bad.finished_at is not None
    assert analysis_run_current(survey_world.wave) == good
    assert not PersonPosition.objects.filter(run=bad).exists()


def test_a_failure_while_storing_leaves_nothing_half_written(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks, monkeypatch
):
    good = analysed(survey_world, world, django_capture_on_commit_callbacks)
    rows_before = (
        PersonPosition.objects.count(),
        PersonMetric.objects.count(),
        TeamMetric.objects.count(),
        Flag.objects.count(),
    )

    def flags_fail(run, result):
        # By now positions, metrics and team metrics of the run are written.
        assert PersonMetric.objects.filter(run=run).count() == 10
        raise RuntimeError("disk full")

    monkeypatch.setattr("influence.services.results._flags", flags_fail)
    with django_capture_on_commit_callbacks(execute=True):
        bad = analysis_run_request(wave=survey_world.wave, reason="re-run")
    bad.refresh_from_db()

    assert bad.status == AnalysisRun.Status.FAILED
    assert "RuntimeError: disk full" in bad.error
    assert (
        PersonPosition.objects.count(),
        PersonMetric.objects.count(),
        TeamMetric.objects.count(),
        Flag.objects.count(),
    ) == rows_before
    assert analysis_run_current(survey_world.wave) == good


def test_a_result_naming_someone_not_invited_is_refused(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    stranger = world.other_employee
    fake_pipeline.behaviour = lambda data: dataclasses.replace(
        fake_result(data), flags=(FlagResult(stranger.id, "broker", 0.7, (), ()),)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_request(wave=survey_world.wave, reason="api")
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert f"names person {stranger.id}, not invited" in run.error
    assert not Flag.objects.exists() and not PersonPosition.objects.exists()


def test_a_missing_pipeline_is_a_readable_failure(
    survey_world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(sys.modules, "influence.analysis.pipeline", None)  # import fails
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_request(wave=survey_world.wave, reason="api")
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert run.error.startswith("The analysis failed: ModuleNotFoundError")


def test_a_draft_wave_is_refused(survey_world):
    wave_close(wave=survey_world.wave)
    draft = wave_create(
        survey=survey_world.survey,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=8),
    )
    with pytest.raises(ValidationError, match="nothing to analyse"):
        analysis_run_request(wave=draft, reason="api")
    assert not AnalysisRun.objects.exists()


def test_a_run_lost_with_its_worker_does_not_block_new_requests(
    survey_world, settings, django_capture_on_commit_callbacks
):
    settings.INFLUENCE_ANALYSIS_TIME_LIMIT = 100
    with django_capture_on_commit_callbacks():
        lost = analysis_run_request(wave=survey_world.wave, reason="api")
    AnalysisRun.objects.filter(pk=lost.pk).update(
        status=AnalysisRun.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=500)
    )
    with django_capture_on_commit_callbacks():
        fresh = analysis_run_request(wave=survey_world.wave, reason="api")
    lost.refresh_from_db()
    assert fresh.pk != lost.pk and fresh.status == AnalysisRun.Status.QUEUED
    assert lost.status == AnalysisRun.Status.FAILED
    assert "stopped without finishing within 100 s" in lost.error


# --- the hook ------------------------------------------------------------------------------


def test_closing_a_wave_starts_its_analysis(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    answer_world(survey_world, world)
    with django_capture_on_commit_callbacks(execute=True):
        assert wave_close(wave=survey_world.wave)
    run = AnalysisRun.objects.get(wave=survey_world.wave)
    assert run.reason == AnalysisRun.Reason.WAVE_CLOSED and run.requested_by is None
    assert run.status == AnalysisRun.Status.SUCCEEDED
    assert len(fake_pipeline.calls) == 1
    assert len(fake_pipeline.calls[0].nominations) == 4


# --- the task ------------------------------------------------------------------------------


def test_the_task_acks_late_has_time_limits_and_retries_only_transient_errors():
    assert analyse_wave_run.name == "influence.analyse_wave_run"
    assert analyse_wave_run.acks_late is True
    assert 0 < analyse_wave_run.soft_time_limit < analyse_wave_run.time_limit
    assert OperationalError in analyse_wave_run.autoretry_for
    assert ConnectionError in analyse_wave_run.autoretry_for
    assert ValueError not in analyse_wave_run.autoretry_for
    assert analyse_wave_run.retry_backoff


def test_a_transient_error_is_retried(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    answer_world(survey_world, world)

    def once(data):
        if len(fake_pipeline.calls) == 1:
            raise OperationalError("database is locked")

    fake_pipeline.behaviour = once
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_request(wave=survey_world.wave, reason="api")
    run.refresh_from_db()
    assert len(fake_pipeline.calls) == 2
    assert run.status == AnalysisRun.Status.SUCCEEDED and run.error == ""


def test_a_transient_error_that_persists_fails_the_run(
    survey_world, fake_pipeline, django_capture_on_commit_callbacks
):
    def always(data):
        raise OperationalError("could not connect to server")

    fake_pipeline.behaviour = always
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_request(wave=survey_world.wave, reason="api")
    run.refresh_from_db()
    assert len(fake_pipeline.calls) == 1 + analyse_wave_run.max_retries
    assert run.status == AnalysisRun.Status.FAILED
    assert "OperationalError: could not connect to server" in run.error


def test_the_soft_time_limit_fails_the_run_saying_how_long(
    survey_world, fake_pipeline, settings, django_capture_on_commit_callbacks
):
    settings.INFLUENCE_ANALYSIS_SOFT_TIME_LIMIT = 42
    settings.INFLUENCE_ANALYSIS_TIME_LIMIT = 60

    def slow(data):
        raise SoftTimeLimitExceeded()

    fake_pipeline.behaviour = slow
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_request(wave=survey_world.wave, reason="api")
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert "took longer than 42 s" in run.error
    assert not PersonPosition.objects.exists()


def test_the_hard_time_limit_is_recorded_by_the_failure_handler(survey_world):
    run = AnalysisRun.objects.create(
        wave=survey_world.wave, reason="api", status=AnalysisRun.Status.RUNNING
    )
    analyse_wave_run.on_failure(TimeLimitExceeded(60), "task-id", (run.pk,), {}, None)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert f"took longer than {analyse_wave_run.time_limit} s" in run.error


# --- comparison ----------------------------------------------------------------------------


def test_comparison_lists_movers_and_new_and_resolved_flags(
    survey_world, world, fake_pipeline, django_capture_on_commit_callbacks
):
    before = analysed(survey_world, world, django_capture_on_commit_callbacks)
    wave = next_wave(survey_world)
    survey_world.wave = wave
    # Now three people name the seller on decision; the engineer is named by nobody.
    answer(survey_world, world.engineer, advice=[world.seller], decision=[world.seller])
    answer(survey_world, world.platform_engineer, decision=[world.seller])
    answer(survey_world, world.hr, decision=[world.seller])
    with django_capture_on_commit_callbacks(execute=True):
        after = analysis_run_request(wave=wave, reason="api")
    after.refresh_from_db()
    # The fake flags nobody for decision in the first wave (one nominator each): add one that
    # the second wave resolves.
    Flag.objects.create(run=before, person=world.lead, kind="bypassed_lead", score=0.6)

    comparison = analysis_comparison(run=after, previous_run=before)

    movers = [(m.email, m.relation, m.before, m.after, m.change) for m in comparison.movers]
    assert movers[0] == ("sales@acme.test", "decision", 0, 3, 3)
    assert ("plat@acme.test", "decision", 1, 0, -1) in movers
    assert ("eng@acme.test", "decision", 1, 0, -1) in movers
    assert [abs(m.change) for m in comparison.movers] == sorted(
        (abs(m.change) for m in comparison.movers), reverse=True
    )
    assert [(f.email, f.kind) for f in comparison.new_flags] == [
        ("sales@acme.test", "informal_decision_maker"),
        ("lead@acme.test", "silent_member"),  # no longer named, and did not answer
    ]
    assert [(f.email, f.kind) for f in comparison.resolved_flags] == [
        ("lead@acme.test", "bypassed_lead"),
        ("hr@acme.test", "silent_member"),  # answered this time
        ("sales@acme.test", "silent_member"),  # named this time
    ]
    assert comparison.new_flags[0].kind_label == "Informal decision-maker"


# --- the real analysis, end to end ---------------------------------------------------------


def test_the_real_pipeline_end_to_end(survey_world, world, django_capture_on_commit_callbacks):
    answer_world(survey_world, world)
    answer(survey_world, world.hr, advice=[world.lead], decision=[world.lead])
    with django_capture_on_commit_callbacks(execute=True):
        wave_close(wave=survey_world.wave)
    run = AnalysisRun.objects.get(wave=survey_world.wave)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    assert PersonPosition.objects.filter(run=run).count() == 5
    assert PersonMetric.objects.filter(run=run).count() == 10
    organisation = TeamMetric.objects.filter(run=run, team__isnull=True).get()
    assert (organisation.size, organisation.respondents) == (5, 3)
    pia = PersonMetric.objects.get(run=run, person=world.platform_engineer, relation="decision")
    assert pia.in_degree == 1
    seller = PersonMetric.objects.get(run=run, person=world.seller, relation="advice")
    assert seller.out_degree is None  # a draft is not an answer
    assert run.timings["total"] >= run.timings["store"]
    assert run.parameters["seed"] == 42
    assert all(f.evidence and f.moves for f in Flag.objects.filter(run=run))

    # The next wave starts the map from these positions and compares with this run.
    wave = next_wave(survey_world)
    survey_world.wave = wave
    answer(survey_world, world.engineer, decision=[world.seller])
    answer(survey_world, world.platform_engineer, decision=[world.seller])
    data = analysis_input_for_wave(wave)
    assert data.previous_positions.keys() == set(
        PersonPosition.objects.filter(run=run).values_list("person_id", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        wave_close(wave=wave)
    second = AnalysisRun.objects.get(wave=wave)
    assert second.status == AnalysisRun.Status.SUCCEEDED, second.error
    comparison = analysis_comparison(run=second, previous_run=run)
    assert ("sales@acme.test", "decision", 0, 2) in {
        (m.email, m.relation, m.before, m.after) for m in comparison.movers
    }


def test_an_organisation_can_set_its_own_flag_thresholds(survey_world, world, settings):
    settings.INFLUENCE_THRESHOLDS = {"decision_min_nominators": 4}
    world.org.analysis_thresholds = {"decision_percentile": 0.8}
    world.org.save()
    thresholds = analysis_input_for_wave(survey_world.wave).thresholds
    assert thresholds.decision_percentile == 0.8  # the organisation's own
    assert thresholds.decision_min_nominators == 4  # the site-wide setting
    assert thresholds.reliable_response_rate == 0.70  # the documented default

    world.org.analysis_thresholds = {"decision_percentil": 0.8}
    world.org.save()
    with pytest.raises(ValueError, match="Unknown flag threshold.*decision_percentil.*known:"):
        analysis_input_for_wave(survey_world.wave)
