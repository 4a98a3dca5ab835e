from django import forms

from .models import Stage


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
