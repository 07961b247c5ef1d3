"""Writes for surveys and waves: create, edit, copy, archive; open, close, invite, remind.

Waves move draft → open → closed with compare-and-set updates, so that two workers (or a worker
and a person pressing the button) never open, close or remind twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from surveys import hooks
from surveys.models import (
    QUESTION_BANK,
    Invitation,
    InvitationEvent,
    InvitationLink,
    Question,
    Survey,
    Wave,
)
from surveys.tokens import token_new
from teams.models import Organization, Person
from teams.selectors import team_descendant_ids

SEND_BATCH = 200


@dataclass(frozen=True)
class QuestionSpec:
    kind: str = Question.Kind.NOMINATION
    relation: str = ""
    prompt: str = ""
    max_nominees: int = 5
    ask_strength: bool = False
    required: bool = False


def bank_questions(relations: list[str], *, ask_strength: bool = False) -> list[QuestionSpec]:
    """Nomination questions for bank relations, with the bank's prompts."""
    unknown = [r for r in relations if r not in QUESTION_BANK]
    if unknown:
        raise ValidationError(
            f"Not in the question bank: {', '.join(unknown)}. Known: {', '.join(QUESTION_BANK)}; "
            "add a custom relation with its own prompt instead."
        )
    return [
        QuestionSpec(relation=r, prompt=QUESTION_BANK[r], ask_strength=ask_strength)
        for r in relations
    ]


# --- surveys -------------------------------------------------------------------------------


def survey_create(
    *,
    organization: Organization,
    title: str,
    questions: list[QuestionSpec],
    description: str = "",
    audience_team_ids: list[int] | None = None,
    schedule: str = Survey.Schedule.ONCE,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    every_weeks: int | None = None,
    window_days: int | None = None,
    reminder_days: list[int] | None = None,
    created_by: Person | None = None,
) -> Survey:
    survey = Survey(organization=organization, created_by=created_by)
    with transaction.atomic():
        _survey_fill(
            survey,
            title=title,
            description=description,
            schedule=schedule,
            opens_at=opens_at,
            closes_at=closes_at,
            every_weeks=every_weeks,
            window_days=window_days,
            reminder_days=reminder_days or [],
        )
        survey.save()
        _audience_set(survey, audience_team_ids or [])
        _questions_replace(survey, questions)
    return survey


