"""The interactive influence map: the page's config and the JSON the map is drawn from.

Two scopes: a team with its sub-teams (its lead, or HR) and the whole organisation (HR). The
payload is columnar (parallel arrays, person and team ids as ints, rounded positions), so that a
map of 5,000 people stays a few hundred kilobytes: people, teams, flags and formal lines come
once; the ties and sizing values of one relation per request (`part=relation` gives only those);
one person's metrics, percentiles, flags and reviews on demand. Ties point respondent → nominee.

A lead never learns from node data who answered: no `responded`, no out-degree (HR gets both in a
person's details). People of other teams tied to a team are drawn apart, with name and team only.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from math import atan2, cos, hypot, pi, sin

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from influence.models import (
    KIND_EXPLANATIONS,
    AnalysisRun,
    Flag,
    FlagReview,
    PersonMetric,
    PersonPosition,
    kind_label,
)
from influence.reports import withheld_reason
from influence.selectors import analysis_run_pick, analysis_runs_current_for_organization
from surveys.models import Nomination, Question
from teams.models import Person, Team
from teams.selectors import is_hr, team_descendant_ids

ALL = "all"
SIZE_METRICS = (
    ("in_degree", "Named by (in-degree)"),
    ("weighted_in_degree", "Tie strength received"),
    ("pagerank", "PageRank"),
    ("betweenness", "Betweenness (bridges paths)"),
    ("harmonic", "Closeness (harmonic)"),
)
METRICS = tuple(name for name, _ in SIZE_METRICS)
PERCENTILE_METRICS = ("pagerank", "betweenness", "harmonic")  # in-degree's are stored
SCALE = 1000  # sizing values but in-degree go out as integers 0–SCALE of the largest shown
OUTSIDE_RING = 1.35  # other teams' people sit this far out, relative to the farthest member
PERSON_PLACEHOLDER = "{id}"


class MapRelationUnknown(ValueError):
    """A relation the wave did not ask about; the message names the valid ones."""


@dataclass(frozen=True)
class MapScope:
    """What a map shows: one run, and a team with its sub-teams (team_ids) or the whole
    organisation (team None, team_ids None). `identified`: the viewer (HR) may see who answered."""

    run: AnalysisRun
    team: Team | None
    team_ids: frozenset[int] | None
    identified: bool

    @property
    def kind(self) -> str:
        return "organization" if self.team is None else "team"

    def inside(self, team_id: int) -> bool:
        return self.team_ids is None or team_id in self.team_ids


# --- scope and config ----------------------------------------------------------------------


def map_scope_for_team(*, user, team: Team, wave_id: str | None) -> MapScope:
    """`team` comes from team_get_for_user; the run is one of the organisation's analysed
    waves (404 for another)."""
    run = _run_pick(team.organization_id, wave_id)
    ids = team_descendant_ids(organization_id=team.organization_id, root_ids={team.id})
    return MapScope(run=run, team=team, team_ids=frozenset(ids), identified=is_hr(user))


def map_scope_for_organization(*, user, organization_id: int, wave_id: str | None) -> MapScope:
    """`organization_id` comes from organization_get_for_hr."""
    run = _run_pick(organization_id, wave_id)
    return MapScope(run=run, team=None, team_ids=None, identified=is_hr(user))


def _run_pick(organization_id: int, wave_id: str | None) -> AnalysisRun:
    runs = analysis_runs_current_for_organization(organization_id=organization_id)
    run = analysis_run_pick(runs, wave_id)
    if run is None:
        raise Http404("No analysed wave here yet.")
    return run


def map_relations(run: AnalysisRun) -> list[dict]:
    """The wave's relations in question order, with a label and the question asked."""
    rows = (
        Question.objects.filter(survey_id=run.wave.survey_id, kind=Question.Kind.NOMINATION)
        .order_by("position", "id")
        .values_list("relation", "prompt")
    )
    relations: dict[str, dict] = {}
    for slug, prompt in rows:
        label = slug.replace("-", " ").replace("_", " ").capitalize()
        relations.setdefault(slug, {"slug": slug, "label": label, "prompt": prompt})
    return list(relations.values())


