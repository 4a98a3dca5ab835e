from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.bounds import BoundedText
from candidates.custom_field_forms import CustomValuesMixin
from candidates.models import CustomField, SeekingStatus, SilverMedal, TalentPool
from candidates.normalize import normalize_linkedin_url
from candidates.resumes import ACCEPT, check_resume
from candidates.search import MAX_ID, SkillsField

from . import selectors
from .models import (
    CareersSettings,
    Feedback,
    ForecastSettings,
    Requisition,
    ShortlistReview,
    Stage,
    TalentReview,
)


class MoveCardForm(forms.Form):
    """Where a card goes: a stage of its own board, a 0-based position, and the version the user saw."""

    stage = forms.ModelChoiceField(queryset=Stage.objects.none())
    position = forms.IntegerField(min_value=0)
    version = forms.IntegerField(min_value=1)

    def __init__(self, *args, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.all()


class ColumnPageForm(forms.Form):
    offset = forms.IntegerField(min_value=0, max_value=10**9, required=False)


class BoardFilterForm(forms.Form):
    """The board's filters (query string, or a move's POST body): words in name or title, owner, active/passive."""

    q = BoundedText()
    owner = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    seeking = forms.ChoiceField(choices=[("", "Any"), *SeekingStatus.choices], required=False)

    def filters(self) -> selectors.BoardFilters:
        data = self.cleaned_data
        return selectors.BoardFilters(text=data["q"], owner=data["owner"], seeking_status=data["seeking"])


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=ShortlistReview.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ShortlistReview.Decision.DECLINE and not cleaned.get("comment"):
            self.add_error(
                "comment", "Say briefly why, so the recruiter can tell the candidate and learn from it."
            )
        return cleaned


class RejectForm(forms.Form):
    category = forms.ChoiceField(choices=SilverMedal.Reason.choices)
    reason = forms.CharField(required=False, max_length=255)
    email_template = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class AddToRequisitionForm(forms.Form):
    requisition = forms.ModelChoiceField(queryset=Requisition.objects.none())

    def __init__(self, *args, requisitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requisition"].queryset = requisitions


class BulkCardsForm(forms.Form):
    """Several cards of one board (`cards`: "id:version,id:version" as the page shows them) and what to do with
    them: move to a stage, or turn down with one reason and one optional email."""

    MAX_CARDS = 200

    cards = forms.CharField(max_length=10_000)
    action = forms.ChoiceField(choices=[("move", "Move"), ("reject", "Turn down")])
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), required=False)
    category = forms.ChoiceField(choices=SilverMedal.Reason.choices, required=False)
    reason = forms.CharField(required=False, max_length=255)
    email_template = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def __init__(self, *args, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.all()

    def clean_cards(self) -> dict[int, int]:
        pairs: dict[int, int] = {}
        for item in self.cleaned_data["cards"].split(","):
            card_id, _, version = item.strip().partition(":")
            if not (card_id.isdigit() and version.isdigit()) or not 0 < int(card_id) <= MAX_ID:
                raise forms.ValidationError("Cards must be id:version pairs.")
            pairs[int(card_id)] = int(version)
        if len(pairs) > self.MAX_CARDS:
            raise forms.ValidationError(f"At most {self.MAX_CARDS} cards at once.")
        return pairs

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "move" and not cleaned.get("stage"):
            self.add_error("stage", "Choose the stage to move them to.")
        if cleaned.get("action") == "reject" and not cleaned.get("category"):
            self.add_error("category", "Choose why they are turned down.")
        return cleaned


class CriteriaForm(forms.Form):
    criteria = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, e.g. Rust, System design, Communication",
    )


