from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from candidates.models import Candidate, Resume, SilverMedal, Skill, TalentPool
from candidates.roles import is_hiring_manager, is_recruiting_team

DEFAULT_STAGES = [
    # (name, is_late, is_shortlist, is_hired)
    ("Sourced", False, False, False),
    ("Contacted", False, False, False),
    ("Screen", False, False, False),
    ("Interview", True, True, False),
    ("Final", True, True, False),
    ("Offer", True, False, False),
    ("Hired", False, False, True),
]

TALENT_STAGES = ["Identified", "Contacted", "Connected", "Engaged", "Warm", "Ready to talk"]


class RequisitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The requisitions a user may see at all: every one for recruiters and admins, their own for managers."""
        if is_recruiting_team(user):
            return self
        if is_hiring_manager(user):
            return self.filter(hiring_manager=user)
        return self.none()

    def live(self):
        return self.filter(status__in=[Requisition.Status.PLANNED, Requisition.Status.OPEN])

    def published(self):
        """Roles on the public careers page: marked published by the team, and open."""
        return self.filter(is_published=True, status=Requisition.Status.OPEN)


class Requisition(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        FILLED = "filled", "Filled"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=150)
    department = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    headcount = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    expected_open_date = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_requisitions",
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recruited_requisitions",
    )
    pools = models.ManyToManyField(TalentPool, blank=True, related_name="requisitions")
    industry = models.CharField(max_length=100, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="requisitions")
    is_published = models.BooleanField(default=False, help_text="Shown on the careers page while it is open")
    created_at = models.DateTimeField(auto_now_add=True)
    # The admins' custom fields for requisitions by key, written only through
    # candidates.custom_fields.clean_custom_values (a GIN index on PostgreSQL, migration 0011).
    custom_fields = models.JSONField(default=dict, blank=True, editable=False)

    objects = RequisitionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "expected_open_date", "title"]
        indexes = [models.Index(fields=["status", "expected_open_date"], name="requisition_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pipelines:requisition", args=[self.pk])


class Pipeline(models.Model):
    """A board: one per requisition, plus the talent board of relationship stages for passive candidates."""

    class Kind(models.TextChoices):
        REQUISITION = "requisition", "Requisition"
        TALENT = "talent", "Talent board"

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REQUISITION)
    requisition = models.OneToOneField(
        Requisition, null=True, blank=True, on_delete=models.CASCADE, related_name="pipeline"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="talent", requisition__isnull=True)
                | models.Q(kind="requisition", requisition__isnull=False),
                name="pipeline_kind_matches_requisition",
            )
        ]

    def __str__(self):
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    is_late = models.BooleanField(
        default=False, help_text="Turning someone down here makes a silver medalist"
    )
    is_shortlist = models.BooleanField(default=False, help_text="The hiring manager reviews this stage")
    is_hired = models.BooleanField(
        default=False, help_text="Reaching this stage means hired: outreach stops and reports count a hire"
    )
    # Not a field: the first cards of the column (selectors.BoardCard rows), set by selectors.board_columns.
    board_cards: list[Any]

    class Meta:
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="stage_position_unique"),
        ]

    def __str__(self):
        return f"{self.pipeline}: {self.name}"

    def clean(self):
        if self.is_hired and self.pipeline_id and self.pipeline.kind == Pipeline.Kind.TALENT:
            raise ValidationError({"is_hired": "The talent board is not a role: nobody is hired on it."})


POSITION_GAP = 1024


class CardQuerySet(models.QuerySet):
    def hired(self):
        """Cards of people hired: still in process (not turned down or withdrawn) in a stage marked hired."""
        return self.filter(status=Card.Status.ACTIVE, stage__is_hired=True)


class Card(models.Model):
    """A candidate on a board."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In process"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrew"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="cards")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="cards")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="cards")
    # The card's place in its column: a key with gaps (POSITION_GAP apart when a column is numbered), so a move
    # writes the moved card's row only; the column is renumbered when two neighbours have no key left between.
    position = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    rejection_category = models.CharField(max_length=20, choices=SilverMedal.Reason.choices, blank=True)
    rejection_reason = models.CharField(max_length=255, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    pitch = models.TextField(blank=True, help_text="The recruiter's pitch, shown to the hiring manager")
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every move; stale moves are refused"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_stage_at = models.DateTimeField(auto_now_add=True)
    next_meeting_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The person's next booked call or interview (kept by outreach.meetings)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["stage__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "candidate"], name="card_one_per_pipeline"),
        ]
        indexes = [models.Index(fields=["stage", "position"], name="card_stage_position_idx")]

    def __str__(self):
        return f"{self.candidate} on {self.pipeline}"


