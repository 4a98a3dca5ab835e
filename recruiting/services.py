"""State changes of the recruiting app: the admins' insight settings and single sign-on role mapping."""

from .models import InsightSettings, SingleSignOnSettings


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


def update_sso_settings(*, role_claim: str, role_mapping: str, default_role: str) -> SingleSignOnSettings:
    """The admins' role mapping for single sign-on; applied at each person's next sign-in."""
    settings = SingleSignOnSettings.current()
    settings.role_claim = role_claim
    settings.role_mapping = role_mapping
    settings.default_role = default_role
    settings.full_clean()
    settings.save()
    return settings
