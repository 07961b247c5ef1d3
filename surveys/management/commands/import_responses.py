from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.responses_import import responses_import
from teams.models import Organization


class Command(BaseCommand):
    help = (
        "Import nominations gathered elsewhere as one closed wave of a survey (created if "
        "missing). CSV (UTF-8) columns: respondent_email, relation, nominee_email, optional "
        "strength (1 monthly … 4 daily). Every active person is counted as invited; nothing is "
        "e-mailed. Prints 'wave <id>'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8) file of nominations")
        parser.add_argument("--org", required=True, help="organisation slug, e.g. acme")
        parser.add_argument("--survey", required=True, help="survey title (created if missing)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(
                f"No organisation '{options['org']}'. Import its roster with import_roster first."
            )
        report = responses_import(
            organization=organization,
            survey_title=options["survey"],
            file_name=path.name,
            content=path.read_bytes(),
        )
        if not report.ok:
            lines = [
                f"Nothing was imported: {len(report.problems)} problem(s) to fix in {path.name}."
            ]
            for problem in report.problems:
                where = f"row {problem.row}" if problem.row else "file"
                column = f", column {problem.column}" if problem.column else ""
                lines.append(f"{path.name}: {where}{column}: {problem.message}")
            raise CommandError("\n".join(lines))
        self.stderr.write(report.summary())
        self.stdout.write(f"wave {report.wave_id}")
