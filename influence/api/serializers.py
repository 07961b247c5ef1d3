"""Shapes of the analysis API. No logic here: views call selectors, services and reports."""

from rest_framework import serializers

from influence.models import AnalysisRun, Flag

# Plain text rather than enums: other "status", "reason" and "kind" enums exist in the schema,
# and a second enum of the same field name would need a settings override to get a stable name.


class AnalysisRunSerializer(serializers.ModelSerializer):
    wave_id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(
        help_text="One of: " + ", ".join(AnalysisRun.Status.values) + "."
    )
    reason = serializers.CharField(
        help_text="Why it ran. One of: " + ", ".join(AnalysisRun.Reason.values) + "."
    )
    progress = serializers.IntegerField(help_text="0 … 100.")
    stage = serializers.CharField(help_text="What a queued or running run is doing now.")
    timings = serializers.DictField(
        child=serializers.FloatField(), help_text="Seconds per stage (load, …, store, total)."
    )
    parameters = serializers.DictField(
        help_text="How it ran: betweenness exact or sampled, seed, thresholds, sizes."
    )
    warnings = serializers.ListField(child=serializers.CharField())
    error = serializers.CharField(help_text="Why it failed; empty unless failed or retrying.")
    requested_by = serializers.EmailField(
        source="requested_by.email", allow_null=True, help_text="Null: the wave closed."
    )

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "wave_id",
            "status",
            "reason",
            "progress",
            "stage",
            "timings",
            "parameters",
            "warnings",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


# --- the report (influence.reports) -------------------------------------------------------------


class ReportOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class ReportWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.CharField(help_text="Title of the survey.")
    number = serializers.IntegerField()
    status = serializers.CharField(help_text="draft, open or closed.")
    closed_at = serializers.DateTimeField(allow_null=True)


class ReportRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    parameters = serializers.DictField()
    warnings = serializers.ListField(child=serializers.CharField())


class RelationMetricsSerializer(serializers.Serializer):
    """One person in one relation's graph; edges point respondent → nominee."""

    in_degree = serializers.IntegerField(help_text="Distinct people who named this person.")
    weighted_in_degree = serializers.FloatField(help_text="Sum of tie strengths (1 … 4 each).")
    out_degree = serializers.IntegerField(
        allow_null=True,
        help_text="People this person named; null: did not answer (unknown), and always in a "
        "lead's report.",
    )
    pagerank = serializers.FloatField()
    betweenness = serializers.FloatField()
    harmonic = serializers.FloatField(help_text="Harmonic closeness over incoming distances.")
    in_degree_pct_org = serializers.FloatField(
        help_text="Share of the organisation with a lower in-degree, 0 … 1."
    )
    in_degree_pct_team = serializers.FloatField(help_text="The same within the person's team.")


class ReportPersonSerializer(serializers.Serializer):
    email = serializers.CharField(help_text="Empty for an erased person.")
    name = serializers.CharField()
    team = serializers.CharField()
    title = serializers.CharField()
    responded = serializers.BooleanField(
        allow_null=True, help_text="Null in a lead's report: a lead never learns who answered."
    )
    community = serializers.IntegerField()
    metrics = serializers.DictField(
        child=RelationMetricsSerializer(), help_text="By relation (advice, decision, …)."
    )


class ReportFlagSerializer(serializers.Serializer):
    email = serializers.CharField(help_text="Empty for an erased person.")
    kind = serializers.CharField(help_text="E.g. " + ", ".join(Flag.Kind.values) + ".")
    score = serializers.FloatField(help_text="0 … 1.")
    evidence = serializers.ListField(child=serializers.CharField())
    moves = serializers.ListField(child=serializers.CharField())
    warning = serializers.CharField()


class ReportTeamSerializer(serializers.Serializer):
    team_id = serializers.IntegerField(allow_null=True, help_text="Null: the whole organisation.")
    name = serializers.CharField()
    size = serializers.IntegerField()
    respondents = serializers.IntegerField()
    response_rate = serializers.FloatField()
    withheld = serializers.BooleanField(
        help_text="Fewer respondents than the anonymity threshold: aggregates are left out."
    )
    low_response = serializers.BooleanField()
    reason = serializers.CharField(required=False, help_text="Why; only when withheld.")
    relations = serializers.DictField(
        child=serializers.DictField(child=serializers.FloatField(allow_null=True)),
        required=False,
        help_text="By relation: density, centralisation, cross_team_share, … Absent when withheld.",
    )


class ReportSerializer(serializers.Serializer):
    organization = ReportOrganizationSerializer()
    wave = ReportWaveSerializer()
    run = ReportRunSerializer()
    people = ReportPersonSerializer(many=True)
    flags = ReportFlagSerializer(many=True)
    teams = ReportTeamSerializer(many=True)
