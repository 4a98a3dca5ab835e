"""State changes of the recruiting app: the admins' insight settings, single sign-on role mapping, and each
user's own language."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase

from .middleware import USER_LANGUAGE_SESSION_KEY
from .models import InsightSettings, SingleSignOnSettings, UserPreferences


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


def update_sso_settings(*, role_claim: str, role_mapping: str, default_role: str) -> SingleSignOnSettings:
    """The admins' role mapping for single sign-on; applied at each person's next sign-in."""
    settings = SingleSignOnSettings.current()
    settings.role_claim = role_claim
    settings.role_mapping = role_mapping
    settings.default_role = default_role
    settings.full_clean()
    settings.save()
    return settings


def update_user_language(*, user: User, language: str, session: SessionBase | None = None) -> UserPreferences:
    """The user's own language ("" follows their browser); the signed-in session takes it at once."""
    preferences, _ = UserPreferences.objects.get_or_create(user=user)
    preferences.language = language
    preferences.full_clean()
    preferences.save()
    if session is not None:
        remember_user_language(session, language)
    return preferences


def user_language(user: User) -> str:
    """The user's own language, or "" (their browser's)."""
    return UserPreferences.objects.filter(user=user).values_list("language", flat=True).first() or ""


def remember_user_language(session: SessionBase, language: str) -> None:
    """Keeps the user's language in their session, where UserLanguageMiddleware reads it on every request."""
    if language:
        session[USER_LANGUAGE_SESSION_KEY] = language
    else:
        session.pop(USER_LANGUAGE_SESSION_KEY, None)
