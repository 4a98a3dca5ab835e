"""The Django admin shows the domain read-only: every change goes through the services (pages, API, commands),
so an admin edit cannot skip an invariant, an audit entry or a suppression. Erasing a person is the one write
here, an action that calls the erase service. Settings rows (privacy policy) stay editable."""

from django.contrib import admin, messages
from django.core.exceptions import BadRequest, ValidationError

from . import custom_fields, privacy
from .bounds import TextBounds
from .models import (
    Activity,
    Candidate,
    CandidateAlias,
    CustomField,
    PoolMembership,
    PrivacyPolicy,
    Referral,
    Resume,
    SilverMedal,
    Skill,
    Suppression,
    TalentPool,
)


class ReadOnly:
    """No add, change or delete: for the admins and inlines of domain models."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """The admin's search box is held to the same bounds as the app's searches (each word is a LIKE per field)."""

    def get_search_results(self, request, queryset, search_term):
        try:
            TextBounds()(search_term)
        except ValidationError as error:
            raise BadRequest(" ".join(error.messages)) from error
        return super().get_search_results(request, queryset, search_term)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = [
        "full_name",
        "email",
        "title",
        "company",
        "seeking_status",
        "source",
        "owner",
        "erased_at",
    ]
    list_filter = ["seeking_status", "source", "industry", "lawful_basis", "do_not_contact"]
    search_fields = ["first_name", "last_name", "email", "company", "title"]
    exclude = ["search_vector"]
    actions = ["erase"]

    @admin.action(
        description="Erase the selected people (suppressed, résumés and timeline deleted)",
        permissions=["erase"],
    )
    def erase(self, request, queryset):
        erased = 0
        for candidate in queryset.filter(erased_at__isnull=True):
            try:
                privacy.erase_candidate(candidate=candidate, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{candidate}: {' '.join(error.messages)}", messages.ERROR)
            else:
                erased += 1
        self.message_user(request, f"{erased} erased.", messages.SUCCESS)

    def has_erase_permission(self, request):
        return request.user.has_perm("candidates.erase_candidate")


class PoolMembershipInline(ReadOnly, admin.TabularInline):
    model = PoolMembership
    raw_id_fields = ["candidate", "added_by"]
    extra = 0


@admin.register(TalentPool)
class TalentPoolAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "owner", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [PoolMembershipInline]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "referrer", "status", "role_title", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["candidate"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "kind", "summary", "actor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["candidate"]


admin.site.register(Skill, ReadOnlyAdmin, search_fields=["name"])
admin.site.register(
    CandidateAlias,
    ReadOnlyAdmin,
    list_display=["email", "linkedin_url", "candidate", "created_at"],
    search_fields=["email", "linkedin_url"],
    raw_id_fields=["candidate"],
)
admin.site.register(
    Suppression, ReadOnlyAdmin, list_display=["email", "linkedin_url", "reason", "created_at"]
)


@admin.register(SilverMedal)
class SilverMedalAdmin(ReadOnlyAdmin):
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
class ResumeAdmin(ReadOnlyAdmin):
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


@admin.register(CustomField)
class CustomFieldAdmin(ReadOnlyAdmin):
    """Custom fields are defined on Settings → Custom fields, where a type change or a delete is checked
    against the values; here they are listed, and archived or restored through the same service."""

    list_display = ["label", "key", "applies_to", "type", "required", "position", "archived_at"]
    list_filter = ["applies_to", "type", "required"]
    search_fields = ["label", "key"]
    actions = ["archive", "restore"]

    @admin.action(description="Archive the selected fields (values kept)", permissions=["archive"])
    def archive(self, request, queryset):
        for field in queryset:
            custom_fields.archive_custom_field(field=field, archived=True, by=request.user)

    @admin.action(description="Restore the selected fields", permissions=["archive"])
    def restore(self, request, queryset):
        for field in queryset:
            custom_fields.archive_custom_field(field=field, archived=False, by=request.user)

    def has_archive_permission(self, request):
        return request.user.has_perm("candidates.change_customfield")
