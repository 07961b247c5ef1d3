"""Writes to the roster other than the file import: organisations and access (logins, roles)."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from teams.audit import audit_record, person_label
from teams.models import AuditEvent, Organization, Person, Role, User


def organization_get_or_create(*, slug: str, name: str = "") -> tuple[Organization, bool]:
    if slug != slugify(slug) or not slug:
        raise ValidationError(
            f"'{slug}' is not a valid organisation slug: use lower-case letters, digits and "
            f"hyphens, e.g. '{slugify(slug) or 'acme'}'."
        )
    organization = Organization.objects.filter(slug=slug).first()
    if organization is not None:
        return organization, False
    organization = Organization(slug=slug, name=name or slug.replace("-", " ").title())
    organization.full_clean()
    organization.save()
    return organization, True


def access_grant(
    *,
    person: Person,
    role: str,
    password: str | None = None,
    invite: bool = False,
    actor: Person | None = None,
) -> Person:
    """Give a roster person a login with a role; optionally e-mail them a set-password link.

    Re-granting changes the role (and the password when one is given); it never makes a second
    login. A login is matched to its person by e-mail, one login per person. Returns the person
    as stored, with their login.
    """
    if role not in Role.values:
        raise ValidationError(f"Unknown role '{role}'. Use employee, lead or hr.")
    if actor is not None and actor.pk == person.pk and actor.role == Role.HR and role != Role.HR:
        raise ValidationError(
            "You cannot take away your own HR access; ask another HR person to change it."
        )
    if not person.is_active:
        raise ValidationError(
            f"{person.email} is deactivated in the roster; reactivate them with a roster import "
            "before giving them access."
        )
    with transaction.atomic():
        person = (
            Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        )
        user, previous_role = person.user, person.role
        login_created = user is None
        if user is None:
            other = User.objects.filter(email__iexact=person.email).first()
            if other is not None and Person.objects.filter(user=other).exists():
                raise ValidationError(
                    f"A login for {person.email} already belongs to another organisation's "
                    "roster; one login serves one person."
                )
            user = other or User.objects.create_user(person.email)
            person.user = user
        if password:
            validate_password(password, user)
            user.set_password(password)
        user.is_active = True
        user.save()
        person.role = role
        person.save(update_fields=["user", "role", "updated_at"])
        _access_audit(person, actor, previous_role, login_created, invite, bool(password))
        if invite:
            transaction.on_commit(lambda: access_invitation_send(person=person))
    return person


def _access_audit(person, actor, previous_role, login_created, invited, password_set) -> None:
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGE,
        actor=actor.user if actor is not None else None,
        organization=person.organization_id,
        target=person_label(person),
        target_person_id=person.pk,
        detail={
            "from": previous_role,
            "to": person.role,
            "login_created": login_created,
            "invited": invited,
            "password_set": password_set,
        },
    )


def access_invitation_send(*, person: Person) -> None:
    """E-mail a one-time link to choose a password (Django's password-reset token)."""
    user = person.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"person": person, "link": settings.SITE_URL.rstrip("/") + path}
    send_mail(
        subject=f"Your Influence Map access for {person.organization.name}",
        message=render_to_string("teams/email/invitation.txt", context),
        from_email=None,
        recipient_list=[person.email],
    )


def api_token_issue(*, user: User) -> str:
    """The login's API token, created on first use; the same until it is revoked."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


UNCHANGED = object()  # a setting left out of an update keeps its value
RETENTION_RANGE = (30, 3650)
RETENTION_INVALID = (
    "Enter a whole number of days from 30 to 3650, or leave it empty to keep raw answers."
)


def organization_settings_update(
    *,
    organization: Organization,
    actor: Person,
    identified_results: bool | None = None,
    retention_days=UNCHANGED,
) -> Organization:
    """HR changes the organisation's settings: whether employees see, on their own network
    page, who named them (None: unchanged), and after how many days raw answers of closed waves
    are deleted (None: kept; left out: unchanged). Every change is audited as [old, new]."""
    if actor.role != Role.HR or actor.organization_id != organization.pk:
        raise ValidationError("Only HR of this organisation can change its settings.")
    wanted: dict = {}
    if identified_results is not None:
        wanted["identified_results"] = bool(identified_results)
    if retention_days is not UNCHANGED:
        _retention_days_check(retention_days)
        wanted["retention_days"] = retention_days
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        changes = {
            field: [getattr(organization, field), value]
            for field, value in wanted.items()
            if getattr(organization, field) != value
        }
        for field, (_, value) in changes.items():
            setattr(organization, field, value)
        organization.full_clean()
        if changes:
            organization.save(update_fields=list(changes))
            audit_record(
                action=AuditEvent.Action.SETTINGS_CHANGE,
                actor=actor.user,
                organization=organization,
                target="organisation settings",
                detail=changes,
            )
    return organization


def _retention_days_check(value) -> None:
    low, high = RETENTION_RANGE
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
    ):
        raise ValidationError({"retention_days": RETENTION_INVALID})