def map_relation_check(*, relation: str | None, relations: list[dict]) -> str:
    """The relation asked for; none given: the wave's first. Unknown: MapRelationUnknown."""
    slugs = [r["slug"] for r in relations]
    if relation in (None, ""):
        return slugs[0] if slugs else ALL
    if relation != ALL and relation not in slugs:
        valid = ", ".join([*slugs, ALL])
        raise MapRelationUnknown(f"Unknown relation {relation!r}; choose one of: {valid}.")
    return relation


def map_page_config(*, run: AnalysisRun, team: Team | None) -> dict:
    """Config of templates/influence/_map.html (embedded with json_script)."""
    wave = f"?wave={run.wave_id}"
    if team is None:
        data_url = reverse("organization-map-data")
        person_url = reverse("organization-map-person", kwargs={"person_id": 0})
    else:
        data_url = reverse("team-map-data", kwargs={"team_id": team.pk})
        person_url = reverse("team-map-person", kwargs={"team_id": team.pk, "person_id": 0})
    relations = map_relations(run)
    return {
        "kind": "organization" if team is None else "team",
        "wave": run.wave_id,
        "run": run.pk,
        "team": None if team is None else {"id": team.pk, "name": team.name},
        "data_url": data_url + wave,
        # reverse() needs an int: 0 stands in for the placeholder.
        "person_url": person_url.replace("/0.json", f"/{PERSON_PLACEHOLDER}.json") + wave,
        "person_placeholder": PERSON_PLACEHOLDER,
        "relations": relations,
        "relation": relations[0]["slug"] if relations else ALL,
        "ties_deleted": _ties_deleted(run),
        "sizes": [{"value": name, "label": label} for name, label in SIZE_METRICS],
        "flag_kinds": [
            {"kind": kind.value, "label": kind.label, "meaning": KIND_EXPLANATIONS[kind]}
            for kind in Flag.Kind
        ],
    }


def _ties_deleted(run: AnalysisRun) -> str | None:
    """When retention deleted the wave's nominations ("5 March 2025"): the map has no ties."""
    deleted = run.wave.answers_deleted_at
    if deleted is None:
        return None
    deleted = timezone.localtime(deleted)
    return f"{deleted.day} {deleted:%B %Y}"


# --- the map -------------------------------------------------------------------------------


def map_data(*, scope: MapScope, relation: str, relation_only: bool = False) -> dict:
    """The map's JSON: people, teams, flags, formal lines and the relation's ties and sizing
    values; with `relation_only`, the relation's part alone. Withheld below the threshold."""
    head = {"kind": scope.kind, "wave": scope.run.wave_id, "run": scope.run.pk}
    if scope.run.wave.answers_deleted_at is not None:
        head["ties_deleted"] = _ties_deleted(scope.run)
    withheld = _withheld(scope)
    if withheld:
        return {**head, "withheld": True, "reason": withheld}
    ties = _ties(scope, ALL if scope.team is not None and not relation_only else relation)
    part = {"relation": relation, "edges": _edges(ties, relation)}
    part["metrics"] = _metrics(scope, relation)
    if relation_only:
        part["team_edges"] = _team_edges(part["edges"], _teams_of_people(scope.run))
        return {**head, "withheld": False, **part}
    people = _people(scope, ties)
    formal = _formal(scope, people, people.pop("manager"))
    # Ties between teams, for maps drawn folded into teams (the organisation; big teams).
    team_of = dict(zip(people["id"], people["team"], strict=True))
    part["team_edges"] = _team_edges(part["edges"], team_of)
    base = {
        "withheld": False,
        "people": people,
        "teams": _teams(people),
        **_flags(scope),
        "formal": formal,
    }
    return {**head, **base, **part}


def _withheld(scope: MapScope) -> str:
    """Why the map is withheld (fewer respondents than the anonymity threshold), or ""."""
    rows = PersonPosition.objects.filter(run=scope.run, responded=True)
    if scope.team_ids is not None:
        rows = rows.filter(person__team_id__in=scope.team_ids)
    threshold = settings.ANONYMITY_THRESHOLD
    return withheld_reason(threshold) if rows.count() < threshold else ""


