"""Shapes of the API's requests and answers. No logic here: views call selectors and services."""

from rest_framework import serializers

from common.api import MAX_ID, ErrorSerializer
from teams.models import Person, Role, Team

__all__ = ["ErrorSerializer"]  # the API's one error shape, kept importable from here


# --- sign-in -------------------------------------------------------------------------------------


class TokenCredentialsSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as the header `Authorization: Token <token>`.")


# --- people --------------------------------------------------------------------------------------


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class ManagerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "email"]


class PersonSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer()
    manager = ManagerRefSerializer(allow_null=True)
    has_login = serializers.BooleanField(
        read_only=True, help_text="Whether the person has an active login to this site."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "email",
            "name",
            "title",
            "team",
            "manager",
            "role",
            "is_active",
            "employee_id",
            "attributes",
            "has_login",
        ]
        read_only_fields = fields


class PersonListQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Part of a name or title, the start of an e-mail, or an exact employee ID.",
    )
    team = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Only people in this team and its sub-teams; the team must be visible to you.",
    )
    include_inactive = serializers.BooleanField(
        default=False, help_text="Also list people deactivated in the roster."
    )


class AccessGrantSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    send_invitation = serializers.BooleanField(
        default=False, help_text="E-mail them a one-time link to choose a password."
    )
    password = serializers.CharField(
        required=False,
        allow_blank=False,
        max_length=128,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        help_text="Set this password now (checked against the password rules).",
    )


# --- teams ---------------------------------------------------------------------------------------


class TeamSerializer(serializers.Serializer):
    """A visible team of the tree (`selectors.TeamNode`), listed depth first."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    parent_id = serializers.IntegerField(
        allow_null=True, help_text="The parent team, or null when it is a root of what you see."
    )
    depth = serializers.IntegerField(help_text="0 for a root of what you see.")
    head_count = serializers.IntegerField(
        source="members", help_text="Active people listed in this team itself."
    )
    head_count_with_subteams = serializers.IntegerField(
        source="total", help_text="Active people in this team and all its sub-teams."
    )


# --- roster import -------------------------------------------------------------------------------


class RosterImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The roster as CSV (UTF-8) or XLSX: email, name, team, manager_email, title; "
        "optional parent_team, role, employee_id; other columns are kept as attributes.",
        error_messages={
            "required": "Attach the roster file (CSV or XLSX) as the form field 'file'.",
            "empty": "The roster file is empty. Upload a CSV or XLSX file with a header row.",
            "invalid": "Send the roster as a file upload (multipart/form-data) named 'file'.",
        },
    )
    deactivate_missing = serializers.BooleanField(
        default=False,
        help_text="Deactivate people who are not in this file (they are kept, never deleted).",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the file and report what would change."
    )


class RosterImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deactivated = serializers.IntegerField()
    teams_created = serializers.IntegerField()
    dry_run = serializers.BooleanField(help_text="True when nothing was stored.")
    summary = serializers.CharField()


class RosterProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="Row as a spreadsheet shows it (header = 1); null = whole file."
    )
    column = serializers.CharField(help_text="Column name, or empty for the whole row or file.")
    message = serializers.CharField()


class RosterImportProblemsSerializer(ErrorSerializer):
    """The error format; a file that was read has its `problems` listed row by row."""

    problems = RosterProblemSerializer(
        many=True, required=False, help_text="Absent when the request itself was not valid."
    )
