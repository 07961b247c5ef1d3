"""The survey API for HR: surveys and the question bank. Thin: parse the request, call a
selector or a service, shape the answer. Leads may read the surveys that reached their teams;
everybody else gets 404. Waves are in `waves.py`, answering by link in `answering.py`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys.api.serializers import (
    QuestionBankEntrySerializer,
    SurveyCopyInputSerializer,
    SurveyInputSerializer,
    SurveyListQuerySerializer,
    SurveySerializer,
)
from surveys.api.shared import HR_ONLY, NOT_FOUND, REFUSED, parsed, refused
from surveys.models import QUESTION_BANK, Survey
from surveys.selectors import survey_get_for_hr, survey_get_for_user, survey_list_for_user
from surveys.services import (
    QuestionSpec,
    bank_questions,
    survey_archive,
    survey_copy,
    survey_create,
    survey_update,
)
from teams.selectors import organization_get_for_hr, viewer_person

SURVEY_FIELDS = (
    "description",
    "schedule",
    "opens_at",
    "closes_at",
    "every_weeks",
    "window_days",
    "reminder_days",
)

# --- surveys -------------------------------------------------------------------------------------


def _question_specs(data: dict) -> list[QuestionSpec] | None:
    """Bank questions first, then the caller's own; None when neither was given."""
    if "questions" not in data and "bank" not in data:
        return None
    specs = bank_questions(data.get("bank", []), ask_strength=data.get("bank_ask_strength", False))
    return specs + [QuestionSpec(**question) for question in data.get("questions", [])]


def _survey_body(survey: Survey) -> dict:
    survey = Survey.objects.prefetch_related("questions", "audience_teams").get(pk=survey.pk)
    return SurveySerializer(survey).data


class SurveyListView(generics.ListAPIView):
    serializer_class = SurveySerializer
    parser_classes = [JSONParser]  # questions are nested

    @extend_schema(
        tags=["surveys"],
        summary="Surveys you may see",
        description="HR sees every survey of the organisation; a lead those that reached their "
        "teams (for response rates); anybody else none. Newest first, 50 per page.",
        parameters=[SurveyListQuerySerializer],
        responses={200: SurveySerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = parsed(SurveyListQuerySerializer, self.request.query_params)
        surveys = survey_list_for_user(
            user=self.request.user, include_archived=query["include_archived"]
        )
        return surveys.prefetch_related("questions", "audience_teams")

    @extend_schema(
        tags=["surveys"],
        summary="Create a survey (HR)",
        description="Questions from the bank (`bank`) and/or your own (`questions`), an audience "
        "(empty: everybody) and a schedule. No wave is opened yet.",
        request=SurveyInputSerializer,
        responses={201: SurveySerializer, 400: REFUSED, 404: HR_ONLY},
        examples=[
            OpenApiExample(
                "A quarterly pulse",
                value={
                    "title": "Spring pulse",
                    "bank": ["advice", "decision", "help"],
                    "bank_ask_strength": True,
                    "questions": [{"kind": "rating", "prompt": "How is trust in your team going?"}],
                    "schedule": "recurring",
                    "every_weeks": 12,
                    "window_days": 7,
                    "reminder_days": [3, 6],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Refused",
                value={
                    "detail": "A survey called 'Spring pulse' already exists.",
                    "errors": {"title": "A survey called 'Spring pulse' already exists."},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        organization = organization_get_for_hr(user=request.user)
        data = parsed(SurveyInputSerializer, request.data)
        try:
            survey = survey_create(
                organization=organization,
                title=data["title"],
                questions=_question_specs(data) or [],
                audience_team_ids=data.get("audience_team_ids"),
                created_by=viewer_person(request.user),
                **{name: data[name] for name in SURVEY_FIELDS if name in data},
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(_survey_body(survey), status=status.HTTP_201_CREATED)


class SurveyDetailView(APIView):
    parser_classes = [JSONParser]  # questions are nested

    @extend_schema(
        tags=["surveys"],
        summary="One survey",
        description="With its questions. HR: any survey of the organisation; a lead: one that "
        "reached their teams.",
        responses={200: SurveySerializer, 404: NOT_FOUND},
    )
    def get(self, request, survey_id: int):
        return Response(
            SurveySerializer(survey_get_for_user(user=request.user, survey_id=survey_id)).data
        )

    @extend_schema(
        tags=["surveys"],
        summary="Change a survey (HR)",
        description="Send only what changes. `questions` or `bank` replace all questions, and "
        "only until the first wave opens (copy the survey to ask something else).",
        request=SurveyInputSerializer,
        responses={200: SurveySerializer, 400: REFUSED, 404: HR_ONLY},
    )
    def patch(self, request, survey_id: int):
        survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
        data = parsed(SurveyInputSerializer, request.data, partial=True)
        fields = {name: data[name] for name in ("title", *SURVEY_FIELDS) if name in data}
        try:
            survey = survey_update(
                survey=survey,
                questions=_question_specs(data),
                audience_team_ids=data.get("audience_team_ids"),
                **fields,
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(_survey_body(survey))


class SurveyCopyView(APIView):
    @extend_schema(
        tags=["surveys"],
        summary="Copy a survey (HR)",
        description="A new survey with the same questions and audience, no waves and no dates.",
        request=SurveyCopyInputSerializer,
        responses={201: SurveySerializer, 400: REFUSED, 404: HR_ONLY},
    )
    def post(self, request, survey_id: int):
        survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
        data = parsed(SurveyCopyInputSerializer, request.data)
        try:
            copy = survey_copy(
                survey=survey, title=data["title"], created_by=viewer_person(request.user)
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(_survey_body(copy), status=status.HTTP_201_CREATED)


class SurveyArchiveView(APIView):
    @extend_schema(
        tags=["surveys"],
        summary="Archive a survey (HR)",
        description="Its results stay; planned waves are dropped. An open wave must be closed "
        "first.",
        request=None,
        responses={200: SurveySerializer, 400: REFUSED, 404: HR_ONLY},
    )
    def post(self, request, survey_id: int):
        survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
        try:
            survey = survey_archive(survey=survey)
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(_survey_body(survey))


class QuestionBankView(APIView):
    @extend_schema(
        tags=["surveys"],
        summary="The question bank (HR)",
        description="Relations with their default prompts, for `bank` when creating a survey.",
        responses={200: QuestionBankEntrySerializer(many=True), 404: HR_ONLY},
    )
    def get(self, request):
        organization_get_for_hr(user=request.user)
        entries = [{"relation": r, "prompt": p} for r, p in QUESTION_BANK.items()]
        return Response(QuestionBankEntrySerializer(entries, many=True).data)
