from django.contrib import admin

from .models import Activity, Candidate, PoolMembership, Referral, Skill, Suppression, TalentPool


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "title", "company", "seeking_status", "source", "owner"]
    list_filter = ["seeking_status", "source", "industry", "do_not_contact"]
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
