"""Retention: raw answers (nominations, free text) of closed waves past the organisation's
setting are deleted; invitations, response rates and ratings stay; open and recent waves, and
organisations without the setting, are untouched. Idempotent, audited, also a command and a task."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from surveys.answering import AnswerSet, response_save
from surveys.models import Answer, Nomination, Wave
from surveys.retention import retention_apply
from surveys.services import wave_close, wave_create, wave_open
from surveys.tasks import retention as retention_task
from teams.models import AuditEvent, Organization

pytestmark = pytest.mark.django_db


def answer(sw, wave, person, nominee, text="Fine.") -> None:
    invitation = wave.invitations.get(person=person)
    answers = AnswerSet(
        nominees={sw.advice.id: [(nominee.id, 2)], sw.decision.id: [(nominee.id, None)]},
        ratings={sw.rating.id: 4},
        texts={sw.text.id: text},
    )
    response_save(invitation=invitation, answers=answers, submit=True)


def closed(wave, days_ago: int) -> Wave:
    wave_close(wave=wave, now=timezone.now() - timedelta(days=days_ago))
    wave.refresh_from_db()
    return wave


def keep_for(organization, days) -> None:
    Organization.objects.filter(pk=organization.pk).update(retention_days=days)


@pytest.fixture
def waves(world, survey_world, django_capture_on_commit_callbacks):
    """survey_world's wave closed 100 days ago, a second closed 10 days ago, a third open."""
    sw, w = survey_world, world
    answer(sw, sw.wave, w.engineer, w.lead, text="Eli here: the planning is a mess.")
    answer(sw, sw.wave, w.seller, w.engineer)
    old = closed(sw.wave, 100)
    now = timezone.now()
    recent = wave_create(
        survey=sw.survey, opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=recent, send=False)
    answer(sw, recent, w.engineer, w.seller)
    recent = closed(recent, 10)
    current = wave_create(survey=sw.survey, opens_at=now, closes_at=now + timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=current, send=False)
    answer(sw, current, w.seller, w.lead)
    return old, recent, current


def raw(wave) -> tuple[int, int]:
    nominations = Nomination.objects.filter(response__invitation__wave=wave).count()
    texts = Answer.objects.filter(response__invitation__wave=wave).exclude(text="").count()
    return nominations, texts


def test_old_closed_waves_lose_their_raw_answers_only(world, waves):
    old, recent, current = waves
    keep_for(world.org, 30)
    answered_before = sorted(old.invitations.values_list("person_id", "answered_at"))
    assert raw(old) == (4, 2)

    done = retention_apply()

    assert done == [(old.pk, {"nominations": 4, "text_answers": 2})]
    assert raw(old) == (0, 0)
    assert raw(recent) == (2, 1) and raw(current) == (2, 1)
    # Response rates and ratings stay.
    assert sorted(old.invitations.values_list("person_id", "answered_at")) == answered_before
    assert Answer.objects.filter(response__invitation__wave=old, rating=4).count() == 2
    old.refresh_from_db()
    assert old.answers_deleted_at is not None
    assert Wave.objects.get(pk=recent.pk).answers_deleted_at is None


def test_a_second_pass_deletes_nothing_more(world, waves):
    old, *_ = waves
    keep_for(world.org, 30)
    retention_apply()
    first = Wave.objects.get(pk=old.pk).answers_deleted_at
    assert retention_apply(now=timezone.now() + timedelta(days=1)) == []
    assert Wave.objects.get(pk=old.pk).answers_deleted_at == first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION).count() == 1


def test_each_deletion_is_audited_without_anyone_acting(world, waves):
    old, *_ = waves
    keep_for(world.org, 30)
    retention_apply()
    line = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION)
    assert line.actor_id is None and line.organization_id == world.org.pk
    assert line.target == f"wave {old.pk}"
    assert line.detail == {"nominations": 4, "text_answers": 2, "retention_days": 30}


def test_without_the_setting_nothing_is_deleted(world, waves):
    old, *_ = waves
    assert retention_apply(now=timezone.now() + timedelta(days=3650)) == []
    assert raw(old) == (4, 2)


def test_the_setting_counts_from_when_the_wave_closed(world, waves):
    old, recent, _ = waves
    keep_for(world.org, 30)
    later = timezone.now() + timedelta(days=25)  # recent closed 35 days before then
    assert [wave_id for wave_id, _ in retention_apply(now=later)] == [old.pk, recent.pk]


def test_another_organisation_keeps_its_own_setting(world, waves):
    old, *_ = waves
    keep_for(world.other_org, 30)
    assert retention_apply() == []
    assert raw(old) == (4, 2)


def test_the_command_lists_or_deletes(world, waves):
    old, *_ = waves
    keep_for(world.org, 30)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"wave {old.pk} (acme: Pulse, wave 1" in out.getvalue()
    assert "would delete 4 nominations and 2 free-text answers" in out.getvalue()
    assert "Dry run: nothing was deleted." in out.getvalue()
    assert raw(old) == (4, 2) and Wave.objects.get(pk=old.pk).answers_deleted_at is None

    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "deleted 4 nominations and 2 free-text answers" in out.getvalue()
    assert raw(old) == (0, 0)

    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert out.getvalue().strip() == "No wave is past its organisation's retention period."


def test_the_task_applies_retention_as_a_task(world, waves):
    old, *_ = waves
    keep_for(world.org, 30)
    assert retention_task.delay().get() == 1
    assert raw(old) == (0, 0)
    assert AuditEvent.objects.get(action=AuditEvent.Action.RETENTION).source == "task"
