"""Sequences, enrollments, touches and the conversation are read-only here: they change through the outreach
services (the sequence builder, enrollment, the dispatcher, triage), as candidates.admin explains."""

from django.contrib import admin

from candidates.admin import ReadOnly, ReadOnlyAdmin

from .models import (
    EngagementEvent,
    Enrollment,
    InboundMailbox,
    InboundMessage,
    PlannedRoleCampaign,
    Reply,
    Sequence,
    Step,
    Topic,
    Touch,
)


class StepInline(ReadOnly, admin.StackedInline):
    model = Step
    extra = 0


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    list_display = ["name", "status", "sender", "business_days_only"]
    list_filter = ["status"]
    inlines = [StepInline]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "sequence", "status", "enrolled_at"]
    list_filter = ["status", "sequence"]
    raw_id_fields = ["candidate"]


@admin.register(Touch)
class TouchAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "channel", "status", "due_at", "assignee", "attempts"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["candidate", "enrollment"]
    date_hierarchy = "due_at"


@admin.register(EngagementEvent)
class EngagementEventAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "kind", "topic", "occurred_at"]
    list_filter = ["kind"]
    raw_id_fields = ["candidate", "touch"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "from_address", "subject", "source", "tag", "received_at"]
    list_filter = ["source", "tag"]
    raw_id_fields = ["candidate", "touch", "enrollment"]
    date_hierarchy = "received_at"


@admin.register(InboundMailbox)
class InboundMailboxAdmin(ReadOnlyAdmin):
    """Managed on the Mailboxes page (outreach/mailboxes.py); the password is never shown."""

    list_display = ["username", "host", "folder", "owner", "is_active", "last_success_at", "last_error_at"]
    list_filter = ["is_active"]
    exclude = ["password"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "address", "subject", "source", "candidate", "received_at"]
    list_filter = ["kind", "source"]
    search_fields = ["address", "key"]
    raw_id_fields = ["candidate", "touch", "reply", "mailbox"]
    date_hierarchy = "received_at"


@admin.register(PlannedRoleCampaign)
class PlannedRoleCampaignAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "requisition", "months_before", "started_at", "enrolled_count"]
    raw_id_fields = ["requisition"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Admins name the link topics: the preference centre and profiles show these names, not the tags."""

    list_display = ["name", "tag"]
    search_fields = ["name", "tag"]
