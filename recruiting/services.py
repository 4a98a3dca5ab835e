"""State changes of the recruiting app: the admins' insight settings."""

from decimal import Decimal

from .models import InsightSettings


def update_insight_settings(
    *,
    stale_after_days: int,
    unsubscribe_alert_percent: int,
    bounce_alert_percent: int,
    complaint_alert_percent: Decimal = Decimal("0.3"),
) -> InsightSettings:
    settings = InsightSettings.current()
    settings.stale_after_days = stale_after_days
    settings.unsubscribe_alert_percent = unsubscribe_alert_percent
    settings.bounce_alert_percent = bounce_alert_percent
    settings.complaint_alert_percent = complaint_alert_percent
    settings.full_clean()
    settings.save()
    return settings
