import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class SeekingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PASSIVE = "passive", "Passive"


class Source(models.TextChoices):
    APPLIED = "applied", "Applied"
    SOURCED = "sourced", "Sourced"
    REFERRAL = "referral", "Referral"
    EVENT = "event", "Event"
    DATABASE = "database", "Database"
    SILVER_MEDALIST = "silver_medalist", "Silver medalist"
    OTHER = "other", "Other"


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    LEGITIMATE_INTEREST = "legitimate_interest", "Legitimate interest"


class Skill(models.Model):
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_unique_ci")]

    def __str__(self):
        return self.name


class CandidateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(seeking_status=SeekingStatus.ACTIVE)

    def passive(self):
        return self.filter(seeking_status=SeekingStatus.PASSIVE)

    def contactable(self):
        return self.filter(do_not_contact=False, unsubscribed_at__isnull=True, erased_at__isnull=True)


class Candidate(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    linkedin_url = models.URLField(
        "LinkedIn URL", blank=True, help_text="Normalised to https://www.linkedin.com/in/<slug>"
    )
    title = models.CharField(max_length=150, blank=True)
    company = models.CharField(max_length=150, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="candidates")
    country = CountryField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, blank=True, help_text="IANA timezone, e.g. Europe/London")
    # The language their emails' system text (footer, invitations, confirmations) is written in; blank: unknown,
    # English. An application sets it from the careers page's language.
    language = models.CharField(
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The language of the system text in emails to them; blank: unknown (English)",
    )
    seeking_status = models.CharField(
        max_length=10, choices=SeekingStatus.choices, default=SeekingStatus.PASSIVE
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SOURCED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_candidates",
    )
    notes = models.TextField(blank=True, help_text="Plain text")
    # An anonymous careers application never writes into an existing record: one that gave someone's LinkedIn
    # profile without their email is a new record pointing at theirs, for a recruiter to merge or leave apart.
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown on both profiles as a possible duplicate until they are merged",
    )
    engagement_score = models.FloatField(
        default=0, help_text="0-100 from replies, clicks and opens, decaying with time (kept by outreach)"
    )
    interests = models.JSONField(
        default=list, blank=True, help_text="Topics they clicked, most engaged first (kept by outreach)"
    )
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    # Preferences: set by the candidate in the preference centre or by a recruiter on a "not now" reply.
    topics = models.JSONField(default=list, blank=True, help_text="Topics they asked to hear about")
    fewer_messages = models.BooleanField(default=False, help_text="Asked to hear from us less often")
    snoozed_until = models.DateField(
        null=True, blank=True, help_text="Check back after this date: no outreach before it"
    )
    # Privacy
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.LEGITIMATE_INTEREST
    )
    privacy_notice_sent_at = models.DateTimeField(null=True, blank=True)
    do_not_contact = models.BooleanField(default=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    retention_reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="Last reviewed and kept past the retention period"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Search: all searchable text in one lowercased document (kept by search_documents.refresh_search_documents);
    # on PostgreSQL also as a tsvector with a GIN index (the column is unused on SQLite).
    search_document = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # The skills' lowercased names, "|python|sql|", for the skills filter (a GIN array index on PostgreSQL);
    # kept by the same function.
    skill_keys = models.TextField(blank=True, default="", editable=False)
    # The values of the admins' custom fields by key ({"notice_period": 30, "languages": ["German"]}), written
    # only through custom_fields.clean_custom_values; a GIN index on PostgreSQL (migration 0018) serves the
    # search's containment filter (@>).
    custom_fields = models.JSONField(default=dict, blank=True, editable=False)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="candidate_email_unique_ci"
            ),
            models.UniqueConstraint(
                fields=["linkedin_url"],
                condition=~models.Q(linkedin_url=""),
                name="candidate_linkedin_unique",
            ),
        ]
        indexes = [
            models.Index(Lower("email"), name="candidate_email_ci_idx"),
            models.Index(fields=["seeking_status", "source"], name="candidate_status_source_idx"),
            models.Index(fields=["owner", "last_contacted_at"], name="candidate_owner_contact_idx"),
            models.Index(fields=["snoozed_until"], name="candidate_snoozed_idx"),
            # The search's orders (so a first page stops early) and its common filters (combined as bitmaps).
            models.Index(fields=["last_name", "first_name", "id"], name="candidate_name_order_idx"),
            models.Index(fields=["-engagement_score", "id"], name="candidate_engagement_idx"),
            models.Index(fields=["country"], name="candidate_country_idx"),
            models.Index(Upper("industry"), name="candidate_industry_ci_idx"),
            # the start of an email typed into the search (PostgreSQL; SQLite ignores the operator class)
            models.Index(
                fields=["email"], name="candidate_email_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("candidates:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CandidateAlias(models.Model):
    """An email or LinkedIn URL a person was also known by: a merged-away record's addresses stay here, so
    that imports, referrals, applications and inbound mail still find the person by them."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="aliases")
    email = models.EmailField(blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "candidate aliases"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="candidate_alias_email_unique_ci"
            ),
            models.UniqueConstraint(
                fields=["linkedin_url"],
                condition=~models.Q(linkedin_url=""),
                name="candidate_alias_linkedin_unique",
            ),
        ]

    def __str__(self):
        return f"{self.email or self.linkedin_url} (alias of {self.candidate})"


class TalentPool(models.Model):
    class Kind(models.TextChoices):
        STATIC = "static", "Static"
        SMART = "smart", "Smart (saved search)"

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATIC)
    query = models.JSONField(default=dict, blank=True, help_text="Search filters of a smart pool")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="pools"
    )
    members = models.ManyToManyField(Candidate, through="PoolMembership", related_name="pools", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("candidates:pool", args=[self.pk])


class PoolMembership(models.Model):
    pool = models.ForeignKey(TalentPool, on_delete=models.CASCADE, related_name="memberships")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="pool_memberships")
    note = models.CharField(max_length=255, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "candidate"], name="pool_member_unique")]

    def __str__(self):
        return f"{self.candidate} in {self.pool}"


class Referral(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "Received"
        REVIEWING = "reviewing", "Being reviewed"
        CONTACTED = "contacted", "Contacted"
        INTERVIEWING = "interviewing", "Interviewing"
        HIRED = "hired", "Hired"
        NOT_A_FIT = "not_a_fit", "Not a fit right now"
        # Set from the referred person's cards on role boards (pipelines), with HIRED: see from_board.
        IN_PROCESS = "in_process", "In process"
        NOT_SELECTED = "not_selected", "Not selected"

    BOARD_STATUSES = (Status.IN_PROCESS, Status.HIRED, Status.NOT_SELECTED)

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="referrals")
    # The person as the referrer gave them: all the referrer ever sees of them, so that referring someone never
    # tells what the database holds about them.
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    linkedin_url = models.URLField(max_length=200, blank=True)
    # The referral was linked to someone already in the database (shown to recruiters only).
    matched_existing = models.BooleanField(default=False)
    relationship = models.CharField(max_length=120)
    reason = models.TextField("Why they would be great")
    role_title = models.CharField("Role in mind", max_length=150, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    from_board = models.BooleanField(
        default=False, help_text="The status follows the referred person's cards on role boards"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["referrer", "-created_at"], name="referral_referrer_idx")]
        constraints = [
            models.UniqueConstraint(fields=["referrer", "candidate"], name="referral_once_per_referrer")
        ]

    def __str__(self):
        return f"{self.candidate} referred by {self.referrer}"

    @property
    def referred_name(self) -> str:
        """The referred person's name as the referrer gave it."""
        return f"{self.first_name} {self.last_name}".strip()


class Activity(models.Model):
    """One entry on a candidate's timeline. Other apps write here through services.record_activity."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        CREATED = "created", "Created"
        EDIT = "edit", "Details changed"
        TOUCH = "touch", "Touch"
        REPLY = "reply", "Reply"
        STAGE_MOVE = "stage_move", "Stage move"
        REFERRAL = "referral", "Referral"
        POOL = "pool", "Pool"
        MERGE = "merge", "Merge"
        IMPORT = "import", "Import"
        PRIVACY = "privacy", "Privacy"
        REVIEW = "review", "Review"
        PREFERENCE = "preference", "Preference"
        APPLICATION = "application", "Application"
        RESUME = "resume", "Résumé"
        MEETING = "meeting", "Meeting"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=255)
    body = models.TextField(blank=True, help_text="Plain text")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["candidate", "-created_at"], name="activity_timeline_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"


def resume_upload_to(instance: "Resume", filename: str) -> str:
    """A generated name: the uploader's file name never reaches the file system."""
    return f"resumes/{uuid.uuid4().hex}{Resume.EXTENSIONS.get(instance.kind, '')}"


class Resume(models.Model):
    """A résumé file (PDF or DOCX) and the text extracted from it for search."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"

    class TextStatus(models.TextChoices):
        PENDING = "pending", "Waiting for text extraction"
        EXTRACTED = "extracted", "Text extracted"
        EMPTY = "empty", "No text found"
        ENCRYPTED = "encrypted", "Encrypted: no text"
        BROKEN = "broken", "Damaged: no text"
        COMPLEX = "complex", "Too complex: no text"

    EXTENSIONS: dict[str, str] = {Kind.PDF: ".pdf", Kind.DOCX: ".docx"}

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="resumes")
    file = models.FileField(upload_to=resume_upload_to, max_length=255)
    original_name = models.CharField(
        max_length=255, help_text="As uploaded; only shown, never used as a path"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(help_text="Bytes")
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    text_status = models.CharField(max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING)
    text_error = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.candidate})"


class Suppression(models.Model):
    """An address that outreach must never contact again (unsubscribe, erasure, do-not-contact, a hard bounce,
    a spam complaint).

    Kept here rather than in outreach because erasure (a candidates operation) must leave one behind, and
    apps only import downwards. Outreach reads it before every send; imports read it to keep people out.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        ERASED = "erased", "Erased on request"
        BOUNCED = "bounced", "Hard bounce"
        COMPLAINED = "complained", "Spam complaint"
        MANUAL = "manual", "Added by a recruiter"

    email = models.EmailField(blank=True)
    linkedin_url = models.URLField(blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(Lower("email"), name="suppression_email_ci_idx"),
            models.Index(fields=["linkedin_url"], name="suppression_linkedin_idx"),
        ]

    def __str__(self):
        return f"{self.email or self.linkedin_url} ({self.get_reason_display()})"


class SilverMedal(models.Model):
    """A candidate turned down from a late stage, kept for rediscovery when a similar role opens.

    The requisition is recorded by id and title rather than a foreign key: candidates/ may not depend on
    pipelines/ (apps import only downwards).
    """

    class Reason(models.TextChoices):
        TIMING = "timing", "Timing"
        COMPENSATION = "compensation", "Compensation"
        ANOTHER_CANDIDATE = "another_candidate", "Another candidate was chosen"
        LOCATION = "location", "Location"
        NOT_QUALIFIED = "not_qualified", "Not qualified"
        OTHER = "other", "Other"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="silver_medals")
    requisition_id = models.PositiveBigIntegerField()
    requisition_title = models.CharField(max_length=150)
    stage_name = models.CharField(max_length=60)
    progress = models.FloatField(help_text="How far they got: 0 = first stage, 1 = last stage")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.OTHER)
    reason_detail = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "requisition_id"], name="silver_medal_once_per_role")
        ]

    def __str__(self):
        return f"{self.candidate} for {self.requisition_title}"