class FeedbackForm(forms.Form):
    """A rating (1 to 5) per criterion of the role, then a recommendation and a comment."""

    recommendation = forms.TypedChoiceField(
        choices=Feedback.Recommendation.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"rating_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(n, str(n)) for n in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def ratings(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"rating_{c.pk}"] for c in self.criteria}


class TurnedDownFilterForm(forms.Form):
    category = forms.ChoiceField(
        label="Reason", choices=[("", "Any reason"), *SilverMedal.Reason.choices], required=False
    )
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), required=False, empty_label="Any stage")

    def __init__(self, *args, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.order_by("position")


class AddToRoleForm(forms.Form):
    """Add people to a role: a selection from search or the profile (`candidates`, ids), or a whole pool;
    the stage is the board's first when left empty."""

    requisition = forms.ModelChoiceField(label="Role", queryset=Requisition.objects.none())
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.none(), required=False, empty_label="The first stage", help_text="Of that role"
    )
    candidates = forms.CharField(required=False, max_length=50_000, widget=forms.HiddenInput)
    pool = forms.ModelChoiceField(queryset=TalentPool.objects.all(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, requisitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requisition"].queryset = requisitions
        stages = Stage.objects.filter(pipeline__requisition__in=requisitions).select_related("pipeline")
        self.fields["stage"].queryset = stages.order_by("pipeline__name", "pipeline", "position")
        self.fields["stage"].label_from_instance = lambda stage: f"{stage.pipeline.name}: {stage.name}"

    def clean_candidates(self) -> list[int]:
        try:
            ids = [int(pk) for pk in self.cleaned_data["candidates"].split(",") if pk.strip()]
        except ValueError as error:
            raise forms.ValidationError("Candidates must be ids.") from error
        if any(not 0 < pk <= MAX_ID for pk in ids):
            raise forms.ValidationError("Candidates must be ids.")
        return list(dict.fromkeys(ids))

    def clean(self):
        cleaned = super().clean()
        requisition, stage = cleaned.get("requisition"), cleaned.get("stage")
        if requisition is not None and stage is not None and stage.pipeline.requisition_id != requisition.pk:
            self.add_error("stage", f"Choose a stage of {requisition.title}.")
        if not cleaned.get("candidates") and not cleaned.get("pool") and not self.errors:
            raise forms.ValidationError(
                "Choose people to add: a selection from search, a profile, or a pool."
            )
        return cleaned


class RequisitionForm(CustomValuesMixin, forms.ModelForm):
    """A requisition's details (and the admins' custom fields); its status changes with the buttons on its
    page."""

    applies_to = CustomField.AppliesTo.REQUISITION

    skills = SkillsField(required=False, help_text="Comma-separated, e.g. Python, PostgreSQL")

    class Meta:
        model = Requisition
        fields = [
            "title",
            "department",
            "location",
            "headcount",
            "expected_open_date",
            "hiring_manager",
            "recruiter",
            "industry",
            "skills",
            "pools",
            "description",
            "is_published",
        ]
        widgets = {
            "expected_open_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "pools": forms.CheckboxSelectMultiple,
        }
        labels = {"pools": "Talent pools that feed it", "is_published": "Published on the careers page"}

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            self.fields["is_published"].disabled = True
            self.fields["is_published"].help_text = "Admins publish roles on the careers page"
        self.fields["hiring_manager"].queryset = selectors.hiring_managers()
        self.fields["recruiter"].queryset = selectors.recruiting_users()
        for name in ("hiring_manager", "recruiter"):
            self.fields[name].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if self.instance.pk:
            self.initial["skills"] = ", ".join(skill.name for skill in self.instance.skills.all())
        self.add_custom_fields(self.instance.custom_fields)


class RequisitionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Requisition.Status.choices)


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "is_late", "is_shortlist", "is_hired"]
        labels = {"is_late": "Late stage", "is_shortlist": "Shortlist", "is_hired": "Hired"}


class TalentReviewForm(forms.Form):
    answer = forms.ChoiceField(choices=TalentReview.Answer.choices, widget=forms.RadioSelect)
    reason = forms.CharField(required=False, max_length=500)


class ForecastSettingsForm(forms.ModelForm):
    class Meta:
        model = ForecastSettings
        fields = ["warm_threshold", "target_ratio"]


class ApplicationForm(forms.Form):
    """The apply form of the careers page. ``website`` is the honeypot: hidden from people, filled by bots."""

    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    linkedin_url = forms.CharField(
        label=_("LinkedIn profile"),
        max_length=200,
        required=False,
        help_text=_("e.g. linkedin.com/in/your-name"),
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    resume = forms.FileField(
        label=_("Résumé"),
        help_text=_("PDF or Word (.docx), up to 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    message = forms.CharField(
        label=_("A short message"),
        max_length=2000,
        required=False,
        help_text=_("Why this role, when you could start, anything we should know"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I agree that my details and résumé are used as the privacy notice describes"),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-notice"}),
        error_messages={"required": _("Please agree to the privacy notice so we can consider you.")},
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_linkedin_url(self):
        try:
            return normalize_linkedin_url(self.cleaned_data["linkedin_url"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_resume(self):
        upload = self.cleaned_data["resume"]
        check_resume(upload)
        return upload

    def full_clean(self):
        """After validation, point each invalid field at its error and put the focus on the first one."""
        super().full_clean()
        first = True
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self.fields[name]
            attrs = field.widget.attrs
            attrs["aria-invalid"] = "true"
            described_by = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if field.help_text else [])
            attrs["aria-describedby"] = " ".join([*described_by, attrs.get("aria-describedby", "")]).strip()
            if first:
                attrs["autofocus"] = True
                first = False

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class CareersSettingsForm(forms.ModelForm):
    class Meta:
        model = CareersSettings
        fields = ["company_name", "logo_url", "brand_colour", "intro", "privacy_notice"]
        widgets = {
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "intro": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice": forms.Textarea(attrs={"rows": 5}),
        }
