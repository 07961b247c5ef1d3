"""The survey API for waves: plan, open, close, invitations and response rates. HR runs them;
leads may read waves and response rates of their teams; everybody else gets 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys.api.serializers import (
    InvitationResendSerializer,
    InvitationSerializer,
    ResponseRateSerializer,
    WaveCreateSerializer,
    WaveSerializer,
)
from surveys.api.shared import (
    HR_ONLY,
    NOT_FOUND,
    REFUSED,
    WRONG_STATE,
    conflict,
    parsed,
    refused,
)
from surveys.selectors import (
    InvitationView,
    invitation_get_for_hr,
    invitation_views,
    response_rates,
    survey_get_for_hr,
    survey_get_for_user,
    wave_get_for_hr,
    wave_get_for_user,
    wave_invitations_for_hr,
)
from surveys.services import invitation_resend, wave_close, wave_create, wave_open


class SurveyWaveListView(APIView):
    @extend_schema(
        tags=["waves"],
        summary="Waves of a survey",
        description="Newest first. HR: any survey; a lead: a survey that reached their teams.",
        responses={200: WaveSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, survey_id: int):
        survey = survey_get_for_user(user=request.user, survey_id=survey_id)
        waves = survey.waves.select_related("survey").order_by("-number")
        return Response(WaveSerializer(waves, many=True).data)

    @extend_schema(
        tags=["waves"],
        summary="Plan a wave (HR)",
        description="A survey has one planned or open wave at a time. It opens by itself at "
        "`opens_at` (absent: now), or at once with `open_now`, which invites the audience and "
        "e-mails their links.",
        request=WaveCreateSerializer,
        responses={201: WaveSerializer, 400: REFUSED, 404: HR_ONLY},
    )
    def post(self, request, survey_id: int):
        survey = survey_get_for_hr(user=request.user, survey_id=survey_id)
        data = parsed(WaveCreateSerializer, request.data)
        try:
            wave = wave_create(
                survey=survey,
                opens_at=data.get("opens_at") or timezone.now(),
                closes_at=data["closes_at"],
                open_now=data["open_now"],
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(WaveSerializer(wave).data, status=status.HTTP_201_CREATED)


class WaveDetailView(APIView):
    @extend_schema(
        tags=["waves"],
        summary="One wave",
        description="HR: any wave; a lead: a wave of a survey that reached their teams.",
        responses={200: WaveSerializer, 404: NOT_FOUND},
    )
    def get(self, request, wave_id: int):
        return Response(WaveSerializer(wave_get_for_user(user=request.user, wave_id=wave_id)).data)


class WaveOpenView(APIView):
    @extend_schema(
        tags=["waves"],
        summary="Open a planned wave now (HR)",
        description="Freezes who is invited (the survey's active audience) and e-mails each a "
        "secret link. 409 when the wave is already open or closed.",
        request=None,
        responses={200: WaveSerializer, 404: HR_ONLY, 409: WRONG_STATE},
    )
    def post(self, request, wave_id: int):
        wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
        if not wave_open(wave=wave):
            wave.refresh_from_db()
            return conflict(f"Only a planned wave can be opened; this one is {wave.status}.")
        return Response(WaveSerializer(wave).data)


class WaveCloseView(APIView):
    @extend_schema(
        tags=["waves"],
        summary="Close an open wave now (HR)",
        description="Links stop accepting answers and the wave's analysis is requested. 409 when "
        "the wave is not open.",
        request=None,
        responses={200: WaveSerializer, 404: HR_ONLY, 409: WRONG_STATE},
    )
    def post(self, request, wave_id: int):
        wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
        if not wave_close(wave=wave):
            wave.refresh_from_db()
            return conflict(f"Only an open wave can be closed; this one is {wave.status}.")
        return Response(WaveSerializer(wave).data)


def _invitation_row(view: InvitationView) -> dict:
    invitation, withheld = view.invitation, view.withheld
    person = invitation.person
    row = {
        "id": invitation.id,
        "person": {
            "id": person.id,
            "name": person.name,
            "email": person.email,
            "team_id": person.team_id,
            "team_name": person.team.name,
        },
        "sent_at": invitation.sent_at,
        "reminder_count": view.reminder_count,
        "opened_at": view.opened_at,
        "answered_at": view.answered_at,
        "withheld": withheld,
    }
    if not withheld:
        row["events"] = [{"kind": e.kind, "at": e.at} for e in view.events]
    return row


class WaveInvitationListView(generics.ListAPIView):
    serializer_class = InvitationSerializer

    @extend_schema(
        tags=["waves"],
        summary="Who was invited, and the delivery of each invitation (HR)",
        description="Sorted by name, 50 per page. In a team with fewer invited than the "
        "anonymity threshold, opened/answered are null, events are left out and `withheld` is "
        "true.",
        responses={200: InvitationSerializer(many=True), 404: HR_ONLY},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.wave = wave_get_for_hr(user=self.request.user, wave_id=self.kwargs["wave_id"])
        return wave_invitations_for_hr(wave=self.wave)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [_invitation_row(v) for v in invitation_views(wave=self.wave, invitations=page)]
        return self.get_paginated_response(InvitationSerializer(rows, many=True).data)


class InvitationResendView(APIView):
    @extend_schema(
        tags=["waves"],
        summary="E-mail a fresh link (HR)",
        description="Only while the wave is open. With `revoke_previous`, earlier links stop "
        "working.",
        request=InvitationResendSerializer,
        responses={200: InvitationSerializer, 400: REFUSED, 404: HR_ONLY},
    )
    def post(self, request, invitation_id: int):
        invitation = invitation_get_for_hr(user=request.user, invitation_id=invitation_id)
        data = parsed(InvitationResendSerializer, request.data)
        try:
            invitation_resend(invitation=invitation, revoke_previous=data["revoke_previous"])
        except DjangoValidationError as exc:
            return refused(exc)
        invitation = invitation_get_for_hr(user=request.user, invitation_id=invitation_id)
        (view,) = invitation_views(wave=invitation.wave, invitations=[invitation])
        return Response(InvitationSerializer(_invitation_row(view)).data)


class WaveResponseRatesView(APIView):
    @extend_schema(
        tags=["waves"],
        summary="Response rates (HR and leads)",
        description="HR: the organisation and every team with invitations; a lead: their teams "
        "and sub-teams. Counts include sub-teams; who answered is never shown. "
        "`below_threshold` marks groups smaller than the anonymity threshold.",
        responses={200: ResponseRateSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, wave_id: int):
        wave = wave_get_for_user(user=request.user, wave_id=wave_id)
        rows = response_rates(user=request.user, wave=wave)
        return Response(ResponseRateSerializer(rows, many=True).data)
