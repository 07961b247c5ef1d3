"""Storing what a run found: all rows and the run's `succeeded` status in one transaction, so a
failed or stopped run never leaves half results behind."""

import dataclasses
import math
import time
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from influence.analysis.types import AnalysisInput, AnalysisResult
from influence.models import AnalysisRun, Flag, PersonMetric, PersonPosition, TeamMetric

BATCH_SIZE = 1000


class ResultRefused(Exception):
    """The analysis returned something that cannot be stored as it is."""


def results_store(
    *,
    run: AnalysisRun,
    data: AnalysisInput,
    result: AnalysisResult,
    timings: dict[str, float],
    started: float,
) -> None:
    """Write the run's results and mark it succeeded, all or nothing. `started` is the
    perf_counter reading when the run began, for its total time."""
    responded = {person.id: person.responded for person in data.people}
    _result_check(result, responded, {team.id for team in data.teams})
    begun = time.perf_counter()
    with transaction.atomic():
        PersonPosition.objects.bulk_create(
            _positions(run, result, responded), batch_size=BATCH_SIZE
        )
        PersonMetric.objects.bulk_create(_metrics(run, result), batch_size=BATCH_SIZE)
        TeamMetric.objects.bulk_create(_team_metrics(run, result), batch_size=BATCH_SIZE)
        Flag.objects.bulk_create(_flags(run, result), batch_size=BATCH_SIZE)
        now = time.perf_counter()
        timings = {**timings, "store": now - begun, "total": now - started}
        finished = AnalysisRun.objects.filter(pk=run.pk, status=AnalysisRun.Status.RUNNING).update(
            status=AnalysisRun.Status.SUCCEEDED,
            progress=100,
            stage="",
            error="",
            timings={stage: round(seconds, 4) for stage, seconds in timings.items()},
            parameters=plain(dict(result.parameters)),
            warnings=[str(w) for w in result.warnings],
            finished_at=timezone.now(),
        )
        if not finished:  # stopped meanwhile (marked failed): keep nothing
            raise ResultRefused("The run was stopped while its results were being stored.")


def _result_check(result: AnalysisResult, responded: dict[int, bool], team_ids: set[int]):
    seen: set[int] = set()
    for person in result.people:
        if person.person_id not in responded:
            raise ResultRefused(f"The result names person {person.person_id}, who was not invited.")
        if person.person_id in seen:
            raise ResultRefused(f"The result lists person {person.person_id} twice.")
        seen.add(person.person_id)
    for flag in result.flags:
        if flag.person_id not in responded:
            raise ResultRefused(f"A {flag.kind} flag names person {flag.person_id}, not invited.")
    groups = [group.team_id for group in result.groups]
    if len(groups) != len(set(groups)):
        raise ResultRefused("The result lists a team twice.")
    unknown = [team_id for team_id in groups if team_id is not None and team_id not in team_ids]
    if unknown:
        raise ResultRefused(f"The result names teams of another organisation: {unknown}.")


def _positions(run, result: AnalysisResult, responded: dict[int, bool]):
    return [
        PersonPosition(
            run=run,
            person_id=int(person.person_id),
            community=int(person.community),
            x=_finite(person.x, "x", person.person_id),
            y=_finite(person.y, "y", person.person_id),
            responded=responded[person.person_id],
        )
        for person in result.people
    ]


def _metrics(run, result: AnalysisResult):
    rows = []
    for person in result.people:
        pid = int(person.person_id)
        for relation, m in sorted(person.metrics.items()):
            rows.append(
                PersonMetric(
                    run=run,
                    person_id=pid,
                    relation=relation,
                    in_degree=int(m.in_degree),
                    weighted_in_degree=_finite(m.weighted_in_degree, "weighted in-degree", pid),
                    out_degree=None if m.out_degree is None else int(m.out_degree),
                    pagerank=_finite(m.pagerank, "PageRank", pid),
                    betweenness=_finite(m.betweenness, "betweenness", pid),
                    harmonic=_finite(m.harmonic, "harmonic closeness", pid),
                    in_degree_pct_org=_finite(m.in_degree_pct_org, "percentile", pid),
                    in_degree_pct_team=_finite(m.in_degree_pct_team, "team percentile", pid),
                )
            )
    return rows


def _team_metrics(run, result: AnalysisResult):
    return [
        TeamMetric(
            run=run,
            team_id=None if group.team_id is None else int(group.team_id),
            size=int(group.size),
            respondents=int(group.respondents),
            response_rate=_finite(group.response_rate, "response rate", group.team_id),
            low_response=bool(group.low_response),
            relations=plain(dict(group.relations)),
        )
        for group in result.groups
    ]


def _flags(run, result: AnalysisResult):
    return [
        Flag(
            run=run,
            person_id=int(flag.person_id),
            kind=flag.kind,
            score=_finite(flag.score, "flag score", flag.person_id),
            evidence=[str(line) for line in flag.evidence],
            moves=[str(line) for line in flag.moves],
            warning=flag.warning or "",
        )
        for flag in result.flags
    ]


def _finite(value, what: str, whose) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ResultRefused(f"The analysis gave a {what} of {value} for {whose}.")
    return value


def plain(value):
    """JSON-safe copy: dataclasses and mappings to dicts, sequences to lists, numpy scalars to
    numbers, and non-finite floats to None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(plain(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalar
        return plain(value.item())
    return str(value)
