from django.contrib import admin

from .models import InsightSettings


@admin.register(InsightSettings)
class InsightSettingsAdmin(admin.ModelAdmin):
    """The one row of the home page rules (also editable by admins at the foot of the reports page)."""

    list_display = ["__str__", "stale_after_days", "unsubscribe_alert_percent", "bounce_alert_percent"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not InsightSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
