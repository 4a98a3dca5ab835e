import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, TalentPool

from .fields import EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    LINKEDIN_CONNECT = "linkedin_connect", "LinkedIn connection request"
    LINKEDIN_MESSAGE = "linkedin_message", "LinkedIn message"
    ENGAGE = "engage", "Engage with their content"
    CALL = "call", "Call"
    TASK = "task", "Custom task"


MANUAL_CHANNELS = {c for c in Channel.values if c != Channel.EMAIL}


class SenderIdentity(models.Model):
    """Who a user's emails are from: name, address, signature and pace, and optionally their own mail server so
    that mail leaves from their real mailbox (otherwise the site's EMAIL_URL or provider carries it)."""

    class Security(models.TextChoices):
        STARTTLS = "starttls", "STARTTLS (usually port 587)"
        TLS = "tls", "TLS from the start (usually port 465)"
        NONE = "none", "None (only for a server on this machine)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sender_identity"
    )
    display_name = models.CharField(max_length=150)
    address = models.EmailField()
    reply_to = models.EmailField(blank=True)
    signature = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    daily_limit = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1)],
        help_text="Emails from this identity per day, all kinds",
    )
    # All day by default: a sequence's own window (the candidate's hours) decides when its emails fall due;
    # narrow this to send only in the sender's own hours.
    send_window_start = models.TimeField(default=datetime.time(0, 0))
    send_window_end = models.TimeField(default=datetime.time(23, 59))
    min_spacing_minutes = models.PositiveSmallIntegerField(
        default=2, help_text="Minutes between two emails from this identity"
    )
    smtp_host = models.CharField(max_length=255, blank=True, help_text="Empty: the site's mail settings")
    smtp_port = models.PositiveIntegerField(default=587, validators=[MaxValueValidator(65535)])
    smtp_security = models.CharField(max_length=10, choices=Security.choices, default=Security.STARTTLS)
    smtp_username = models.CharField(max_length=255, blank=True)
    smtp_password = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "sender identities"

    def __str__(self):
        return f"{self.display_name} <{self.address}>"


class Sequence(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=150, unique=True)
    purpose = models.TextField(blank=True)
    topic = models.CharField(
        max_length=60,
        blank=True,
        help_text="People who chose topics in the preference centre get this sequence only if they chose this one",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    send_window_start = models.TimeField(default=datetime.time(9, 0))
    send_window_end = models.TimeField(default=datetime.time(17, 0))
    business_days_only = models.BooleanField(default=True)
    min_gap_days = models.PositiveSmallIntegerField(
        default=3, help_text="Minimum days between any two touches to one candidate, across sequences"
    )
    track_opens = models.BooleanField(default=False)
    sender_timezone = models.CharField(
        max_length=64, default="UTC", help_text="Used for candidates whose timezone is unknown"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Step(models.Model):
    class DelayUnit(models.TextChoices):
        DAYS = "days", "days"
        WEEKS = "weeks", "weeks"
        MONTHS = "months", "months"

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    delay_amount = models.PositiveSmallIntegerField(default=0)
    delay_unit = models.CharField(max_length=6, choices=DelayUnit.choices, default=DelayUnit.DAYS)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="Placeholders: {{ first_name }}, {{ company }}, …")

    class Meta:
        ordering = ["sequence", "position"]
        constraints = [models.UniqueConstraint(fields=["sequence", "position"], name="step_position_unique")]

    def __str__(self):
        return f"{self.sequence} #{self.position}: {self.get_channel_display()}"

    @property
    def is_manual(self) -> bool:
        return self.channel in MANUAL_CHANNELS

    @property
    def delay_display(self) -> str:
        unit = self.get_delay_unit_display()
        return f"{self.delay_amount} {unit if self.delay_amount != 1 else unit.removesuffix('s')}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    LIVE_STATUSES = (Status.ACTIVE, Status.PAUSED)

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrollments")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    stop_reason = models.CharField(max_length=120, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence", "candidate"],
                condition=models.Q(status__in=["active", "paused"]),
                name="enrollment_one_live_per_sequence",
            )
        ]

    def __str__(self):
        return f"{self.candidate} in {self.sequence}"


