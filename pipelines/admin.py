from django.contrib import admin

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
class RequisitionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "expected_open_date", "headcount", "hiring_manager", "recruiter"]
    list_filter = ["status", "is_published", "industry"]
    search_fields = ["title", "department"]
    filter_horizontal = ["pools", "skills"]


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "requisition"]
    inlines = [StageInline]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["candidate", "pipeline", "stage", "position", "status"]
    list_filter = ["status", "pipeline"]
    raw_id_fields = ["candidate", "added_by"]


admin.site.register(StageChange, list_display=["card", "from_stage", "to_stage", "moved_by", "moved_at"])
admin.site.register(ShortlistReview, list_display=["card", "reviewer", "decision", "created_at"])
admin.site.register(
    TalentReview,
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
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "requisition", "created_at"]
    list_filter = ["requisition"]
    raw_id_fields = ["candidate", "card", "resume"]


@admin.register(CareersSettings)
class CareersSettingsAdmin(admin.ModelAdmin):
    list_display = ["company_name", "brand_colour"]
