"""Reads for an employee's own network page: for one analysed wave, per relation, how many
colleagues named them and how that compares with their team (as a band), whom they named, and
a short, kind reading. A constant number of queries.

Only the person's own results are read. Who named them is read only when their organisation has
switched identified results on; everybody else's answers are never read at all. Flags are never
read here: this page is for the person, not about them.
"""

from dataclasses import dataclass, field

from django.conf import settings

from influence.models import AnalysisRun, PersonMetric, TeamMetric
from influence.selectors import analysis_runs_current_for_organization
from surveys.models import Invitation, Nomination, Question
from teams.models import Person

FEWER, MIDDLE, MORE = "fewer", "middle", "more"
BAND_LABELS = {
    FEWER: "fewer than most of your team",
    MIDDLE: "about the middle of your team",
    MORE: "more than most of your team",
}
BAND_MEANINGS = [
    (BAND_LABELS[FEWER], "at least half of your team were named by more colleagues than you."),
    (BAND_LABELS[MIDDLE], "in between: named about as often as most of your teammates."),
    (BAND_LABELS[MORE], "you were named by more colleagues than at least half of your team."),
]
MANY = 3  # named by at least this many colleagues reads as "many"
RELATION_WORDS = {"decision": "decisions"}

READINGS_MANY = {
    "help": "Many people come to you for help — consider sharing what you know in a short guide "
    "or pairing, so that it does not all rest on you.",
    "advice": "Many colleagues come to you for advice — your experience is valued. Writing down "
    "what you are asked most, or sharing it in a team session, spreads it further and frees some "
    "of your time.",
    "decision": "Many colleagues see your view as settling decisions — it helps to say openly how "
    "you weigh things and to make room for other views, so that decisions stay shared.",
}
READING_MANY = "Many colleagues named you for {words} — you are a point of reference for them."
READING_MORE = "Colleagues named you for {words} a little more often than most of your team."
READING_MIDDLE = "You were named for {words} about as often as most of your team."
READINGS_FEW = {
    "advice": "{few} named you for advice — that is common for new joiners and for people whose "
    "work is more independent. If you would like to be more involved, offering a hand on a "
    "question your team is working on is a good start.",
}
READING_FEW = (
    "{few} named you for {words} — that is common for new joiners and for roles that work more "
    "on their own, and it says nothing about the value of your work."
)
READING_FEWER_OF_MANY = (
    "{count} colleagues named you for {words}; in your team many people are named often, so "
    "that places you below the middle — not out of the picture."
)
READING_SOME = "{count} colleague{plural} named you for {words} in this wave."


@dataclass(frozen=True)
class RelationView:
    relation: str
    words: str  # the relation in running text: "advice", "decisions", "help"
    prompt: str
    named_by_count: int
    band: str | None  # None: the team comparison is withheld
    reading: str
    named_by: list[str] = field(default_factory=list)  # only with identified results
    named: list[str] = field(default_factory=list)  # whom the person named

    @property
    def band_label(self) -> str:
        return BAND_LABELS.get(self.band, "")


@dataclass(frozen=True)
class MyNetwork:
    run: AnalysisRun
    responded: bool
    team_withheld: bool
    identified: bool
    relations: list[RelationView]
    threshold: int


def my_network_runs(*, person: Person) -> list[AnalysisRun]:
    """The current runs of the analysed waves the person was invited to, newest first; each
    run carries `invitation_answered` (two queries)."""
    runs = analysis_runs_current_for_organization(organization_id=person.organization_id)
    answered = dict(
        Invitation.objects.filter(
            person=person, wave_id__in=[run.wave_id for run in runs]
        ).values_list("wave_id", "answered_at")
    )
    mine = [run for run in runs if run.wave_id in answered]
    for run in mine:
        run.invitation_answered = answered[run.wave_id] is not None
    return mine


