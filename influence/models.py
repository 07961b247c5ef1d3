"""Results of the influence analysis: one AnalysisRun per attempt, and what a successful run
found — per person metrics and map positions, per team aggregates, flags with their evidence.

A run's results are written in one transaction together with its `succeeded` status, so rows
exist only for succeeded runs; the current results of a wave are those of its latest succeeded run.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from influence.analysis.types import Thresholds
from surveys.models import Wave
from teams.models import Person, Team


class AnalysisRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Reason(models.TextChoices):
        WAVE_CLOSED = "wave closed", "The wave closed"
        RERUN = "re-run", "Run again from the analysis page"
        API = "api", "Requested through the API"
        COMMAND = "command", "Requested with manage.py analyse"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="analysis_runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(max_length=60, blank=True, help_text="What the run is doing now.")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    parameters = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["wave", "status"], name="analysisrun_wave_status")]
        constraints = [
            # One queued or running run per wave: a second request gets the first one back.
            models.UniqueConstraint(
                fields=["wave"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_analysis_run_per_wave",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"Analysis run {self.pk} of {self.wave} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def reliable_response_rate(self) -> float:
        """The response rate this run treated as reliable (the organisation may set its own)."""
        thresholds = (self.parameters or {}).get("thresholds") or {}
        return thresholds.get("reliable_response_rate", Thresholds().reliable_response_rate)


class PersonPosition(models.Model):
    """A person on the run's map: community, layout position, whether they answered."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="positions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    community = models.IntegerField()
    x = models.FloatField()
    y = models.FloatField()
    responded = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_position_per_run_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in run {self.run_id}"


class PersonMetric(models.Model):
    """One person in one relation's graph (edges respondent → nominee)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="person_metrics")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.SlugField(max_length=40)
    in_degree = models.PositiveIntegerField()
    weighted_in_degree = models.FloatField()
    out_degree = models.PositiveIntegerField(null=True, blank=True, help_text="Null: no answer.")
    pagerank = models.FloatField()
    betweenness = models.FloatField()
    harmonic = models.FloatField()
    in_degree_pct_org = models.FloatField()
    in_degree_pct_team = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person", "relation"], name="one_metric_per_run_person_relation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.relation} in run {self.run_id}"


class TeamMetric(models.Model):
    """Aggregates of a team, or of the organisation (team null), in one run."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="team_metrics")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    size = models.PositiveIntegerField()
    respondents = models.PositiveIntegerField()
    response_rate = models.FloatField()
    low_response = models.BooleanField()
    relations = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "team"], name="one_team_metric_per_run"),
            models.UniqueConstraint(
                fields=["run"],
                condition=Q(team__isnull=True),
                name="one_organisation_metric_per_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id or 'organisation'} in run {self.run_id}"


class Flag(models.Model):
    class Kind(models.TextChoices):
        INFORMAL_DECISION_MAKER = "informal_decision_maker", "Informal decision-maker"
        BYPASSED_LEAD = "bypassed_lead", "Bypassed lead"
        SILENT_MEMBER = "silent_member", "Silent member"
        HIDDEN_WORKLOAD = "hidden_workload", "Hidden workload"
        BROKER = "broker", "Broker / single point of failure"

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="flags")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Not limited to Kind: the analysis may add kinds before the pages know them.
    kind = models.CharField(max_length=40)
    score = models.FloatField()
    evidence = models.JSONField(default=list, blank=True)
    moves = models.JSONField(default=list, blank=True)
    warning = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "kind"], name="flag_run_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} in run {self.run_id}"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


# What each kind means, in a sentence: the flags list and the map's legend.
KIND_EXPLANATIONS = {
    Flag.Kind.INFORMAL_DECISION_MAKER: "Whose view settles decisions in practice, named by many "
    "colleagues, without a formal role that says so.",
    Flag.Kind.BYPASSED_LEAD: "A formal lead whose team looks to someone else for decisions.",
    Flag.Kind.SILENT_MEMBER: "On the edge of every relation: named by almost nobody, and naming "
    "few or not taking part.",
    Flag.Kind.HIDDEN_WORKLOAD: "Sought for help far above the team's typical level, without a "
    "formal role that recognises the work.",
    Flag.Kind.BROKER: "Carries many of the paths between teams or groups: without them, "
    "cross-team reach drops.",
}


def kind_label(kind: str) -> str:
    """A flag kind in words; kinds the pages do not know yet read as their name."""
    try:
        return Flag.Kind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


class FlagReview(models.Model):
    """What a lead or HR did about a flag: discussed or acted on, with a note. Keyed by person and
    kind, not by run, so that the state carries to the same flag in the next wave."""

    class Status(models.TextChoices):
        DISCUSSED = "discussed", "Discussed"
        ACTED = "acted", "Acted on"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.CharField(max_length=500, blank=True)
    run = models.ForeignKey(
        AnalysisRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The run whose flag was reviewed.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], name="one_flag_review_per_person_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id}: {self.status}"


class Export(models.Model):
    """A report file built by a Celery job (large exports); small ones stream straight away.
    Only the requester and HR of the organisation may download it; it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "teams.Organization", on_delete=models.CASCADE, related_name="+"
    )
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the whole organisation (HR) or all the requester's teams (a lead).",
    )
    format = models.CharField(max_length=16)
    pseudonymise = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(max_length=60, blank=True)
    error = models.TextField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # In the database rather than on a disk, so web and worker need no shared volume.
    content = models.BinaryField(null=True, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requester")]

    def __str__(self) -> str:
        return f"export {self.pk} {self.format} of wave {self.wave_id}: {self.status}"
