"""The audit log: one call records who did what, when and from where.

Every sign-in, export, identified view of other people's results, roster import, role change,
settings change and erasure goes through `audit_record`. Lines are never changed through the
product; targets are written without names ("person 42"), so that erasing a person leaves the
log readable without identifying them.
"""

from django.db.models import F

from common.request_context import request_context_current
from teams.models import AuditEvent, Organization, Person, User


def person_label(person: Person) -> str:
    return f"person {person.pk}"


def audit_record(
    *,
    action: str,
    actor: User | None,
    organization: Organization | int | None,
    target: str = "",
    target_person_id: int | None = None,
    detail: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Write one audit line in the current request's context (address, browser, web/api) or,
    outside a request, as `command`/`task`. `actor` None: the system or the command line."""
    context = request_context_current()
    if not actor_label:
        actor_label = actor.email if actor is not None else f"({context.source})"
    organization_id = organization.pk if isinstance(organization, Organization) else organization
    return AuditEvent.objects.create(
        organization_id=organization_id,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label[:254],
        action=action,
        target=target[:300],
        target_person_id=target_person_id,
        detail=detail or {},
        source=context.source,
        ip_address=context.ip_address,
        user_agent=context.user_agent,
    )


def audit_sign_in(*, user: User) -> AuditEvent:
    """A login signed in (page or admin); the line goes to the organisation of its person."""
    return audit_record(
        action=AuditEvent.Action.SIGN_IN, actor=user, organization=_organization_of_login(user)
    )


def audit_sign_in_failed(*, email: str) -> AuditEvent:
    """A sign-in was refused. Only the e-mail tried is kept (never the password); the line goes
    to the organisation of the person with that e-mail, if there is one."""
    tried = (email or "").strip().lower()[:200] or "(no e-mail given)"
    # A login's own person first: the same e-mail may be on two organisations' rosters.
    organization_id = (
        Person.objects.filter(email=tried)
        .order_by(F("user_id").asc(nulls_last=True), "id")
        .values_list("organization_id", flat=True)
        .first()
    )
    return audit_record(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        actor=None,
        organization=organization_id,
        actor_label=tried,
    )


def audit_token_created(*, user: User) -> AuditEvent:
    """A login exchanged its e-mail and password for its API token: the API's sign-in."""
    return audit_record(
        action=AuditEvent.Action.TOKEN_CREATED,
        actor=user,
        organization=_organization_of_login(user),
        target="API token",
    )


def _organization_of_login(user: User) -> int | None:
    return Person.objects.filter(user_id=user.pk).values_list("organization_id", flat=True).first()
