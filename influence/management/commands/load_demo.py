"""The demo: roster, logins, a survey with two answered (closed) waves and one open wave.

It lives in the top app because it drives every layer below it.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from influence.models import AnalysisRun
from influence.services import analysis_run_request
from surveys.demo import DEMO_RELATIONS, DEMO_SURVEY_TITLE, demo_answers_csv
from surveys.models import InvitationLink, Survey, Wave
from surveys.responses_import import responses_import
from surveys.services import bank_questions, survey_create, wave_create, wave_open
from surveys.tasks import wave_invitations_send
from surveys.tokens import token_new
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
            employee_email = next(email for role, email in logins if role == "employee")
            link = self._load_survey(organization, rows, employee_email)
        self._print_logins(logins, password)
        self.stdout.write(f"Survey link of the demo employee (no sign-in needed):\n  {link}\n")

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

    def _load_survey(self, organization, rows, employee_email: str) -> str:
        """Two closed waves (about 70 % and 80 % answered) and an open wave; returns the
        employee's link."""
        survey = Survey.objects.filter(organization=organization, title=DEMO_SURVEY_TITLE).first()
        if survey is None:
            survey = survey_create(
                organization=organization,
                title=DEMO_SURVEY_TITLE,
                description="Three quick questions about who you work with. About two minutes.",
                questions=bank_questions(list(DEMO_RELATIONS), ask_strength=True),
                reminder_days=[3, 6],
            )
        if not survey.waves.filter(status=Wave.Status.CLOSED).exists():
            # Two answered waves, eight and four weeks ago, so that trends and changes show.
            for weeks, variant, rate in ((8, 1, 0.7), (4, 0, 0.8)):
                closed = timezone.now() - timedelta(weeks=weeks)
                report = responses_import(
                    window=(closed - timedelta(days=10), closed),
                    organization=organization,
                    survey_title=survey.title,
                    file_name="northwind-answers.csv",
                    content=demo_answers_csv(rows, variant=variant, response_rate=rate),
                )
                if not report.ok:
                    raise CommandError(f"The demo answers were refused: {report.problems[:3]}")
                self.stdout.write(f"Survey: {report.summary()}")
        else:  # answered earlier: make sure each has been analysed (the import asks on commit)
            for closed in survey.waves.filter(status=Wave.Status.CLOSED):
                if not closed.analysis_runs.filter(status=AnalysisRun.Status.SUCCEEDED).exists():
                    analysis_run_request(wave=closed, reason=AnalysisRun.Reason.COMMAND)
        wave = survey.waves.filter(status=Wave.Status.OPEN).first()
        if wave is None:
            now = timezone.now()
            wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=14))
            wave_open(wave=wave, send=False)
            # Invitations are "sent" to an outbox nobody reads: 150 demo e-mails on the console
            # would bury the logins.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                wave_invitations_send(wave.pk)
            self.stdout.write(f"Survey: wave {wave.number} is open until {wave.closes_at:%d %B}.")
        invitation = wave.invitations.get(person__email=employee_email)
        token, digest = token_new()
        InvitationLink.objects.create(invitation=invitation, token_hash=digest)
        return settings.SITE_URL.rstrip("/") + reverse("survey-answer", kwargs={"token": token})