class AddToRoleBatch(models.Model):
    """One request to add many people to a role (a selection or a pool); large ones run on a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Adding"
        DONE = "done", "Done"

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pool = models.ForeignKey(TalentPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    candidate_ids = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True, help_text="[{id, name, reason}]")
    error = models.CharField(max_length=255, blank=True, help_text="Why nobody was added (the role closed)")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "add-to-role batches"

    def __str__(self):
        return f"Adding to {self.requisition} ({self.get_status_display()})"


class StageChange(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="history")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_at"]
        indexes = [models.Index(fields=["card", "-moved_at"], name="stagechange_card_idx")]

    def __str__(self):
        return f"{self.card}: {self.from_stage} → {self.to_stage}"


class ShortlistReview(models.Model):
    class Decision(models.TextChoices):
        ADVANCE = "advance", "Advance"
        DECLINE = "decline", "Decline"
        HOLD = "hold", "Hold"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_decision_display()} on {self.card}"


class FeedbackCriterion(models.Model):
    """One thing a role's reviewers rate each candidate on (the recruiting team keeps the list)."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["requisition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "name"], name="criterion_name_once_per_role")
        ]

    def __str__(self):
        return self.name


class Feedback(models.Model):
    """A reviewer's structured feedback on a candidate for a role: a rating per criterion and a recommendation."""

    class Recommendation(models.IntegerChoices):
        STRONG_NO = 1, "Strong no"
        NO = 2, "No"
        YES = 3, "Yes"
        STRONG_YES = 4, "Strong yes"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="feedback")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recommendation = models.PositiveSmallIntegerField(choices=Recommendation.choices)
    ratings = models.JSONField(default=dict, help_text="{criterion id: 1 to 5}")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["card", "reviewer"], name="feedback_once_per_reviewer")
        ]

    def __str__(self):
        return f"{self.get_recommendation_display()} on {self.card}"


class TalentReview(models.Model):
    """A hiring manager's answer, for a planned role, to "would you talk to this person?"."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        LATER = "later", "Later"
        NO = "no", "No"

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="talent_reviews")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="talent_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=5, choices=Answer.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requisition", "candidate", "reviewer"], name="talent_review_once_per_reviewer"
            ),
        ]

    def __str__(self):
        return f"{self.get_answer_display()} to {self.candidate} for {self.requisition}"


class ForecastSettings(models.Model):
    """The admins' forecast settings; there is one row (see ForecastSettings.current)."""

    warm_threshold = models.PositiveSmallIntegerField(
        default=60,
        validators=[MaxValueValidator(100)],
        help_text="A passive candidate with at least this engagement score counts as warm",
    )
    target_ratio = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Warm candidates wanted in a role's pools for each hire",
    )

    class Meta:
        verbose_name_plural = "forecast settings"

    def __str__(self):
        return "Forecast settings"

    @classmethod
    def current(cls) -> "ForecastSettings":
        return cls.objects.get_or_create(pk=1)[0]


# Stored in English as the field's default; shown in the visitor's language while admins leave it unchanged.
DEFAULT_PRIVACY_NOTICE = gettext_noop(
    "We use the details and résumé you send only to consider you for this role and similar ones. They are "
    "seen by our recruiting team and the role's hiring manager, kept for up to two years after we were last "
    "in touch, and deleted sooner if you ask. You can ask to see, correct or delete them at any time by "
    "replying to our confirmation email."
)


class CareersSettings(models.Model):
    """The admins' branding and wording of the public careers page; there is one row (see current())."""

    company_name = models.CharField(max_length=100, default="Our company")
    logo_url = models.URLField(
        "Logo address",
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text="An https address of your logo (SVG or PNG), shown 40 pixels high. Empty: the initial",
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#3f51b5",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour as #rrggbb, e.g. #3f51b5.")],
        help_text="Buttons, links and the header accent, as #rrggbb",
    )
    intro = models.TextField(
        "Introduction", blank=True, help_text="A few sentences about working with you (plain text)"
    )
    privacy_notice = models.TextField(
        default=DEFAULT_PRIVACY_NOTICE, help_text="Shown on every role and next to the consent box"
    )

    class Meta:
        verbose_name_plural = "careers settings"

    def __str__(self):
        return "Careers page settings"

    @classmethod
    def current(cls) -> "CareersSettings":
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def shown_privacy_notice(self) -> str:
        """The notice as visitors read it: the admins' own words, or the default one in the page's language."""
        if self.privacy_notice == DEFAULT_PRIVACY_NOTICE:
            return gettext(DEFAULT_PRIVACY_NOTICE)
        return self.privacy_notice

    @property
    def brand_text_colour(self) -> str:
        """Black or white, whichever reads better on the brand colour (WCAG relative luminance)."""

        def channel(hex_pair: str) -> float:
            value = int(hex_pair, 16) / 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        colour = self.brand_colour.lstrip("#")
        red, green, blue = (channel(colour[i : i + 2]) for i in (0, 2, 4))
        luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
        return "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#111111"


class Application(models.Model):
    """Someone answered a published role on the careers page."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resume = models.ForeignKey(Resume, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(blank=True, help_text="Plain text")
    consent_at = models.DateTimeField(help_text="When they ticked the consent box")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "candidate"], name="application_once_per_role")
        ]
        indexes = [models.Index(fields=["requisition", "-created_at"], name="application_role_idx")]

    def __str__(self):
        return f"{self.candidate} for {self.requisition}"
