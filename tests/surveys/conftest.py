"""Survey fixtures on top of `world`: an open wave of a survey with every question kind."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Invitation, InvitationLink, Question, Survey, Wave
from surveys.services import QuestionSpec, survey_create, wave_create, wave_open
from surveys.tokens import token_new


@dataclass
class SurveyWorld:
    survey: Survey
    wave: Wave
    advice: Question  # nomination with strength, max 3
    decision: Question  # nomination, max 5
    rating: Question
    text: Question


def questions() -> list[QuestionSpec]:
    return [
        QuestionSpec(
            relation="advice",
            prompt="Who do you go to for advice?",
            max_nominees=3,
            ask_strength=True,
        ),
        QuestionSpec(relation="decision", prompt="Whose view settles decisions?"),
        QuestionSpec(kind="rating", prompt="How is trust in your team going?"),
        QuestionSpec(kind="text", prompt="Anything else?"),
    ]


@pytest.fixture
def survey_world(world, django_capture_on_commit_callbacks) -> SurveyWorld:
    survey = survey_create(
        organization=world.org, title="Pulse", questions=questions(), created_by=world.hr
    )
    now = timezone.now()
    wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=wave)
    wave.refresh_from_db()
    advice, decision, rating, text = survey.questions.order_by("position")
    return SurveyWorld(survey, wave, advice, decision, rating, text)


@pytest.fixture
def link_for():
    """link_for(invitation) -> a fresh valid token for that invitation (as if e-mailed)."""

    def issue(invitation: Invitation) -> str:
        token, digest = token_new()
        InvitationLink.objects.create(invitation=invitation, token_hash=digest)
        return token

    return issue
