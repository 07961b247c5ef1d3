"""Employee answering pages: by secret link (no sign-in) or from My surveys.

Thin: resolve the invitation, parse the form into an AnswerSet, call the answering service,
render. The link pages never name the link's owner when the link cannot be used.
"""

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from surveys.answering import (
    AnswerSet,
    answer_people_named,
    answer_people_search,
    invitation_mark_opened,
    link_resolve,
    response_current,
    response_save,
    wave_problem,
)
from surveys.models import STRENGTH_CHOICES, Invitation, Question, Wave
from surveys.selectors import my_invitation_get, my_invitations
from teams.selectors import viewer_person

RATING_CHOICES = [(1, "Very poor"), (2, "Poor"), (3, "OK"), (4, "Good"), (5, "Very good")]
NOT_UNDERSTOOD_PERSON = "Pick colleagues from the list: one choice was not understood."
NOT_UNDERSTOOD_STRENGTH = "How often must be monthly, weekly, several times a week or daily."
NOT_UNDERSTOOD_RATING = "Choose a rating from 1 to 5."
NOT_A_COLLEAGUE = "Not a colleague on your organisation's list"


@dataclass
class Chip:
    """A chosen person as shown on the page (names are looked up in one query)."""

    person_id: int
    name: str
    detail: str
    strength: int | None

    @property
    def strength_label(self) -> str:
        return dict(STRENGTH_CHOICES).get(self.strength, "")


@dataclass
class QuestionBlock:
    question: Question
    number: int
    error: str = ""
    chips: list[Chip] = field(default_factory=list)
    rating: int | None = None
    text: str = ""

    @property
    def full(self) -> bool:
        return len(self.chips) >= self.question.max_nominees

    @property
    def rating_label(self) -> str:
        return dict(RATING_CHOICES).get(self.rating, "")


# --- pages by secret link ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def answer_by_link(request, token: str):
    state = link_resolve(token)
    if state.problem:
        return _problem(request, state.problem, _problem_status(state.invitation))
    urls = {
        "page": reverse("survey-answer", kwargs={"token": token}),
        "people": reverse("survey-answer-people", kwargs={"token": token}),
    }
    return _answer(request, state.invitation, urls=urls, by_link=True)


@never_cache
@require_GET
def people_by_link(request, token: str):
    state = link_resolve(token)
    if state.problem:
        return _json({"results": [], "error": state.problem}, status=404)
    return _people(request, state.invitation)


# --- pages for signed-in people ------------------------------------------------------------


