"""Roster: organisations, the team tree, people with their formal manager, roles and logins."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Sign-in by e-mail ignores case: "Ana@Example.com" is "ana@example.com".
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("A login needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Roster data lives on Person; `user.person` links the two, one to one."""

    email = models.EmailField("e-mail", unique=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.email


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    analysis_thresholds = models.JSONField(
        default=dict,
        blank=True,
        help_text="Flag thresholds of this organisation that differ from the defaults, e.g. "
        '{"decision_percentile": 0.85}. Names and defaults: influence.analysis.types.Thresholds.',
    )
    identified_results = models.BooleanField(
        default=False,
        help_text="Show employees on their own network page who named them. Off: counts and "
        "bands only.",
    )
    retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text="Days after a wave closes when its raw answers (who named whom, free text) are "
        "deleted; the analysis results stay. Empty: kept until deleted by hand.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A node of the organisation's team tree; names are unique within the organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="team_name_unique_in_org"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="team_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    LEAD = "lead", "Team lead"
    HR = "hr", "HR"


class Person(models.Model):
    """One row of the roster. A `lead` leads the team they are listed in and its sub-teams."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    email = models.EmailField(
        "e-mail", help_text="Stored in lower case; unique in the organisation."
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    is_active = models.BooleanField(default=True)
    employee_id = models.CharField(max_length=64, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When HR erased this person: name, e-mail and attributes are gone; their ties "
        "stay as an anonymous node.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "email"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="person_email_unique_in_org"
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("id")), name="person_not_own_manager"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "is_active", "name"], name="person_org_active_name"
            ),
            models.Index(fields=["organization", "team"], name="person_org_team"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def attribute_items(self) -> list[tuple[str, str]]:
        """Free attributes for display: ("Start year", "2024"), sorted by label."""
        return sorted(
            (key.replace("_", " ").capitalize(), value) for key, value in self.attributes.items()
        )

    @property
    def has_login(self) -> bool:
        return self.user is not None and self.user.is_active


class AuditEvent(models.Model):
    """One line of the audit log: who did what, when and from where. Written by
    `teams.audit.audit_record` only; never changed through the product (save refuses updates)."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        TOKEN_CREATED = "token_created", "API token issued"
        EXPORT = "export", "Exported"
        IDENTIFIED_VIEW = "identified_view", "Viewed identified results"
        ROSTER_IMPORT = "roster_import", "Imported the roster"
        ROLE_CHANGE = "role_change", "Changed a role or login"
        ERASURE = "erasure", "Erased a person"
        RETENTION = "retention", "Deleted raw answers (retention)"
        SETTINGS_CHANGE = "settings_change", "Changed settings"

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, help_text="The actor's e-mail at the time, or who acted without a login."
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(max_length=300, blank=True, help_text="What was acted on, in words.")
    target_person_id = models.IntegerField(
        null=True,
        blank=True,
        help_text="The person concerned, if one (no foreign key: erasure keeps the line).",
    )
    detail = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=16, help_text="web, api, command or task.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="audit_org_created"),
            models.Index(fields=["organization", "action"], name="audit_org_action"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events cannot be deleted.")
