"""Shapes of the results API (metrics, flags, team aggregates, one person, flag reviews, your own
network) and its query parameters. No logic here: views call selectors, services and builders.

Fields only HR may see (`responded`, `out_degree`) are left out of a lead's answers rather than
nulled, so that null keeps meaning "did not answer"."""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from common.api import MAX_ID
from influence.api.serializers import RelationMetricsSerializer
from influence.models import Flag, FlagReview

KINDS_HELP = "One of: " + ", ".join(Flag.Kind.values) + "."
HR_ONLY_FIELD = "HR only: absent for a lead, who never learns who answered."
ORDERINGS = ("in_degree", "-in_degree", "pagerank", "-pagerank", "betweenness", "-betweenness")


class ResultsPagination(PageNumberPagination):
    """50 a page, `page_size` up to 500; `withheld` (with the `reason`) when the group asked
    about is below the anonymity threshold, and then nothing is listed."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data, *, withheld_reason: str = ""):
        response = super().get_paginated_response(data)
        response.data["withheld"] = bool(withheld_reason)
        response.data["reason"] = withheld_reason
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["withheld"] = {
            "type": "boolean",
            "example": False,
            "description": "Fewer respondents than the anonymity threshold: nothing is listed.",
        }
        paginated["properties"]["reason"] = {
            "type": "string",
            "example": "",
            "description": "Why it is withheld; empty unless withheld.",
        }
        paginated["required"] = [*paginated["required"], "withheld", "reason"]
        return paginated


class OmitAbsent(serializers.Serializer):
    """Leaves out optional fields the answer has no key for (DRF would write null)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if isinstance(instance, dict):
            return {name: value for name, value in data.items() if name in instance}
        return data


# --- query parameters ----------------------------------------------------------------------------


class ResultsQuerySerializer(serializers.Serializer):
    team = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Only people of this team and its sub-teams; the team must be visible to you.",
    )


class MetricQuerySerializer(ResultsQuerySerializer):
    relation = serializers.CharField(
        required=False,
        max_length=40,
        help_text="Only this relation (advice, decision, …: the wave's questions).",
    )
    person = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this person."
    )
    ordering = serializers.ChoiceField(
        choices=ORDERINGS,
        required=False,
        help_text="Sort by a metric, `-` for highest first. Default: by name, then relation.",
        error_messages={"invalid_choice": "Choose one of: " + ", ".join(ORDERINGS) + "."},
    )


class FlagQuerySerializer(ResultsQuerySerializer):
    kind = serializers.ChoiceField(
        choices=Flag.Kind.choices,
        required=False,
        help_text="Only flags of this kind.",
        error_messages={"invalid_choice": "Choose one of: " + ", ".join(Flag.Kind.values) + "."},
    )


class MyNetworkQuerySerializer(serializers.Serializer):
    wave = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="An analysed wave you were invited to (see `waves`); default: the newest.",
    )


# --- shared parts --------------------------------------------------------------------------------


class ResultTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ResultPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    team = ResultTeamSerializer()


class FlagReviewSerializer(serializers.Serializer):
    """What was done about a flag; it carries to the same person and kind in later waves."""

    status = serializers.ChoiceField(choices=FlagReview.Status.choices)
    label = serializers.CharField(help_text="The status in words.")
    note = serializers.CharField(allow_blank=True)
    reviewed_by = serializers.EmailField(allow_null=True, help_text="Null: the login is gone.")
    reviewed_at = serializers.DateTimeField()
    wave = serializers.IntegerField(
        allow_null=True, help_text="The wave whose flag was reviewed; null: its run is gone."
    )


class FlagReviewInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=FlagReview.Status.choices,
        error_messages={"invalid_choice": "Choose “discussed” or “acted”."},
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="What was agreed; at most 500 characters.",
        error_messages={"max_length": "Keep the note to 500 characters or fewer."},
    )


# --- metrics, flags and team aggregates ----------------------------------------------------------


class MetricRowSerializer(OmitAbsent, RelationMetricsSerializer):
    """One person in one relation's graph (the report's metrics of a relation, with the person
    and the relation); edges point respondent → nominee."""

    person = ResultPersonSerializer()
    relation = serializers.CharField()
    out_degree = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="People this person named; null: did not answer. " + HR_ONLY_FIELD,
    )
    responded = serializers.BooleanField(
        required=False, help_text="Whether they answered the wave. " + HR_ONLY_FIELD
    )


class FlagRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="For POST /api/flags/{id}/review/.")
    kind = serializers.CharField(help_text=KINDS_HELP)
    kind_label = serializers.CharField()
    score = serializers.FloatField(help_text="0 … 1: how strongly the evidence points to it.")
    evidence = serializers.ListField(child=serializers.CharField())
    moves = serializers.ListField(child=serializers.CharField(), help_text="What to try.")
    warning = serializers.CharField(allow_blank=True, help_text="Why to read it with care.")
    person = ResultPersonSerializer()
    review = FlagReviewSerializer(allow_null=True, help_text="Null: not looked at yet.")