def my_network_build(*, person: Person, run: AnalysisRun) -> MyNetwork:
    """The person's own network in `run` (a run of `my_network_runs`)."""
    threshold = settings.ANONYMITY_THRESHOLD
    metrics = {m.relation: m for m in PersonMetric.objects.filter(run=run, person=person)}
    team = TeamMetric.objects.filter(run=run, team_id=person.team_id).first()
    team_withheld = team is None or team.respondents < threshold
    higher = {} if team_withheld else _share_named_more(run, person, metrics)
    identified = person.organization.identified_results
    named_by = _named_by(run, person) if identified else {}
    named = _named(run, person)
    relations = []
    for relation, prompt in _relations(run, metrics):
        metric = metrics[relation]
        band = None if team_withheld else _band(metric.in_degree_pct_team, higher[relation])
        words = RELATION_WORDS.get(relation, relation.replace("-", " "))
        relations.append(
            RelationView(
                relation=relation,
                words=words,
                prompt=prompt,
                named_by_count=metric.in_degree,
                band=band,
                reading=_reading(relation, words, metric.in_degree, band),
                named_by=named_by.get(relation, []),
                named=named.get(relation, []),
            )
        )
    return MyNetwork(
        run=run,
        responded=run.invitation_answered,
        team_withheld=team_withheld,
        identified=identified,
        relations=relations,
        threshold=threshold,
    )


def _relations(run: AnalysisRun, metrics: dict) -> list[tuple[str, str]]:
    """The wave's nomination questions in survey order, those with a result for the person."""
    questions = Question.objects.filter(
        survey_id=run.wave.survey_id, kind=Question.Kind.NOMINATION
    ).order_by("position", "id")
    seen, relations = set(), []
    for relation, prompt in questions.values_list("relation", "prompt"):
        if relation in metrics and relation not in seen:
            seen.add(relation)
            relations.append((relation, prompt))
    relations += [(r, "") for r in sorted(metrics) if r not in seen]
    return relations


def _share_named_more(run: AnalysisRun, person: Person, metrics: dict) -> dict[str, float]:
    """Per relation, the share of the person's team named by more colleagues than them. Only
    counts are read, never who named whom."""
    rows = PersonMetric.objects.filter(run=run, person__team_id=person.team_id).values_list(
        "relation", "in_degree"
    )
    above: dict[str, int] = dict.fromkeys(metrics, 0)
    size: dict[str, int] = dict.fromkeys(metrics, 0)
    for relation, in_degree in rows:
        if relation in metrics:
            size[relation] += 1
            above[relation] += in_degree > metrics[relation].in_degree
    return {relation: above[relation] / (size[relation] or 1) for relation in metrics}


def _band(share_below: float, share_above: float) -> str:
    if share_below >= 0.5:
        return MORE
    if share_above >= 0.5:
        return FEWER
    return MIDDLE


def _reading(relation: str, words: str, count: int, band: str | None) -> str:
    if count >= MANY and band in (MORE, None):
        return READINGS_MANY.get(relation, READING_MANY.format(words=words))
    if band == MORE:
        return READING_MORE.format(words=words)
    if band == MIDDLE:
        return READING_MIDDLE.format(words=words)
    if band == FEWER and count >= MANY:
        return READING_FEWER_OF_MANY.format(count=count, words=words)
    if band == FEWER or count == 0:
        few = "No colleague" if count == 0 else "Few colleagues"
        return READINGS_FEW.get(relation, READING_FEW).format(few=few, words=words)
    return READING_SOME.format(count=count, plural="" if count == 1 else "s", words=words)


def _submitted(run: AnalysisRun):
    return Nomination.objects.filter(
        response__invitation__wave_id=run.wave_id, response__submitted_at__isnull=False
    )


def _named(run: AnalysisRun, person: Person) -> dict[str, list[str]]:
    """Whom the person named, per relation: their own answers."""
    rows = (
        _submitted(run)
        .filter(response__invitation__person=person)
        .order_by("nominee__name", "nominee_id")
        .values_list("question__relation", "nominee_id", "nominee__name")
    )
    return _grouped(rows)


def _named_by(run: AnalysisRun, person: Person) -> dict[str, list[str]]:
    """Who named the person, per relation (identified results only)."""
    rows = (
        _submitted(run)
        .filter(nominee=person)
        .order_by("response__invitation__person__name", "response__invitation__person_id")
        .values_list(
            "question__relation",
            "response__invitation__person_id",
            "response__invitation__person__name",
        )
    )
    return _grouped(rows)


def _grouped(rows) -> dict[str, list[str]]:
    """Names per relation, each person once (a name may be shared by two people)."""
    grouped: dict[str, dict[int, str]] = {}
    for relation, person_id, name in rows:
        grouped.setdefault(relation, {}).setdefault(person_id, name)
    return {relation: list(names.values()) for relation, names in grouped.items()}
