"""A run against the previous wave's run: who is named by more or fewer people, which flags are
new and which were resolved (a flag is the same when person and kind match). A lead's view
passes `team_ids`, so that only people of their teams appear."""

from dataclasses import dataclass

from influence.models import AnalysisRun, Flag, PersonMetric, kind_label
from teams.models import Person

MOVERS_LIMIT = 10


@dataclass(frozen=True)
class Mover:
    person_id: int
    name: str
    email: str
    relation: str
    before: int  # in-degree (distinct nominators) in the previous run
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class FlagChange:
    person_id: int
    name: str
    email: str
    kind: str
    score: float  # in the run where the flag is present

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class Comparison:
    run_id: int
    previous_run_id: int
    movers: list[Mover]  # biggest change in in-degree first
    new_flags: list[FlagChange]
    resolved_flags: list[FlagChange]


def analysis_comparison(
    *,
    run: AnalysisRun,
    previous_run: AnalysisRun,
    limit: int = MOVERS_LIMIT,
    team_ids: set[int] | None = None,
) -> Comparison:
    """Per person and relation present in both runs, the change in in-degree (the `limit`
    biggest, up or down); flags new in `run` and flags of `previous_run` that are gone.
    `team_ids` None for everybody, else only people now in those teams."""
    before = _in_degrees(previous_run, team_ids)
    after = _in_degrees(run, team_ids)
    changes = [
        (key, before[key], degree)
        for key, degree in after.items()
        if key in before and degree != before[key]
    ]
    changes.sort(key=lambda c: (-abs(c[2] - c[1]), c[0][1], c[0][0]))
    changes = changes[:limit]
    flags_before = _flags(previous_run, team_ids)
    flags_after = _flags(run, team_ids)
    new = flags_after.keys() - flags_before.keys()
    gone = flags_before.keys() - flags_after.keys()
    ids = {key[0] for key, _, _ in changes} | {pid for pid, _ in new | gone}
    names = {
        pid: (name, email)
        for pid, name, email in Person.objects.filter(id__in=ids).values_list("id", "name", "email")
    }
    return Comparison(
        run_id=run.pk,
        previous_run_id=previous_run.pk,
        movers=[Mover(pid, *names[pid], rel, b, a) for (pid, rel), b, a in changes],
        new_flags=_flag_changes(new, flags_after, names),
        resolved_flags=_flag_changes(gone, flags_before, names),
    )


def _flag_changes(keys, scores, names) -> list[FlagChange]:
    changes = [FlagChange(pid, *names[pid], kind, scores[(pid, kind)]) for pid, kind in keys]
    return sorted(changes, key=lambda f: (f.kind, -f.score, f.name, f.email))


def _in_degrees(run: AnalysisRun, team_ids: set[int] | None) -> dict[tuple[int, str], int]:
    rows = PersonMetric.objects.filter(run=run)
    if team_ids is not None:
        rows = rows.filter(person__team_id__in=team_ids)
    values = rows.values_list("person_id", "relation", "in_degree")
    return {(pid, relation): degree for pid, relation, degree in values}


def _flags(run: AnalysisRun, team_ids: set[int] | None) -> dict[tuple[int, str], float]:
    rows = Flag.objects.filter(run=run)
    if team_ids is not None:
        rows = rows.filter(person__team_id__in=team_ids)
    values = rows.values_list("person_id", "kind", "score")
    return {(pid, kind): score for pid, kind, score in values}
