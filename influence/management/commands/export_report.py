"""Write the latest successful analysis of a wave as a report file."""

import json

from django.core.management.base import BaseCommand, CommandError

from influence.reports import FORMATS, report_build
from influence.selectors import analysis_run_current
from surveys.models import Wave


class Command(BaseCommand):
    help = (
        "Export the current (latest successful) analysis run of a wave. Formats: "
        + ", ".join(FORMATS)
        + ". Groups with fewer respondents than ANONYMITY_THRESHOLD have their aggregates "
        "withheld."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wave", type=int, required=True, help="id of the wave")
        parser.add_argument("--format", default="json", help="json (the only one for now)")
        parser.add_argument("--out", default="-", help="file to write; - for standard output")

    def handle(self, *args, **options):
        fmt = options["format"].lower()
        if fmt not in FORMATS:
            raise CommandError(
                f"Unknown format '{options['format']}'. Available: {', '.join(FORMATS)}."
            )
        wave = Wave.objects.select_related("survey").filter(pk=options["wave"]).first()
        if wave is None:
            raise CommandError(f"There is no wave {options['wave']}.")
        run = analysis_run_current(wave)
        if run is None:
            raise CommandError(
                f"Wave {wave.pk} has no successful analysis yet; run "
                f"`manage.py analyse --wave {wave.pk}` first."
            )
        report = report_build(run=run)
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        out = options["out"]
        if out == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise CommandError(f"Could not write {out}: {exc.strerror}.") from None
        self.stdout.write(
            f"Wrote run {run.pk} of wave {wave.pk} ({len(report['people'])} people, "
            f"{len(report['flags'])} flags, {len(report['teams'])} groups) to {out}"
        )
