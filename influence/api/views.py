"""The analysis API: runs of a wave (HR) and the report of its current run (HR: the
organisation; a lead: their teams). Thin: scope through the selectors, call a service or the
report builder. Everybody else gets 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from influence.api.serializers import AnalysisRunSerializer, ReportSerializer
from influence.models import AnalysisRun
from influence.reports import report_build
from influence.selectors import (
    analysis_run_current,
    analysis_run_get_for_hr,
    analysis_run_list_for_wave,
    report_team_ids_for_user,
)
from influence.services import analysis_run_request
from surveys.api.shared import HR_ONLY, REFUSED, refused
from surveys.selectors import wave_get_for_hr, wave_get_for_user
from teams.api.serializers import ErrorSerializer
from teams.audit import audit_record
from teams.models import AuditEvent

NO_REPORT = OpenApiResponse(
    ErrorSerializer,
    description="Not found, not visible to you, or no analysis of the wave has succeeded yet.",
)


class WaveRunListView(generics.ListAPIView):
    serializer_class = AnalysisRunSerializer

    @extend_schema(
        tags=["analysis"],
        summary="Analysis runs of a wave (HR)",
        description="Newest first, 50 per page: status, progress, stage timings, warnings and "
        "the error of a failed run. The wave's results are those of its latest succeeded run.",
        responses={200: AnalysisRunSerializer(many=True), 404: HR_ONLY},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wave = wave_get_for_hr(user=self.request.user, wave_id=self.kwargs["wave_id"])
        return analysis_run_list_for_wave(wave)

    @extend_schema(
        tags=["analysis"],
        summary="Run the analysis again (HR)",
        description="Queues a new run and answers 202 with it. If a run of the wave is already "
        "queued or running, that run is answered instead. The current results stay until the "
        "new run succeeds. 400 for a wave that has not opened yet.",
        request=None,
        responses={202: AnalysisRunSerializer, 400: REFUSED, 404: HR_ONLY},
    )
    def post(self, request, wave_id: int):
        wave = wave_get_for_hr(user=request.user, wave_id=wave_id)
        try:
            run = analysis_run_request(
                wave=wave, reason=AnalysisRun.Reason.API, requested_by=request.user
            )
        except DjangoValidationError as exc:
            return refused(exc)
        run.refresh_from_db()  # without a worker (eager Celery) it has already finished
        return Response(AnalysisRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(APIView):
    @extend_schema(
        tags=["analysis"],
        summary="One analysis run (HR)",
        description="Poll it after requesting a run: `status` goes queued → running → "
        "succeeded or failed, with `progress` and `stage` meanwhile.",
        responses={200: AnalysisRunSerializer, 404: HR_ONLY},
    )
    def get(self, request, run_id: int):
        run = analysis_run_get_for_hr(user=request.user, run_id=run_id)
        return Response(AnalysisRunSerializer(run).data)


class WaveReportView(APIView):
    @extend_schema(
        tags=["analysis"],
        summary="The wave's influence report (HR and leads)",
        description="The current (latest succeeded) run: people with their metrics per "
        "relation, flags with evidence and suggested moves, and team aggregates. HR sees the "
        "organisation; a lead sees only the people and rows of their teams and sub-teams. A "
        "group with fewer respondents than the anonymity threshold has `withheld: true`, a "
        "`reason` and no aggregates. Same shape as `manage.py export_report --format json`.",
        responses={200: ReportSerializer, 404: NO_REPORT},
    )
    def get(self, request, wave_id: int):
        wave = wave_get_for_user(user=request.user, wave_id=wave_id)
        team_ids = report_team_ids_for_user(user=request.user)
        run = analysis_run_current(wave)
        if run is None:
            return Response(
                {"detail": "No analysis of this wave has succeeded yet."},
                status=status.HTTP_404_NOT_FOUND,
            )
        report = report_build(run=run, team_ids=team_ids)
        audit_record(
            action=AuditEvent.Action.IDENTIFIED_VIEW,
            actor=request.user,
            organization=wave.survey.organization_id,
            target=f"wave {wave.pk} report",
            detail={"wave": wave.pk, "teams": sorted(team_ids) if team_ids is not None else "all"},
        )
        return Response(report)
