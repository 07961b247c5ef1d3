"""HR erases a person: their identity leaves answers, results and exports, their ties stay.

The Person row is kept as an anonymous node ("Erased person"), so that the nominations they gave
and received still count and team results do not shift; everything that names them goes. Apps
above teams remove their own parts through `teams.hooks.person_erased`, inside the same
transaction: the erasure happens entirely or not at all.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from teams.audit import audit_record, person_label
from teams.hooks import person_erased
from teams.models import AuditEvent, Person, Role, User

ERASED_NAME = "Erased person"


def erased_email(person_id: int) -> str:
    """Unique in the organisation, and in a domain that can never receive mail."""
    return f"erased-{person_id}@erased.invalid"


def person_erase(*, person: Person, actor: Person, confirm_email: str) -> Person:
    """Erase `person` for good. Only HR of the same organisation, never themselves, and only
    after typing the person's e-mail. Returns the anonymised person."""
    with transaction.atomic():
        # Locked and read afresh: a second click waits, then finds the person already erased.
        person = Person.objects.select_for_update().get(pk=person.pk)
        _erase_check(person=person, actor=actor)
        if confirm_email.strip().lower() != person.email.lower():
            raise ValidationError({"confirm_email": f"Type {person.email} to confirm."})
        person_erased(person.pk)
        user_id, email = person.user_id, person.email
        _anonymise(person)
        _audit_lines_redact(person=person, user_id=user_id, email=email)
        if user_id is not None:
            # Their API token goes with the login; a session of theirs no longer signs in.
            User.objects.filter(pk=user_id).delete()
        audit_record(
            action=AuditEvent.Action.ERASURE,
            actor=actor.user,
            organization=person.organization_id,
            target=person_label(person),
            target_person_id=person.pk,
        )
    return person


def _erase_check(*, person: Person, actor: Person) -> None:
    if (
        actor is None
        or actor.role != Role.HR
        or not actor.is_active
        or actor.organization_id != person.organization_id
    ):
        raise ValidationError("Only HR of this organisation can erase a person.")
    if actor.pk == person.pk:
        raise ValidationError("You cannot erase yourself; ask another HR person.")
    if person.erased_at is not None:
        erased = timezone.localtime(person.erased_at)
        raise ValidationError(f"This person was already erased on {erased.day} {erased:%B %Y}.")


def _anonymise(person: Person) -> None:
    """Keep team and manager (formal lines point at an anonymous node) and the direct reports."""
    person.name = ERASED_NAME
    person.email = erased_email(person.pk)
    person.title = ""
    person.employee_id = ""
    person.attributes = {}
    person.role = Role.EMPLOYEE
    person.is_active = False
    person.erased_at = timezone.now()
    person.user = None
    person.full_clean()
    person.save()


def _audit_lines_redact(*, person: Person, user_id: int | None, email: str) -> None:
    """The lines the person acted in keep what was done but no longer say who.

    The one deliberate change of audit lines: AuditEvent.save refuses edits, so a queryset
    update does it; erasure must not leave their e-mail in the log."""
    mine = Q(actor_label__iexact=email) & (
        Q(organization_id=person.organization_id) | Q(organization__isnull=True)
    )
    if user_id is not None:
        mine |= Q(actor_id=user_id)
    AuditEvent.objects.filter(mine).update(actor_label=f"erased {person_label(person)}")
