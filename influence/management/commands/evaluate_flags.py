"""`manage.py evaluate_flags`: how well the flags find planted patterns in simulated
organisations (simulate → analyse → compare), as a table of precision and recall per kind."""

from django.core.management.base import BaseCommand, CommandError

from influence.analysis.types import Thresholds
from influence.evaluation import (
    RECOMMENDED_THRESHOLDS,
    changed_thresholds,
    evaluate,
    format_table,
)


class Command(BaseCommand):
    help = (
        "Simulate organisations with planted leadership patterns, analyse them and print "
        "precision and recall per flag kind (micro-averaged over the seeds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=500, help="people per organisation")
        parser.add_argument(
            "--response-rate", type=float, default=0.75, help="share who answer (default 0.75)"
        )
        parser.add_argument("--seeds", type=int, default=10, help="organisations: seeds 0..N-1")
        parser.add_argument("--noise", type=float, default=None, help="share of random picks")
        parser.add_argument(
            "--defaults",
            action="store_true",
            help="use the defaults of types.py instead of the recommended thresholds",
        )

    def handle(self, *args, **options):
        if options["people"] < 2 or options["seeds"] < 1:
            raise CommandError("--people must be at least 2 and --seeds at least 1.")
        if not 0 < options["response_rate"] <= 1:
            raise CommandError("--response-rate must be in (0, 1].")
        thresholds = Thresholds() if options["defaults"] else RECOMMENDED_THRESHOLDS
        try:
            rows = evaluate(
                people=options["people"],
                response_rate=options["response_rate"],
                seeds=range(options["seeds"]),
                thresholds=thresholds,
                noise=options["noise"],
            )
        except ImportError as exc:
            raise CommandError(f"The analysis pipeline is not available yet: {exc}") from None
        changed = changed_thresholds(thresholds)
        self.stdout.write(format_table(rows))
        self.stdout.write(
            "\nThresholds: "
            + (
                ", ".join(f"{k}={v}" for k, v in changed.items())
                if changed
                else "types.py defaults"
            )
            + "\n"
        )
