"""The roster API. Thin: parse the request, call a selector or service, shape the answer.

Every read goes through `teams.selectors`, the one permission source: out of scope is 404.
"""

from dataclasses import replace

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from teams.api.serializers import (
    AccessGrantSerializer,
    ErrorSerializer,
    PersonListQuerySerializer,
    PersonSerializer,
    RosterImportProblemsSerializer,
    RosterImportResultSerializer,
    RosterImportUploadSerializer,
    TeamSerializer,
    TokenCredentialsSerializer,
    TokenSerializer,
)
from teams.audit import audit_token_created
from teams.roster_import import roster_import
from teams.selectors import (
    TeamNode,
    organization_get_for_hr,
    person_get_for_user,
    person_list_for_user,
    team_get_for_user,
    team_list_for_user,
    team_tree,
    viewer_person,
)
from teams.services import access_grant, api_token_issue

# Same answer for an unknown e-mail, a wrong password and a deactivated login.
WRONG_CREDENTIALS = (
    "Unable to sign in with that e-mail and password. Check both; a deactivated login cannot "
    "sign in."
)
NO_ROSTER_PERSON = (
    "This login is not linked to an active person on the roster. Ask your HR team for access."
)
IMPORT_REFUSED = "The roster was not imported: fix the problems listed."

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not visible to you.")
TOKEN_EXAMPLES = [
    OpenApiExample(
        "Credentials",
        value={"email": "hr@acme.test", "password": "correct horse battery staple"},
        request_only=True,
    ),
    OpenApiExample(
        "A token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}, response_only=True
    ),
    OpenApiExample(
        "Wrong credentials",
        value={"detail": WRONG_CREDENTIALS},
        response_only=True,
        status_codes=["400"],
    ),
]
HR_ONLY = OpenApiResponse(ErrorSerializer, description="Not found: only HR may do this.")


def _parsed(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TokenObtainView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        summary="Get an API token",
        description="Exchange an e-mail (any case) and password for a token to send as "
        "`Authorization: Token <token>`. The same token is returned until it is revoked.",
        request=TokenCredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong or missing credentials."),
            429: OpenApiResponse(ErrorSerializer, description="Too many attempts; wait."),
        },
        examples=TOKEN_EXAMPLES,
        auth=[],
    )
    def post(self, request):
        credentials = _parsed(TokenCredentialsSerializer, request.data)
        user = authenticate(
            request, username=credentials["email"], password=credentials["password"]
        )
        if user is None:  # authenticate() has recorded the failed attempt (teams.signals)
            return Response({"detail": WRONG_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
        token = api_token_issue(user=user)
        audit_token_created(user=user)
        return Response({"token": token})


class MeView(APIView):
    @extend_schema(
        tags=["people"],
        summary="Your own roster record",
        description="The roster person behind the signed-in login.",
        responses={
            200: PersonSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No active roster person."),
        },
    )
    def get(self, request):
        viewer = viewer_person(request.user)
        if viewer is None:
            raise NotFound(NO_ROSTER_PERSON)
        person = person_get_for_user(user=request.user, person_id=viewer.pk)
        return Response(PersonSerializer(person).data)


class PersonListView(generics.ListAPIView):
    serializer_class = PersonSerializer

    @extend_schema(
        tags=["people"],
        summary="People you may see",
        description="HR sees the organisation, a lead their teams and sub-teams, an employee "
        "themselves. Sorted by name, 50 per page.",
        parameters=[PersonListQuerySerializer],
        responses={200: PersonSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _parsed(PersonListQuerySerializer, self.request.query_params)
        team_id = query.get("team")
        if team_id is not None:
            team_get_for_user(user=self.request.user, team_id=team_id)  # 404 unless visible
        return person_list_for_user(
            user=self.request.user,
            search=query.get("search", ""),
            team_id=team_id,
            include_inactive=query["include_inactive"],
        )


class PersonDetailView(APIView):
    @extend_schema(
        tags=["people"],
        summary="One person",
        description="A person you may see, deactivated ones included.",
        responses={200: PersonSerializer, 404: NOT_FOUND},
    )
    def get(self, request, person_id: int):
        person = person_get_for_user(user=request.user, person_id=person_id)
        return Response(PersonSerializer(person).data)


class PersonAccessView(APIView):
    @extend_schema(
        tags=["people"],
        summary="Give a person a login and a role (HR)",
        description="Creates the login if needed, sets the role and optionally a password, and "
        "can e-mail a link to choose a password. Re-granting changes the role.",
        request=AccessGrantSerializer,
        responses={
            200: PersonSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The access cannot be given."),
            404: HR_ONLY,
        },
    )
    def post(self, request, person_id: int):
        organization_get_for_hr(user=request.user)
        person = person_get_for_user(user=request.user, person_id=person_id)
        grant = _parsed(AccessGrantSerializer, request.data)
        try:
            access_grant(
                person=person,
                role=grant["role"],
                password=grant.get("password"),
                invite=grant["send_invitation"],
                actor=viewer_person(request.user),
            )
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        person = person_get_for_user(user=request.user, person_id=person_id)
        return Response(PersonSerializer(person).data)


def _visible_team_nodes(user) -> list[TeamNode]:
    viewer = viewer_person(user)
    if viewer is None:
        return []
    visible = set(team_list_for_user(user=user).values_list("id", flat=True))
    nodes = team_tree(organization_id=viewer.organization_id, team_ids=visible)
    # A parent the viewer may not see is not named.
    return [node if node.parent_id in visible else replace(node, parent_id=None) for node in nodes]


class TeamListView(APIView):
    @extend_schema(
        tags=["teams"],
        summary="Teams you may see",
        description="Depth-first team tree with active head-counts: HR sees every team, a lead "
        "their teams and sub-teams, an employee none.",
        responses={200: TeamSerializer(many=True)},
    )
    def get(self, request):
        return Response(TeamSerializer(_visible_team_nodes(request.user), many=True).data)


class TeamDetailView(APIView):
    @extend_schema(
        tags=["teams"],
        summary="One team",
        description="A team you may see, with its active head-counts.",
        responses={200: TeamSerializer, 404: NOT_FOUND},
    )
    def get(self, request, team_id: int):
        team = team_get_for_user(user=request.user, team_id=team_id)
        node = next(node for node in _visible_team_nodes(request.user) if node.id == team.id)
        return Response(TeamSerializer(node).data)


class RosterImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["roster"],
        summary="Import a roster file (HR)",
        description="Checks the whole file first: one bad row means nothing is stored and every "
        "problem is listed with its row (header = 1) and column. With `dry_run` nothing is "
        "stored either way.",
        request={"multipart/form-data": RosterImportUploadSerializer},
        responses={
            200: RosterImportResultSerializer,
            400: OpenApiResponse(
                RosterImportProblemsSerializer, description="Nothing was imported."
            ),
            404: HR_ONLY,
        },
    )
    def post(self, request):
        organization = organization_get_for_hr(user=request.user)
        upload = _parsed(RosterImportUploadSerializer, request.data)
        report = roster_import(
            organization=organization,
            file_name=upload["file"].name,
            content=upload["file"].read(),
            deactivate_missing=upload["deactivate_missing"],
            dry_run=upload["dry_run"],
            actor=viewer_person(request.user),
        )
        if not report.ok:
            body = {"detail": IMPORT_REFUSED, "problems": report.problems}
            return Response(
                RosterImportProblemsSerializer(body).data, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(RosterImportResultSerializer(report).data)
