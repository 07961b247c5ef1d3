"""One analysis run: graphs → metrics → groups → flags → layout, plain data in and out.

Edges point from the respondent to the nominee throughout. Each stage is timed into `timings`
(seconds); the run's parameters (betweenness mode and sample size, seed, thresholds, sizes) and
warnings a reader needs before trusting the numbers travel with the result. Outputs are sorted:
people by id; groups with the organisation first, then teams by id; flags by kind, then score
(highest first), then person id. The same input gives the same result except for `timings`.
"""

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from influence.analysis import kernel
from influence.analysis.graphs import SurveyGraphs, build_graphs
from influence.analysis.groups import group_results
from influence.analysis.layout import SPRING_LIMIT, layout
from influence.analysis.metrics import all_relation_metrics, people_in_index_order
from influence.analysis.types import (
    AnalysisInput,
    AnalysisResult,
    FlagResult,
    GroupResult,
    PersonResult,
    RelationMetrics,
)

FLAGS_MODULE = "influence.analysis.flags"

Flagger = Callable[[AnalysisInput, list[PersonResult], list[GroupResult]], list[FlagResult]]


def analyse(input: AnalysisInput, *, flagger: Flagger | None = None) -> AnalysisResult:
    """Analyse one wave; edges point respondent → nominee (scores: see metrics, kernel, groups).

    `flagger(input, people, groups)` defaults to `influence.analysis.flags.detect_flags` when
    that module exists, else no flags. It runs before the layout, so its people have x = y = 0.
    """
    timings: dict[str, float] = {}
    with _timed(timings, "graphs"):
        graphs = build_graphs(input)
        plan = kernel.sampling_plan(
            graphs.size, exact_limit=input.exact_limit, samples=input.samples, seed=input.seed
        )
    with _timed(timings, "metrics"):
        metrics = all_relation_metrics(input, graphs, plan)
        community = kernel.communities(graphs.size, graphs.combined, input.seed)
        people = _people(graphs, metrics, community)
    with _timed(timings, "groups"):
        groups = group_results(input, graphs)
    with _timed(timings, "flags"):
        flagger = flagger or _default_flagger()
        flags = _sorted_flags(flagger(input, people, groups) if flagger else [])
    with _timed(timings, "layout"):
        people = _with_positions(input, graphs, people)
    return AnalysisResult(
        people=tuple(people),
        groups=tuple(groups),
        flags=tuple(flags),
        parameters=_parameters(input, graphs, plan, community),
        warnings=tuple(_warnings(input, graphs, plan, groups)),
        timings=timings,
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - started


def _people(
    graphs: SurveyGraphs, metrics: dict[str, list[RelationMetrics]], community: np.ndarray
) -> list[PersonResult]:
    """PersonResults in id order; positions come later (layout is the last stage)."""
    relations = sorted(metrics)
    return [
        PersonResult(
            person_id=person_id,
            community=label,
            metrics={relation: metrics[relation][i] for relation in relations},
            x=0.0,
            y=0.0,
        )
        for i, (person_id, label) in enumerate(
            zip(graphs.person_ids, community.tolist(), strict=True)
        )
    ]


def _with_positions(
    data: AnalysisInput, graphs: SurveyGraphs, people: list[PersonResult]
) -> list[PersonResult]:
    parents = {team.id: team.parent_id for team in data.teams}
    people_in = people_in_index_order(data, graphs)
    positions = layout(people_in, parents, graphs, dict(data.previous_positions), data.seed)
    return [
        dataclasses.replace(person, x=x, y=y)
        for person, (x, y) in zip(people, positions.tolist(), strict=True)
    ]


def _default_flagger() -> Flagger | None:
    try:
        flags = importlib.import_module(FLAGS_MODULE)
    except ModuleNotFoundError as error:  # not written yet: no flags
        if error.name == FLAGS_MODULE:
            return None
        raise
    return flags.detect_flags


def _sorted_flags(flags: list[FlagResult]) -> list[FlagResult]:
    return sorted(flags, key=lambda flag: (flag.kind, -flag.score, flag.person_id))


def _parameters(
    data: AnalysisInput, graphs: SurveyGraphs, plan: kernel.SamplingPlan, community: np.ndarray
) -> dict:
    sampled = plan.mode == kernel.SAMPLED
    return {
        "betweenness": {
            "mode": plan.mode,
            "samples": len(plan.sources) if sampled else None,
            "normalisation": "networkx: divided by (n-1)(n-2); sampled: by k(n-2), (k-1)(n-2) "
            "for sampled sources",
            "weighted": False,
        },
        "harmonic": {"mode": plan.mode, "samples": len(plan.sources) if sampled else None},
        "pagerank": {"alpha": 0.85, "weight": "strength"},
        "communities": {
            "method": "louvain (networkit PLM), combined undirected graph weighted by ties",
            "count": int(community.max()) + 1 if len(community) else 0,
        },
        "layout": "org chart on a Hilbert curve"
        + (", then spring (seeded)" if graphs.size <= SPRING_LIMIT else ", nudged by ties"),
        "seed": data.seed,
        "exact_limit": data.exact_limit,
        "thresholds": dataclasses.asdict(data.thresholds),
        "people": graphs.size,
        "respondents": sum(1 for p in people_in_index_order(data, graphs) if p.responded),
        "teams": len({team.id for team in data.teams}),
        "relations": sorted(graphs.edges),
        "ties": {relation: len(edges.source) for relation, edges in sorted(graphs.edges.items())},
    }


def _warnings(
    data: AnalysisInput,
    graphs: SurveyGraphs,
    plan: kernel.SamplingPlan,
    groups: list[GroupResult],
) -> list[str]:
    if graphs.size == 0:
        return ["Nobody was invited to this wave: there is nothing to analyse."]
    warnings = []
    organisation = groups[0]
    threshold = data.thresholds.reliable_response_rate
    if organisation.respondents == 0:
        warnings.append("Nobody answered this wave: only the roster is shown, with no ties.")
    elif organisation.low_response:
        warnings.append(
            f"Response rate {_percent(organisation.response_rate)} is below "
            f"{_percent(threshold)}: betweenness is fragile to missing people; "
            "in-degree is robust."
        )
    if plan.mode == kernel.SAMPLED:
        warnings.append(
            f"Betweenness was sampled ({len(plan.sources):,} sources) because the organisation "
            f"has {graphs.size:,} people; harmonic closeness is estimated from the same sources."
        )
    for relation, edges in sorted(graphs.edges.items()):
        if organisation.respondents and len(edges.source) == 0:
            warnings.append(f"Nobody was named for {relation}: its measures are all zero.")
    return warnings


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"
