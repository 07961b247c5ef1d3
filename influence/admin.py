"""Runs are read-only here: results come only from the analysis, never from hand edits."""

from django.contrib import admin

from influence.models import AnalysisRun, Flag, FlagReview


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ["id", "wave", "status", "progress", "reason", "created_at", "finished_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["wave__survey"]
    search_fields = ["wave__survey__title"]
    readonly_fields = [
        "wave",
        "status",
        "progress",
        "stage",
        "timings",
        "parameters",
        "warnings",
        "error",
        "requested_by",
        "reason",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "score", "run"]
    list_filter = ["kind"]
    list_select_related = ["person", "run"]
    raw_id_fields = ["run", "person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FlagReview)
class FlagReviewAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "status", "reviewed_by", "reviewed_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["person", "reviewed_by"]
    raw_id_fields = ["person", "run", "reviewed_by"]
