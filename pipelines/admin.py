"""Requisitions, boards, cards and reviews are read-only here (they change through the pipelines services, as
candidates.admin explains); the forecast and careers settings stay editable."""

from django.contrib import admin

from candidates.admin import ReadOnly, ReadOnlyAdmin

from .models import (
    Application,
    Card,
    CareersSettings,
    ForecastSettings,
    Pipeline,
    Requisition,
    ShortlistReview,
    Stage,
    StageChange,
    TalentReview,
)


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "expected_open_date", "headcount", "hiring_manager", "recruiter"]
    list_filter = ["status", "is_published", "industry"]
    search_fields = ["title", "department"]
    filter_horizontal = ["pools", "skills"]


class StageInline(ReadOnly, admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Pipeline)
class PipelineAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "requisition"]
    inlines = [StageInline]


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "pipeline", "stage", "position", "status"]
    list_filter = ["status", "pipeline"]
    raw_id_fields = ["candidate", "added_by"]


admin.site.register(
    StageChange, ReadOnlyAdmin, list_display=["card", "from_stage", "to_stage", "moved_by", "moved_at"]
)
admin.site.register(
    ShortlistReview, ReadOnlyAdmin, list_display=["card", "reviewer", "decision", "created_at"]
)
admin.site.register(
    TalentReview,
    ReadOnlyAdmin,
    list_display=["candidate", "requisition", "reviewer", "answer", "updated_at"],
    raw_id_fields=["candidate"],
)


@admin.register(ForecastSettings)
class ForecastSettingsAdmin(admin.ModelAdmin):
    """The one row of forecast settings: editable, never added twice or deleted."""

    list_display = ["__str__", "warm_threshold", "target_ratio"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ForecastSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "requisition", "created_at"]
    list_filter = ["requisition"]
    raw_id_fields = ["candidate", "card", "resume"]


@admin.register(CareersSettings)
class CareersSettingsAdmin(admin.ModelAdmin):
    list_display = ["company_name", "brand_colour"]
