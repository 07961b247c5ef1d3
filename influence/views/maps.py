"""The influence map's JSON: a team's map (its lead, or HR) and the organisation's (HR), ?wave=<id>
&relation=<slug|all>[&part=relation], and one person's details for the side panel. Out of scope
is 404; an unknown relation 400 with the valid ones."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from influence.maps import (
    MapRelationUnknown,
    MapScope,
    map_data,
    map_person,
    map_relation_check,
    map_relations,
    map_scope_for_organization,
    map_scope_for_team,
)
from teams.audit import audit_record
from teams.models import AuditEvent
from teams.selectors import organization_get_for_hr, team_get_for_user

COMPACT = {"separators": (",", ":")}  # a fifth fewer bytes on a map of thousands


@login_required
@require_GET
@gzip_page
def team_map_data(request, team_id: int):
    team = team_get_for_user(user=request.user, team_id=team_id)
    scope = map_scope_for_team(user=request.user, team=team, wave_id=request.GET.get("wave"))
    return _map_response(request, scope)


@login_required
@require_GET
def team_map_person(request, team_id: int, person_id: int):
    team = team_get_for_user(user=request.user, team_id=team_id)
    scope = map_scope_for_team(user=request.user, team=team, wave_id=request.GET.get("wave"))
    details = map_person(scope=scope, person_id=person_id)
    _audit_panel(request, scope, team.organization_id, person_id, details)
    return JsonResponse(details)


@login_required
@require_GET
@gzip_page
def organization_map_data(request):
    organization = organization_get_for_hr(user=request.user)
    scope = map_scope_for_organization(
        user=request.user, organization_id=organization.pk, wave_id=request.GET.get("wave")
    )
    return _map_response(request, scope)


@login_required
@require_GET
def organization_map_person(request, person_id: int):
    organization = organization_get_for_hr(user=request.user)
    scope = map_scope_for_organization(
        user=request.user, organization_id=organization.pk, wave_id=request.GET.get("wave")
    )
    details = map_person(scope=scope, person_id=person_id)
    _audit_panel(request, scope, organization.pk, person_id, details)
    return JsonResponse(details)


def _audit_panel(request, scope: MapScope, organization_id: int, person_id: int, details) -> None:
    """One audit line per person panel opened; a withheld panel showed nobody."""
    if details.get("withheld"):
        return
    audit_record(
        action=AuditEvent.Action.IDENTIFIED_VIEW,
        actor=request.user,
        organization=organization_id,
        target=f"person {person_id}",
        target_person_id=person_id,
        detail={"wave": scope.run.wave_id, "team": scope.team.pk if scope.team else None},
    )


def _map_response(request, scope: MapScope) -> JsonResponse:
    try:
        relation = map_relation_check(
            relation=request.GET.get("relation"), relations=map_relations(scope.run)
        )
    except MapRelationUnknown as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    relation_only = request.GET.get("part") == "relation"
    data = map_data(scope=scope, relation=relation, relation_only=relation_only)
    return JsonResponse(data, json_dumps_params=COMPACT)
