"""State changes of the recruiting app: the admins' insight settings."""

from .models import InsightSettings


def update_insight_settings(
    *, stale_after_days: int, unsubscribe_alert_percent: int, bounce_alert_percent: int
) -> InsightSettings:
    settings = InsightSettings.current()
    settings.stale_after_days = stale_after_days
    settings.unsubscribe_alert_percent = unsubscribe_alert_percent
    settings.bounce_alert_percent = bounce_alert_percent
    settings.full_clean()
    settings.save()
    return settings
