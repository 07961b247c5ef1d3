"""The results API: what the dashboards, the map and the personal page show, from a wave's current
(latest succeeded) run. Scoped as the pages are: HR sees the organisation, a lead their teams and
sub-teams, anybody else gets 404; a lead never learns who answered; a group with fewer
respondents than the anonymity threshold is withheld with the reason. Each read of named
results by HR or a lead is written to the audit log."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Sum
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from influence.api.result_docs import (
    FLAG_REVIEW_SCHEMA,
    FLAGS_SCHEMA,
    METRICS_SCHEMA,
    MY_NETWORK_SCHEMA,
    PERSON_SCHEMA,
    TEAMS_SCHEMA,
)
from influence.api.result_serializers import (
    FlagQuerySerializer,
    FlagReviewInputSerializer,
    FlagReviewSerializer,
    FlagRowSerializer,
    MetricQuerySerializer,
    MetricRowSerializer,
    MyNetworkQuerySerializer,
    MyNetworkSerializer,
    PersonPanelSerializer,
    ResultsPagination,
    ResultsQuerySerializer,
    TeamAggregateSerializer,
)
from influence.dashboard import flag_get_for_user, flags_attach_reviews
from influence.maps import MapScope, map_person, map_relations
from influence.models import AnalysisRun, Flag, FlagReview, PersonMetric, PersonPosition, TeamMetric
from influence.my_network import my_network_build, my_network_runs
from influence.reports import report_team_rows, withheld_reason
from influence.selectors import analysis_run_current, analysis_run_pick, report_team_ids_for_user
from influence.services import flag_review_save
from surveys.api.shared import parsed, refused
from surveys.models import Wave
from surveys.selectors import wave_get_for_user
from teams.api.views import NO_ROSTER_PERSON
from teams.audit import audit_record
from teams.models import AuditEvent
from teams.selectors import team_descendant_ids, team_get_for_user, viewer_person

NO_RESULTS = "No analysis of this wave has succeeded yet."
METRIC_NAMES = (
    "in_degree",
    "weighted_in_degree",
    "pagerank",
    "betweenness",
    "harmonic",
    "in_degree_pct_org",
    "in_degree_pct_team",
)


@dataclass(frozen=True)
class ResultsScope:
    """A wave's current run and the teams the caller may see in it (None: the organisation)."""

    wave: Wave
    run: AnalysisRun
    team_ids: set[int] | None
    hr: bool


def _results_scope(request, wave_id: int, team_id: int | None = None) -> ResultsScope:
    """404 unless HR or a lead who may see the wave (and `team`); 404 before any result."""
    wave = wave_get_for_user(user=request.user, wave_id=wave_id)
    team_ids = report_team_ids_for_user(user=request.user)
    hr = team_ids is None
    if team_id is not None:
        team = team_get_for_user(user=request.user, team_id=team_id)
        team_ids = team_descendant_ids(organization_id=team.organization_id, root_ids={team.pk})
    run = analysis_run_current(wave)
    if run is None:
        raise NotFound(NO_RESULTS)
    return ResultsScope(wave=wave, run=run, team_ids=team_ids, hr=hr)


def _withheld(scope: ResultsScope) -> str:
    """Why people of the scope are not shown (too few respondents in it), or ""."""
    rows = TeamMetric.objects.filter(run=scope.run)
    if scope.team_ids is None:
        rows = rows.filter(team__isnull=True)
    else:
        rows = rows.filter(team_id__in=scope.team_ids)
    respondents = rows.aggregate(n=Sum("respondents"))["n"] or 0
    threshold = settings.ANONYMITY_THRESHOLD
    return withheld_reason(threshold) if respondents < threshold else ""


def _audit(request, scope: ResultsScope, *, target: str, detail: dict, person_id=None) -> None:
    audit_record(
        action=AuditEvent.Action.IDENTIFIED_VIEW,
        actor=request.user,
        organization=scope.wave.survey.organization_id,
        target=target,
        target_person_id=person_id,
        detail=detail,
    )


def _person_ref(person) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "team": {"id": person.team_id, "name": person.team.name},
    }


def _paginated(view, request, rows, build, reason: str) -> Response:
    paginator = ResultsPagination()
    page = paginator.paginate_queryset(rows.none() if reason else rows, request, view=view)
    return paginator.get_paginated_response(build(page), withheld_reason=reason)


# --- metrics -----------------------------------------------------------------------------------


def _metric_rows(scope: ResultsScope, query: dict):
    rows = PersonMetric.objects.filter(run=scope.run).select_related("person__team")
    if scope.team_ids is not None:
        rows = rows.filter(person__team_id__in=scope.team_ids)
    if "relation" in query:
        rows = rows.filter(relation=query["relation"])
    if "person" in query:
        rows = rows.filter(person_id=query["person"])
    order = ("person__name", "person_id", "relation")
    if "ordering" in query:
        order = (query["ordering"], *order)
    return rows.order_by(*order)


def _metric_bodies(scope: ResultsScope, metrics: list[PersonMetric]) -> list[dict]:
    responded = {}
    if scope.hr:
        responded = dict(
            PersonPosition.objects.filter(
                run=scope.run, person_id__in={m.person_id for m in metrics}
            ).values_list("person_id", "responded")
        )
    bodies = []
    for m in metrics:
        body = {"person": _person_ref(m.person), "relation": m.relation}
        body.update({name: getattr(m, name) for name in METRIC_NAMES})
        if scope.hr:
            body["out_degree"] = m.out_degree
            body["responded"] = responded.get(m.person_id, False)
        bodies.append(body)
    return MetricRowSerializer(bodies, many=True).data


