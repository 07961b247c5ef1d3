from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from teams.roster_import import roster_import
from teams.services import organization_get_or_create


class Command(BaseCommand):
    help = "Import or update an organisation's roster from a CSV or XLSX file (upsert by e-mail)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX roster file")
        parser.add_argument("--org", required=True, help="organisation slug, e.g. acme")
        parser.add_argument("--org-name", default="", help="name when the organisation is new")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="deactivate people absent from the file (never deletes them)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file, change nothing")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        try:
            organization, created = organization_get_or_create(
                slug=options["org"], name=options["org_name"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if created:
            self.stdout.write(f"Created organisation {organization.name} ({organization.slug}).")
        report = roster_import(
            organization=organization,
            file_name=path.name,
            content=path.read_bytes(),
            deactivate_missing=options["deactivate_missing"],
            dry_run=options["dry_run"],
        )
        if not report.ok:
            for problem in report.problems:
                where = f"row {problem.row}" if problem.row else "file"
                column = f", column {problem.column}" if problem.column else ""
                self.stderr.write(f"{path.name}: {where}{column}: {problem.message}")
            raise CommandError(
                f"Nothing was imported: {len(report.problems)} problem(s) to fix in {path.name}."
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))
