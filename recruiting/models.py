from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from candidates.roles import ALL_ROLES
from outreach.fields import EncryptedTextField


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


class WebhookEvent(models.TextChoices):
    """What an outgoing webhook can tell another system; the value is the payload's `type`."""

    CANDIDATE_CREATED = "candidate.created", "Candidate created"
    CARD_MOVED = "card.moved", "Card moved"
    CANDIDATE_HIRED = "candidate.hired", "Candidate hired"
    REPLY_RECEIVED = "reply.received", "Reply received"
    CANDIDATE_UNSUBSCRIBED = "candidate.unsubscribed", "Candidate unsubscribed"
    APPLICATION_RECEIVED = "application.received", "Application received"
    MEETING_BOOKED = "meeting.booked", "Meeting booked"


class WebhookEndpoint(models.Model):
    """An address of another system that admins registered to be told about the events it chose."""

    url = models.URLField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    # Signs every delivery (HMAC-SHA256); stored encrypted like the mail passwords.
    secret = EncryptedTextField()
    events = models.JSONField(
        default=list, help_text="Event types (WebhookEvent values) sent to this endpoint"
    )
    is_active = models.BooleanField("active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhook", args=[self.pk])

    def event_labels(self) -> list[str]:
        return [WebhookEvent(name).label for name in self.events if name in WebhookEvent.values]


class WebhookDelivery(models.Model):
    """One event for one endpoint: a row the sender claims under a lease, posts, and retries with backoff.

    The event id is the same for every endpoint told about one event, and for every attempt, so a receiver
    can drop a delivery it has already seen (delivery is at-least-once)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField("response time (ms)", null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_event_and_endpoint"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


ROLE_CHOICES = [(role, role) for role in ALL_ROLES]


class SingleSignOnSettings(models.Model):
    """How people signing in through the OpenID provider get their role; there is one row (see current()).

    The first time it is read its values come from the environment (OIDC_ROLE_CLAIM, OIDC_ROLE_MAPPING,
    OIDC_DEFAULT_ROLE); from then on admins change them on the Single sign-on page."""

    role_claim = models.CharField(
        max_length=100,
        blank=True,
        help_text="The claim of the ID token (or user info) that lists the person's groups or roles, e.g. "
        "groups; a dotted path reads a nested claim, e.g. realm_access.roles",
    )
    role_mapping = models.TextField(
        blank=True,
        help_text="One per line: a value of that claim = a Longlist role (Admin, Recruiter, Hiring manager or "
        "Employee), e.g. ats-recruiters = Recruiter",
    )
    default_role = models.CharField(
        max_length=20,
        blank=True,
        choices=ROLE_CHOICES,
        help_text="The role of someone none of whose values is mapped; empty: they cannot sign in",
    )

    class Meta:
        verbose_name = verbose_name_plural = "single sign-on settings"

    def __str__(self):
        return "Single sign-on settings"

    @classmethod
    def current(cls) -> "SingleSignOnSettings":
        return cls.objects.get_or_create(
            pk=1,
            defaults={
                "role_claim": settings.OIDC_ROLE_CLAIM,
                "role_mapping": "\n".join(
                    line.strip() for line in settings.OIDC_ROLE_MAPPING.split(";") if line.strip()
                ),
                "default_role": settings.OIDC_DEFAULT_ROLE,
            },
        )[0]

    def mapping(self) -> list[tuple[str, str]]:
        """(claim value, role) for each line of the mapping; lines that are not `value = role` are left out
        (clean() refuses them)."""
        pairs = []
        for line in self.role_mapping.splitlines():
            value, _, role = line.rpartition("=")
            if value.strip() and role.strip() in ALL_ROLES:
                pairs.append((value.strip(), role.strip()))
        return pairs

    def clean(self):
        wrong = [
            line
            for line in self.role_mapping.splitlines()
            if line.strip()
            and (not line.rpartition("=")[0].strip() or line.rpartition("=")[2].strip() not in ALL_ROLES)
        ]
        if wrong:
            raise ValidationError(
                {
                    "role_mapping": f"Write each line as value = role, the role one of {', '.join(ALL_ROLES)}: {wrong[0]!r}"
                }
            )


class SingleSignOnIdentity(models.Model):
    """The provider's account (issuer and subject) a Longlist user signs in as: found again by these, never by
    an email address that could change hands."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "single sign-on identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_sso_subject")]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"


class UserPreferences(models.Model):
    """A staff user's own preferences: the language of the pages they see (blank: their browser's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The language of Longlist's pages for you; blank follows your browser",
    )

    class Meta:
        verbose_name_plural = "user preferences"

    def __str__(self):
        return f"Preferences of {self.user}"
