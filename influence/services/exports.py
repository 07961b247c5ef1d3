"""Report exports: a request either answers the file at once (small reports) or queues a job.

A job is an Export row, queued → running → succeeded or failed, built by a Celery task that
claims it with a conditional UPDATE (a duplicate delivery does nothing) and records any failure on
the row. The file stays in the database until `expires_at`; then `exports_expire_due` drops it and
the row says it expired, and much later drops the row. Every request, and every download of a job
file by someone other than its requester, writes an audit line.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from influence.exports import FORMATS, ExportFile, export_people_count, export_render
from influence.models import Export
from influence.selectors import analysis_run_current, report_team_ids_for_user
from influence.services.runs import error_text
from surveys.models import Wave
from surveys.selectors import wave_get_for_user
from teams.audit import audit_record
from teams.models import AuditEvent, Team, User
from teams.selectors import team_descendant_ids, viewer_person

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5
ERROR_MAX_LENGTH = 4000
# A job not finished this long after it was asked for lost its worker (or never found one).
STALE_AFTER = timedelta(hours=24)
# Rows of expired exports stay this long, so that a late click says "expired", not "not found".
EXPIRED_ROW_KEEP = timedelta(days=30)
NO_RUN = "No analysis of this wave has succeeded yet, so there is no report to export."


class ExportUnavailable(Exception):
    """The export exists but its file cannot be had now; the message says why."""


class ExportNotReady(ExportUnavailable):
    """Queued, running or failed (409)."""


class ExportExpired(ExportUnavailable):
    """Its download time has passed and the file is gone (410)."""


# --- request -------------------------------------------------------------------------------


def export_scope_team_ids(
    *, user: User, organization_id: int, team: Team | None
) -> set[int] | None:
    """The teams an export covers, as on the pages: None for the whole organisation (HR without
    a team), a team with its sub-teams, or a lead's own teams. Anything else is 404."""
    person = viewer_person(user)
    visible = report_team_ids_for_user(user=user)  # 404 for employees
    if person.organization_id != organization_id:
        raise Http404("No report here.")
    if team is None:
        return visible
    if team.organization_id != organization_id or (visible is not None and team.pk not in visible):
        raise Http404("No team here.")
    scope = team_descendant_ids(organization_id=organization_id, root_ids={team.pk})
    return scope if visible is None else scope & visible


def export_format_check(fmt: str) -> str:
    """The format key, or a ValidationError naming the available ones."""
    key = (fmt or "").strip().lower()
    if key not in FORMATS:
        given = f"Unknown format '{fmt}'. " if key else "No format was chosen. "
        raise ValidationError({"format": f"{given}Choose one of: {', '.join(FORMATS)}."})
    return key


def export_request(
    *,
    user: User,
    wave: Wave,
    fmt: str,
    team: Team | None = None,
    pseudonymise: bool = False,
    background: bool = False,
) -> ExportFile | Export:
    """The report of the wave's current run for the viewer's scope: the file itself when it
    lists at most EXPORT_STREAM_MAX_PEOPLE people (and `background` is not asked for), else a
    queued Export whose task starts once the transaction commits."""
    wave = wave_get_for_user(user=user, wave_id=wave.pk)
    organization_id = wave.survey.organization_id
    team_ids = export_scope_team_ids(user=user, organization_id=organization_id, team=team)
    fmt = export_format_check(fmt)
    run = analysis_run_current(wave)
    if run is None:
        raise ValidationError({"wave": NO_RUN})
    people = export_people_count(run=run, team_ids=team_ids)
    detail = {
        "format": fmt,
        "team": team.pk if team else None,
        "pseudonymised": bool(pseudonymise),
        "people": people,
    }
    if background or people > settings.EXPORT_STREAM_MAX_PEOPLE:
        return _export_create(user=user, wave=wave, run=run, team=team, detail=detail)
    file = export_render(run=run, team_ids=team_ids, fmt=fmt, pseudonymise=bool(pseudonymise))
    _audit_request(user=user, wave=wave, detail={**detail, "mode": "stream"})
    return file


def _export_create(*, user: User, wave: Wave, run, team: Team | None, detail: dict) -> Export:
    export = Export(
        organization_id=wave.survey.organization_id,
        wave=wave,
        run=run,
        team=team,
        format=detail["format"],
        pseudonymise=detail["pseudonymised"],
        requested_by=user,
        stage="waiting for a worker",
        expires_at=timezone.now() + timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    export.full_clean()
    with transaction.atomic():
        export.save()
        _audit_request(user=user, wave=wave, detail={**detail, "mode": "job", "export": export.pk})
        transaction.on_commit(partial(_export_queue, export.pk))
    return export


def _audit_request(*, user: User, wave: Wave, detail: dict) -> None:
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        organization=wave.survey.organization_id,
        target=f"wave {wave.pk} report ({detail['format']})",
        detail=detail,
    )


def _export_queue(export_id: int) -> None:
    from influence.tasks import export_build  # the task module imports this one

    try:
        export_build.delay(export_id)
    except Exception as exc:  # the broker did not take it
        logger.exception("Export %s could not be queued", export_id)
        export_fail(
            export_id=export_id, error=f"The export could not be started: {error_text(exc)}"
        )


