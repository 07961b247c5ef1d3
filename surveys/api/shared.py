"""What the survey API views share: parsing, refusals, 404 scoping on top of the selectors and
the documented error answers."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from common.api import refused  # noqa: F401  (the survey views import it from here)
from surveys.api.serializers import SurveyErrorSerializer
from teams.api.serializers import ErrorSerializer

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not visible to you.")
HR_ONLY = OpenApiResponse(ErrorSerializer, description="Not found: only HR may do this.")
REFUSED = OpenApiResponse(SurveyErrorSerializer, description="Refused; the message says why.")
WRONG_STATE = OpenApiResponse(ErrorSerializer, description="The wave is not in that state.")
LINK_UNKNOWN = OpenApiResponse(ErrorSerializer, description="Unknown or replaced link.")
LINK_CLOSED = OpenApiResponse(ErrorSerializer, description="The survey has closed.")
LINK_NOT_OPEN = OpenApiResponse(ErrorSerializer, description="The survey has not opened yet.")


def parsed(serializer_class, data, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def conflict(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
