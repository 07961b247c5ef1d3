"""Peer pulse surveys: questions, waves that freeze who was invited, secret-link invitations,
responses with nominations (respondent → nominee) and rating/text answers."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from teams.models import Organization, Person, Team

STRENGTH_CHOICES = [(1, "Monthly"), (2, "Weekly"), (3, "Several times a week"), (4, "Daily")]

# The default question bank: relation -> prompt. HR may rewrite prompts and add relations.
QUESTION_BANK = {
    "advice": "Who do you go to for advice or expertise on your work?",
    "decision": (
        "When a decision about your work has to be made, whose view settles it in practice?"
    ),
    "help": "Who do you turn to for hands-on help when you are stuck or overloaded?",
    "information": "Who keeps you informed about what is going on that affects your work?",
    "energy": "Who leaves you energised and motivated after you work with them?",
    "trust": "Whom do you trust to raise a difficult or sensitive issue with?",
}


class Survey(models.Model):
    class Schedule(models.TextChoices):
        ONCE = "once", "One-off window"
        RECURRING = "recurring", "Recurring pulse"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    audience_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="+",
        help_text="Empty: the whole organisation. Chosen teams include their sub-teams.",
    )
    schedule = models.CharField(max_length=16, choices=Schedule.choices, default=Schedule.ONCE)
    opens_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="One-off: when it opens; recurring: when the first wave opens.",
    )
    closes_at = models.DateTimeField(null=True, blank=True, help_text="One-off: when it closes.")
    every_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    window_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    reminder_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Days after a wave opens to remind people who have not answered, e.g. [3, 6].",
    )
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title"], name="survey_title_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        NOMINATION = "nomination", "Pick colleagues"
        RATING = "rating", "Rating 1–5"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOMINATION)
    relation = models.SlugField(
        max_length=40,
        blank=True,
        help_text="For nominations: advice, decision, help, … or your own.",
    )
    prompt = models.CharField(max_length=300)
    max_nominees = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    ask_strength = models.BooleanField(
        default=False, help_text="Also ask how often (monthly … daily)."
    )
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="nomination") | ~Q(relation=""),
                name="nomination_question_has_relation",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt


class Wave(models.Model):
    """One run of a survey. Opening freezes who is invited; closing asks for the analysis."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    answers_deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the raw answers (nominations, free text) were deleted under the "
        "organisation's retention setting; the analysis results stay.",
    )
    analysis_requested_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(
        default=0, help_text="How many of the survey's reminder days have been sent."
    )

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="wave_number_unique"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="wave_closes_after_opening"
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="wave_status_closes")]

    def __str__(self) -> str:
        return f"{self.survey} — wave {self.number}"


class Invitation(models.Model):
    """One invited person in one wave; its secret links are InvitationLinks."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "person"], name="one_invitation_per_wave"),
        ]
        indexes = [models.Index(fields=["wave", "answered_at"], name="invitation_wave_answered")]

    def __str__(self) -> str:
        return f"{self.person} in {self.wave}"


class InvitationLink(models.Model):
    """A secret link e-mailed for an invitation. Only the SHA-256 of the token is stored; every
    e-mail (invitation, reminder, resend) carries a new token, all valid until revoked."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Link for {self.invitation_id}" + (" (revoked)" if self.revoked_at else "")


class InvitationEvent(models.Model):
    """Delivery history of an invitation: sent, reminded, resent, opened, answered."""

    class Kind(models.TextChoices):
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Reminded"
        RESENT = "resent", "Resent (new link)"
        OPENED = "opened", "Opened"
        SAVED = "saved", "Saved a draft"
        ANSWERED = "answered", "Answered"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class Response(models.Model):
    """The answers of one invitation: exactly one per invitation, however often it is sent."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty while only a draft is saved."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Response of {self.invitation}"


class Nomination(models.Model):
    """respondent → nominee for one question (relation); strength 1 (monthly) … 4 (daily)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="nominations")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="nominations_received"
    )
    strength = models.PositiveSmallIntegerField(null=True, blank=True, choices=STRENGTH_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "nominee"], name="nominee_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(strength__isnull=True) | Q(strength__gte=1, strength__lte=4),
                name="strength_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.nominee_id} ({self.question_id})"


class Answer(models.Model):
    """A rating (1–5) or free-text answer."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.question_id} of {self.response_id}"
