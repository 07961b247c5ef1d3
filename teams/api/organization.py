"""Organisation settings API (HR): read and change identified results and retention. Thin:
organization_get_for_hr scopes (404 for anybody else), the service validates and audits."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.api.erasure import HR_ONLY, REFUSED, invalid, refused
from teams.models import Organization
from teams.selectors import organization_get_for_hr, viewer_person
from teams.services import RETENTION_INVALID, RETENTION_RANGE, organization_settings_update

NOT_CHANGED = "The settings were not changed: fix the fields listed."


class OrganizationSettingsSerializer(serializers.ModelSerializer):
    anonymity_threshold = serializers.SerializerMethodField(
        help_text="Groups with fewer respondents have their aggregates withheld (a server "
        "setting, read-only)."
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "identified_results",
            "retention_days",
            "anonymity_threshold",
        ]
        read_only_fields = fields

    def get_anonymity_threshold(self, organization) -> int:
        return settings.ANONYMITY_THRESHOLD


class OrganizationSettingsUpdateSerializer(serializers.Serializer):
    identified_results = serializers.BooleanField(
        required=False, help_text="Employees see on their own network page who named them."
    )
    retention_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=RETENTION_RANGE[0],
        max_value=RETENTION_RANGE[1],
        help_text="Days after a wave closes when its raw answers are deleted (results stay); "
        "null keeps them.",
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), RETENTION_INVALID),
    )


EXAMPLE = {
    "id": 1,
    "name": "Acme",
    "slug": "acme",
    "identified_results": False,
    "retention_days": 365,
    "anonymity_threshold": 5,
}


class OrganizationSettingsView(APIView):
    @extend_schema(
        tags=["organisation"],
        summary="Your organisation's settings (HR)",
        responses={200: OrganizationSettingsSerializer, 404: HR_ONLY},
        examples=[OpenApiExample("Settings", value=EXAMPLE, response_only=True)],
    )
    def get(self, request):
        organization = organization_get_for_hr(user=request.user)
        return Response(OrganizationSettingsSerializer(organization).data)

    @extend_schema(
        tags=["organisation"],
        summary="Change settings (HR)",
        description="Send only what changes. Each change is recorded in the audit log as "
        "[old, new]. `retention_days`: 30–3650, or null to keep raw answers.",
        request=OrganizationSettingsUpdateSerializer,
        responses={200: OrganizationSettingsSerializer, 400: REFUSED, 404: HR_ONLY},
        examples=[
            OpenApiExample("Keep a year", value={"retention_days": 365}, request_only=True),
            OpenApiExample("Settings", value=EXAMPLE, response_only=True),
            OpenApiExample(
                "Too short",
                value={"detail": NOT_CHANGED, "errors": {"retention_days": RETENTION_INVALID}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def patch(self, request):
        organization = organization_get_for_hr(user=request.user)
        serializer = OrganizationSettingsUpdateSerializer(data=request.data)
        if not serializer.is_valid():
            return invalid(serializer, NOT_CHANGED)
        try:
            organization = organization_settings_update(
                organization=organization,
                actor=viewer_person(request.user),
                **serializer.validated_data,
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(OrganizationSettingsSerializer(organization).data)