def survey_update(
    *,
    survey: Survey,
    questions: list[QuestionSpec] | None = None,
    audience_team_ids: list[int] | None = None,
    **fields,
) -> Survey:
    """Change a survey. Questions can change only until its first wave opens: answers already
    given refer to them (copy the survey to ask something else)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if questions is not None:
            if survey.waves.exclude(status=Wave.Status.DRAFT).exists():
                raise ValidationError(
                    "The questions cannot change once a wave has opened, because answers refer "
                    "to them. Copy the survey to ask different questions."
                )
            _questions_replace(survey, questions)
        current = {
            name: getattr(survey, name)
            for name in (
                "title",
                "description",
                "schedule",
                "opens_at",
                "closes_at",
                "every_weeks",
                "window_days",
                "reminder_days",
            )
        }
        _survey_fill(survey, **{**current, **fields})
        survey.save()
        if audience_team_ids is not None:
            _audience_set(survey, audience_team_ids)
    return survey


def survey_copy(*, survey: Survey, title: str = "", created_by: Person | None = None) -> Survey:
    """A new survey with the same questions and audience, no waves, no schedule dates."""
    title = title or _copy_title(survey)
    questions = [
        QuestionSpec(q.kind, q.relation, q.prompt, q.max_nominees, q.ask_strength, q.required)
        for q in survey.questions.all()
    ]
    return survey_create(
        organization=survey.organization,
        title=title,
        questions=questions,
        description=survey.description,
        audience_team_ids=list(survey.audience_teams.values_list("id", flat=True)),
        schedule=survey.schedule,
        every_weeks=survey.every_weeks,
        window_days=survey.window_days,
        reminder_days=list(survey.reminder_days),
        created_by=created_by,
    )


def survey_archive(*, survey: Survey) -> Survey:
    if survey.waves.filter(status=Wave.Status.OPEN).exists():
        raise ValidationError("Close the open wave before archiving the survey.")
    survey.status = Survey.Status.ARCHIVED
    survey.save(update_fields=["status", "updated_at"])
    survey.waves.filter(status=Wave.Status.DRAFT).delete()
    return survey


def _copy_title(survey: Survey) -> str:
    base = f"{survey.title} (copy)"
    taken = set(
        Survey.objects.filter(organization=survey.organization, title__startswith=base).values_list(
            "title", flat=True
        )
    )
    title, n = base, 2
    while title in taken:
        title, n = f"{base} {n}", n + 1
    return title


def _survey_fill(survey: Survey, **fields) -> None:
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.title = " ".join((survey.title or "").split())
    errors = {}
    if survey.schedule == Survey.Schedule.ONCE:
        if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
            errors["closes_at"] = "The survey must close after it opens."
    elif survey.schedule == Survey.Schedule.RECURRING:
        if not survey.every_weeks or not survey.window_days:
            errors["every_weeks"] = "A recurring pulse needs 'every N weeks' and a window length."
        elif survey.window_days > survey.every_weeks * 7:
            errors["window_days"] = "The window must be shorter than the time between waves."
    days = survey.reminder_days
    if not isinstance(days, list) or not all(isinstance(d, int) and d >= 1 for d in days):
        errors["reminder_days"] = "Reminder days are whole days after opening, e.g. 3, 6."
    else:
        survey.reminder_days = sorted(set(days))
    if errors:
        raise ValidationError(errors)
    survey.full_clean(exclude=["created_by"], validate_constraints=False)
    clash = Survey.objects.filter(
        organization_id=survey.organization_id, title__iexact=survey.title
    ).exclude(pk=survey.pk)
    if clash.exists():
        raise ValidationError({"title": f"A survey called '{survey.title}' already exists."})


def _audience_set(survey: Survey, team_ids: list[int]) -> None:
    teams = list(survey.organization.teams.filter(id__in=team_ids))
    if len(teams) != len(set(team_ids)):
        raise ValidationError({"audience_teams": "Choose teams of this organisation."})
    survey.audience_teams.set(teams)


def _questions_replace(survey: Survey, questions: list[QuestionSpec]) -> None:
    if not questions:
        raise ValidationError({"questions": "A survey needs at least one question."})
    relations = [q.relation for q in questions if q.kind == Question.Kind.NOMINATION]
    if len(relations) != len(set(relations)):
        raise ValidationError({"questions": "Each relation can be asked only once per survey."})
    rows = []
    for position, spec in enumerate(questions):
        relation = slugify(spec.relation).replace("-", "_") if spec.kind == "nomination" else ""
        question = Question(
            survey=survey,
            position=position,
            kind=spec.kind,
            relation=relation,
            prompt=" ".join(spec.prompt.split()),
            max_nominees=spec.max_nominees,
            ask_strength=spec.ask_strength and spec.kind == "nomination",
            required=spec.required,
        )
        try:
            question.full_clean(exclude=["survey"])
        except ValidationError as exc:
            raise ValidationError(
                {"questions": [f"Question {position + 1}: {m}" for m in exc.messages]}
            ) from None
        if spec.kind == Question.Kind.NOMINATION and not relation:
            raise ValidationError({"questions": f"Question {position + 1} needs a relation."})
        rows.append(question)
    survey.questions.all().delete()
    Question.objects.bulk_create(rows)


# --- waves ---------------------------------------------------------------------------------


def wave_create(
    *, survey: Survey, opens_at: datetime, closes_at: datetime, open_now: bool = False
) -> Wave:
    """Plan the survey's next wave; with open_now it opens at once, in the same transaction."""
    if survey.status == Survey.Status.ARCHIVED:
        raise ValidationError("This survey is archived; copy it to run it again.")
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "The wave must close after it opens."})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": "The wave would already be closed; pick a later date."})
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        if survey.waves.exclude(status=Wave.Status.CLOSED).exists():
            raise ValidationError("This survey already has a wave that is planned or open.")
        number = (survey.waves.aggregate(n=Max("number"))["n"] or 0) + 1
        wave = Wave.objects.create(
            survey=survey, number=number, opens_at=opens_at, closes_at=closes_at
        )
        if open_now:
            wave_open(wave=wave, now=opens_at)
    return wave


