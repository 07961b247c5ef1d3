"""Where the current action comes from, for the audit log: a middleware notes the client address,
browser and channel (web or api) of each request; code outside a request reads the default
("command" for manage.py, or whatever a task sets with `request_context_use`)."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source: str  # web, api, command or task
    ip_address: str | None = None
    user_agent: str = ""


_OUTSIDE_REQUESTS = RequestContext(source="command")
_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def request_context_current() -> RequestContext:
    return _current.get() or _OUTSIDE_REQUESTS


@contextmanager
def request_context_use(context: RequestContext):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a trusted
    # proxy sets it, and the deployment decides that (see README, production settings).
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = RequestContext(
            source="api" if request.path.startswith("/api/") else "web",
            ip_address=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        with request_context_use(context):
            return self.get_response(request)
