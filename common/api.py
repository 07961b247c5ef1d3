"""One error format for the whole API: {"detail": "<what is wrong and how to fix it>"} and, for
invalid input, "errors": {field: "<message>"}. DRF's exceptions, Django's Http404 and
ValidationError, unknown /api/ addresses and server errors all answer in it, and the schema
describes it once (the `Error` component) with the errors every operation may give."""

from math import ceil

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

API_PREFIX = "/api/"
MAX_ID = 2**63 - 1  # the largest id a database holds; beyond it SQLite raises OverflowError
NOT_VISIBLE = "Not found, or not visible to you: check the address and the ids in it."
NO_PAGE = "That page does not exist: pages start at 1 and end at the last one (see `count`)."
SIGN_IN = (
    "Sign in first: send the header `Authorization: Token <token>` (get a token from "
    "POST /api/auth/token/), or use the site's session in a browser."
)
SIGN_IN_AGAIN = "Get a new token from POST /api/auth/token/."
CSRF_HINT = (
    "A browser session must send its CSRF token (header X-CSRFToken); scripts should sign in "
    "with a token instead."
)
ACCEPT_HINT = "This API answers application/json: ask for that, or for */*."
SERVER_ERROR = (
    "Something went wrong on our side and nothing was changed by this request. Try again; if it "
    "keeps happening, tell your administrator the time it happened."
)


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API."""

    detail = serializers.CharField(help_text="What is wrong and how to fix it, in a sentence.")
    errors = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="Invalid input only: field (a dotted path inside lists and objects; the "
        "question id when answering) → what to change.",
    )


# --- the exception handler -------------------------------------------------------------------


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler (status, WWW-Authenticate,
    Retry-After), then the body in the one format. Anything else stays a 500."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_VISIBLE if _is_django_default(exc) else str(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OverflowError):
        # An id in the address too large for the database (SQLite) names nothing there is.
        exc = exceptions.NotFound(NOT_VISIBLE)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
    else:
        response.data = {"detail": _message(exc, context)}
    return response


def _is_django_default(exc: Http404) -> bool:
    # get_object_or_404 says "No Wave matches the given query.": it names models, not the fix.
    message = str(exc)
    return not message or message.endswith("matches the given query.")


def _django_errors(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return exc.messages


def validation_body(detail) -> dict:
    """DRF's nested lists and dicts of messages as {"detail", "errors": {field: message}}."""
    flat = _flatten(detail, "")
    general = flat.pop("", []) + flat.pop(api_settings.NON_FIELD_ERRORS_KEY, [])
    errors = {field: " ".join(messages) for field, messages in flat.items()}
    if general:
        text = " ".join(general)
        if errors:
            text += " Also fix the fields listed in `errors`."
    elif len(errors) == 1:
        ((field, message),) = errors.items()
        text = f"Not accepted: fix '{field}'. {message}"
    else:
        names = ", ".join(f"'{field}'" for field in errors) or "the request"
        text = f"Not accepted: fix {names}; `errors` says what is wrong with each."
    return {"detail": text, "errors": errors} if errors else {"detail": text}


def _flatten(detail, prefix: str) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, path).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list | tuple):
        flat = {}
        for index, item in enumerate(detail):
            path = prefix if not isinstance(item, dict | list) else f"{prefix}.{index}".lstrip(".")
            for field, messages in _flatten(item, path).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix: [str(detail)]}


def _message(exc, context) -> str:
    """The exception's message, with how to get past it where DRF's words do not say."""
    text = str(exc.detail) if not isinstance(exc.detail, dict | list) else _joined(exc.detail)
    view = context.get("view")
    if isinstance(exc, exceptions.NotAuthenticated):
        return SIGN_IN
    if isinstance(exc, exceptions.AuthenticationFailed):
        return f"{text} {SIGN_IN_AGAIN}"
    if isinstance(exc, exceptions.PermissionDenied) and text.startswith("CSRF Failed"):
        return f"{text} {CSRF_HINT}"
    if isinstance(exc, exceptions.NotFound) and text in ("Not found.", "Invalid page."):
        return NOT_VISIBLE if text == "Not found." else NO_PAGE
    if isinstance(exc, exceptions.MethodNotAllowed) and view is not None:
        allowed = [m for m in view.allowed_methods if m not in ("HEAD", "OPTIONS")]
        return f"{text.rstrip('.')} here; use {' or '.join(allowed)}."
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return f"{text} Send the body as {_media_types(context)}."
    if isinstance(exc, exceptions.NotAcceptable):
        return f"{text} {ACCEPT_HINT}"
    if isinstance(exc, exceptions.ParseError):
        return f"{text.rstrip('.')}. Send a well-formed body as {_media_types(context)}."
    if isinstance(exc, exceptions.Throttled):
        wait = ceil(exc.wait) if exc.wait is not None else None
        later = f"wait {wait} second{'s' if wait != 1 else ''}" if wait is not None else "wait"
        return f"Too many requests: {later} and try again (see the Retry-After header)."
    return text


def _media_types(context) -> str:
    """What the view reads, in the order it prefers: "application/json or …"."""
    request = context.get("request")
    types = [parser.media_type for parser in getattr(request, "parsers", None) or []]
    return " or ".join(types) or "application/json"


def _joined(detail) -> str:
    return " ".join(" ".join(messages) for messages in _flatten(detail, "").values())


# --- outside DRF's views: unknown addresses and crashes ------------------------------------


def page_not_found(request, exception=None):
    """handler404: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        detail = f"There is no API endpoint at {request.path}. The list is at /api/docs/."
        return JsonResponse({"detail": detail}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": SERVER_ERROR}, status=500)
    return defaults.server_error(request)


# --- the schema: errors every operation may give, described once ----------------------------

ERROR_REF = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}


def _error(description: str, **extra) -> dict:
    return {
        "content": {"application/json": {"schema": ERROR_REF}},
        "description": description,
        **extra,
    }


def schema_add_common_errors(result, generator, request, public):
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: every operation documents the errors the
    framework may answer for it (bad input, no sign-in, unknown ids or pages, throttling)."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            body = "requestBody" in operation
            common = {
                "400": (
                    body or any(p["in"] == "query" for p in parameters),
                    _error("Invalid input: `detail` says what to fix, `errors` names each field."),
                ),
                "401": (
                    bool(operation.get("security")),
                    _error("Not signed in, or the token is not valid."),
                ),
                "404": (
                    any(p["in"] == "path" or p["name"] == "page" for p in parameters),
                    _error("Not found, or not visible to you (also: a page past the last)."),
                ),
                "415": (body, _error("The body is not in a media type this operation reads.")),
                "429": (
                    True,
                    _error("Too many requests: wait and try again.", headers=RETRY_AFTER),
                ),
            }
            for code, (applies, response) in common.items():
                if applies and code not in responses:
                    responses[code] = response
            operation["responses"] = dict(sorted(responses.items()))
    return result


def refused(exc: DjangoValidationError) -> Response:
    """A service's ValidationError as 400 {"detail", "errors": {field: message}}."""
    body: dict = {"detail": " ".join(exc.messages)}
    if hasattr(exc, "error_dict"):
        body["errors"] = {
            field: " ".join(messages)
            for field, messages in exc.message_dict.items()
            if field != "__all__"
        }
    return Response(body, status=status.HTTP_400_BAD_REQUEST)
