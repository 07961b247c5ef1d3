"""An analysed organisation big enough for the dashboards (teams above the anonymity threshold),
built on `world` with the real analysis pipeline.

Engineering (lead Lea Dorn, Eli Ng and eight more) with its sub-team Platform (Pia Torres and four
more), Sales (Sam Ode and five more), People (Hana Reyes, HR). Planted:
- `star` (Nia Star, engineering, no reports): everybody in Engineering and Platform names her for
  decisions -> informal decision-maker, and Lea Dorn a bypassed lead;
- `helper` (Hal Help, platform): named for help by nearly everyone -> the help hub;
- `quiet` (Quinn Quiet, engineering): does not answer and nobody names them -> silent (unseen);
- `bridge` (Bo Bridge, sales): the one seller who talks to engineering, with Eli Ng (flagged
  broker) on the other side; Hana Reyes (HR, no answer, not named) is also a silent member.
Wave 1 is closed and analysed (`run`); `analyse_next_wave(dw)` closes and analyses a wave 2 where
the star is named by fewer people (her flag and the bypassed lead's are resolved there).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from influence.models import AnalysisRun
from surveys.answering import AnswerSet, response_save
from surveys.models import Survey, Wave
from surveys.services import QuestionSpec, survey_create, wave_close, wave_create, wave_open
from teams.models import Person
from tests.conftest import World
from tests.factories import PersonFactory, login_for


@dataclass
class DashboardWorld:
    world: World
    survey: Survey
    wave: Wave
    run: AnalysisRun
    star: Person
    helper: Person
    quiet: Person
    bridge: Person
    engineering: list[Person] = field(default_factory=list)  # everyone in Engineering itself
    platform: list[Person] = field(default_factory=list)
    sales: list[Person] = field(default_factory=list)

    @property
    def lead_teams(self) -> list[Person]:
        return self.engineering + self.platform


def _people(team, prefix, n, manager) -> list[Person]:
    return [
        PersonFactory(
            team=team,
            email=f"{prefix}{i}@acme.test",
            name=f"{prefix.capitalize()} Person{i}",
            manager=manager,
        )
        for i in range(1, n + 1)
    ]


def _questions() -> list[QuestionSpec]:
    return [
        QuestionSpec(relation="advice", prompt="Who do you go to for advice?", ask_strength=True),
        QuestionSpec(relation="decision", prompt="Whose view settles decisions?"),
        QuestionSpec(relation="help", prompt="Who helps you when you are stuck?"),
    ]


def _open_wave(survey: Survey, django_capture_on_commit_callbacks, *, days_ago: int) -> Wave:
    now = timezone.now()
    wave = wave_create(
        survey=survey, opens_at=now - timedelta(days=days_ago), closes_at=now + timedelta(days=7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=wave, send=False)
    wave.refresh_from_db()
    return wave


def _answer(wave: Wave, person: Person, relations: dict[str, list[Person]]) -> None:
    questions = {q.relation: q.id for q in wave.survey.questions.filter(kind="nomination")}
    nominees = {
        questions[relation]: [(p.id, 3 if relation == "advice" else None) for p in people]
        for relation, people in relations.items()
    }
    invitation = wave.invitations.get(person=person)
    response_save(invitation=invitation, answers=AnswerSet(nominees=nominees), submit=True)


def answer_wave(dw: DashboardWorld, wave: Wave, *, star_named_by: int | None = None) -> None:
    """Everybody but `quiet` and HR answers. Insiders name the star for decisions (the first
    `star_named_by` of them only, when given), the helper for help, a neighbour for advice."""
    w = dw.world
    insiders = [p for p in dw.lead_teams if p not in (dw.quiet, dw.star)]
    deciders = insiders if star_named_by is None else insiders[:star_named_by]
    for i, person in enumerate(insiders):
        neighbour = insiders[(i + 1) % len(insiders)]
        relations = {
            "advice": [neighbour],
            "decision": [dw.star] if person in deciders or person == w.lead else [w.lead],
            "help": [dw.helper] if person != dw.helper else [neighbour],
        }
        if person == w.engineer:
            relations["advice"].append(dw.bridge)
        _answer(wave, person, relations)
    _answer(wave, dw.star, {"advice": [w.lead], "decision": [w.lead], "help": [dw.helper]})
    for i, person in enumerate(dw.sales):
        neighbour = dw.sales[(i + 1) % len(dw.sales)]
        decider = w.seller if person != w.seller else dw.bridge
        relations = {"advice": [neighbour], "decision": [decider], "help": [neighbour]}
        if person == dw.bridge:
            relations["advice"] = [neighbour, w.engineer]
        _answer(wave, person, relations)


def close_and_analyse(
    wave: Wave, django_capture_on_commit_callbacks, *, days_ago: int = 0
) -> AnalysisRun:
    with django_capture_on_commit_callbacks(execute=True):
        wave_close(wave=wave, now=timezone.now() - timedelta(days=days_ago))
    run = AnalysisRun.objects.get(wave=wave)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    return run


@pytest.fixture
def dashboard_world(world, django_capture_on_commit_callbacks) -> DashboardWorld:
    w = world
    star = PersonFactory(
        team=w.engineering, email="star@acme.test", name="Nia Star", manager=w.lead
    )
    quiet = PersonFactory(
        team=w.engineering, email="quiet@acme.test", name="Quinn Quiet", manager=w.lead
    )
    helper = PersonFactory(team=w.platform, email="help@acme.test", name="Hal Help", manager=w.lead)
    bridge = PersonFactory(team=w.sales, email="bridge@acme.test", name="Bo Bridge")
    engineering = [w.lead, w.engineer, star, quiet, *_people(w.engineering, "eng", 6, w.lead)]
    platform = [w.platform_engineer, helper, *_people(w.platform, "plat", 3, w.lead)]
    sales = [w.seller, bridge, *_people(w.sales, "sell", 4, w.seller)]
    for person in (star, quiet, helper, bridge):
        login_for(person)
    survey = survey_create(
        organization=w.org, title="Pulse", questions=_questions(), created_by=w.hr
    )
    wave = _open_wave(survey, django_capture_on_commit_callbacks, days_ago=30)
    dw = DashboardWorld(
        w, survey, wave, None, star, helper, quiet, bridge, engineering, platform, sales
    )
    answer_wave(dw, wave)
    dw.run = close_and_analyse(wave, django_capture_on_commit_callbacks, days_ago=23)
    return dw


@pytest.fixture
def analyse_next_wave(django_capture_on_commit_callbacks):
    """analyse_next_wave(dw, star_named_by=3) -> the run of a new, answered, closed wave 2."""

    def analyse(dw: DashboardWorld, *, star_named_by: int = 3) -> AnalysisRun:
        wave = _open_wave(dw.survey, django_capture_on_commit_callbacks, days_ago=0)
        answer_wave(dw, wave, star_named_by=star_named_by)
        return close_and_analyse(wave, django_capture_on_commit_callbacks)

    return analyse


__all__ = ["DashboardWorld", "answer_wave", "close_and_analyse"]