def _ties(scope: MapScope, relation: str) -> list[tuple]:
    """Submitted nominations between people on the run's map (in `relation`, or in all), that
    touch the scope: (respondent, nominee, relation, strength, their teams)."""
    rows = Nomination.objects.filter(
        response__invitation__wave_id=scope.run.wave_id,
        response__submitted_at__isnull=False,
        nominee_id__in=PersonPosition.objects.filter(run=scope.run).values("person_id"),
    )
    if relation != ALL:
        rows = rows.filter(question__relation=relation)
    if scope.team_ids is not None:
        rows = rows.filter(
            Q(response__invitation__person__team_id__in=scope.team_ids)
            | Q(nominee__team_id__in=scope.team_ids)
        )
    return list(
        rows.values_list(
            "response__invitation__person_id",
            "nominee_id",
            "question__relation",
            "strength",
            "response__invitation__person__team_id",
            "nominee__team_id",
        )
    )


def _edges(ties, relation: str) -> list[int]:
    """Flat [from, to, weight, …]: weight the summed strength (1 when not asked) in one
    relation; in all, the number of relations the tie is in."""
    if relation == ALL:
        weights = Counter((src, dst) for src, dst, _ in {tie[:3] for tie in ties})
    else:
        weights = Counter()
        for src, dst, rel, strength, *_ in ties:
            if rel == relation:
                weights[(src, dst)] += strength or 1
    return [value for (src, dst), w in sorted(weights.items()) for value in (src, dst, w)]


def _metrics(scope: MapScope, relation: str) -> dict:
    """Sizing values of the scope's own people (summed over relations for all): in-degree as
    is, the others as integers 0–SCALE of the largest. Other teams' people have none."""
    rows = PersonMetric.objects.filter(run=scope.run)
    if relation != ALL:
        rows = rows.filter(relation=relation)
    if scope.team_ids is not None:
        rows = rows.filter(person__team_id__in=scope.team_ids)
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(METRICS))
    for person_id, *values in rows.values_list("person_id", *METRICS):
        total = totals[person_id]
        for i, value in enumerate(values):
            total[i] += value
    ids = sorted(totals)
    metrics: dict[str, list] = {"person": ids}
    for i, name in enumerate(METRICS):
        column = [totals[pid][i] for pid in ids]
        if name == "in_degree":
            metrics[name] = [int(v) for v in column]
        else:
            top = max(column, default=0.0) or 1.0
            metrics[name] = [round(v / top * SCALE) for v in column]
    return metrics


def _people(scope: MapScope, ties) -> dict[str, list]:
    """Columns by person id: the scope's people and, on a team map, other teams' people tied to
    them (`outside` 1), placed on a ring around the team."""
    rows = PersonPosition.objects.filter(run=scope.run)
    if scope.team_ids is not None:
        outsiders = {
            pid
            for src, dst, _, _, src_team, dst_team in ties
            for pid, team_id in ((src, src_team), (dst, dst_team))
            if not scope.inside(team_id)
        }
        rows = rows.filter(Q(person__team_id__in=scope.team_ids) | Q(person_id__in=outsiders))
    people = list(
        rows.order_by("person_id").values_list(
            "person_id", "person__name", "person__team_id", "person__manager_id", "x", "y",
            "community",
        )
    )  # fmt: skip
    ring = _ring(scope, people) if scope.team is not None else {}
    columns: dict[str, list] = {k: [] for k in ("id", "name", "team", "x", "y", "community")}
    columns["manager"] = []
    for pid, name, team_id, manager_id, x, y, community in people:
        x, y = ring.get(pid, (x, y))
        for key, value in zip(
            ("id", "name", "team", "manager", "x", "y", "community"),
            (pid, name, team_id, manager_id, round(x, 3), round(y, 3), community),
            strict=True,
        ):
            columns[key].append(value)
    if scope.team is not None:
        columns["outside"] = [int(pid in ring) for pid in columns["id"]]
    return columns


