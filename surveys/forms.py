"""Forms of the HR survey pages. They only parse the request into plain values (QuestionSpecs,
ids, datetimes, lists of days); the services validate the survey as a whole and write it."""

import re

from django import forms
from django.core.exceptions import ValidationError

from surveys.models import QUESTION_BANK, Question, Survey
from surveys.services import QuestionSpec

CUSTOM_SLOTS = 3
DEFAULT_MAX_NOMINEES = 5


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; Django parses its ISO value ("2025-03-01T09:00")."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _when(label: str, help_text: str = "", required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, help_text=help_text, required=required, widget=DateTimeLocalInput()
    )


def _max_nominees() -> forms.IntegerField:
    return forms.IntegerField(
        label="Max people", min_value=1, max_value=20, required=False, initial=DEFAULT_MAX_NOMINEES
    )


class SurveyForm(forms.Form):
    """Title, questions (bank relations and custom ones), audience and schedule of a survey.

    `tree` is the organisation's team tree (TeamNodes) for the audience checkboxes. Without
    `with_questions` the question fields are left out (questions are frozen once a wave opened).
    """

    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to people above the questions.",
    )
    audience = forms.ChoiceField(
        choices=[("organization", "The whole organisation"), ("teams", "Chosen teams")],
        initial="organization",
        widget=forms.RadioSelect,
    )
    teams = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A chosen team includes all of its sub-teams.",
    )
    schedule = forms.ChoiceField(
        choices=Survey.Schedule.choices, initial=Survey.Schedule.ONCE, widget=forms.RadioSelect
    )
    opens_at = _when("Opens")
    closes_at = _when("Closes")
    every_weeks = forms.IntegerField(label="Every N weeks", required=False, min_value=1)
    window_days = forms.IntegerField(
        label="Window length (days)",
        required=False,
        min_value=1,
        help_text="How long each wave stays open.",
    )
    first_opens_at = _when("First opening")
    reminder_days = forms.CharField(
        required=False,
        label="Reminder days",
        help_text="Days after a wave opens to remind people who have not answered, e.g. 3, 6.",
    )

    def __init__(
        self, *args, tree=(), with_questions: bool = True, custom_slots: int = CUSTOM_SLOTS, **kw
    ):
        super().__init__(*args, **kw)
        self.tree = list(tree)
        self.fields["teams"].choices = [(node.id, node.name) for node in self.tree]
        self.with_questions = with_questions
        self.custom_slots = custom_slots if with_questions else 0
        self.question_errors: list[str] = []
        if with_questions:
            for relation, prompt in QUESTION_BANK.items():
                self._bank_fields(relation, prompt)
            for slot in range(1, self.custom_slots + 1):
                self._custom_fields(slot)

    def _bank_fields(self, relation: str, prompt: str) -> None:
        self.fields[f"bank_{relation}"] = forms.BooleanField(
            required=False, label=relation.capitalize()
        )
        self.fields[f"bank_{relation}_prompt"] = forms.CharField(
            required=False, max_length=300, initial=prompt, label="Prompt"
        )
        self.fields[f"bank_{relation}_max"] = _max_nominees()
        self.fields[f"bank_{relation}_strength"] = forms.BooleanField(
            required=False, label="Ask how often"
        )

    def _custom_fields(self, slot: int) -> None:
        self.fields[f"custom_{slot}_kind"] = forms.ChoiceField(
            required=False, choices=[("", "Not used"), *Question.Kind.choices], label="Kind"
        )
        self.fields[f"custom_{slot}_relation"] = forms.SlugField(
            required=False,
            max_length=40,
            label="Relation",
            help_text="Nominations only, e.g. mentoring.",
        )
        self.fields[f"custom_{slot}_prompt"] = forms.CharField(
            required=False, max_length=300, label="Prompt"
        )
        self.fields[f"custom_{slot}_max"] = _max_nominees()
        self.fields[f"custom_{slot}_strength"] = forms.BooleanField(
            required=False, label="Ask how often"
        )

    # --- parsing --------------------------------------------------------------------------

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data["reminder_days"]
        parts = [p for p in re.split(r"[,;\s]+", text) if p]
        if not all(p.isdigit() for p in parts):
            raise ValidationError("Write whole days after opening, separated by commas: 3, 6.")
        return [int(p) for p in parts]

    def clean(self):
        data = super().clean()
        if data.get("audience") == "teams" and not data.get("teams"):
            self.add_error("teams", "Choose at least one team, or the whole organisation.")
        for slot in range(1, self.custom_slots + 1):
            if data.get(f"custom_{slot}_prompt") and not data.get(f"custom_{slot}_kind"):
                self.add_error(f"custom_{slot}_kind", "Choose what kind of question this is.")
        return data

    def question_specs(self) -> list[QuestionSpec]:
        """Ticked bank relations (in bank order), then the custom questions in use."""
        data, specs = self.cleaned_data, []
        for relation, default_prompt in QUESTION_BANK.items():
            if data.get(f"bank_{relation}"):
                specs.append(
                    QuestionSpec(
                        relation=relation,
                        prompt=data.get(f"bank_{relation}_prompt") or default_prompt,
                        max_nominees=data.get(f"bank_{relation}_max") or DEFAULT_MAX_NOMINEES,
                        ask_strength=bool(data.get(f"bank_{relation}_strength")),
                    )
                )
        for slot in range(1, self.custom_slots + 1):
            kind = data.get(f"custom_{slot}_kind")
            if kind:
                specs.append(
                    QuestionSpec(
                        kind=kind,
                        relation=data.get(f"custom_{slot}_relation", ""),
                        prompt=data.get(f"custom_{slot}_prompt", ""),
                        max_nominees=data.get(f"custom_{slot}_max") or DEFAULT_MAX_NOMINEES,
                        ask_strength=bool(data.get(f"custom_{slot}_strength")),
                    )
                )
        return specs

    def survey_fields(self) -> dict:
        """Keyword arguments for survey_create / survey_update (questions aside)."""
        data = self.cleaned_data
        recurring = data["schedule"] == Survey.Schedule.RECURRING
        return {
            "title": data["title"],
            "description": data["description"],
            "schedule": data["schedule"],
            "opens_at": data["first_opens_at"] if recurring else data["opens_at"],
            "closes_at": None if recurring else data["closes_at"],
            "every_weeks": data["every_weeks"] if recurring else None,
            "window_days": data["window_days"] if recurring else None,
            "reminder_days": data["reminder_days"],
            "audience_team_ids": data["teams"] if data["audience"] == "teams" else [],
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        recurring = self.cleaned_data.get("schedule") == Survey.Schedule.RECURRING
        for key, errors in exc.message_dict.items():
            field = {"audience_teams": "teams"}.get(key, key)
            if key == "opens_at" and recurring:
                field = "first_opens_at"
            if key == "questions":
                self.question_errors.extend(errors)
            elif field in self.fields:
                self.add_error(field, errors)
            else:
                self.add_error(None, errors)

    # --- rendering helpers ------------------------------------------------------------------

    def bank_rows(self) -> list[dict]:
        return [
            {
                "relation": relation,
                "default_prompt": prompt,
                "ticked": self[f"bank_{relation}"],
                "prompt": self[f"bank_{relation}_prompt"],
                "max": self[f"bank_{relation}_max"],
                "strength": self[f"bank_{relation}_strength"],
            }
            for relation, prompt in QUESTION_BANK.items()
        ]

    def custom_rows(self) -> list[dict]:
        return [
            {
                "slot": slot,
                "kind": self[f"custom_{slot}_kind"],
                "relation": self[f"custom_{slot}_relation"],
                "prompt": self[f"custom_{slot}_prompt"],
                "max": self[f"custom_{slot}_max"],
                "strength": self[f"custom_{slot}_strength"],
            }
            for slot in range(1, self.custom_slots + 1)
        ]

    def team_rows(self) -> list[tuple]:
        """(checkbox, depth) per team, in tree order."""
        return list(zip(self["teams"], (node.depth for node in self.tree), strict=True))


def survey_initial(survey: Survey) -> dict:
    """The form's starting values for an existing survey; custom questions fill the slots."""
    initial = {
        "title": survey.title,
        "description": survey.description,
        "schedule": survey.schedule,
        "reminder_days": ", ".join(str(d) for d in survey.reminder_days),
        "every_weeks": survey.every_weeks,
        "window_days": survey.window_days,
    }
    if survey.schedule == Survey.Schedule.RECURRING:
        initial["first_opens_at"] = survey.opens_at
    else:
        initial.update(opens_at=survey.opens_at, closes_at=survey.closes_at)
    team_ids = [team.id for team in survey.audience_teams.all()]
    initial.update(audience="teams" if team_ids else "organization", teams=team_ids)
    slot = 0
    for question in survey.questions.all():
        if question.kind == Question.Kind.NOMINATION and question.relation in QUESTION_BANK:
            prefix = f"bank_{question.relation}"
            initial[prefix] = True
        else:
            slot += 1
            prefix = f"custom_{slot}"
            initial.update(
                {f"{prefix}_kind": question.kind, f"{prefix}_relation": question.relation}
            )
        initial.update(
            {
                f"{prefix}_prompt": question.prompt,
                f"{prefix}_max": question.max_nominees,
                f"{prefix}_strength": question.ask_strength,
            }
        )
    return initial


def custom_question_count(survey: Survey) -> int:
    """Slots the edit form needs so that no existing custom question is dropped."""
    custom = [
        q
        for q in survey.questions.all()
        if q.kind != Question.Kind.NOMINATION or q.relation not in QUESTION_BANK
    ]
    return max(CUSTOM_SLOTS, len(custom))


class WaveForm(forms.Form):
    """Start a wave now (opens immediately) or plan one (opens later)."""

    mode = forms.ChoiceField(choices=[("now", "Start now"), ("plan", "Plan")])
    opens_at = _when("Opens")
    closes_at = _when("Closes", required=True)

    def clean(self):
        data = super().clean()
        if data.get("mode") == "plan" and not data.get("opens_at"):
            self.add_error("opens_at", "Choose when the wave opens.")
        return data


class ResendForm(forms.Form):
    revoke_previous = forms.BooleanField(
        required=False, label="Revoke earlier links (e.g. a forwarded e-mail)"
    )
    page = forms.IntegerField(required=False, min_value=1)
