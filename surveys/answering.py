"""Answering a survey: resolve a secret link, search the roster, save or submit answers.

The same functions serve the link page, "My surveys" for signed-in people and the API.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from surveys.models import (
    Answer,
    Invitation,
    InvitationEvent,
    InvitationLink,
    Nomination,
    Question,
    Response,
    Wave,
)
from surveys.tokens import token_hash
from teams.models import Person

SEARCH_LIMIT = 10
TEXT_LIMIT = 4000


@dataclass(frozen=True)
class LinkState:
    """What a link leads to. `problem` is shown as is and never names the link's owner."""

    invitation: Invitation | None
    problem: str = ""


LINK_UNKNOWN = (
    "This link is not recognised. Check that the whole address was copied from the "
    "e-mail, or sign in and open My surveys."
)
LINK_REVOKED = (
    "This link has been replaced by a newer one. Use the most recent invitation "
    "e-mail, or sign in and open My surveys."
)


def link_resolve(token: str) -> LinkState:
    link = (
        (
            InvitationLink.objects.select_related(
                "invitation__person__organization", "invitation__wave__survey"
            )
            .filter(token_hash=token_hash(token))
            .first()
        )
        if token
        else None
    )
    if link is None:
        return LinkState(None, LINK_UNKNOWN)
    if link.revoked_at is not None:
        return LinkState(None, LINK_REVOKED)
    invitation = link.invitation
    problem = wave_problem(invitation.wave)
    return LinkState(invitation, problem)


def wave_problem(wave: Wave) -> str:
    """Why answers cannot be given or changed now ('' when they can)."""
    if wave.status == Wave.Status.CLOSED:
        closed = timezone.localtime(wave.closed_at or wave.closes_at)
        return (
            f"This survey closed on {closed:%d %B %Y}. Answers can no longer be given or "
            "changed. Thank you!"
        )
    if wave.status == Wave.Status.DRAFT:
        return "This survey has not opened yet. The link will work once it opens."
    return ""


def invitation_mark_opened(invitation: Invitation) -> None:
    """First opening is recorded once, for the delivery history."""
    if Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=timezone.now()
    ):
        InvitationEvent.objects.create(invitation=invitation, kind=InvitationEvent.Kind.OPENED)