def _ring(scope: MapScope, people: list[tuple]) -> dict[int, tuple[float, float]]:
    """Other teams' people on a ring around the team's members, grouped by team, each group
    facing where it sits on the organisation's map, evenly spaced so that nobody overlaps."""
    inside = [(x, y) for _, _, team_id, _, x, y, _ in people if scope.inside(team_id)]
    outside = [(p, t, x, y) for p, _, t, _, x, y, _ in people if not scope.inside(t)]
    if not outside:
        return {}
    cx = sum(x for x, _ in inside) / len(inside) if inside else 0.0
    cy = sum(y for _, y in inside) / len(inside) if inside else 0.0
    radius = max(0.2, max((hypot(x - cx, y - cy) for x, y in inside), default=0.0))
    angle = {pid: atan2(y - cy, x - cx) for pid, _, x, y in outside}
    direction: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for pid, team_id, _, _ in outside:
        direction[team_id][0] += cos(angle[pid])
        direction[team_id][1] += sin(angle[pid])
    team_angle = {team_id: atan2(s, c) for team_id, (c, s) in direction.items()}
    order = sorted(outside, key=lambda o: (team_angle[o[1]], o[1], angle[o[0]], o[0]))
    start, step = team_angle[order[0][1]], 2 * pi / len(order)
    radius *= OUTSIDE_RING
    return {
        pid: (cx + radius * cos(start + i * step), cy + radius * sin(start + i * step))
        for i, (pid, *_) in enumerate(order)
    }


def _teams(people: dict[str, list]) -> dict[str, list]:
    """Teams of the people shown, by id: name, head-count on the map, and the centroid of their
    members (where the organisation map draws a team's aggregate)."""
    members: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for team_id, x, y in zip(people["team"], people["x"], people["y"], strict=True):
        members[team_id].append((x, y))
    names = dict(Team.objects.filter(id__in=members).values_list("id", "name"))
    ids = sorted(members)
    return {
        "id": ids,
        "name": [names[t] for t in ids],
        "size": [len(members[t]) for t in ids],
        "x": [round(sum(x for x, _ in members[t]) / len(members[t]), 3) for t in ids],
        "y": [round(sum(y for _, y in members[t]) / len(members[t]), 3) for t in ids],
    }


def _flags(scope: MapScope) -> dict:
    """`flags`: flat [person id, index into `flag_kinds`, …] of the scope's people."""
    rows = Flag.objects.filter(run=scope.run)
    if scope.team_ids is not None:
        rows = rows.filter(person__team_id__in=scope.team_ids)
    pairs = sorted(set(rows.values_list("person_id", "kind")))
    known = [kind.value for kind in Flag.Kind]
    kinds = known + sorted({kind for _, kind in pairs} - set(known))
    index = {kind: i for i, kind in enumerate(kinds)}
    return {
        "flag_kinds": [[kind, kind_label(kind)] for kind in kinds],
        "flags": [value for pid, kind in pairs for value in (pid, index[kind])],
    }


def _formal(scope: MapScope, people: dict[str, list], managers: list[int | None]) -> list[int]:
    """Flat [manager, report, …]: the scope's people's reporting lines to anyone on the map."""
    shown = set(people["id"])
    return [
        value
        for pid, team_id, manager in zip(people["id"], people["team"], managers, strict=True)
        if manager in shown and scope.inside(team_id)
        for value in (manager, pid)
    ]


def _team_edges(edges: list[int], team_of: dict[int, int]) -> list[int]:
    """Flat [team, team, ties, …]: ties between two teams, both directions counted."""
    counts: Counter = Counter()
    for i in range(0, len(edges), 3):
        a, b = team_of.get(edges[i]), team_of.get(edges[i + 1])
        if a is not None and b is not None and a != b:
            counts[(min(a, b), max(a, b))] += 1
    return [value for (a, b), n in sorted(counts.items()) for value in (a, b, n)]


def _teams_of_people(run: AnalysisRun) -> dict[int, int]:
    rows = PersonPosition.objects.filter(run=run).values_list("person_id", "person__team_id")
    return dict(rows)


