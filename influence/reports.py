"""The report of a run as plain JSON-ready data: the shape of `manage.py export_report --format
json` and of `GET /api/waves/<id>/report/`.

The caller decides the scope (influence.selectors.report_team_ids_for_user): the whole
organisation, or a lead's teams, whose people and team rows alone are included. Aggregates of a
group with fewer respondents than settings.ANONYMITY_THRESHOLD are withheld, with the reason.
A lead's report never tells who answered: `responded` and `out_degree` (how many a person named)
are null there, as the survey pages never show a lead who answered either.
"""

from collections import defaultdict

from django.conf import settings

from influence.models import AnalysisRun, Flag, PersonMetric, PersonPosition, TeamMetric

METRIC_FIELDS = (
    "in_degree",
    "weighted_in_degree",
    "out_degree",
    "pagerank",
    "betweenness",
    "harmonic",
    "in_degree_pct_org",
    "in_degree_pct_team",
)
ERASED_NAME = "Erased person"


def withheld_reason(threshold: int) -> str:
    return (
        f"Fewer than {threshold} people of this group answered, so its aggregates are withheld: "
        "with so few answers they could tell who said what."
    )


def report_build(
    *, run: AnalysisRun, team_ids: set[int] | None = None, person_ids: bool = False
) -> dict:
    """The run's results; `team_ids` None for the whole organisation, else only those teams'
    people, flags and team rows (and no organisation row). Erased people read as "Erased
    person" with no e-mail or title. `person_ids` adds "id" to people and "person_id" to flags
    (for the export files, which join them with more data; not part of the JSON shape)."""
    run = AnalysisRun.objects.select_related("wave__survey__organization").get(pk=run.pk)
    wave = run.wave
    organization = wave.survey.organization
    return {
        "organization": {
            "id": organization.id,
            "name": organization.name,
            "slug": organization.slug,
        },
        "wave": {
            "id": wave.id,
            "survey": wave.survey.title,
            "number": wave.number,
            "status": wave.status,
            "closed_at": wave.closed_at.isoformat() if wave.closed_at else None,
        },
        "run": {
            "id": run.id,
            "status": run.status,
            "parameters": run.parameters,
            "warnings": run.warnings,
        },
        "people": _people(run, team_ids, person_ids),
        "flags": _flags(run, team_ids, person_ids),
        "teams": report_team_rows(run, team_ids, organization.name),
    }


def _people(run: AnalysisRun, team_ids: set[int] | None, person_ids: bool) -> list[dict]:
    positions = PersonPosition.objects.filter(run=run).select_related("person__team")
    metric_rows = PersonMetric.objects.filter(run=run)
    if team_ids is not None:
        positions = positions.filter(person__team_id__in=team_ids)
        metric_rows = metric_rows.filter(person__team_id__in=team_ids)
    metrics: dict[int, dict[str, dict]] = defaultdict(dict)
    for person_id, relation, *values in metric_rows.order_by("person_id", "relation").values_list(
        "person_id", "relation", *METRIC_FIELDS
    ):
        row = dict(zip(METRIC_FIELDS, values, strict=True))
        if team_ids is not None:
            row["out_degree"] = None
        metrics[person_id][relation] = row
    people = []
    for position in positions.order_by("person__name", "person__email"):
        person = position.person
        erased = person.erased_at is not None
        row = {
            "email": "" if erased else person.email,
            "name": ERASED_NAME if erased else person.name,
            "team": person.team.name,
            "title": "" if erased else person.title,
            "responded": position.responded if team_ids is None else None,
            "community": position.community,
            "metrics": metrics.get(position.person_id, {}),
        }
        people.append({"id": person.id, **row} if person_ids else row)
    return people


def _flags(run: AnalysisRun, team_ids: set[int] | None, person_ids: bool) -> list[dict]:
    flags = Flag.objects.filter(run=run)
    if team_ids is not None:
        flags = flags.filter(person__team_id__in=team_ids)
    rows = flags.order_by("kind", "-score", "person__email").values_list(
        "person_id",
        "person__erased_at",
        "person__email",
        "kind",
        "score",
        "evidence",
        "moves",
        "warning",
    )
    keys = ("email", "kind", "score", "evidence", "moves", "warning")
    found = []
    for person_id, erased_at, email, *rest in rows:
        row = dict(zip(keys, ("" if erased_at else email, *rest), strict=True))
        found.append({"person_id": person_id, **row} if person_ids else row)
    return found


def report_team_rows(
    run: AnalysisRun, team_ids: set[int] | None, organization_name: str
) -> list[dict]:
    """The team (and, for the organisation, organisation) rows of a run, withheld under the
    anonymity threshold with the reason."""
    threshold = settings.ANONYMITY_THRESHOLD
    rows = TeamMetric.objects.filter(run=run).select_related("team")
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    ordered = sorted(rows, key=lambda r: (r.team_id is not None, r.team.name if r.team else ""))
    teams = []
    for row in ordered:
        withheld = row.respondents < threshold
        entry = {
            "team_id": row.team_id,
            "name": row.team.name if row.team else organization_name,
            "size": row.size,
            "respondents": row.respondents,
            "response_rate": row.response_rate,
            "withheld": withheld,
            "low_response": row.low_response,
        }
        if withheld:
            entry["reason"] = withheld_reason(threshold)
        else:
            entry["relations"] = row.relations
        teams.append(entry)
    return teams
