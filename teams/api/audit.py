"""The audit log API (HR, read-only): the filtered list and the same lines as CSV. Anybody but
HR of the organisation gets 404; writing methods get 405."""

from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.api.serializers import ErrorSerializer
from teams.audit_log import (
    AuditFilter,
    audit_csv_filename,
    audit_event_list,
    audit_log_download,
    audit_person_names,
    day_end,
    day_start,
)
from teams.models import AuditEvent
from teams.selectors import organization_get_for_hr

FILTERS_INVALID = "The filters are not valid: fix the parameters listed."
HR_ONLY = OpenApiResponse(ErrorSerializer, description="Not found: only HR may read the log.")


class AuditQueryErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.CharField(), help_text="Query parameter → what is wrong with it."
    )


BAD_FILTERS = OpenApiResponse(AuditQueryErrorSerializer, description="A filter is not valid.")


class _DayOrMoment(serializers.Field):
    """An ISO date (the whole day) or date-time; a date-time without offset is in UTC."""

    default_error_messages = {
        "invalid": "Use an ISO date or date-time, e.g. 2025-03-31 or 2025-03-31T14:00:00Z."
    }

    def __init__(self, *, end_of_day: bool, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime:
        text = str(data).strip()
        try:
            # The date first: parse_datetime reads a bare date as its midnight.
            day = parse_date(text)
            moment = None if day is not None else parse_datetime(text)
        except ValueError:  # well-formed but impossible, e.g. 2025-02-30
            self.fail("invalid")
        if day is not None:
            return day_end(day) if self.end_of_day else day_start(day)
        if moment is not None:
            return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        self.fail("invalid")


class AuditQuerySerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AuditEvent.Action.choices, required=False)
    actor = serializers.CharField(max_length=254, required=False, allow_blank=True)
    person = serializers.IntegerField(min_value=1, required=False)
    since = _DayOrMoment(end_of_day=False, required=False)
    until = _DayOrMoment(end_of_day=True, required=False)

    def validate(self, data):
        if "since" in data and "until" in data and data["until"] < data["since"]:
            raise serializers.ValidationError({"until": "It is before `since`; swap them."})
        return data


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display")
    actor = serializers.CharField(source="actor_label", help_text="The e-mail at the time.")
    target_person_name = serializers.SerializerMethodField(
        help_text="The person's current name; null once erased, gone or when there is none."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "action_label",
            "target",
            "target_person_id",
            "target_person_name",
            "detail",
            "source",
            "ip_address",
            "user_agent",
        ]

    def get_target_person_name(self, event) -> str | None:
        return self.context["names"].get(event.target_person_id)


def _filters(query_params) -> tuple[AuditFilter | None, Response | None]:
    query = AuditQuerySerializer(data=query_params)
    if not query.is_valid():
        errors = {field: " ".join(map(str, messages)) for field, messages in query.errors.items()}
        body = {"detail": FILTERS_INVALID, "errors": errors}
        return None, Response(body, status=status.HTTP_400_BAD_REQUEST)
    data = query.validated_data
    return AuditFilter(
        action=data.get("action", ""),
        actor=data.get("actor", "").strip(),
        person_id=data.get("person"),
        since=data.get("since"),
        until=data.get("until"),
    ), None


QUERY_PARAMETERS = [
    OpenApiParameter(
        "action", str, enum=AuditEvent.Action.values, description="Only lines of this action."
    ),
    OpenApiParameter("actor", str, description="Part of the actor's e-mail, any case."),
    OpenApiParameter("person", int, description="Only lines about the person with this id."),
    OpenApiParameter(
        "since",
        str,
        description="From this ISO date (the whole day) or date-time on, e.g. 2025-03-01.",
    ),
    OpenApiParameter(
        "until",
        str,
        description="Up to this ISO date (the whole day) or date-time, e.g. 2025-03-31.",
    ),
]
EVENT_EXAMPLE = OpenApiExample(
    "A lead opened a person's panel on the team map",
    value={
        "id": 812,
        "created_at": "2025-03-31T09:14:02.118Z",
        "actor": "lead@acme.test",
        "action": "identified_view",
        "action_label": "Viewed identified results",
        "target": "person 42",
        "target_person_id": 42,
        "target_person_name": "Eli Ng",
        "detail": {"wave": 3, "team": 7},
        "source": "web",
        "ip_address": "203.0.113.9",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    },
    response_only=True,
)


class AuditEventListView(generics.GenericAPIView):
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        # The browsable API asks for it (its filter form); the list itself filters in get().
        organization = organization_get_for_hr(user=self.request.user)
        return audit_event_list(organization_id=organization.pk, filters=AuditFilter())

    @extend_schema(
        tags=["audit"],
        summary="The audit log (HR)",
        description="Your organisation's sign-ins, exports, views of identified results, roster "
        "imports, role changes, erasures, retention deletions and settings changes: who, what, "
        "when and from where. Newest first, 50 per page. Targets name people by id; "
        "`target_person_name` is their current name while they exist and are not erased. The "
        "log is read-only.",
        parameters=QUERY_PARAMETERS,
        responses={200: AuditEventSerializer(many=True), 400: BAD_FILTERS, 404: HR_ONLY},
        examples=[EVENT_EXAMPLE],
    )
    def get(self, request):
        organization = organization_get_for_hr(user=request.user)
        filters, refusal = _filters(request.query_params)
        if refusal is not None:
            return refusal
        events = audit_event_list(organization_id=organization.pk, filters=filters)
        page = self.paginate_queryset(events)
        names = audit_person_names(organization_id=organization.pk, events=page)
        data = AuditEventSerializer(page, many=True, context={"names": names}).data
        return self.get_paginated_response(data)


class AuditExportView(APIView):
    @extend_schema(
        tags=["audit"],
        summary="The audit log as CSV (HR)",
        description="The same lines and filters as the list, all of them, as a CSV download "
        "(streamed). Cells a spreadsheet would run as a formula start with an apostrophe. The "
        "download is itself recorded in the log.",
        parameters=QUERY_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
            400: BAD_FILTERS,
            404: HR_ONLY,
        },
    )
    def get(self, request):
        organization = organization_get_for_hr(user=request.user)
        filters, refusal = _filters(request.query_params)
        if refusal is not None:
            return refusal
        lines = audit_log_download(organization=organization, user=request.user, filters=filters)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{audit_csv_filename()}"'
        return response

    def perform_content_negotiation(self, request, force=False):
        # The CSV bypasses the renderers; an `Accept: text/csv` client still gets errors as JSON.
        return super().perform_content_negotiation(request, force=True)
