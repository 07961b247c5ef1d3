"""Celery tasks: thin, take ids, call one service. Beat runs `surveys.tick` every few minutes
and `surveys.retention` every few hours."""

from celery import shared_task
from django.db import OperationalError

from common.request_context import RequestContext, request_context_use
from surveys.models import Wave
from surveys.retention import retention_apply
from surveys.services import wave_invitations_send_batch, waves_tick

TRANSIENT = (OperationalError, ConnectionError, TimeoutError)


@shared_task(name="surveys.tick")
def tick() -> dict[str, int]:
    return waves_tick()


@shared_task(
    name="surveys.wave_invitations_send", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5
)
def wave_invitations_send(wave_id: int) -> int:
    """E-mail every unsent invitation of the wave, batch by batch."""
    return _send_all(wave_id, reminder=False)


@shared_task(
    name="surveys.wave_reminders_send", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5
)
def wave_reminders_send(wave_id: int) -> int:
    """E-mail the current reminder to everyone invited who has not answered yet."""
    return _send_all(wave_id, reminder=True)


def _send_all(wave_id: int, *, reminder: bool) -> int:
    wave = Wave.objects.filter(pk=wave_id, status=Wave.Status.OPEN).first()
    if wave is None:  # closed or deleted meanwhile: nothing to send
        return 0
    sent, total = -1, 0
    while sent:
        sent = wave_invitations_send_batch(wave=wave, reminder=reminder)
        total += sent
    return total


@shared_task(name="surveys.retention", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def retention() -> int:
    """Delete the raw answers of closed waves past their organisation's retention period."""
    with request_context_use(RequestContext(source="task")):
        return len(retention_apply())
