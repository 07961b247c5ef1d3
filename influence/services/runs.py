"""Analysis runs: queued → running → succeeded or failed.

A request creates a queued run (or returns the one already queued or running) and queues the
task once the transaction commits. Execution claims the run with a conditional UPDATE, so a
duplicate delivery does nothing; loads the wave as plain data, analyses it and stores everything
in one transaction (results.py). Any failure marks the run failed with a readable error and keeps
nothing of it, and the previous succeeded run stays the current one.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from influence.models import AnalysisRun
from influence.selectors import analysis_input_for_wave, analysis_run_active
from influence.services.results import results_store
from surveys.models import Wave

logger = logging.getLogger(__name__)

# Worth another try: the database or the broker did not answer this time.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
ERROR_MAX_LENGTH = 4000
# A running run not heard of for this long after the hard time limit was lost with its worker.
STALE_MARGIN_SECONDS = 60


def analysis_time_limits() -> tuple[int, int]:
    """(soft, hard) seconds for one analysis run; the soft limit stops it cleanly."""
    hard = getattr(
        settings,
        "INFLUENCE_ANALYSIS_TIME_LIMIT",
        getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 30 * 60,
    )
    soft = getattr(
        settings,
        "INFLUENCE_ANALYSIS_SOFT_TIME_LIMIT",
        getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", None) or hard - 60,
    )
    return max(1, min(soft, hard - 1)), hard


def time_limit_message(seconds: int | None = None) -> str:
    seconds = seconds or analysis_time_limits()[0]
    return f"The analysis took longer than {seconds} s and was stopped; no results were kept."


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    message = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


# --- request -------------------------------------------------------------------------------


def analysis_run_request(*, wave: Wave, reason: str, requested_by=None) -> AnalysisRun:
    """A queued run of the wave, its task queued on commit. If a run of the wave is already
    queued or running, that run is returned instead of making another."""
    if wave.status == Wave.Status.DRAFT:
        raise ValidationError(
            "This wave has not opened yet: nobody is invited, so there is nothing to analyse."
        )
    with transaction.atomic():
        # Serialises requests for one wave; the partial unique constraint backs it up where
        # the database has no row locks (SQLite).
        _answers_kept_check(Wave.objects.select_for_update().filter(pk=wave.pk).first() or wave)
        _stale_runs_fail(wave)
        active = analysis_run_active(wave)
        if active is not None:
            return active
        run = AnalysisRun(
            wave=wave, reason=reason, requested_by=requested_by, stage="waiting for a worker"
        )
        run.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:  # another request made one at the same moment
            return wave.analysis_runs.get(status__in=AnalysisRun.ACTIVE)
        transaction.on_commit(partial(_run_queue, run.pk))
    return run


def _answers_kept_check(wave: Wave) -> None:
    """Without its nominations a wave would be analysed as if nobody had named anybody."""
    if wave.answers_deleted_at is not None:
        deleted = timezone.localtime(wave.answers_deleted_at)
        raise ValidationError(
            f"The raw answers of this wave were deleted on {deleted.day} {deleted:%B %Y} under "
            "the retention setting; its results stay, but it cannot be analysed again."
        )


def analysis_run_request_for_closed_wave(wave_id: int) -> None:
    """The surveys hook: a wave closed (and committed), so analyse it."""
    wave = Wave.objects.select_related("survey").filter(pk=wave_id).first()
    if wave is not None:
        analysis_run_request(wave=wave, reason=AnalysisRun.Reason.WAVE_CLOSED)


def _run_queue(run_id: int) -> None:
    from influence.tasks import analyse_wave_run  # the task module imports this one

    try:
        analyse_wave_run.delay(run_id)
    except Exception as exc:  # the broker did not take it
        logger.exception("Analysis run %s could not be queued", run_id)
        analysis_run_fail(
            run_id=run_id, error=f"The analysis could not be started: {error_text(exc)}"
        )


def _stale_runs_fail(wave: Wave) -> None:
    """Runs whose worker was lost (killed, restarted) would block new requests for ever."""
    _, hard = analysis_time_limits()
    now = timezone.now()
    queue_timeout = getattr(settings, "INFLUENCE_ANALYSIS_QUEUE_TIMEOUT", 24 * 3600)
    wave.analysis_runs.filter(
        status=AnalysisRun.Status.RUNNING,
        started_at__lt=now - timedelta(seconds=hard + STALE_MARGIN_SECONDS),
    ).update(
        status=AnalysisRun.Status.FAILED,
        stage="",
        finished_at=now,
        error=f"The analysis stopped without finishing within {hard} s (its worker was "
        "stopped or lost); no results were kept.",
    )
    wave.analysis_runs.filter(
        status=AnalysisRun.Status.QUEUED, created_at__lt=now - timedelta(seconds=queue_timeout)
    ).update(
        status=AnalysisRun.Status.FAILED,
        stage="",
        finished_at=now,
        error=f"No worker picked the analysis up within {queue_timeout // 3600} h.",
    )


# --- execution -----------------------------------------------------------------------------


def analysis_run_execute(*, run_id: int) -> AnalysisRun | None:
    """Claim the queued run and carry it out. None when it was not queued (a duplicate delivery,
    or a run already finished): nothing is done then.

    Transient database or broker errors put the run back in the queue and are raised, for the
    task to retry; any other error marks it failed.
    """
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED).update(
        status=AnalysisRun.Status.RUNNING,
        started_at=timezone.now(),
        progress=5,
        stage="loading the answers",
        error="",
    )
    if not claimed:
        return None
    run = AnalysisRun.objects.select_related("wave__survey").get(pk=run_id)
    try:
        _execute(run)
    except TRANSIENT_ERRORS as exc:
        _release(run_id, exc)
        raise
    except SoftTimeLimitExceeded:
        analysis_run_fail(run_id=run_id, error=time_limit_message())
    except Exception as exc:
        logger.exception("Analysis run %s failed", run_id)
        analysis_run_fail(run_id=run_id, error=f"The analysis failed: {error_text(exc)}")
    run.refresh_from_db()
    return run


def analysis_run_fail(*, run_id: int, error: str) -> bool:
    """Mark a queued or running run failed; False when it had already finished."""
    return bool(
        AnalysisRun.objects.filter(pk=run_id, status__in=AnalysisRun.ACTIVE).update(
            status=AnalysisRun.Status.FAILED,
            stage="",
            error=error[:ERROR_MAX_LENGTH],
            finished_at=timezone.now(),
        )
    )


def _execute(run: AnalysisRun) -> None:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    data = analysis_input_for_wave(run.wave)
    timings["load"] = time.perf_counter() - started
    _progress(run.pk, 20, "analysing the networks")
    analyse = _analyse_function()
    began = time.perf_counter()
    result = analyse(data)
    timings.update(result.timings or {"analyse": time.perf_counter() - began})
    _progress(run.pk, 80, "storing the results")
    results_store(run=run, data=data, result=result, timings=timings, started=started)


def _analyse_function():
    # Imported when a run executes, so that web processes never load networkx and numpy.
    from influence.analysis.pipeline import analyse

    return analyse


def _progress(run_id: int, progress: int, stage: str) -> None:
    # Outside the results transaction, so that pages see it while the run goes on.
    AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.RUNNING).update(
        progress=progress, stage=stage
    )


def _release(run_id: int, exc: BaseException) -> None:
    """Back to the queue, so that the task's retry can claim it again."""
    try:
        AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.RUNNING).update(
            status=AnalysisRun.Status.QUEUED,
            progress=0,
            stage="waiting to try again",
            error=f"Trying again after a temporary error: {error_text(exc)}"[:ERROR_MAX_LENGTH],
        )
    except TRANSIENT_ERRORS:  # the database is still away: the task's failure handler tries
        logger.warning("Analysis run %s could not be put back in the queue", run_id)