class EnrollmentBatch(models.Model):
    """One request to enroll many people (a search selection or a pool); large ones run on a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Enrolling"
        DONE = "done", "Done"

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="batches")
    pool = models.ForeignKey(TalentPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    candidate_ids = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    enrolled_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True, help_text="[{id, name, reason}]")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enrollment batches"

    def __str__(self):
        return f"Enrollment in {self.sequence} ({self.get_status_display()})"


class Touch(models.Model):
    """One planned contact: an email the dispatcher sends, or a manual task in a recruiter's queue."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        TASK_OPEN = "task_open", "Task open"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        # The mail server had the whole message but its answer never came; not sent again unless resent.
        POSSIBLY_DELIVERED = "possibly_delivered", "Possibly delivered"

    class Kind(models.TextChoices):
        SEQUENCE = "sequence", "Sequence step"
        ONE_OFF = "one_off", "One-off email"
        BULK = "bulk", "Bulk email"
        REPLY = "reply", "Reply"
        REJECTION = "rejection", "Rejection email"
        MEETING = "meeting", "Meeting invitation"
        PRIVACY = "privacy", "Data request email"

    # Sent as soon as they are due, never queued behind the sender's pace: a person who just booked a call or
    # asked for their data waits for this email.
    UNPACED_KINDS = (Kind.MEETING, Kind.PRIVACY)

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SEQUENCE)
    enrollment = models.ForeignKey(
        Enrollment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touches",
        help_text="The sequence enrollment of a sequence step; empty for every other kind of email",
    )
    step = models.ForeignKey(Step, null=True, on_delete=models.SET_NULL, related_name="touches")
    step_position = models.PositiveSmallIntegerField(
        default=0, help_text="The step's position when scheduled"
    )
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="touches")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False, help_text="Who holds the lease")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose sender identity the email goes out as",
    )
    to_address = models.EmailField(blank=True, help_text="Empty: the candidate's address")
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    personal = models.BooleanField(
        default=False, help_text="A personal message, never marketing: no unsubscribe headers or footer"
    )
    calendar = models.TextField(blank=True, help_text="An iCalendar invitation or cancellation sent with it")
    answering = models.ForeignKey(
        "Reply",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        help_text="The candidate's reply this email answers (kind reply)",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who wrote or queued it (empty for sequence steps)",
    )
    outcome = models.CharField(max_length=20, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name_plural = "touches"
        indexes = [
            models.Index(fields=["status", "due_at"], name="touch_due_idx"),
            models.Index(fields=["assignee", "status", "due_at"], name="touch_task_queue_idx"),
            models.Index(fields=["created_by", "-due_at"], name="touch_outbox_idx"),
            # pacing: one sender's due emails in order, and what it sent today
            models.Index(fields=["sender", "status", "due_at"], name="touch_sender_due_idx"),
            models.Index(fields=["sender", "sent_at"], name="touch_sender_sent_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.candidate} ({self.get_status_display()})"

    @property
    def message_id(self) -> str:
        return f"<{self.idempotency_key}@longlist>"

    @property
    def recipient(self) -> str:
        """Where it goes: its own address (a copy to someone else), else the candidate's."""
        return self.to_address or self.candidate.email

    @property
    def to_candidate(self) -> bool:
        """Sent to the candidate themselves (not a copy to a colleague at another address)."""
        return not self.to_address or self.to_address.lower() == (self.candidate.email or "").lower()


class EngagementEvent(models.Model):
    class Kind(models.TextChoices):
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        CLICKED = "clicked", "Clicked"
        REPLIED = "replied", "Replied"
        CONNECTED = "connected", "Connected"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="engagement_events")
    touch = models.ForeignKey(Touch, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    topic = models.CharField(max_length=60, blank=True)
    url = models.URLField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["candidate", "-occurred_at"], name="engagement_candidate_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.candidate}"


class ReplyQuerySet(models.QuerySet):
    def to_handle(self):
        """Matched to a candidate and not tagged yet: the recruiter's "replies to handle"."""
        return self.filter(candidate__isnull=False, tag="")

    def unmatched(self):
        """Inbound mail nobody could match to a candidate: kept for a person to match."""
        return self.filter(candidate__isnull=True)


class Reply(models.Model):
    """A candidate's answer: received by the inbound-email webhook or logged by a recruiter."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Inbound email"
        MAILBOX = "mailbox", "Mailbox (IMAP)"
        PROVIDER = "provider", "Email provider"
        MANUAL = "manual", "Logged by a recruiter"

    class Tag(models.TextChoices):
        INTERESTED = "interested", "Interested"
        NOT_NOW = "not_now", "Not now"
        NOT_INTERESTED = "not_interested", "Not interested"
        WRONG_PERSON = "wrong_person", "Wrong person"
        REFERRED = "referred", "Referred someone"

    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    touch = models.ForeignKey(Touch, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True, help_text="Plain text")
    message_id = models.CharField(max_length=255, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.CharField(max_length=20, choices=Tag.choices, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_back_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name_plural = "replies"
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~models.Q(message_id=""), name="reply_message_id_unique"
            )
        ]
        indexes = [models.Index(fields=["tag", "received_at"], name="reply_triage_idx")]

    def __str__(self):
        return f"Reply from {self.candidate or self.from_address}"


class InboundMailbox(models.Model):
    """A mailbox Longlist reads over IMAP for replies, auto-replies, bounces and complaints. Its owner's
    (or, without an owner, the site's). Longlist never deletes there; it only reads and may flag."""

    class Security(models.TextChoices):
        TLS = "tls", "TLS from the start (usually port 993)"
        STARTTLS = "starttls", "STARTTLS (usually port 143)"
        NONE = "none", "None (only for a server on this machine)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbound_mailboxes",
        help_text="Empty: a site-wide mailbox (admins only)",
    )
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(
        default=993, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    username = models.CharField(max_length=255)
    password = EncryptedTextField(blank=True, help_text="An app password; stored encrypted")
    folder = models.CharField(max_length=255, default="INBOX")
    flag_handled = models.BooleanField(
        default=False, help_text="Flag (star) each message once Longlist has handled it"
    )
    is_active = models.BooleanField(default=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="A poll holds the mailbox until then"
    )
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host", "username", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "port", "username", "folder"], name="inbound_mailbox_unique"
            )
        ]

    def __str__(self):
        return f"{self.username} on {self.host} ({self.folder})"

    @property
    def is_failing(self) -> bool:
        return bool(
            self.last_error_at and (not self.last_success_at or self.last_error_at > self.last_success_at)
        )


class InboundMessage(models.Model):
    """One thing that came back, as classified: an email read from a mailbox or received by a webhook, or a
    provider's tracking event. Its key (the Message-ID, or the provider's event id) is unique, so nothing is
    handled twice whatever the path or the number of passes."""

    class Source(models.TextChoices):
        MAILBOX = "mailbox", "Mailbox (IMAP)"
        PROVIDER = "provider", "Email provider"
        WEBHOOK = "webhook", "Inbound-email webhook"

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        AUTO_REPLY = "auto_reply", "Auto-reply"
        HARD_BOUNCE = "hard_bounce", "Permanent bounce"
        SOFT_BOUNCE = "soft_bounce", "Temporary bounce"
        COMPLAINT = "complaint", "Spam complaint"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribe"
        UNMATCHED = "unmatched", "Unmatched"

    key = models.CharField(max_length=255, unique=True, help_text="Message-ID, or the provider's event id")
    source = models.CharField(max_length=10, choices=Source.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    mailbox = models.ForeignKey(
        InboundMailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="inbound_messages"
    )
    touch = models.ForeignKey(
        Touch, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(max_length=254, blank=True, help_text="The sender, or the address that failed")
    subject = models.CharField(max_length=255, blank=True)
    detail = models.CharField(max_length=255, blank=True, help_text="A DSN's status and diagnostic")
    return_date = models.DateField(null=True, blank=True, help_text="An auto-reply's 'back on' date")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["kind", "address", "received_at"], name="inbound_kind_address_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.address}"


class PlannedRoleCampaign(models.Model):
    """A sequence that starts by itself for a planned role's pools, months before the role opens."""

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="campaigns")
    requisition = models.ForeignKey(
        "pipelines.Requisition", on_delete=models.CASCADE, related_name="nurture_campaigns"
    )
    months_before = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Start this many months before the role's expected open date",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    enrolled_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True, help_text="[{id, name, reason}]")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "requisition"], name="campaign_once_per_role")
        ]

    def __str__(self):
        return f"{self.sequence} for {self.requisition}"

    @property
    def starts_on(self) -> datetime.date | None:
        opens = self.requisition.expected_open_date
        return opens - relativedelta(months=self.months_before) if opens else None


class RejectionTemplate(models.Model):
    """An email a recruiter may send with a turn-down (admins write them; placeholders as in sequence steps)."""

    name = models.CharField(max_length=100, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Placeholders: {{ first_name }}, {{ company }}, …")
    is_active = models.BooleanField(default=True, help_text="Offered when turning someone down")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RejectionEmail(models.Model):
    """A turn-down's email, sent once its delay is over (the time the recruiter has to undo) unless undone."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        SKIPPED = "skipped", "Skipped"

    card = models.ForeignKey("pipelines.Card", on_delete=models.CASCADE, related_name="rejection_emails")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="rejection_emails")
    template = models.ForeignKey(RejectionTemplate, on_delete=models.PROTECT, related_name="emails")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    send_after = models.DateTimeField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=120, blank=True, help_text="Why it was cancelled or skipped")
    sent_at = models.DateTimeField(null=True, blank=True)
    touch = models.OneToOneField(
        Touch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rejection_email",
        help_text="Its row in the outbox, which sends it",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["send_after"]
        indexes = [models.Index(fields=["status", "send_after"], name="rejection_email_due_idx")]

    def __str__(self):
        return f"{self.template} to {self.candidate} ({self.get_status_display()})"


class Topic(models.Model):
    """The name candidates and recruiters see for a link topic (the tag written in links: `{berlin}`)."""

    tag = models.SlugField(
        max_length=60, unique=True, help_text="As written in links: [text](https://…){tag}"
    )
    name = models.CharField(
        max_length=80, help_text="What candidates and recruiters see, e.g. “Our Berlin team”"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def names(tags) -> dict[str, str]:
        """tag -> its name; a tag nobody named reads as itself, capitalised ("berlin" -> "Berlin")."""
        tags = list(tags)
        named = dict(Topic.objects.filter(tag__in=tags).values_list("tag", "name"))
        return {tag: named.get(tag) or tag[:1].upper() + tag[1:] for tag in tags}


def default_weekly_hours() -> dict[str, list[list[str]]]:
    """Monday to Friday, nine to five (weekday "0" is Monday)."""
    return {str(day): [["09:00", "17:00"]] for day in range(5)}


class Availability(models.Model):
    """When a user can be booked: weekly hours in their own timezone, buffers around each meeting, the notice a
    booking needs, how far ahead one may book, and how many meetings a day at most."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    timezone = models.CharField(max_length=64, default="UTC")
    weekly_hours = models.JSONField(
        default=default_weekly_hours, help_text='{"0": [["09:00", "17:00"]], …}: Monday is "0"'
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=10)
    minimum_notice_hours = models.PositiveSmallIntegerField(default=12)
    horizon_days = models.PositiveSmallIntegerField(
        default=21, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    daily_maximum = models.PositiveSmallIntegerField(
        default=4, help_text="Meetings a day at most; 0: no limit"
    )
    feed_key = models.UUIDField(default=uuid.uuid4, unique=True, help_text="The private calendar feed's key")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availabilities"

    def __str__(self):
        return f"Availability of {self.user}"


class MeetingType(models.Model):
    """A kind of call or interview admins offer: how long, where, and who hosts it."""

    class Location(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        ADDRESS = "address", _("In person")

    class Hosting(models.TextChoices):
        OWNER = "owner", "The candidate's owner"
        PERSON = "person", "A chosen person"
        PANEL = "panel", "A panel (all must be free)"

    name = models.CharField(max_length=100, unique=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(max_length=10, choices=Location.choices, default=Location.VIDEO)
    location_detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="Video: a link, where {code} becomes each meeting's own code; in person: the address",
    )
    hosting = models.CharField(max_length=10, choices=Hosting.choices, default=Hosting.OWNER)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="The chosen person or the panel; for the owner, who hosts when a person has no owner",
    )
    stage_name = models.CharField(
        max_length=60,
        blank=True,
        help_text="Once booked, the person's card (or talent-board entry) moves to the stage of this name",
    )
    is_default = models.BooleanField(default=False, help_text="The type {{ booking_link }} books")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="meeting_type_one_default"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)


class MeetingQuerySet(models.QuerySet):
    def booked(self):
        return self.filter(status=Meeting.Status.BOOKED)


class Meeting(models.Model):
    """A booked call or interview with one candidate and one or more hosts."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="The invitation's UID")
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, related_name="meetings")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="meetings")
    card = models.ForeignKey(
        "pipelines.Card", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, through="MeetingHost", related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    candidate_timezone = models.CharField(max_length=64, default="UTC")
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    sequence = models.PositiveIntegerField(
        default=0, help_text="The invitation's SEQUENCE, raised on each change"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the candidate booked it",
    )
    no_show = models.BooleanField(default=False, help_text="Marked by a host: the candidate did not come")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    feedback_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="meeting_status_start_idx"),
            models.Index(fields=["candidate", "starts_at"], name="meeting_candidate_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.meeting_type} with {self.candidate}"

    def host_list(self) -> list:
        """The hosts, the organiser first (the order they were booked in); prefetch
        `host_rows__user__availability` to read them for many meetings at once."""
        return [row.user for row in sorted(self.host_rows.all(), key=lambda row: row.pk)]


class MeetingHost(models.Model):
    """A host's place in a meeting, and the time it blocks in their calendar (the meeting and their buffers).

    On PostgreSQL an exclusion constraint (migration 0015_meetings) refuses two blocked times of one host that
    overlap, whatever the code above it does; on SQLite bookings are serialised (see outreach.meetings)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="host_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_hosts")
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    active = models.BooleanField(default=True, help_text="False once the meeting is cancelled")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_host_once"),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gt=models.F("blocked_from")),
                name="meeting_host_range_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "active", "blocked_from"], name="meeting_host_busy_idx")]

    def __str__(self):
        return f"{self.user} at {self.meeting}"
