"""Schema-driven fuzzing of the whole API, in-process and deterministic: schemathesis reads
/api/schema/ from the WSGI application and, for each operation, sends requests generated from it
against the analysed `dashboard_world`, as HR with a token (the results, analysis and waves
operations also as a team lead), path ids pointing at real objects most of the time. No answer
may be a server error or contradict the schema (status code, content type, headers, body)."""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from influence.models import Flag
from influence.services.exports import export_request
from surveys.models import InvitationLink
from surveys.services import wave_create, wave_open
from surveys.tokens import token_new
from teams.services import api_token_issue

pytestmark = pytest.mark.django_db

# Per operation and role: enough to reach every parameter, quick on two cores. FUZZ_EXAMPLES=200
# digs deeper locally (still deterministic).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)
OPERATIONS = sorted(
    (result.ok() for result in SCHEMA.get_all_operations()), key=lambda op: op.label
)
LEAD_TAGS = {"results", "analysis", "waves"}  # a lead too, where they see part of what HR sees


def _params():
    for operation in OPERATIONS:
        roles = ["hr", "lead"] if LEAD_TAGS & set(operation.tags or []) else ["hr"]
        for role in roles:
            yield pytest.param(operation.label, role, id=f"{role}-{operation.label}")


@contextmanager
def _connection_kept():
    """Django closes the connection around each WSGI request; the test's transaction needs it
    open (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _export_id(dw, django_capture_on_commit_callbacks) -> int:
    """A finished export of the wave, requested by HR (as a background job)."""
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=dw.world.hr.user, wave=dw.wave, fmt="json", background=True)
    return export.pk


def _open_link(dw, django_capture_on_commit_callbacks) -> tuple[int, str]:
    """An invitation of an open second wave, and a working answer link for it."""
    now = timezone.now()
    wave = wave_create(survey=dw.survey, opens_at=now, closes_at=now + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=wave, send=False)
    token, digest = token_new()
    invitation = wave.invitations.get(person=dw.world.engineer)
    InvitationLink.objects.create(invitation=invitation, token_hash=digest)
    return invitation.pk, token


def _real_ids(dw, django_capture_on_commit_callbacks, names: set[str]) -> dict:
    """Path parameters that name real objects the caller may (mostly) see."""
    flag = Flag.objects.get(run=dw.run, person=dw.star, kind="informal_decision_maker")
    ids = {
        "wave_id": dw.wave.pk,
        "survey_id": dw.survey.pk,
        "run_id": dw.run.pk,
        "person_id": dw.star.pk,
        "team_id": dw.world.engineering.pk,
        "flag_id": flag.pk,
    }
    if names & {"invitation_id", "token"}:
        ids["invitation_id"], ids["token"] = _open_link(dw, django_capture_on_commit_callbacks)
    if "export_id" in names:
        ids["export_id"] = _export_id(dw, django_capture_on_commit_callbacks)
    return ids


@pytest.mark.parametrize(("label", "role"), list(_params()))
def test_fuzz(label, role, dashboard_world, django_capture_on_commit_callbacks):
    operation = SCHEMA.find_operation_by_label(label)
    caller = dashboard_world.world.hr if role == "hr" else dashboard_world.world.lead
    headers = {"Authorization": f"Token {api_token_issue(user=caller.user)}"}
    names = {parameter.name for parameter in operation.path_parameters}
    ids = _real_ids(dashboard_world, django_capture_on_commit_callbacks, names)
    real = {name: ids[name] for name in names if name in ids}
    # Most calls name real objects (many answer 200); some send what the schema forbids.
    cases = st.one_of(
        operation.as_strategy(path_parameters=real),
        operation.as_strategy(path_parameters=real),
        operation.as_strategy(),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real),
    )

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def fuzz(case):
        statuses.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    statuses: list[int] = []
    with _connection_kept():
        fuzz()
    # Real ids make the fuzz reach past the 404s: HR's reads succeed at least once.
    if role == "hr" and operation.method.upper() == "GET":
        assert any(200 <= code < 300 for code in statuses), statuses
