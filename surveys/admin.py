from django.contrib import admin

from surveys.models import (
    Answer,
    Invitation,
    InvitationEvent,
    InvitationLink,
    Nomination,
    Question,
    Response,
    Survey,
    Wave,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "schedule", "created_at"]
    list_filter = ["organization", "status", "schedule"]
    search_fields = ["title"]
    inlines = [QuestionInline]
    filter_horizontal = ["audience_teams"]
    raw_id_fields = ["created_by"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "survey", "kind", "relation", "max_nominees"]
    list_filter = ["kind"]
    list_select_related = ["survey"]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "status", "opens_at", "closes_at", "analysis_requested_at"]
    list_filter = ["status"]
    list_select_related = ["survey"]


class InvitationEventInline(admin.TabularInline):
    model = InvitationEvent
    extra = 0
    readonly_fields = ["kind", "at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["person", "wave", "sent_at", "reminder_count", "opened_at", "answered_at"]
    list_select_related = ["person", "wave__survey"]
    raw_id_fields = ["person", "wave"]
    inlines = [InvitationEventInline]
    show_full_result_count = False


@admin.register(InvitationLink)
class InvitationLinkAdmin(admin.ModelAdmin):
    list_display = ["invitation", "created_at", "revoked_at"]
    raw_id_fields = ["invitation"]
    # The hash is not a secret, but nothing is gained by showing it.
    exclude = ["token_hash"]


@admin.register(InvitationEvent)
class InvitationEventAdmin(admin.ModelAdmin):
    list_display = ["invitation", "kind", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["invitation"]


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0
    raw_id_fields = ["nominee", "question"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["invitation", "submitted_at", "updated_at"]
    raw_id_fields = ["invitation"]
    inlines = [NominationInline, AnswerInline]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["response", "question", "nominee", "strength"]
    raw_id_fields = ["response", "question", "nominee"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["response", "question", "rating"]
    raw_id_fields = ["response", "question"]