@login_required
@never_cache
def my_surveys(request):
    if viewer_person(request.user) is None:
        return render(request, "teams/no_access.html")
    invitations = list(my_invitations(user=request.user))
    by_status = {status: [] for status in Wave.Status.values}
    for invitation in invitations:
        by_status[invitation.wave.status].append(invitation)
    context = {
        "open": by_status[Wave.Status.OPEN],
        "upcoming": by_status[Wave.Status.DRAFT],
        "closed": sorted(
            by_status[Wave.Status.CLOSED], key=lambda i: i.wave.closes_at, reverse=True
        ),
    }
    return render(request, "surveys/answer/my_surveys.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer_signed_in(request, invitation_id: int):
    invitation = my_invitation_get(user=request.user, invitation_id=invitation_id)
    problem = wave_problem(invitation.wave)
    if problem and request.method == "GET" and invitation.wave.status == Wave.Status.CLOSED:
        return _answers_read_only(request, invitation, problem)
    if problem:
        return _problem(request, problem, _problem_status(invitation))
    urls = {
        "page": reverse("my-survey-answer", kwargs={"invitation_id": invitation.id}),
        "people": reverse("my-survey-answer-people", kwargs={"invitation_id": invitation.id}),
    }
    return _answer(request, invitation, urls=urls, by_link=False)


@login_required
@never_cache
@require_GET
def people_signed_in(request, invitation_id: int):
    try:
        invitation = my_invitation_get(user=request.user, invitation_id=invitation_id)
    except Http404:
        return _json({"results": [], "error": "No survey here."}, status=404)
    problem = wave_problem(invitation.wave)
    if problem:
        return _json({"results": [], "error": problem}, status=404)
    return _people(request, invitation)


# --- shared --------------------------------------------------------------------------------


def _problem_status(invitation: Invitation | None) -> int:
    if invitation is None:
        return 404  # unknown or replaced link
    return 410 if invitation.wave.status == Wave.Status.CLOSED else 409


def _problem(request, problem: str, status: int):
    return render(
        request,
        "surveys/answer/problem.html",
        {"problem": problem, "status": status},
        status=status,
    )


def _answer(request, invitation: Invitation, *, urls: dict[str, str], by_link: bool):
    invitation_mark_opened(invitation)
    questions = list(invitation.wave.survey.questions.all())
    if request.method == "GET":
        if request.GET.get("submitted") and invitation.answered_at:
            return render(
                request,
                "surveys/answer/thanks.html",
                {"invitation": invitation, "urls": urls, "by_link": by_link},
            )
        blocks = _blocks(invitation, questions, response_current(invitation), {})
        return _page(request, invitation, blocks, urls=urls, by_link=by_link)
    submit = request.POST.get("action") == "submit"
    answers, errors = _parsed(questions, request.POST)
    if not errors:
        try:
            response_save(invitation=invitation, answers=answers, submit=submit)
        except ValidationError as exc:
            errors = {key: " ".join(texts) for key, texts in exc.message_dict.items()}
        else:
            if submit:
                return redirect(urls["page"] + "?submitted=1")
            messages.success(request, "Saved. Come back with the same link to finish.")
            return redirect(urls["page"])
    blocks = _blocks(invitation, questions, answers, errors)
    return _page(
        request,
        invitation,
        blocks,
        urls=urls,
        by_link=by_link,
        form_error=errors.get("__all__", ""),
        status=400,
    )


def _page(request, invitation, blocks, *, urls, by_link, form_error="", status=200):
    context = {
        "invitation": invitation,
        "survey": invitation.wave.survey,
        "wave": invitation.wave,
        "organization": invitation.person.organization,
        "blocks": blocks,
        "errored": [b for b in blocks if b.error],
        "form_error": form_error,
        "urls": urls,
        "by_link": by_link,
        "strength_choices": STRENGTH_CHOICES,
        "rating_choices": RATING_CHOICES,
    }
    return render(request, "surveys/answer/page.html", context, status=status)


def _answers_read_only(request, invitation, problem: str):
    questions = list(invitation.wave.survey.questions.all())
    blocks = _blocks(invitation, questions, response_current(invitation), {})
    context = {
        "invitation": invitation,
        "survey": invitation.wave.survey,
        "organization": invitation.person.organization,
        "blocks": blocks,
        "problem": problem,
    }
    return render(request, "surveys/answer/read_only.html", context)


def _people(request, invitation: Invitation):
    people = answer_people_search(invitation=invitation, query=request.GET.get("q", ""))
    results = [{"id": p.id, "name": p.name, "title": p.title, "team": p.team.name} for p in people]
    return _json({"results": results})


def _json(data: dict, *, status: int = 200) -> HttpResponse:
    # <, > and & as \u escapes: the body stays inert even if someone embeds it in HTML.
    body = json.dumps(data, ensure_ascii=False)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return HttpResponse(body, content_type="application/json; charset=utf-8", status=status)


# --- the form <-> AnswerSet ------------------------------------------------------------------


def _as_int(raw: str) -> int | None:
    """A plain ASCII integer of sensible size, or None (never 500 on a tampered form)."""
    raw = raw.strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 15:
        return int(raw)
    return None


def _parsed(questions: list[Question], data) -> tuple[AnswerSet, dict[str, str]]:
    """The posted form as an AnswerSet, plus a message for each question it could not read."""
    answers, errors = AnswerSet(), {}
    for question in questions:
        prefix, problem = f"q{question.id}_", ""
        if question.kind == Question.Kind.NOMINATION:
            picks = answers.nominees.setdefault(question.id, [])
            for raw in data.getlist(prefix + "nominee"):
                person_id = _as_int(raw)
                if person_id is None:
                    problem = NOT_UNDERSTOOD_PERSON
                    continue
                strength = None
                raw_strength = data.get(f"{prefix}strength_{person_id}", "").strip()
                if question.ask_strength and raw_strength:
                    strength = _as_int(raw_strength)
                    problem = problem or ("" if strength is not None else NOT_UNDERSTOOD_STRENGTH)
                picks.append((person_id, strength))
        elif question.kind == Question.Kind.RATING:
            raw = data.get(prefix + "rating", "").strip()
            answers.ratings[question.id] = _as_int(raw) if raw else None
            if raw and answers.ratings[question.id] is None:
                problem = NOT_UNDERSTOOD_RATING
        else:
            answers.texts[question.id] = data.get(prefix + "text", "")
        if problem:
            errors[str(question.id)] = problem
    return answers, errors


def _blocks(invitation, questions, answers: AnswerSet, errors: dict[str, str]):
    """What each question shows: its answer so far and its error. Names come in one query."""
    wanted = {pid for picks in answers.nominees.values() for pid, _ in picks}
    people = answer_people_named(invitation=invitation, person_ids=wanted)
    blocks = []
    for number, question in enumerate(questions, start=1):
        block = QuestionBlock(question, number, errors.get(str(question.id), ""))
        seen = set()
        for person_id, strength in answers.nominees.get(question.id, []):
            if person_id in seen:
                continue
            seen.add(person_id)
            person = people.get(person_id)
            block.chips.append(
                Chip(
                    person_id,
                    person.name if person else NOT_A_COLLEAGUE,
                    " · ".join(filter(None, [person.title, person.team.name])) if person else "",
                    strength if question.ask_strength else None,
                )
            )
        block.rating = answers.ratings.get(question.id)
        block.text = answers.texts.get(question.id, "")
        blocks.append(block)
    return blocks
