"""The OpenAPI description of the results API (influence/api/results.py): one decorator per
operation, with its parameters, answers and examples, kept here so the views stay short."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from common.api import ErrorSerializer
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
    ResultsQuerySerializer,
    TeamAggregateSerializer,
)

TAGS = ["results"]
SCOPE = (
    "HR sees the organisation; a team lead sees their teams and sub-teams; anybody else gets "
    "404. From the wave's current run (its latest succeeded analysis)."
)
AUDITED = "Each call is written to the audit log (who looked at whose results, when)."
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="Not found, not visible to you, or no analysis of the wave has succeeded yet.",
    examples=[
        OpenApiExample(
            "No results yet",
            value={"detail": "No analysis of this wave has succeeded yet."},
            status_codes=["404"],
            response_only=True,
        )
    ],
)
BAD_FILTER = OpenApiResponse(
    ErrorSerializer,
    description="A filter is not valid: `errors` names it and lists the valid values.",
    examples=[
        OpenApiExample(
            "Unknown ordering",
            value={
                "detail": "Not accepted: fix 'ordering'. Choose one of: in_degree, -in_degree, "
                "pagerank, -pagerank, betweenness, -betweenness.",
                "errors": {
                    "ordering": "Choose one of: in_degree, -in_degree, pagerank, -pagerank, "
                    "betweenness, -betweenness."
                },
            },
            status_codes=["400"],
            response_only=True,
        )
    ],
)
PERSON = {"id": 42, "name": "Nia Star", "team": {"id": 3, "name": "Engineering"}}

METRICS_SCHEMA = extend_schema(
    tags=TAGS,
    summary="Metrics per person and relation (HR and leads)",
    description=f"One row per person and relation (advice, decision, help, …): in-degree, "
    f"PageRank, betweenness, closeness and in-degree percentiles; edges point respondent → "
    f"nominee. {SCOPE} Leads get no `out_degree` and no `responded`. 50 a page (`page_size` up "
    f"to 500). When the group asked about has fewer respondents than the anonymity threshold, "
    f"nothing is listed: `withheld` is true and `reason` says why. {AUDITED}",
    parameters=[MetricQuerySerializer],
    responses={200: MetricRowSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "A row (as HR)",
            value={
                "person": PERSON,
                "relation": "decision",
                "in_degree": 9,
                "weighted_in_degree": 9.0,
                "out_degree": 1,
                "pagerank": 0.31,
                "betweenness": 0.02,
                "harmonic": 0.52,
                "in_degree_pct_org": 0.95,
                "in_degree_pct_team": 0.9,
                "responded": True,
            },
            response_only=True,
            status_codes=["200"],
        )
    ],
)

FLAGS_SCHEMA = extend_schema(
    tags=TAGS,
    summary="Flags with evidence, moves and review (HR and leads)",
    description=f"Informal decision-makers, bypassed leads, silent members, hidden workload and "
    f"brokers: each with its score, evidence, suggested moves, a warning when to read it with "
    f"care, the person, and what was done about it (`review`, which carries across waves). "
    f"{SCOPE} Withheld below the anonymity threshold, as the metrics are. {AUDITED}",
    parameters=[FlagQuerySerializer],
    responses={200: FlagRowSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "An informal decision-maker",
            value={
                "id": 7,
                "kind": "informal_decision_maker",
                "kind_label": "Informal decision-maker",
                "score": 0.86,
                "evidence": [
                    "Named by 8 of 11 teammates as whose view settles decisions.",
                    "Holds no formal reports and is not a team lead.",
                ],
                "moves": ["Invite into formal planning.", "Rotate facilitation."],
                "warning": "",
                "person": PERSON,
                "review": {
                    "status": "discussed",
                    "label": "Discussed",
                    "note": "Talked in the 1:1.",
                    "reviewed_by": "lead@acme.test",
                    "reviewed_at": "2025-03-04T10:00:00Z",
                    "wave": 12,
                },
            },
            response_only=True,
            status_codes=["200"],
        )
    ],
)

TEAMS_SCHEMA = extend_schema(
    tags=TAGS,
    summary="Team aggregates (HR and leads)",
    description=f"Per team (HR also the organisation, `team_id` null): size, respondents, "
    f"response rate and per relation density, centralisation, cross-team share and, for help, "
    f"concentration. {SCOPE} A team with fewer respondents than the anonymity threshold has "
    f"`withheld: true`, a `reason` and no `relations`. Counts, not people: not audited.",
    parameters=[ResultsQuerySerializer],
    responses={200: TeamAggregateSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "A withheld team",
            value=[
                {
                    "team_id": 5,
                    "name": "Platform",
                    "size": 5,
                    "respondents": 3,
                    "response_rate": 0.6,
                    "withheld": True,
                    "low_response": False,
                    "reason": "Fewer than 5 people of this group answered, so its aggregates "
                    "are withheld: with so few answers they could tell who said what.",
                }
            ],
            response_only=True,
            status_codes=["200"],
        )
    ],
)

PERSON_SCHEMA = extend_schema(
    tags=TAGS,
    summary="One person's results (HR and leads)",
    description=f"What the map's side panel shows: metrics per relation with percentiles in the "
    f"organisation, and flags with evidence, moves and review. {SCOPE} 404 for a person outside "
    f"your scope or not in the wave. Withheld (`withheld`, `reason`) when your scope has too few "
    f"respondents. HR also sees `responded` and `out_degree`. {AUDITED}",
    parameters=[
        OpenApiParameter("person_id", OpenApiTypes.INT, OpenApiParameter.PATH),
    ],
    responses={200: PersonPanelSerializer, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "Seen by a lead",
            value={
                "withheld": False,
                "id": 42,
                "name": "Nia Star",
                "title": "Engineer",
                "team": "Engineering",
                "manager": "Lea Dorn",
                "community": 0,
                "metrics": [
                    {
                        "relation": "decision",
                        "label": "Decision",
                        "in_degree": 9,
                        "in_degree_pct_org": 0.95,
                        "in_degree_pct_team": 0.9,
                        "weighted_in_degree": 9.0,
                        "pagerank": 0.31,
                        "pagerank_pct": 0.95,
                        "betweenness": 0.02,
                        "betweenness_pct": 0.6,
                        "harmonic": 0.52,
                        "harmonic_pct": 0.9,
                    }
                ],
                "flags": [],
            },
            response_only=True,
            status_codes=["200"],
        )
    ],
)

FLAG_REVIEW_SCHEMA = extend_schema(
    tags=TAGS,
    summary="Mark a flag discussed or acted on (HR and leads)",
    description="Saves what was done about the flag's person and kind, with a short note; it "
    "replaces an earlier review and carries to the same flag in later waves. HR: any flag of "
    "the organisation; a lead: flags of people in their teams. 404 for anybody else, and while "
    "the scope is below the anonymity threshold.",
    request=FlagReviewInputSerializer,
    responses={
        200: FlagReviewSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Nothing was saved; `errors` says why."),
        404: OpenApiResponse(ErrorSerializer, description="No such flag, or not yours to review."),
    },
    examples=[
        OpenApiExample(
            "Discussed",
            value={"status": "discussed", "note": "Agreed to rotate the planning facilitation."},
            request_only=True,
        ),
        OpenApiExample(
            "Note too long",
            value={
                "detail": "Not accepted: fix 'note'. Keep the note to 500 characters or fewer.",
                "errors": {"note": "Keep the note to 500 characters or fewer."},
            },
            response_only=True,
            status_codes=["400"],
        ),
    ],
)

MY_NETWORK_SCHEMA = extend_schema(
    tags=TAGS,
    summary="Your own network (everybody)",
    description="What your personal page shows, for an analysed wave you were invited to "
    "(`wave`, default the newest): per relation how many colleagues named you, how that "
    "compares with your team (a band; none when your team is below the anonymity threshold), "
    "whom you named, and a short reading. Who named you only when your organisation shows "
    "identified results. `network` is null until a wave you were invited to is analysed.",
    parameters=[MyNetworkQuerySerializer],
    responses={
        200: MyNetworkSerializer,
        404: OpenApiResponse(
            ErrorSerializer, description="No roster person, or `wave` is not one of yours."
        ),
    },
    examples=[
        OpenApiExample(
            "Named for help",
            value={
                "waves": [
                    {
                        "id": 12,
                        "survey": "Pulse",
                        "number": 1,
                        "closed_at": "2025-03-01T17:00:00Z",
                        "responded": True,
                    }
                ],
                "network": {
                    "wave": 12,
                    "responded": True,
                    "team_withheld": False,
                    "identified": False,
                    "threshold": 5,
                    "relations": [
                        {
                            "relation": "help",
                            "prompt": "Who helps you when you are stuck?",
                            "named_by_count": 9,
                            "band": "more",
                            "band_label": "more than most of your team",
                            "reading": "Many people come to you for help — consider sharing "
                            "what you know in a short guide or pairing.",
                            "named": ["Eli Ng"],
                        }
                    ],
                },
            },
            response_only=True,
            status_codes=["200"],
        )
    ],
)
