from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from teams.models import Person, Role
from teams.services import access_grant


class Command(BaseCommand):
    help = "Give a roster person a login with a role (employee, lead or hr)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--email", required=True, help="the person's e-mail in the roster")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--password",
            default=None,
            help="set this password; without it an invitation link is e-mailed",
        )

    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        person = (
            Person.objects.select_related("organization")
            .filter(organization__slug=options["org"], email=email)
            .first()
        )
        if person is None:
            raise CommandError(
                f"No person {email} in organisation '{options['org']}'. Import them with "
                "import_roster first, or check the e-mail and the slug."
            )
        try:
            person = access_grant(
                person=person,
                role=options["role"],
                password=options["password"],
                invite=options["password"] is None,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        how = (
            "with the given password"
            if options["password"]
            else "; an invitation to choose a password was e-mailed"
        )
        self.stdout.write(
            self.style.SUCCESS(f"{person.email} can sign in as {person.get_role_display()} {how}.")
        )
