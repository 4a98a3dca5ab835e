from django import forms

from candidates.models import SilverMedal

from .models import Requisition, ShortlistReview, Stage


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
