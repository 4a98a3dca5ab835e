from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from candidates.models import Candidate, SilverMedal, Skill, TalentPool
from candidates.roles import is_hiring_manager, is_recruiting_team

DEFAULT_STAGES = [
    # (name, is_late, is_shortlist)
    ("Sourced", False, False),
    ("Contacted", False, False),
    ("Screen", False, False),
    ("Interview", True, True),
    ("Final", True, True),
    ("Offer", True, False),
    ("Hired", False, False),
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
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

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

    class Meta:
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="stage_position_unique"),
        ]

    def __str__(self):
        return f"{self.pipeline}: {self.name}"


class Card(models.Model):
    """A candidate on a board."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In process"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrew"
        HIRED = "hired", "Hired"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="cards")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="cards")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="cards")
    position = models.PositiveIntegerField(default=0)
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "candidate"], name="card_one_per_pipeline"),
        ]
        indexes = [models.Index(fields=["stage", "position"], name="card_stage_position_idx")]

    def __str__(self):
        return f"{self.candidate} on {self.pipeline}"


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
