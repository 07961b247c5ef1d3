"""The exports API: ask for a report of a wave (HR: the organisation or any team; a lead: their
teams), get the file at once when it is small or a job to poll when it is large, list and follow
jobs, download their file (the requester and HR of the organisation only). Thin: scope through
the selectors, call the services. Everybody else gets 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from influence.api.serializers import ReportSerializer
from influence.exports import FILE_TYPES, FORMATS
from influence.models import Export
from influence.selectors import export_get_for_user, export_list_for_user
from influence.services import ExportExpired, ExportUnavailable, export_request
from influence.services import export_download as export_file_for_download
from influence.views.reports import file_response
from surveys.api.shared import REFUSED, parsed, refused
from surveys.selectors import wave_get_for_user
from teams.api.serializers import ErrorSerializer
from teams.selectors import team_get_for_user

# What a report file may be sent as (the format decides), for the schema; a JSON report is the
# report object itself, every other format a file.
JSON = "application/json"
FILE_MEDIA_TYPES = tuple(
    sorted({content_type.split(";")[0] for _, content_type in FILE_TYPES.values()} - {JSON})
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="Not found, or not yours: only the requester and HR of the organisation see an "
    "export; employees and other organisations get 404.",
)
NOT_READY = OpenApiResponse(
    ErrorSerializer, description="Not ready: still queued or running, or it failed (`detail`)."
)
EXPIRED = OpenApiResponse(
    ErrorSerializer, description="Expired: its download time has passed and the file is gone."
)
JSON_REPORT = OpenApiResponse(
    ReportSerializer, description="A JSON report: the same object as GET /api/waves/<id>/report/."
)
FILE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="The report file as an attachment (Content-Disposition with its file name); "
    "its Content-Type is the format's. Never cached (Cache-Control: private, no-store).",
)
EXPORT_EXAMPLE = {
    "id": 17,
    "wave_id": 4,
    "team_id": None,
    "format": "xlsx",
    "pseudonymise": False,
    "status": "queued",
    "progress": 0,
    "stage": "waiting for a worker",
    "error": "",
    "requested_by": "hr@acme.test",
    "filename": "",
    "content_type": "",
    "size_bytes": 0,
    "created_at": "2025-03-04T09:15:02Z",
    "finished_at": None,
    "expires_at": "2025-03-07T09:15:02Z",
    "expired": False,
    "download_url": None,
}


# --- shapes --------------------------------------------------------------------------------


class NewExportSerializer(serializers.Serializer):
    format = serializers.CharField(
        max_length=16, help_text="The kind of file. One of: " + ", ".join(FORMATS) + "."
    )
    team = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A team id: that team and its sub-teams. Null: the whole organisation (HR) "
        "or all your teams (a lead).",
    )
    pseudonymise = serializers.BooleanField(
        required=False, default=False, help_text="People as codes instead of names and e-mails."
    )
    mode = serializers.ChoiceField(
        choices=[("auto", "auto"), ("job", "job")],
        required=False,
        default="auto",
        help_text="auto: the file at once when it is small, else a job; job: always a job.",
    )


class ExportSerializer(serializers.ModelSerializer):
    wave_id = serializers.IntegerField(read_only=True)
    team_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null: everything the requester may see."
    )
    status = serializers.CharField(
        help_text="One of: " + ", ".join(Export.Status.values) + " (succeeded: ready)."
    )
    progress = serializers.IntegerField(help_text="0 … 100.")
    stage = serializers.CharField(help_text="What a queued or running export is doing now.")
    error = serializers.CharField(help_text="Why it failed; empty otherwise.")
    requested_by = serializers.EmailField(source="requested_by.email")
    expired = serializers.SerializerMethodField(help_text="True once the file is gone.")
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file; null until it is ready, and once it expired."
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "wave_id",
            "team_id",
            "format",
            "pseudonymise",
            "status",
            "progress",
            "stage",
            "error",
            "requested_by",
            "filename",
            "content_type",
            "size_bytes",
            "created_at",
            "finished_at",
            "expires_at",
            "expired",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_expired(self, export: Export) -> bool:
        return getattr(export, "expired", False)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, export: Export) -> str | None:
        if export.status != Export.Status.SUCCEEDED or getattr(export, "expired", False):
            return None
        url = reverse("api-export-download", kwargs={"export_id": export.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


# --- views ---------------------------------------------------------------------------------


class WaveExportView(APIView):
    @extend_schema(
        tags=["exports"],
        summary="Export a report of a wave (HR and leads)",
        description="The report of the wave's current (latest succeeded) analysis, scoped like "
        "the pages: HR the organisation or any team, a lead their teams and sub-teams. Up to "
        "EXPORT_STREAM_MAX_PEOPLE people (`mode` auto) the answer is the file itself (200); "
        "larger reports, or `mode` job, answer 202 with a queued export and a Location header "
        "to poll (GET /api/exports/{id}/), whose `download_url` appears once it is ready. Every "
        "request is written to the audit log. 400 for an unknown format or a wave without a "
        "succeeded analysis; 404 for a wave or team you may not see.",
        request=NewExportSerializer,
        responses={
            (200, JSON): JSON_REPORT,
            (200, *FILE_MEDIA_TYPES): FILE,
            202: OpenApiResponse(ExportSerializer, description="Queued: poll its Location."),
            400: REFUSED,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "Ask for a workbook of one team",
                value={"format": "xlsx", "team": 12, "pseudonymise": False, "mode": "auto"},
                request_only=True,
            ),
            OpenApiExample(
                "Queued", value=EXPORT_EXAMPLE, response_only=True, status_codes=["202"]
            ),
            OpenApiExample(
                "Unknown format",
                value={
                    "detail": "Unknown format 'docx'. Choose one of: " + ", ".join(FORMATS) + ".",
                    "errors": {
                        "format": "Unknown format 'docx'. Choose one of: "
                        + ", ".join(FORMATS)
                        + "."
                    },
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, wave_id: int):
        wave = wave_get_for_user(user=request.user, wave_id=wave_id)
        data = parsed(NewExportSerializer, request.data)
        team = None
        if data["team"] is not None:
            team = team_get_for_user(user=request.user, team_id=data["team"])
        try:
            result = export_request(
                user=request.user,
                wave=wave,
                fmt=data["format"],
                team=team,
                pseudonymise=data["pseudonymise"],
                background=data["mode"] == "job",
            )
        except DjangoValidationError as exc:
            return refused(exc)
        if not isinstance(result, Export):
            return file_response(result)
        # Read back through the selector: with eager Celery it has already finished.
        export = export_get_for_user(user=request.user, export_id=result.pk)
        location = reverse("api-export-detail", kwargs={"export_id": export.pk})
        return Response(
            ExportSerializer(export, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": request.build_absolute_uri(location)},
        )


class ExportListView(generics.ListAPIView):
    serializer_class = ExportSerializer

    @extend_schema(
        tags=["exports"],
        summary="Report exports built in the background",
        description="Newest first, 50 per page: your own exports; HR sees every export of the "
        "organisation. Reports answered at once (200 from POST …/exports/) are not stored, so "
        "they are not listed. Filter with `status` and `wave`.",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=Export.Status.values,
                description="Only exports with this status (succeeded: ready).",
            ),
            OpenApiParameter("wave", int, description="Only exports of this wave."),
        ],
        responses={200: ExportSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or None
        if wanted is not None and wanted not in Export.Status.values:
            raise serializers.ValidationError(
                {
                    "status": f"Unknown status '{wanted}'. Use one of: "
                    + ", ".join(Export.Status.values)
                    + "."
                }
            )
        wave = self.request.query_params.get("wave") or None
        if wave is not None and not wave.isdigit():
            raise serializers.ValidationError({"wave": "Give a wave id (a whole number)."})
        return export_list_for_user(
            user=self.request.user, status=wanted, wave_id=int(wave) if wave else None
        )


class ExportDetailView(APIView):
    @extend_schema(
        tags=["exports"],
        summary="One report export",
        description="Poll it after asking for a large report: `status` goes queued → running → "
        "succeeded or failed, with `progress` (0 … 100) and `stage` meanwhile and `error` when "
        "it failed. Once it succeeded, `download_url` gives the file until `expires_at`.",
        responses={200: ExportSerializer, 404: NOT_FOUND},
    )
    def get(self, request, export_id: int):
        export = export_get_for_user(user=request.user, export_id=export_id)
        return Response(ExportSerializer(export, context={"request": request}).data)


class ExportDownloadView(APIView):
    @extend_schema(
        tags=["exports"],
        summary="Download an export's file",
        description="The file of a succeeded export, for its requester and HR of the "
        "organisation (a download by anyone but the requester is written to the audit log). "
        "409 while it is queued or running, or when it failed; 410 once it expired.",
        responses={
            (200, JSON): JSON_REPORT,
            (200, *FILE_MEDIA_TYPES): FILE,
            404: NOT_FOUND,
            409: NOT_READY,
            410: EXPIRED,
        },
    )
    def get(self, request, export_id: int):
        export = export_get_for_user(user=request.user, export_id=export_id)
        try:
            file = export_file_for_download(user=request.user, export=export)
        except ExportUnavailable as exc:
            code = (
                status.HTTP_410_GONE if isinstance(exc, ExportExpired) else status.HTTP_409_CONFLICT
            )
            return Response({"detail": str(exc)}, status=code)
        return file_response(file)