# --- the job -------------------------------------------------------------------------------


class _Progress:
    """progress(percent, stage) for export_render: at most one UPDATE every half second."""

    def __init__(self, export_id: int):
        self.export_id = export_id
        self.last: float | None = None

    def __call__(self, percent: int, stage: str = "") -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < PROGRESS_INTERVAL_SECONDS:
            return
        self.last = now
        Export.objects.filter(pk=self.export_id, status=Export.Status.RUNNING).update(
            progress=max(1, min(int(percent), 99)), stage=str(stage)[:60]
        )


def export_execute(*, export_id: int) -> Export | None:
    """Claim the queued export and build its file. None when it was not queued (a duplicate
    delivery, or already finished): nothing is done then. Any failure is recorded on the row."""
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.RUNNING, progress=1, stage="collecting the results", error=""
    )
    if not claimed:
        return None
    export = Export.objects.select_related("run", "team", "requested_by").get(pk=export_id)
    try:
        # The scope is worked out again: a requester who lost the right gets no file.
        team_ids = export_scope_team_ids(
            user=export.requested_by, organization_id=export.organization_id, team=export.team
        )
        file = export_render(
            run=export.run,
            team_ids=team_ids,
            fmt=export.format,
            pseudonymise=export.pseudonymise,
            progress=_Progress(export_id),
        )
    except Http404:
        export_fail(export_id=export_id, error="The requester may no longer export this report.")
    except SoftTimeLimitExceeded:
        export_fail(export_id=export_id, error="The export took too long and was stopped.")
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        export_fail(export_id=export_id, error=f"The export failed: {error_text(exc)}")
    else:
        _export_store(export_id, file)
    export.refresh_from_db()
    return export


def _export_store(export_id: int, file: ExportFile) -> None:
    now = timezone.now()
    Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(
        status=Export.Status.SUCCEEDED,
        progress=100,
        stage="",
        content=file.content,
        filename=file.filename[:200],
        content_type=file.content_type[:100],
        size_bytes=len(file.content),
        finished_at=now,
        # Kept for the full time from when it is ready, however long it waited for a worker.
        expires_at=now + timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )


def export_fail(*, export_id: int, error: str) -> bool:
    """Mark a queued or running export failed; False when it had already finished."""
    return bool(
        Export.objects.filter(
            pk=export_id, status__in=(Export.Status.QUEUED, Export.Status.RUNNING)
        ).update(
            status=Export.Status.FAILED,
            stage="",
            error=error[:ERROR_MAX_LENGTH],
            finished_at=timezone.now(),
        )
    )


def exports_expire_due(*, now=None) -> dict[str, int]:
    """Drop the files past their download time, fail jobs that lost their worker and delete
    rows long expired. Returns how many of each."""
    now = now or timezone.now()
    unfinished = (Export.Status.QUEUED, Export.Status.RUNNING)
    stale = Export.objects.filter(status__in=unfinished, created_at__lt=now - STALE_AFTER).update(
        status=Export.Status.FAILED,
        stage="",
        finished_at=now,
        error=f"The export did not finish within {STALE_AFTER.days * 24} h (its worker was "
        "stopped or lost). Please request it again.",
    )
    expired = Export.objects.filter(expires_at__lte=now, content__isnull=False).update(content=None)
    deleted, _ = Export.objects.filter(expires_at__lte=now - EXPIRED_ROW_KEEP).delete()
    return {"failed": stale, "expired": expired, "deleted": deleted}


# --- download ------------------------------------------------------------------------------


def export_download(*, user: User, export: Export) -> ExportFile:
    """The file of a finished export (the caller found it with export_get_for_user). A download
    by anyone but its requester (HR of the organisation) is written to the audit log."""
    if export.expires_at <= timezone.now():
        raise ExportExpired(
            f"This export expired on {timezone.localtime(export.expires_at):%d %b %Y %H:%M} and "
            "its file was deleted. Request a new one."
        )
    if export.status == Export.Status.FAILED:
        raise ExportNotReady(f"This export failed, so there is no file: {export.error}")
    if export.status != Export.Status.SUCCEEDED:
        raise ExportNotReady(
            f"This export is still {export.get_status_display().lower()} ({export.progress} %); "
            "its file can be downloaded once it is ready."
        )
    content = export.content
    if content is None:  # the sweeper got there first
        raise ExportExpired("This export expired and its file was deleted. Request a new one.")
    if user.pk != export.requested_by_id:
        audit_record(
            action=AuditEvent.Action.EXPORT,
            actor=user,
            organization=export.organization_id,
            target=f"export {export.pk} of wave {export.wave_id} ({export.format}), downloaded",
            detail={
                "export": export.pk,
                "format": export.format,
                "team": export.team_id,
                "pseudonymised": export.pseudonymise,
                "requested_by": export.requested_by_id,
                "mode": "download",
            },
        )
    return ExportFile(
        filename=export.filename, content_type=export.content_type, content=bytes(content)
    )
