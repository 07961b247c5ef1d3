"""Answering a survey by its secret link, through the API. No sign-in: the token in the
address is the credential, and no error says whose link it is. Everything goes through
`surveys.answering`, as the link page does."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from surveys.answering import (
    AnswerSet,
    answer_people_named,
    answer_people_search,
    invitation_mark_opened,
    link_resolve,
    response_current,
    response_save,
)
from surveys.api.serializers import (
    AnswerInputSerializer,
    AnswerPeopleQuerySerializer,
    AnswerPersonSerializer,
    AnswerStateSerializer,
    SurveyErrorSerializer,
)
from surveys.api.shared import LINK_CLOSED, LINK_NOT_OPEN, LINK_UNKNOWN, parsed
from surveys.models import Invitation, Wave

ANSWERS_REFUSED = "Some answers need attention: see the message for each question."


class SurveyClosed(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "survey_closed"


class SurveyNotOpenYet(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "survey_not_open"


class AnswerRateThrottle(ScopedRateThrottle):
    """Limits each client on the public answering endpoints once an "answer" rate is set in
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]; without one, nothing is limited."""

    def allow_request(self, request, view):
        if getattr(view, self.scope_attr, None) not in self.THROTTLE_RATES:
            return True
        return super().allow_request(request, view)


class _ByLink(APIView):
    authentication_classes: list = []  # the secret token in the address is the credential
    permission_classes = [AllowAny]
    throttle_classes = [AnswerRateThrottle]
    throttle_scope = "answer"


def _link_open(token: str) -> Invitation:
    """The invitation behind a link whose wave takes answers; 404 / 410 / 409 with the
    link page's own words otherwise."""
    state = link_resolve(token)
    if state.invitation is None:
        raise NotFound(state.problem)
    if state.problem:
        if state.invitation.wave.status == Wave.Status.CLOSED:
            raise SurveyClosed(state.problem)
        raise SurveyNotOpenYet(state.problem)
    return state.invitation


def _answer_set(items: list[dict]) -> AnswerSet:
    answers = AnswerSet()
    for item in items:
        question = item["question"]
        if "nominees" in item:
            picks = item["nominees"]
            answers.nominees[question] = [(n["person"], n.get("strength")) for n in picks]
        if item.get("rating") is not None:
            answers.ratings[question] = item["rating"]
        if item.get("text"):
            answers.texts[question] = item["text"]
    return answers


def _answer_state(invitation: Invitation, *, submitted: bool) -> dict:
    survey = invitation.wave.survey
    current = response_current(invitation)
    named = {pid for picks in current.nominees.values() for pid, _ in picks}
    people = answer_people_named(invitation=invitation, person_ids=named)
    questions = list(survey.questions.all())
    answers = [
        {
            "question": q.id,
            "nominees": [
                {"person": people[pid], "strength": strength}
                for pid, strength in current.nominees.get(q.id, [])
                if pid in people
            ],
            "rating": current.ratings.get(q.id),
            "text": current.texts.get(q.id, ""),
        }
        for q in questions
    ]
    return {
        "survey_title": survey.title,
        "survey_description": survey.description,
        "organization_name": invitation.person.organization.name,
        "closes_at": invitation.wave.closes_at,
        "questions": questions,
        "answers": answers,
        "submitted": submitted,
    }


class AnswerView(_ByLink):
    parser_classes = [JSONParser]  # answers are nested

    @extend_schema(
        tags=["answering"],
        summary="A survey to answer, by its secret link",
        description="No sign-in: the token from the e-mailed link is enough. Returns the "
        "questions and the answers saved so far. 404 for an unknown or replaced link, 410 once "
        "the survey has closed, 409 before it opens; the message says so plainly.",
        responses={
            200: AnswerStateSerializer,
            404: LINK_UNKNOWN,
            409: LINK_NOT_OPEN,
            410: LINK_CLOSED,
        },
        auth=[],
    )
    def get(self, request, token: str):
        invitation = _link_open(token)
        invitation_mark_opened(invitation)
        state = _answer_state(invitation, submitted=invitation.answered_at is not None)
        return Response(AnswerStateSerializer(state).data)

    @extend_schema(
        tags=["answering"],
        summary="Save or send the answers, by the secret link",
        description="Replaces the answers saved before with `answers`; `submit` sends them (a "
        "draft otherwise). Sending twice keeps one response. 400 lists a message per question "
        "id under `errors`.",
        request=AnswerInputSerializer,
        examples=[
            OpenApiExample(
                "Send the answers",
                value={
                    "answers": [
                        {"question": 11, "nominees": [{"person": 42, "strength": 3}]},
                        {"question": 12, "rating": 4},
                    ],
                    "submit": True,
                },
                request_only=True,
            ),
            OpenApiExample(
                "A message per question",
                value={
                    "detail": ANSWERS_REFUSED,
                    "errors": {"11": "You cannot name yourself."},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        responses={
            200: AnswerStateSerializer,
            400: OpenApiResponse(SurveyErrorSerializer, description="Nothing was saved."),
            404: LINK_UNKNOWN,
            409: LINK_NOT_OPEN,
            410: LINK_CLOSED,
        },
        auth=[],
    )
    def put(self, request, token: str):
        invitation = _link_open(token)
        data = parsed(AnswerInputSerializer, request.data)
        try:
            response = response_save(
                invitation=invitation, answers=_answer_set(data["answers"]), submit=data["submit"]
            )
        except DjangoValidationError as exc:
            errors = {key: " ".join(messages) for key, messages in exc.message_dict.items()}
            detail = errors.pop("__all__", ANSWERS_REFUSED)
            return Response(
                {"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST
            )
        state = _answer_state(invitation, submitted=response.submitted_at is not None)
        return Response(AnswerStateSerializer(state).data)


class AnswerPeopleView(_ByLink):
    @extend_schema(
        tags=["answering"],
        summary="Colleagues to name, by the secret link",
        description="Active colleagues whose first or last name or e-mail starts with `q`, own "
        "team first; never the person answering. At most 10.",
        parameters=[AnswerPeopleQuerySerializer],
        responses={
            200: AnswerPersonSerializer(many=True),
            404: LINK_UNKNOWN,
            409: LINK_NOT_OPEN,
            410: LINK_CLOSED,
        },
        auth=[],
    )
    def get(self, request, token: str):
        invitation = _link_open(token)
        query = parsed(AnswerPeopleQuerySerializer, request.query_params)
        people = answer_people_search(invitation=invitation, query=query["q"])
        return Response(AnswerPersonSerializer(people, many=True).data)
