"""Shapes of the survey API's requests and answers. No logic here: views call selectors,
services and `surveys.answering`."""

from rest_framework import serializers

from common.api import MAX_ID, ErrorSerializer
from surveys.models import STRENGTH_CHOICES, InvitationEvent, Question, Survey, Wave

STRENGTH_HELP = "How often: " + ", ".join(f"{value} = {label}" for value, label in STRENGTH_CHOICES)


# A refusal; `errors` names the fields (or question ids) it is about. The API's one error shape.
SurveyErrorSerializer = ErrorSerializer


# --- surveys -------------------------------------------------------------------------------------


RELATION_HELP = "The relation asked about (advice, decision, …); empty for ratings and text."


class SurveyQuestionSerializer(serializers.ModelSerializer):
    # Not the model's slug pattern: rating and text questions have no relation.
    relation = serializers.CharField(read_only=True, help_text=RELATION_HELP)

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "kind",
            "relation",
            "prompt",
            "max_nominees",
            "ask_strength",
            "required",
        ]
        read_only_fields = fields


class SurveyQuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Question.Kind.choices, default=Question.Kind.NOMINATION)
    relation = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="For nominations: advice, decision, help, … or your own.",
    )
    prompt = serializers.CharField(max_length=300)
    max_nominees = serializers.IntegerField(min_value=1, max_value=20, default=5)
    ask_strength = serializers.BooleanField(
        default=False, help_text="Also ask how often (monthly … daily)."
    )
    required = serializers.BooleanField(default=False)


class SurveyInputSerializer(serializers.Serializer):
    """Create (POST) or change (PATCH, any subset) a survey."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    questions = SurveyQuestionInputSerializer(
        many=True,
        required=False,
        help_text="Your own questions, asked after any `bank` questions. Giving questions or "
        "bank on PATCH replaces all questions (only until the first wave opens).",
    )
    bank = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text="Relations from the question bank (see /api/question-bank/), asked first with "
        "the bank's prompts.",
    )
    bank_ask_strength = serializers.BooleanField(
        default=False, help_text="Bank questions also ask how often."
    )
    audience_team_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="Empty or absent: the whole organisation. Chosen teams include sub-teams.",
    )
    schedule = serializers.ChoiceField(choices=Survey.Schedule.choices, required=False)
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    every_weeks = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=52
    )
    window_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=60
    )
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="Days after a wave opens to remind people who have not answered, e.g. [3, 6].",
    )


class SurveySerializer(serializers.ModelSerializer):
    questions = SurveyQuestionSerializer(many=True, read_only=True)
    audience_team_ids = serializers.PrimaryKeyRelatedField(
        source="audience_teams",
        many=True,
        read_only=True,
        help_text="Empty: the whole organisation.",
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "description",
            "status",
            "schedule",
            "opens_at",
            "closes_at",
            "every_weeks",
            "window_days",
            "reminder_days",
            "audience_team_ids",
            "questions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SurveyListQuerySerializer(serializers.Serializer):
    include_archived = serializers.BooleanField(
        default=False, help_text="Also list archived surveys."
    )


class SurveyCopyInputSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the original title with '(copy)'.",
    )


class QuestionBankEntrySerializer(serializers.Serializer):
    relation = serializers.CharField()
    prompt = serializers.CharField()


# --- waves ---------------------------------------------------------------------------------------


class WaveSerializer(serializers.ModelSerializer):
    survey_id = serializers.IntegerField(read_only=True)
    survey_title = serializers.CharField(source="survey.title", read_only=True)

    class Meta:
        model = Wave
        fields = [
            "id",
            "survey_id",
            "survey_title",
            "number",
            "status",
            "opens_at",
            "closes_at",
            "opened_at",
            "closed_at",
            "analysis_requested_at",
            "reminders_sent",
        ]
        read_only_fields = fields


class WaveCreateSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(
        required=False, help_text="When it opens; absent with open_now: now."
    )
    closes_at = serializers.DateTimeField()
    open_now = serializers.BooleanField(
        default=False, help_text="Open at once: invite the audience and e-mail their links."
    )


class InvitationEventSerializer(serializers.Serializer):
    # Plain text: a second enum named "kind" (beside Question.Kind) would need an
    # ENUM_NAME_OVERRIDES entry in the settings to get a stable schema name.
    kind = serializers.CharField(help_text="One of: " + ", ".join(InvitationEvent.Kind.values))
    at = serializers.DateTimeField()


class InvitationPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    team_id = serializers.IntegerField()
    team_name = serializers.CharField()


class InvitationSerializer(serializers.Serializer):
    """One invited person. In a team with fewer invited than the anonymity threshold, whether
    they opened or answered is withheld (null, no events) and `withheld` is true."""

    id = serializers.IntegerField()
    person = InvitationPersonSerializer()
    sent_at = serializers.DateTimeField(allow_null=True)
    reminder_count = serializers.IntegerField(allow_null=True)
    opened_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    withheld = serializers.BooleanField(
        help_text="True when the team is too small to show who opened or answered."
    )
    events = InvitationEventSerializer(
        many=True, required=False, help_text="Delivery history; absent when withheld."
    )


class InvitationResendSerializer(serializers.Serializer):
    revoke_previous = serializers.BooleanField(
        default=False, help_text="Earlier links stop working (e.g. a forwarded e-mail)."
    )


class ResponseRateSerializer(serializers.Serializer):
    """Counts of a group (`selectors.RateRow`); who answered is never shown."""

    name = serializers.CharField()
    team_id = serializers.IntegerField(allow_null=True, help_text="Null: the whole organisation.")
    depth = serializers.IntegerField()
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="answered / invited, 0 … 1.")
    below_threshold = serializers.BooleanField(
        help_text="Fewer invited than the anonymity threshold: read with care."
    )


# --- answering by link ---------------------------------------------------------------------------


class AnswerPersonSerializer(serializers.Serializer):
    """A colleague as the answering page shows them."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    team = serializers.CharField(source="team.name")