def answer_people_search(
    *, invitation: Invitation, query: str, limit: int = SEARCH_LIMIT
) -> list[Person]:
    """Colleagues to nominate: own team first, then name (any word) or e-mail prefix matches.

    Never the respondent, never inactive people, never another organisation.
    """
    query = " ".join(query.split())[:100]
    if not query:
        return []
    me = invitation.person
    matches = (
        Q(name__istartswith=query) | Q(name__icontains=" " + query) | Q(email__istartswith=query)
    )
    people = (
        Person.objects.filter(matches, organization_id=me.organization_id, is_active=True)
        .exclude(pk=me.pk)
        .annotate(
            other_team=Case(
                When(team_id=me.team_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("team")
        .order_by("other_team", "name", "email")
    )
    return list(people[:limit])


def answer_people_named(*, invitation: Invitation, person_ids: set[int]) -> dict[int, Person]:
    """Chosen people by id, for showing chips. Scoped to the respondent's organisation, so a
    tampered id never reveals anyone's name."""
    people = Person.objects.filter(
        organization_id=invitation.person.organization_id, id__in=person_ids
    ).select_related("team")
    return {person.id: person for person in people}


@dataclass
class AnswerSet:
    """Answers as sent by a form or the API, keyed by question id."""

    nominees: dict[int, list[tuple[int, int | None]]] = field(default_factory=dict)
    ratings: dict[int, int | None] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)


def response_current(invitation: Invitation) -> AnswerSet:
    answers = AnswerSet()
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        return answers
    for n in response.nominations.order_by("id"):
        answers.nominees.setdefault(n.question_id, []).append((n.nominee_id, n.strength))
    for a in response.answers.all():
        if a.rating is not None:
            answers.ratings[a.question_id] = a.rating
        if a.text:
            answers.texts[a.question_id] = a.text
    return answers


def response_save(*, invitation: Invitation, answers: AnswerSet, submit: bool) -> Response:
    """Store the answers of one invitation, replacing earlier ones; submit or keep as a draft.

    Raises ValidationError with one message per question id. Exactly one Response exists per
    invitation however often this runs (double click, two tabs, retries).
    """
    questions = {q.id: q for q in Question.objects.filter(survey_id=invitation.wave.survey_id)}
    nominations, rows, errors = _checked(invitation, questions, answers, submit)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("wave").get(pk=invitation.pk)
        problem = wave_problem(locked.wave)
        if problem:
            raise ValidationError({"__all__": problem})
        response, _ = Response.objects.get_or_create(invitation=locked)
        response.nominations.all().delete()
        response.answers.all().delete()
        Nomination.objects.bulk_create(
            [
                Nomination(response=response, question_id=q, nominee_id=p, strength=s)
                for q, p, s in nominations
            ]
        )
        Answer.objects.bulk_create(
            [Answer(response=response, question_id=q, rating=r, text=t) for q, r, t in rows]
        )
        if submit:
            first = response.submitted_at is None
            response.submitted_at = response.submitted_at or now
            Invitation.objects.filter(pk=locked.pk).update(answered_at=locked.answered_at or now)
            kind = InvitationEvent.Kind.ANSWERED if first else None
        else:
            kind = InvitationEvent.Kind.SAVED if response.submitted_at is None else None
        response.save()
        if kind:
            InvitationEvent.objects.create(invitation=locked, kind=kind)
    return response


def _checked(invitation, questions, answers: AnswerSet, submit: bool):
    errors: dict[str, str] = {}
    unknown = (set(answers.nominees) | set(answers.ratings) | set(answers.texts)) - set(questions)
    if unknown:
        errors["__all__"] = "Some answers are for questions that are not in this survey."
    nominations, rows = [], []
    wanted = {pid for picks in answers.nominees.values() for pid, _ in picks}
    allowed = set(
        Person.objects.filter(
            id__in=wanted, organization_id=invitation.person.organization_id, is_active=True
        )
        .exclude(pk=invitation.person_id)
        .values_list("id", flat=True)
    )
    for qid, question in questions.items():
        message = _check_question(
            question, answers, qid, allowed, invitation.person_id, nominations, rows
        )
        if not message and submit and question.required and not _answered(answers, qid):
            message = "Please answer this question."
        if message:
            errors[str(qid)] = message
    return nominations, rows, errors


def _check_question(question, answers, qid, allowed, me, nominations, rows) -> str:
    if question.kind == Question.Kind.NOMINATION:
        picks: dict[int, int | None] = {}
        for person_id, strength in answers.nominees.get(qid, []):
            if person_id == me:
                return "You cannot name yourself."
            if person_id not in allowed:
                return "Pick colleagues from the list: someone chosen is not an active colleague."
            if question.ask_strength and strength is not None and strength not in (1, 2, 3, 4):
                return "How often must be monthly, weekly, several times a week or daily."
            picks.setdefault(person_id, strength if question.ask_strength else None)
        if len(picks) > question.max_nominees:
            return f"Choose at most {question.max_nominees} people (you chose {len(picks)})."
        nominations += [(qid, pid, strength) for pid, strength in picks.items()]
    elif question.kind == Question.Kind.RATING:
        rating = answers.ratings.get(qid)
        if rating is not None:
            if rating not in (1, 2, 3, 4, 5):
                return "Choose a rating from 1 to 5."
            rows.append((qid, rating, ""))
    else:
        text = answers.texts.get(qid, "").strip()
        if len(text) > TEXT_LIMIT:
            return f"Keep it under {TEXT_LIMIT} characters (it has {len(text)})."
        if text:
            rows.append((qid, None, text))
    return ""


def _answered(answers: AnswerSet, qid: int) -> bool:
    return bool(
        answers.nominees.get(qid) or answers.ratings.get(qid) or answers.texts.get(qid, "").strip()
    )