# --- one person ----------------------------------------------------------------------------


def map_person(*, scope: MapScope, person_id: int) -> dict:
    """One person's details for the side panel: metrics per relation with percentiles in the
    organisation, flags with evidence, moves and review. 404 outside the scope."""
    position = (
        PersonPosition.objects.filter(run=scope.run, person_id=person_id)
        .select_related("person__team", "person__manager")
        .first()
    )
    if position is None or not scope.inside(position.person.team_id):
        raise Http404("Nobody on this map with that id.")
    withheld = _withheld(scope)
    if withheld:
        return {"withheld": True, "reason": withheld}
    person: Person = position.person
    details = {
        "id": person.pk,
        "name": person.name,
        "title": person.title,
        "team": person.team.name,
        "manager": person.manager.name if person.manager else None,
        "community": position.community,
        "metrics": _person_metrics(scope, person_id),
        "flags": _person_flags(scope.run, person_id),
    }
    if scope.identified:
        details["responded"] = position.responded
    return details


def _person_metrics(scope: MapScope, person_id: int) -> list[dict]:
    relations = {r["slug"]: r["label"] for r in map_relations(scope.run)}
    order = list(relations)
    rows = sorted(
        PersonMetric.objects.filter(run=scope.run, person_id=person_id),
        key=lambda m: (order.index(m.relation) if m.relation in order else len(order), m.relation),
    )
    ranks = _percentiles(scope.run, rows)
    metrics = []
    for m in rows:
        entry = {
            "relation": m.relation,
            "label": relations.get(m.relation, m.relation),
            "in_degree": m.in_degree,
            "in_degree_pct_org": round(m.in_degree_pct_org, 3),
            "in_degree_pct_team": round(m.in_degree_pct_team, 3),
            "weighted_in_degree": round(m.weighted_in_degree, 2),
        }
        for name in PERCENTILE_METRICS:
            entry[name] = float(f"{getattr(m, name):.3g}")
            entry[f"{name}_pct"] = ranks[(m.relation, name)]
        if scope.identified:
            entry["out_degree"] = m.out_degree
        metrics.append(entry)
    return metrics


def _percentiles(run: AnalysisRun, rows: list[PersonMetric]) -> dict[tuple[str, str], float]:
    """Share of the organisation with a lower value, per relation and metric, as the stored
    in-degree percentiles are: one counting query whatever the size."""
    counts = {}
    for i, m in enumerate(rows):
        counts[f"n{i}"] = Count("id", filter=Q(relation=m.relation))
        for name in PERCENTILE_METRICS:
            below = Q(relation=m.relation, **{f"{name}__lt": getattr(m, name)})
            counts[f"{name}{i}"] = Count("id", filter=below)
    if not counts:
        return {}
    totals = PersonMetric.objects.filter(run=run).aggregate(**counts)
    return {
        (m.relation, name): round(totals[f"{name}{i}"] / (totals[f"n{i}"] or 1), 3)
        for i, m in enumerate(rows)
        for name in PERCENTILE_METRICS
    }


def _person_flags(run: AnalysisRun, person_id: int) -> list[dict]:
    flags = list(Flag.objects.filter(run=run, person_id=person_id).order_by("-score", "kind"))
    reviews = {
        review.kind: review
        for review in FlagReview.objects.filter(
            person_id=person_id, kind__in=[flag.kind for flag in flags]
        )
    }
    return [
        {
            "kind": flag.kind,
            "label": flag.kind_label,
            "score": round(flag.score, 2),
            "evidence": list(flag.evidence),
            "moves": list(flag.moves),
            "warning": flag.warning,
            "review": _review(reviews.get(flag.kind), run),
        }
        for flag in flags
    ]


def _review(review: FlagReview | None, run: AnalysisRun) -> dict | None:
    if review is None:
        return None
    return {
        "status": review.status,
        "label": review.get_status_display(),
        "note": review.note,
        "reviewed_at": review.reviewed_at.isoformat(),
        "earlier_wave": review.run_id is not None and review.run_id != run.pk,
    }
