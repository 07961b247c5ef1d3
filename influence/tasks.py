"""Celery tasks: thin, take ids, call one service.

The run itself records every outcome where HR can see it (the analysis page and the API); the
task only adds retries of transient errors and the time limits. Report exports likewise record
their outcome on the Export row, where the requester sees it.
"""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from common.request_context import RequestContext, request_context_use
from influence.services import (
    TRANSIENT_ERRORS,
    analysis_run_execute,
    analysis_run_fail,
    analysis_time_limits,
    error_text,
    export_execute,
    export_fail,
    exports_expire_due,
    time_limit_message,
)

logger = logging.getLogger(__name__)
SOFT_TIME_LIMIT, TIME_LIMIT = analysis_time_limits()


class AnalysisTask(Task):
    def apply(self, *args, throw=None, **kwargs):
        """In this process (eager Celery, no broker), retries included: the outcome is on the
        run, so failures are not raised into whoever asked for it (a page, the API, a hook)."""
        return super().apply(*args, throw=False if throw is None else throw, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The last attempt failed, or the hard time limit killed it: say so on the run."""
        run_id = args[0] if args else kwargs.get("run_id")
        if isinstance(exc, SoftTimeLimitExceeded):
            error = time_limit_message(SOFT_TIME_LIMIT)
        elif isinstance(exc, TimeLimitExceeded):
            error = time_limit_message(TIME_LIMIT)
        else:
            error = f"The analysis failed after several attempts: {error_text(exc)}"
        try:
            analysis_run_fail(run_id=run_id, error=error)
        except Exception:  # the database may be what failed; the log keeps the story
            logger.exception("Analysis run %s: could not record the failure", run_id)


@shared_task(
    base=AnalysisTask,
    name="influence.analyse_wave_run",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def analyse_wave_run(run_id: int) -> str:
    """Carry out one queued analysis run; a duplicate delivery finds it claimed and does nothing."""
    run = analysis_run_execute(run_id=run_id)
    return "skipped" if run is None else run.status


class ExportTask(Task):
    def apply(self, *args, throw=None, **kwargs):
        """In this process (eager Celery): the outcome is on the export, not raised."""
        return super().apply(*args, throw=False if throw is None else throw, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The worker gave up on it (the hard time limit): say so on the export."""
        export_id = args[0] if args else kwargs.get("export_id")
        try:
            export_fail(export_id=export_id, error=f"The export failed: {error_text(exc)}")
        except Exception:  # the database may be what failed; the log keeps the story
            logger.exception("Export %s: could not record the failure", export_id)


@shared_task(
    base=ExportTask,
    name="influence.export_build",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def export_build(export_id: int) -> str:
    """Build one queued report export; a duplicate delivery finds it claimed and does nothing."""
    with request_context_use(RequestContext(source="task")):
        export = export_execute(export_id=export_id)
    return "skipped" if export is None else export.status


@shared_task(name="influence.exports_expire")
def exports_expire() -> dict[str, int]:
    """Beat, hourly: drop expired export files, fail exports that lost their worker."""
    with request_context_use(RequestContext(source="task")):
        return exports_expire_due()
