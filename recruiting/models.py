from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class InsightSettings(models.Model):
    """The admins' rules for the home page alerts; there is one row (see InsightSettings.current)."""

    stale_after_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="An owned passive candidate with no touch for this many days shows on their recruiter's home",
    )
    unsubscribe_alert_percent = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(100)],
        help_text="Warn admins about a sequence whose last 30 days' emails led to this share of unsubscribes",
    )
    bounce_alert_percent = models.PositiveSmallIntegerField(
        default=5,
        validators=[MaxValueValidator(100)],
        help_text="Warn admins about a sender or sequence whose last 30 days' emails bounced at this rate",
    )

    complaint_alert_percent = models.DecimalField(
        default=Decimal("0.3"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
        help_text="Warn admins about a sender or sequence whose last 30 days' emails were marked as spam at this "
        "rate (Gmail and Yahoo expect under 0.3%)",
    )

    class Meta:
        verbose_name_plural = "insight settings"

    def __str__(self):
        return "Insight settings"

    @classmethod
    def current(cls) -> "InsightSettings":
        return cls.objects.get_or_create(pk=1)[0]
