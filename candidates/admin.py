from django.contrib import admin

from .models import (
    Activity,
    Candidate,
    PoolMembership,
    PrivacyPolicy,
    Referral,
    Resume,
    SilverMedal,
    Skill,
    Suppression,
    TalentPool,
)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "title", "company", "seeking_status", "source", "owner"]
    list_filter = ["seeking_status", "source", "industry", "lawful_basis", "do_not_contact"]
    search_fields = ["first_name", "last_name", "email", "company", "title"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["skills"]


class PoolMembershipInline(admin.TabularInline):
    model = PoolMembership
    raw_id_fields = ["candidate", "added_by"]
    extra = 0


@admin.register(TalentPool)
class TalentPoolAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [PoolMembershipInline]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["candidate", "referrer", "status", "role_title", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["candidate"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["candidate", "kind", "summary", "actor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["candidate"]


admin.site.register(Skill, search_fields=["name"])
admin.site.register(Suppression, list_display=["email", "linkedin_url", "reason", "created_at"])


@admin.register(SilverMedal)
class SilverMedalAdmin(admin.ModelAdmin):
    list_display = ["candidate", "requisition_title", "stage_name", "reason", "progress", "created_at"]
    list_filter = ["reason"]
    search_fields = ["requisition_title", "candidate__first_name", "candidate__last_name"]
    raw_id_fields = ["candidate"]


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(admin.ModelAdmin):
    """The one row of privacy settings (also editable by admins on the Privacy page)."""

    list_display = ["__str__", "retention_days", "notice_due_days"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PrivacyPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resume)
class ResumeAdmin(admin.ModelAdmin):
    """Read-only: résumés are uploaded, downloaded and erased from the profile, where access is checked. The
    file itself is left out (no link to the stored path), and so is the extracted text."""

    list_display = ["original_name", "candidate", "kind", "size", "text_status", "created_at"]
    list_filter = ["kind", "text_status"]
    search_fields = ["original_name", "candidate__first_name", "candidate__last_name"]
    fields = [
        "candidate",
        "original_name",
        "kind",
        "size",
        "text_status",
        "text_error",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = fields
    list_select_related = ["candidate"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