class AnswerNomineeSerializer(serializers.Serializer):
    person = AnswerPersonSerializer()
    strength = serializers.IntegerField(allow_null=True, help_text=STRENGTH_HELP)


class AnswerStateItemSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    nominees = AnswerNomineeSerializer(many=True)
    rating = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(allow_blank=True)


class AnswerQuestionSerializer(serializers.ModelSerializer):
    relation = serializers.CharField(read_only=True, help_text=RELATION_HELP)

    class Meta:
        model = Question
        fields = ["id", "kind", "relation", "prompt", "max_nominees", "ask_strength", "required"]
        read_only_fields = fields


class AnswerStateSerializer(serializers.Serializer):
    survey_title = serializers.CharField()
    survey_description = serializers.CharField(allow_blank=True)
    organization_name = serializers.CharField()
    closes_at = serializers.DateTimeField()
    questions = AnswerQuestionSerializer(many=True)
    answers = AnswerStateItemSerializer(many=True)
    submitted = serializers.BooleanField(help_text="Answers were sent, not only saved.")


class AnswerNomineeInputSerializer(serializers.Serializer):
    person = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A colleague's id from the people search."
    )
    strength = serializers.IntegerField(required=False, allow_null=True, help_text=STRENGTH_HELP)


class AnswerItemInputSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    nominees = AnswerNomineeInputSerializer(many=True, required=False)
    rating = serializers.IntegerField(required=False, allow_null=True, help_text="1 … 5.")
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class AnswerInputSerializer(serializers.Serializer):
    answers = AnswerItemInputSerializer(
        many=True, help_text="Every answer: replaces what was saved before."
    )
    submit = serializers.BooleanField(
        default=False, help_text="Send the answers; false keeps them as a draft."
    )


class AnswerPeopleQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="Start of a first or last name, or of an e-mail address.",
    )
