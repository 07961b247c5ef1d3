from django.core.management.base import BaseCommand

from surveys.models import Wave
from surveys.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Delete the raw answers (nominations, free text) of closed waves older than their "
        "organisation's retention setting; the analysis results stay. Beat runs the same "
        "every few hours. --dry-run: only list what would be deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted; delete nothing"
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        done = retention_apply(dry_run=dry_run)
        if not done:
            self.stdout.write("No wave is past its organisation's retention period.")
            return
        waves = Wave.objects.select_related("survey__organization").in_bulk(
            [wave_id for wave_id, _ in done]
        )
        verb = "would delete" if dry_run else "deleted"
        for wave_id, counts in done:
            wave = waves[wave_id]
            self.stdout.write(
                f"wave {wave_id} ({wave.survey.organization.slug}: {wave.survey.title}, wave "
                f"{wave.number}, closed {wave.closed_at:%Y-%m-%d}): {verb} "
                f"{counts['nominations']} nominations and {counts['text_answers']} free-text "
                "answers"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
