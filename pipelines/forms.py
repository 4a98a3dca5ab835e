from django import forms

from candidates.models import SilverMedal
from candidates.search import SkillsField

from . import selectors
from .models import ForecastSettings, Requisition, ShortlistReview, Stage, TalentReview


class MoveCardForm(forms.Form):
    """Where a card goes: a stage of its own board, a 0-based position, and the version the user saw."""

    stage = forms.ModelChoiceField(queryset=Stage.objects.none())
    position = forms.IntegerField(min_value=0)
    version = forms.IntegerField(min_value=1)

    def __init__(self, *args, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.all()


class ColumnPageForm(forms.Form):
    offset = forms.IntegerField(min_value=0, required=False)


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


class AddToRequisitionForm(forms.Form):
    requisition = forms.ModelChoiceField(queryset=Requisition.objects.none())

    def __init__(self, *args, requisitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requisition"].queryset = requisitions


class RequisitionForm(forms.ModelForm):
    """A requisition's details; its status changes with the buttons on its page."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hiring_manager"].queryset = selectors.hiring_managers()
        self.fields["recruiter"].queryset = selectors.recruiting_users()
        for name in ("hiring_manager", "recruiter"):
            self.fields[name].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if self.instance.pk:
            self.initial["skills"] = ", ".join(skill.name for skill in self.instance.skills.all())


class RequisitionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Requisition.Status.choices)


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "is_late", "is_shortlist"]
        labels = {"is_late": "Late stage", "is_shortlist": "Shortlist"}


class TalentReviewForm(forms.Form):
    answer = forms.ChoiceField(choices=TalentReview.Answer.choices, widget=forms.RadioSelect)
    reason = forms.CharField(required=False, max_length=500)


class ForecastSettingsForm(forms.ModelForm):
    class Meta:
        model = ForecastSettings
        fields = ["warm_threshold", "target_ratio"]
