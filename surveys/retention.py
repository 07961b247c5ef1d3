"""Retention: the raw answers of a closed wave (who named whom, free text) are deleted once the
organisation's `retention_days` have passed since it closed; the analysis results stay.

Kept: invitations with their answered dates (response rates), responses and ratings, and every
result of the influence analysis (runs, metrics, positions, flags, team aggregates). The wave is
marked with `answers_deleted_at`, so it is never analysed again (its ties are gone) and the
next pass skips it: running this twice deletes nothing more.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from surveys.models import Answer, Nomination, Wave
from teams.audit import audit_record
from teams.models import AuditEvent, Organization


@dataclass(frozen=True)
class RetentionDue:
    """A closed wave past its organisation's retention period."""

    wave: Wave
    retention_days: int


def retention_due(*, now: datetime | None = None) -> list[RetentionDue]:
    """Closed waves whose raw answers are past their organisation's retention period, by id."""
    now = now or timezone.now()
    due: list[RetentionDue] = []
    for organization in Organization.objects.filter(retention_days__isnull=False).order_by("id"):
        waves = Wave.objects.filter(
            survey__organization=organization,
            status=Wave.Status.CLOSED,
            answers_deleted_at__isnull=True,
            closed_at__lt=now - timedelta(days=organization.retention_days),
        ).select_related("survey__organization")
        due += [RetentionDue(wave, organization.retention_days) for wave in waves.order_by("id")]
    return due


def wave_raw_answers(wave: Wave) -> tuple[QuerySet[Nomination], QuerySet[Answer]]:
    """The wave's nominations and free-text answers (ratings hold nothing about anyone)."""
    nominations = Nomination.objects.filter(response__invitation__wave_id=wave.pk)
    texts = Answer.objects.filter(response__invitation__wave_id=wave.pk).exclude(text="")
    return nominations, texts


def wave_raw_answer_counts(wave: Wave) -> dict[str, int]:
    nominations, texts = wave_raw_answers(wave)
    return {"nominations": nominations.count(), "text_answers": texts.count()}


def wave_answers_delete(*, wave: Wave, retention_days: int, now: datetime) -> dict | None:
    """Delete the wave's raw answers and mark it; None when another pass already did."""
    with transaction.atomic():
        wave = Wave.objects.select_for_update().select_related("survey").get(pk=wave.pk)
        if wave.answers_deleted_at is not None:
            return None
        nominations, texts = wave_raw_answers(wave)
        counts = {"nominations": nominations.delete()[0], "text_answers": texts.delete()[0]}
        wave.answers_deleted_at = now
        wave.full_clean()
        wave.save(update_fields=["answers_deleted_at"])
        audit_record(
            action=AuditEvent.Action.RETENTION,
            actor=None,
            organization=wave.survey.organization_id,
            target=f"wave {wave.pk}",
            detail={**counts, "retention_days": retention_days},
        )
    return counts


def retention_apply(
    *, now: datetime | None = None, dry_run: bool = False
) -> list[tuple[int, dict[str, int]]]:
    """(wave id, counts) for every wave past its retention period: deleted, or with `dry_run`
    what would be. Idempotent."""
    now = now or timezone.now()
    done = []
    for item in retention_due(now=now):
        if dry_run:
            done.append((item.wave.pk, wave_raw_answer_counts(item.wave)))
            continue
        counts = wave_answers_delete(wave=item.wave, retention_days=item.retention_days, now=now)
        if counts is not None:
            done.append((item.wave.pk, counts))
    return done