def _relation_check(scope: ResultsScope, relation: str | None) -> None:
    slugs = [r["slug"] for r in map_relations(scope.run)]
    if relation is not None and relation not in slugs:
        valid = ", ".join(slugs)
        raise ValidationError(
            {"relation": f"Unknown relation {relation!r}; choose one of: {valid}."}
        )


class WaveMetricListView(APIView):
    pagination_class = ResultsPagination

    @METRICS_SCHEMA
    def get(self, request, wave_id: int):
        query = parsed(MetricQuerySerializer, request.query_params)
        scope = _results_scope(request, wave_id, query.get("team"))
        _relation_check(scope, query.get("relation"))
        reason = _withheld(scope)
        if not reason:
            _audit(request, scope, target=f"wave {wave_id} metrics", detail=query)
        rows = _metric_rows(scope, query)
        return _paginated(self, request, rows, lambda page: _metric_bodies(scope, page), reason)


# --- flags -------------------------------------------------------------------------------------


def _flag_bodies(flags: list[Flag]) -> list[dict]:
    flags_attach_reviews(flags)
    bodies = [
        {
            "id": flag.pk,
            "kind": flag.kind,
            "kind_label": flag.kind_label,
            "score": flag.score,
            "evidence": list(flag.evidence),
            "moves": list(flag.moves),
            "warning": flag.warning,
            "person": _person_ref(flag.person),
            "review": review_body(flag.review) if flag.review else None,
        }
        for flag in flags
    ]
    return FlagRowSerializer(bodies, many=True).data


def review_body(review: FlagReview) -> dict:
    return {
        "status": review.status,
        "label": review.get_status_display(),
        "note": review.note,
        "reviewed_by": review.reviewed_by.email if review.reviewed_by else None,
        "reviewed_at": review.reviewed_at,
        "wave": review.run.wave_id if review.run else None,
    }


class WaveFlagListView(APIView):
    pagination_class = ResultsPagination

    @FLAGS_SCHEMA
    def get(self, request, wave_id: int):
        query = parsed(FlagQuerySerializer, request.query_params)
        scope = _results_scope(request, wave_id, query.get("team"))
        reason = _withheld(scope)
        if not reason:
            _audit(request, scope, target=f"wave {wave_id} flags", detail=query)
        rows = Flag.objects.filter(run=scope.run).select_related("person__team")
        if scope.team_ids is not None:
            rows = rows.filter(person__team_id__in=scope.team_ids)
        if "kind" in query:
            rows = rows.filter(kind=query["kind"])
        rows = rows.order_by("kind", "-score", "person__name", "id")
        return _paginated(self, request, rows, _flag_bodies, reason)


class FlagReviewView(APIView):
    @FLAG_REVIEW_SCHEMA
    def post(self, request, flag_id: int):
        flag = flag_get_for_user(user=request.user, flag_id=flag_id)
        data = parsed(FlagReviewInputSerializer, request.data)
        try:
            review = flag_review_save(
                flag=flag, status=data["status"], note=data["note"], user=request.user
            )
        except DjangoValidationError as exc:
            return refused(exc)
        return Response(FlagReviewSerializer(review_body(review)).data)


# --- team aggregates and one person ----------------------------------------------------------


class WaveTeamMetricListView(APIView):
    @TEAMS_SCHEMA
    def get(self, request, wave_id: int):
        query = parsed(ResultsQuerySerializer, request.query_params)
        scope = _results_scope(request, wave_id, query.get("team"))
        organization_name = scope.wave.survey.organization.name
        rows = report_team_rows(scope.run, scope.team_ids, organization_name)
        return Response(TeamAggregateSerializer(rows, many=True).data)


class WavePersonView(APIView):
    @PERSON_SCHEMA
    def get(self, request, wave_id: int, person_id: int):
        scope = _results_scope(request, wave_id)
        viewer = viewer_person(request.user)
        map_scope = MapScope(
            run=scope.run,
            team=None if scope.hr else viewer.team,
            team_ids=None if scope.hr else frozenset(scope.team_ids),
            identified=scope.hr,
        )
        panel = {"withheld": False, **map_person(scope=map_scope, person_id=person_id)}
        if not panel["withheld"]:
            detail = {"wave": scope.wave.pk}
            _audit(request, scope, target=f"person {person_id}", detail=detail, person_id=person_id)
        return Response(PersonPanelSerializer(panel).data)


# --- your own network --------------------------------------------------------------------------


class MyNetworkView(APIView):
    @MY_NETWORK_SCHEMA
    def get(self, request):
        person = viewer_person(request.user)
        if person is None:
            raise NotFound(NO_ROSTER_PERSON)
        query = parsed(MyNetworkQuerySerializer, request.query_params)
        runs = my_network_runs(person=person)
        run = analysis_run_pick(runs, query.get("wave"))
        network = my_network_build(person=person, run=run) if run else None
        body = {
            "waves": [
                {
                    "id": r.wave_id,
                    "survey": r.wave.survey.title,
                    "number": r.wave.number,
                    "closed_at": r.wave.closed_at,
                    "responded": r.invitation_answered,
                }
                for r in runs
            ],
            "network": None if network is None else _network_body(network),
        }
        return Response(MyNetworkSerializer(body).data)


def _network_body(network) -> dict:
    relations = []
    for view in network.relations:
        relation = {
            "relation": view.relation,
            "prompt": view.prompt,
            "named_by_count": view.named_by_count,
            "band": view.band,
            "band_label": view.band_label,
            "reading": view.reading,
            "named": view.named,
        }
        if network.identified:
            relation["named_by"] = view.named_by
        relations.append(relation)
    return {
        "wave": network.run.wave_id,
        "responded": network.responded,
        "team_withheld": network.team_withheld,
        "identified": network.identified,
        "threshold": network.threshold,
        "relations": relations,
    }
