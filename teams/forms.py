from django import forms

from teams.models import Role


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV or XLSX)",
        help_text="Columns: email, name, team, manager_email, title; optional parent_team, role, "
        "employee_id; any other column is kept as an attribute.",
    )
    deactivate_missing = forms.BooleanField(
        required=False,
        label="Deactivate people who are not in this file (they are kept, never deleted)",
    )
    dry_run = forms.BooleanField(required=False, label="Only check the file, change nothing")


class AccessForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    send_invitation = forms.BooleanField(
        required=False, initial=True, label="E-mail them a link to choose a password"
    )