class ImportJob(models.Model):
    """One CSV upload: previewed, then imported in batches (by a Celery task for large files)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    pool = models.ForeignKey(TalentPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SOURCED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(
        default=0, help_text="Rows matched to people already in Longlist"
    )
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, reason}] for rows not imported")
    column_map = models.JSONField(
        default=dict,
        blank=True,
        help_text="Columns mapped on the preview: header -> custom field key, or '-'",
    )
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.original_name} ({self.get_status_display()})"


class PrivacyPolicy(models.Model):
    """The admins' privacy settings; there is one row (see PrivacyPolicy.current)."""

    retention_days = models.PositiveIntegerField(
        default=730, help_text="Review people for deletion this many days after the last contact"
    )
    notice_due_days = models.PositiveIntegerField(
        default=30, help_text="Send sourced people the privacy notice within this many days (GDPR Art. 14)"
    )

    class Meta:
        verbose_name_plural = "privacy policy"

    def __str__(self):
        return "Privacy policy"

    @classmethod
    def current(cls) -> "PrivacyPolicy":
        return cls.objects.get_or_create(pk=1)[0]


class DataRequest(models.Model):
    """A candidate's request for a copy of their data (GDPR Art. 15 and 20), asked from the preference centre.

    The preference centre's signed link is the proof of identity for asking; the confirmation link emailed to
    the person's address is the proof for downloading (outreach/data_requests.py). The file is JSON, kept until
    `expires_at`, then deleted by a periodic task; an erasure deletes the requests and their files.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed: file being prepared")
        READY = "ready", _("Ready to download")
        ANSWERED = "answered", _("Answered by hand")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.AWAITING, Status.CONFIRMED)

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="data_requests")
    key = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Bound into the request's signed links"
    )
    email = models.EmailField(help_text="Where the confirmation link went")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWAITING)
    file = models.FileField(upload_to="data-requests/", blank=True, max_length=255)
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True, help_text="When the file was built")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The file is deleted after this")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, help_text="The admin's note when answering by hand")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One unconfirmed request per person at a time: two quick clicks send one confirmation email.
            models.UniqueConstraint(
                fields=["candidate"], condition=models.Q(status="awaiting"), name="data_request_one_awaiting"
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="data_request_expiry_idx")]

    def __str__(self):
        return f"Data request of {self.candidate} ({self.get_status_display()})"


class CustomField(models.Model):
    """A field the admins add to candidates or requisitions. Values live in the record's ``custom_fields``
    JSON column under ``key``, which never changes: renaming the label keeps the data. A field with values is
    archived rather than deleted, and its type is not changed while values exist (custom_fields.py)."""

    class AppliesTo(models.TextChoices):
        CANDIDATE = "candidate", _("Candidates")
        REQUISITION = "requisition", _("Requisitions")

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")

    CHOICE_TYPES = (Type.CHOICE, Type.MULTIPLE_CHOICE)

    applies_to = models.CharField(_("applies to"), max_length=12, choices=AppliesTo.choices)
    label = models.CharField(_("label"), max_length=80)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Stable name of the field in the API, exports and imports; set once"),
    )
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.TEXT)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("The options of a choice field")
    )
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applies_to", "position", "label", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "key"], name="custom_field_key_unique"),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_applies_to_display()})"

    @property
    def is_choice(self) -> bool:
        return self.type in self.CHOICE_TYPES
