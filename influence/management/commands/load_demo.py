from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from teams.demo import (
    DEMO_LOGIN_TEAM,
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_SEED,
    DEMO_SLUG,
    demo_login_emails,
    demo_roster_csv,
    demo_roster_rows,
)
from teams.models import Organization, Person
from teams.roster_import import roster_import
from teams.services import access_grant, organization_get_or_create

ROLE_LABELS = {
    "hr": "HR",
    "lead": f"Team lead ({DEMO_LOGIN_TEAM})",
    "employee": f"Employee ({DEMO_LOGIN_TEAM})",
}


class Command(BaseCommand):
    help = (
        f"Load the demo organisation {DEMO_NAME} (slug '{DEMO_SLUG}', about 150 people) through "
        "the roster import and give three demo logins. Running it again updates in place; "
        "people of the demo organisation who are not in the generated roster are deactivated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEMO_SEED,
            help=f"seed of the generated roster (default {DEMO_SEED})",
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"password of the demo logins (default {DEMO_PASSWORD})",
        )

    def handle(self, *args, **options):
        password = options["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("--password: " + " ".join(exc.messages)) from None
        rows = demo_roster_rows(seed=options["seed"])
        # All or nothing: a refused login never leaves a half-made demo behind.
        with transaction.atomic():
            organization = self._organization()
            report = roster_import(
                organization=organization,
                file_name="northwind-labs-roster.csv",
                content=demo_roster_csv(seed=options["seed"]),
                deactivate_missing=True,
            )
            if not report.ok:
                details = "; ".join(
                    f"row {p.row}, {p.column}: {p.message}" for p in report.problems
                )
                raise CommandError(f"The demo roster was refused by the import: {details}")
            self.stdout.write(f"Roster: {report.summary()}")
            logins = self._grant_logins(organization, rows, password)
        self._print_logins(logins, password)

    def _organization(self) -> Organization:
        organization, created = organization_get_or_create(slug=DEMO_SLUG, name=DEMO_NAME)
        if not created and organization.name != DEMO_NAME:
            raise CommandError(
                f"The organisation with slug '{DEMO_SLUG}' is '{organization.name}', not the demo "
                f"organisation {DEMO_NAME}; nothing was changed. Rename its slug to load the demo."
            )
        verb = "Created" if created else "Reusing"
        self.stdout.write(f"{verb} organisation {organization.name} ({organization.slug}).")
        return organization

    def _grant_logins(self, organization, rows, password) -> list[tuple[str, str]]:
        logins, created = demo_login_emails(rows), 0
        people = Person.objects.filter(
            organization=organization, email__in=[email for _, email in logins]
        )
        by_email = {person.email: person for person in people}
        for role, email in logins:
            person = by_email[email]
            created += person.user_id is None
            try:
                access_grant(person=person, role=role, password=password)
            except ValidationError as exc:
                raise CommandError(f"{email}: " + " ".join(exc.messages)) from None
        self.stdout.write(
            f"Logins: {created} created, {len(logins) - created} already there (password reset)."
        )
        return logins

    def _print_logins(self, logins, password) -> None:
        width = max(len(email) for _, email in logins)
        lines = ["", "Demo logins", "-----------", f"  {'Role':<24}{'E-mail':<{width + 2}}Password"]
        lines += [
            f"  {ROLE_LABELS[role]:<24}{email:<{width + 2}}{password}" for role, email in logins
        ]
        lines += ["", f"Open {settings.SITE_URL} and sign in with one of them.", ""]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