def audience_people(survey: Survey):
    """Active people the survey is for: the organisation, or chosen teams with sub-teams."""
    people = Person.objects.filter(organization_id=survey.organization_id, is_active=True)
    team_ids = set(survey.audience_teams.values_list("id", flat=True))
    if team_ids:
        scope = team_descendant_ids(organization_id=survey.organization_id, root_ids=team_ids)
        people = people.filter(team_id__in=scope)
    return people


def wave_open(*, wave: Wave, now: datetime | None = None, send: bool = True) -> bool:
    """draft → open: freeze who is invited and queue the invitations. False if not a draft."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Wave.objects.filter(pk=wave.pk, status=Wave.Status.DRAFT).update(
            status=Wave.Status.OPEN, opened_at=now
        )
        if not claimed:
            return False
        wave.refresh_from_db()
        person_ids = list(audience_people(wave.survey).values_list("id", flat=True))
        Invitation.objects.bulk_create(
            [Invitation(wave=wave, person_id=pid) for pid in person_ids], batch_size=1000
        )
        if send:
            from surveys.tasks import wave_invitations_send

            transaction.on_commit(lambda: wave_invitations_send.delay(wave.pk))
    return True


def wave_close(*, wave: Wave, now: datetime | None = None) -> bool:
    """open → closed; records that the wave's analysis is wanted and, once committed, tells the
    apps that registered for it (surveys.hooks). False if it was not open."""
    now = now or timezone.now()
    claimed = Wave.objects.filter(pk=wave.pk, status=Wave.Status.OPEN).update(
        status=Wave.Status.CLOSED, closed_at=now, analysis_requested_at=now
    )
    if claimed:
        wave.refresh_from_db()
        transaction.on_commit(lambda: hooks.wave_closed(wave.pk))
    return bool(claimed)


def waves_tick(*, now: datetime | None = None) -> dict[str, int]:
    """What Celery beat runs every few minutes: plan, open and close due waves, send reminders."""
    now = now or timezone.now()
    planned = _waves_plan(now)
    opened = sum(
        wave_open(wave=w, now=now)
        for w in Wave.objects.filter(
            status=Wave.Status.DRAFT, opens_at__lte=now, survey__status=Survey.Status.ACTIVE
        )
    )
    closed = sum(
        wave_close(wave=w, now=now)
        for w in Wave.objects.filter(status=Wave.Status.OPEN, closes_at__lte=now)
    )
    reminded = sum(
        _reminder_claim(w, now)
        for w in Wave.objects.filter(status=Wave.Status.OPEN).select_related("survey")
    )
    return {"planned": planned, "opened": opened, "closed": closed, "reminders": reminded}


def _waves_plan(now: datetime) -> int:
    """Create the next draft wave of each scheduled survey whose time has come."""
    planned = 0
    surveys = Survey.objects.filter(
        status=Survey.Status.ACTIVE, opens_at__isnull=False, opens_at__lte=now
    )
    for survey in surveys:
        last = survey.waves.order_by("-number").first()
        if survey.schedule == Survey.Schedule.ONCE:
            if last is None and survey.closes_at and survey.closes_at > now:
                wave_create(survey=survey, opens_at=survey.opens_at, closes_at=survey.closes_at)
                planned += 1
            continue
        step = timedelta(weeks=survey.every_weeks)
        opens = survey.opens_at if last is None else last.opens_at + step
        if last is not None and last.status != Wave.Status.CLOSED:
            continue
        while opens + timedelta(days=survey.window_days) <= now:  # skip missed windows
            opens += step
        if opens <= now:
            wave_create(
                survey=survey, opens_at=opens, closes_at=opens + timedelta(days=survey.window_days)
            )
            planned += 1
    return planned


def _reminder_claim(wave: Wave, now: datetime) -> bool:
    days = wave.survey.reminder_days
    if wave.reminders_sent >= len(days) or wave.opened_at is None:
        return False
    if wave.opened_at + timedelta(days=days[wave.reminders_sent]) > now:
        return False
    claimed = Wave.objects.filter(pk=wave.pk, reminders_sent=wave.reminders_sent).update(
        reminders_sent=wave.reminders_sent + 1
    )
    if claimed:
        from surveys.tasks import wave_reminders_send

        transaction.on_commit(lambda: wave_reminders_send.delay(wave.pk))
    return bool(claimed)


# --- invitations ---------------------------------------------------------------------------


def wave_invitations_send_batch(*, wave: Wave, reminder: bool = False) -> int:
    """E-mail one batch of invitations (or reminders to people who have not answered).

    The batch is claimed with locked, conditional rows (SKIP LOCKED on PostgreSQL), so two
    workers or a retried task never e-mail anyone twice; a failed send rolls its claim back.
    Returns how many were sent; 0 means the wave is done.
    """
    now = timezone.now()
    if reminder:
        due = {
            "answered_at__isnull": True,
            "sent_at__isnull": False,
            "reminder_count__lt": wave.reminders_sent,
        }
        mark = {"reminded_at": now, "reminder_count": wave.reminders_sent}
    else:
        due, mark = {"sent_at__isnull": True}, {"sent_at": now}
    with transaction.atomic():
        ids = list(
            wave.invitations.filter(**due)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:SEND_BATCH]
        )
        if not ids:
            return 0
        Invitation.objects.filter(id__in=ids).update(**mark)
        invitations = Invitation.objects.filter(id__in=ids).select_related(
            "person", "wave__survey__organization"
        )
        kind = InvitationEvent.Kind.REMINDED if reminder else InvitationEvent.Kind.SENT
        _invitations_mail(list(invitations), kind=kind)
    return len(ids)


def invitation_resend(*, invitation: Invitation, revoke_previous: bool = False) -> Invitation:
    """A fresh link by e-mail; optionally the earlier links stop working (e.g. a forwarded mail)."""
    if invitation.wave.status != Wave.Status.OPEN:
        raise ValidationError("Only invitations of an open wave can be resent.")
    with transaction.atomic():
        if revoke_previous:
            invitation.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        _invitations_mail([invitation], kind=InvitationEvent.Kind.RESENT)
    return invitation


def _invitations_mail(invitations: list[Invitation], *, kind: str) -> None:
    links, events, messages = [], [], []
    for invitation in invitations:
        token, digest = token_new()
        links.append(InvitationLink(invitation=invitation, token_hash=digest))
        events.append(InvitationEvent(invitation=invitation, kind=kind))
        messages.append(_invitation_message(invitation, token, reminder=kind == "reminded"))
    InvitationLink.objects.bulk_create(links)
    InvitationEvent.objects.bulk_create(events)
    get_connection().send_messages(messages)


def _invitation_message(invitation: Invitation, token: str, *, reminder: bool) -> EmailMessage:
    survey = invitation.wave.survey
    context = {
        "person": invitation.person,
        "survey": survey,
        "wave": invitation.wave,
        "reminder": reminder,
        "threshold": settings.ANONYMITY_THRESHOLD,
        "link": settings.SITE_URL.rstrip("/") + reverse("survey-answer", kwargs={"token": token}),
    }
    subject = ("Reminder: " if reminder else "") + f"{survey.title} — two minutes of your view"
    return EmailMessage(
        subject=subject,
        to=[invitation.person.email],
        body=render_to_string("surveys/email/invitation.txt", context),
    )