class TeamAggregateSerializer(serializers.Serializer):
    team_id = serializers.IntegerField(allow_null=True, help_text="Null: the whole organisation.")
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="People invited (the team itself, no sub-teams).")
    respondents = serializers.IntegerField()
    response_rate = serializers.FloatField()
    withheld = serializers.BooleanField(
        help_text="Fewer respondents than the anonymity threshold: aggregates are left out."
    )
    low_response = serializers.BooleanField(help_text="Below the reliable response rate.")
    reason = serializers.CharField(required=False, help_text="Why; only when withheld.")
    relations = serializers.DictField(
        child=serializers.DictField(child=serializers.FloatField(allow_null=True)),
        required=False,
        help_text="By relation: density, centralisation, cross_team_share (and for help "
        "top5_share, gini); null where undefined. Absent when withheld.",
    )


# --- one person (the map's side panel) -----------------------------------------------------------


class PersonPanelMetricSerializer(OmitAbsent):
    relation = serializers.CharField()
    label = serializers.CharField()
    in_degree = serializers.IntegerField()
    in_degree_pct_org = serializers.FloatField()
    in_degree_pct_team = serializers.FloatField()
    weighted_in_degree = serializers.FloatField()
    pagerank = serializers.FloatField()
    pagerank_pct = serializers.FloatField(help_text="Share of the organisation below, 0 … 1.")
    betweenness = serializers.FloatField()
    betweenness_pct = serializers.FloatField()
    harmonic = serializers.FloatField()
    harmonic_pct = serializers.FloatField()
    out_degree = serializers.IntegerField(
        required=False, allow_null=True, help_text="Null: did not answer. " + HR_ONLY_FIELD
    )


class PersonPanelReviewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FlagReview.Status.choices)
    label = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    reviewed_at = serializers.DateTimeField()
    earlier_wave = serializers.BooleanField(help_text="Reviewed on an earlier wave's flag.")


class PersonPanelFlagSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=KINDS_HELP)
    label = serializers.CharField()
    score = serializers.FloatField()
    evidence = serializers.ListField(child=serializers.CharField())
    moves = serializers.ListField(child=serializers.CharField())
    warning = serializers.CharField(allow_blank=True)
    review = PersonPanelReviewSerializer(allow_null=True)


class PersonPanelSerializer(OmitAbsent):
    """Withheld (with `reason` only) when the group shown has too few respondents."""

    withheld = serializers.BooleanField()
    reason = serializers.CharField(required=False, help_text="Why; only when withheld.")
    id = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    team = serializers.CharField(required=False)
    manager = serializers.CharField(required=False, allow_null=True)
    community = serializers.IntegerField(required=False)
    responded = serializers.BooleanField(required=False, help_text=HR_ONLY_FIELD)
    metrics = PersonPanelMetricSerializer(many=True, required=False)
    flags = PersonPanelFlagSerializer(many=True, required=False)


# --- your own network ----------------------------------------------------------------------------


class MyWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.CharField()
    number = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)
    responded = serializers.BooleanField(help_text="Whether you answered it.")


class MyRelationSerializer(serializers.Serializer):
    relation = serializers.CharField()
    prompt = serializers.CharField(allow_blank=True, help_text="The question asked.")
    named_by_count = serializers.IntegerField(help_text="How many colleagues named you.")
    band = serializers.ChoiceField(
        choices=["fewer", "middle", "more"],
        allow_null=True,
        help_text="Compared with your team; null: your team is too small to compare.",
    )
    band_label = serializers.CharField(allow_blank=True)
    reading = serializers.CharField(help_text="A short reading of it.")
    named = serializers.ListField(child=serializers.CharField(), help_text="Whom you named.")
    named_by = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Who named you: only when your organisation shows identified results.",
    )


class MyNetworkDetailSerializer(serializers.Serializer):
    wave = serializers.IntegerField()
    responded = serializers.BooleanField()
    team_withheld = serializers.BooleanField(
        help_text="Your team is below the anonymity threshold: no comparison."
    )
    identified = serializers.BooleanField(help_text="Whether who named you is shown.")
    threshold = serializers.IntegerField()
    relations = MyRelationSerializer(many=True)


class MyNetworkSerializer(serializers.Serializer):
    waves = MyWaveSerializer(
        many=True, help_text="Analysed waves you were invited to, newest first."
    )
    network = MyNetworkDetailSerializer(
        allow_null=True, help_text="Your network in the chosen wave; null: none analysed yet."
    )
