"""Erasure API: HR erases a person after typing their e-mail. Thin: scope through the
selectors (404 for anybody but HR of the person's organisation), call the service."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import refused
from teams.api.serializers import ErrorSerializer
from teams.erasure import person_erase
from teams.selectors import organization_get_for_hr, person_get_for_user, viewer_person

HR_ONLY = OpenApiResponse(ErrorSerializer, description="Not found: only HR may do this.")
CONFIRM_MISSING = "Type the person's e-mail address to confirm."


class FieldErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Message per field to fix."
    )


REFUSED = OpenApiResponse(FieldErrorsSerializer, description="Refused; the message says why.")


def invalid(serializer: serializers.Serializer, detail: str) -> Response:
    """A request that did not parse, in the same shape as `refused`."""
    errors = {
        field: " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
        for field, messages in serializer.errors.items()
    }
    return Response({"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


class PersonEraseSerializer(serializers.Serializer):
    confirm_email = serializers.CharField(
        max_length=254,
        help_text="The person's e-mail address, typed again (any case).",
        error_messages={"required": CONFIRM_MISSING, "blank": CONFIRM_MISSING},
    )


class PersonErasedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    person = serializers.IntegerField(help_text="The id of the now anonymous person.")


class PersonEraseView(APIView):
    @extend_schema(
        tags=["people"],
        summary="Erase a person (HR)",
        description="Removes the person's identity for good: name, e-mail, title, attributes, "
        "login and API token, flags and reviews of them, their free-text answers, and every "
        "stored export file of the organisation. Their ties stay as an anonymous node, so "
        "team results do not shift. Cannot be undone; HR cannot erase themselves. Audited "
        "without the name.",
        request=PersonEraseSerializer,
        responses={200: PersonErasedSerializer, 400: REFUSED, 404: HR_ONLY},
        examples=[
            OpenApiExample("Confirm", value={"confirm_email": "ana@acme.test"}, request_only=True),
            OpenApiExample("Erased", value={"detail": "Erased.", "person": 42}, response_only=True),
            OpenApiExample(
                "Wrong e-mail",
                value={
                    "detail": "Type ana@acme.test to confirm.",
                    "errors": {"confirm_email": "Type ana@acme.test to confirm."},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, person_id: int):
        organization_get_for_hr(user=request.user)
        person = person_get_for_user(user=request.user, person_id=person_id)
        serializer = PersonEraseSerializer(data=request.data)
        if not serializer.is_valid():
            return invalid(serializer, "Nobody was erased: " + CONFIRM_MISSING)
        try:
            person = person_erase(
                person=person,
                actor=viewer_person(request.user),
                confirm_email=serializer.validated_data["confirm_email"],
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response({"detail": "Erased.", "person": person.pk})
