"""Analyse a wave now and wait for the result: `manage.py analyse --wave 12`."""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from influence.models import AnalysisRun
from influence.services import analysis_run_request
from influence.tasks import analyse_wave_run
from surveys.models import Wave


class Command(BaseCommand):
    help = (
        "Request an analysis run of a wave, print `run <id> <status>` and wait until it finishes "
        "(in this process when Celery runs eagerly, else by polling the run). If a run of the "
        "wave is already queued or running, waits for that one. Exits non-zero on failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wave", type=int, required=True, help="id of the wave")
        parser.add_argument(
            "--timeout",
            type=float,
            default=600.0,
            help="seconds to wait for a worker before giving up waiting (default 600)",
        )
        parser.add_argument(
            "--poll", type=float, default=2.0, help="seconds between looks at the run"
        )

    def handle(self, *args, **options):
        wave = Wave.objects.select_related("survey").filter(pk=options["wave"]).first()
        if wave is None:
            raise CommandError(f"There is no wave {options['wave']}.")
        try:
            run = analysis_run_request(wave=wave, reason=AnalysisRun.Reason.COMMAND)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        run.refresh_from_db()
        self.stdout.write(f"run {run.pk} {run.status}")
        if run.status == AnalysisRun.Status.QUEUED and settings.CELERY_TASK_ALWAYS_EAGER:
            # No worker: carry it out here (its retries and failure handling included).
            analyse_wave_run.apply(args=[run.pk], throw=False)
        run = self._wait(run, timeout=options["timeout"], poll=options["poll"])
        if run.status == AnalysisRun.Status.FAILED:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        if run.is_active:
            raise CommandError(
                f"run {run.pk} is still {run.status} after {options['timeout']:g} s; it goes on "
                "without this command (see the wave's analysis page)."
            )
        self._summary(run)

    def _wait(self, run: AnalysisRun, *, timeout: float, poll: float) -> AnalysisRun:
        """Poll until the run finishes or the timeout passes, printing each new status."""
        seen = run.status
        deadline = time.monotonic() + timeout
        while True:
            run.refresh_from_db()
            if run.status != seen:
                seen = run.status
                self.stdout.write(f"run {run.pk} {run.status}")
            if not run.is_active or time.monotonic() >= deadline:
                return run
            time.sleep(max(0.01, min(poll, deadline - time.monotonic())))

    def _summary(self, run: AnalysisRun) -> None:
        people = run.positions.count()
        flags = run.flags.count()
        total = run.timings.get("total")
        took = f" in {total:.2f} s" if isinstance(total, int | float) else ""
        self.stdout.write(f"{people} people, {flags} flags{took}")
        for warning in run.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
