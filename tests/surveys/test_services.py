"""Survey lifecycle: waves open and close once, invitations and reminders go out once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.answering import AnswerSet, link_resolve, response_save
from surveys.models import Invitation, InvitationEvent, Survey, Wave
from surveys.services import (
    bank_questions,
    invitation_resend,
    survey_archive,
    survey_copy,
    survey_create,
    survey_update,
    wave_close,
    wave_create,
    wave_open,
    waves_tick,
)
from tests.surveys.conftest import questions

pytestmark = pytest.mark.django_db


def test_opening_a_wave_invites_the_active_audience_once_and_emails_a_link(survey_world, world):
    invited = set(survey_world.wave.invitations.values_list("person__email", flat=True))
    assert invited == {
        "hr@acme.test",
        "lead@acme.test",
        "eng@acme.test",
        "plat@acme.test",
        "sales@acme.test",
    }
    assert len(mail.outbox) == 5
    body = mail.outbox[0].body
    token = body.split("/s/", 1)[1].split("/", 1)[0]
    assert len(token) >= 43  # 32 random bytes, base64url
    state = link_resolve(token)
    assert state.invitation is not None and not state.problem
    assert token not in str(list(Invitation.objects.values()))  # only the hash is stored
    assert not wave_open(wave=survey_world.wave)  # already open: nothing happens twice
    assert Invitation.objects.count() == 5


def test_audience_of_chosen_teams_includes_sub_teams(world, django_capture_on_commit_callbacks):
    survey = survey_create(
        organization=world.org,
        title="Eng",
        questions=questions(),
        audience_team_ids=[world.engineering.id],
    )
    now = timezone.now()
    wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=3))
    wave_open(wave=wave)
    assert set(wave.invitations.values_list("person__email", flat=True)) == {
        "lead@acme.test",
        "eng@acme.test",
        "plat@acme.test",
    }


def test_closing_records_the_analysis_request_and_stops_answers(survey_world, link_for):
    invitation = survey_world.wave.invitations.first()
    token = link_for(invitation)
    assert wave_close(wave=survey_world.wave)
    assert not wave_close(wave=survey_world.wave)
    survey_world.wave.refresh_from_db()
    assert survey_world.wave.analysis_requested_at is not None
    assert "closed on" in link_resolve(token).problem
    with pytest.raises(ValidationError, match="closed on"):
        response_save(invitation=invitation, answers=AnswerSet(), submit=True)


def test_tick_opens_and_closes_a_one_off_survey_on_time(world, django_capture_on_commit_callbacks):
    start = timezone.now() + timedelta(hours=1)
    survey_create(
        organization=world.org,
        title="Once",
        questions=questions(),
        opens_at=start,
        closes_at=start + timedelta(days=5),
    )
    assert waves_tick(now=start - timedelta(minutes=1)) == {
        "planned": 0,
        "opened": 0,
        "closed": 0,
        "reminders": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        result = waves_tick(now=start + timedelta(minutes=1))
    assert result["planned"] == 1 and result["opened"] == 1
    assert len(mail.outbox) == 5
    assert waves_tick(now=start + timedelta(days=5, minutes=1))["closed"] == 1
    assert waves_tick(now=start + timedelta(days=30)) == {
        "planned": 0,
        "opened": 0,
        "closed": 0,
        "reminders": 0,
    }
    assert Wave.objects.get().status == Wave.Status.CLOSED


def test_recurring_pulse_makes_a_wave_every_n_weeks(world):
    start = timezone.now() - timedelta(minutes=5)
    survey = survey_create(
        organization=world.org,
        title="Pulse",
        questions=questions(),
        schedule="recurring",
        opens_at=start,
        every_weeks=2,
        window_days=5,
    )
    waves_tick(now=start + timedelta(minutes=1))
    waves_tick(now=start + timedelta(days=5, minutes=2))  # first window closes
    waves_tick(now=start + timedelta(days=10))  # nothing yet
    assert survey.waves.count() == 1
    waves_tick(now=start + timedelta(weeks=2, minutes=1))
    waves = list(survey.waves.order_by("number").values_list("number", "status"))
    assert waves == [(1, "closed"), (2, "open")]


def test_reminders_go_to_people_who_have_not_answered_once_per_reminder_day(
    world, link_for, django_capture_on_commit_callbacks
):
    start = timezone.now() - timedelta(minutes=1)
    survey_create(
        organization=world.org,
        title="R",
        questions=questions(),
        opens_at=start,
        closes_at=start + timedelta(days=10),
        reminder_days=[3, 6],
    )
    with django_capture_on_commit_callbacks(execute=True):
        waves_tick(now=start + timedelta(seconds=30))
    wave = Wave.objects.get()
    answered = wave.invitations.get(person=world.engineer)
    response_save(invitation=answered, answers=AnswerSet(), submit=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert waves_tick(now=start + timedelta(days=3, minutes=1))["reminders"] == 1
        assert waves_tick(now=start + timedelta(days=3, minutes=6))["reminders"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hr@acme.test",
        "lead@acme.test",
        "plat@acme.test",
        "sales@acme.test",
    ]
    assert all(m.subject.startswith("Reminder:") for m in mail.outbox)
    history = list(answered.events.values_list("kind", flat=True))
    assert history == [InvitationEvent.Kind.SENT, InvitationEvent.Kind.ANSWERED]


def test_every_emailed_link_works_until_revoked(survey_world):
    invitation = survey_world.wave.invitations.get(person__email="eng@acme.test")
    first = [m for m in mail.outbox if m.to == ["eng@acme.test"]][0].body
    old = first.split("/s/", 1)[1].split("/", 1)[0]
    mail.outbox.clear()
    invitation_resend(invitation=invitation)
    new = mail.outbox[0].body.split("/s/", 1)[1].split("/", 1)[0]
    assert link_resolve(old).invitation == invitation == link_resolve(new).invitation
    invitation_resend(invitation=invitation, revoke_previous=True)
    assert "replaced by a newer one" in link_resolve(old).problem
    assert "replaced by a newer one" in link_resolve(new).problem
    assert "not recognised" in link_resolve("made-up-token").problem


def test_questions_are_frozen_once_a_wave_opened_and_copy_makes_a_fresh_survey(survey_world):
    with pytest.raises(ValidationError, match="Copy the survey"):
        survey_update(survey=survey_world.survey, questions=bank_questions(["help"]))
    renamed = survey_update(survey=survey_world.survey, title="Pulse (renamed)")
    copy = survey_copy(survey=renamed)
    assert copy.title == "Pulse (renamed) (copy)"
    assert list(copy.questions.values_list("relation", flat=True)) == ["advice", "decision", "", ""]
    assert copy.waves.count() == 0
    survey_update(survey=copy, questions=bank_questions(["help", "trust"]))
    assert copy.questions.count() == 2


def test_archive_needs_the_open_wave_closed(survey_world):
    with pytest.raises(ValidationError, match="Close the open wave"):
        survey_archive(survey=survey_world.survey)
    wave_close(wave=survey_world.wave)
    assert survey_archive(survey=survey_world.survey).status == Survey.Status.ARCHIVED
    with pytest.raises(ValidationError, match="archived"):
        now = timezone.now()
        wave_create(survey=survey_world.survey, opens_at=now, closes_at=now + timedelta(days=1))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "title"),
        ({"schedule": "recurring"}, "every N weeks"),
        ({"schedule": "recurring", "every_weeks": 1, "window_days": 9}, "shorter than the time"),
        ({"reminder_days": [0]}, "whole days"),
    ],
)
def test_bad_survey_settings_say_what_to_fix(world, fields, message):
    with pytest.raises(ValidationError, match=message):
        survey_create(
            organization=world.org, title=fields.pop("title", "T"), questions=questions(), **fields
        )
    assert not Survey.objects.exists()


def test_duplicate_titles_and_relations_are_refused(world):
    survey_create(organization=world.org, title="Pulse", questions=questions())
    with pytest.raises(ValidationError, match="already exists"):
        survey_create(organization=world.org, title="pulse", questions=questions())
    with pytest.raises(ValidationError, match="only once"):
        survey_create(
            organization=world.org, title="Other", questions=bank_questions(["help", "help"])
        )
    with pytest.raises(ValidationError, match="Not in the question bank"):
        bank_questions(["gossip"])
