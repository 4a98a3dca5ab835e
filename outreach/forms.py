import zoneinfo

from django import forms

from candidates.models import Candidate, TalentPool

from . import placeholders
from .models import Sequence, Step
from .services import TASK_OUTCOMES

TIMEZONES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class SequenceForm(forms.ModelForm):
    sender_timezone = forms.ChoiceField(choices=TIMEZONES, initial="UTC")

    class Meta:
        model = Sequence
        fields = [
            "name",
            "purpose",
            "sender",
            "sender_timezone",
            "send_window_start",
            "send_window_end",
            "business_days_only",
            "daily_cap",
            "min_gap_days",
            "track_opens",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "send_window_start": forms.TimeInput(attrs={"type": "time"}),
            "send_window_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("send_window_start"), cleaned.get("send_window_end")
        if start and end and start >= end:
            self.add_error("send_window_end", "The send window must end after it starts.")
        if cleaned.get("daily_cap") == 0:
            self.add_error("daily_cap", "Allow at least one email a day.")
        return cleaned


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["channel", "delay_amount", "delay_unit", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "body": "Placeholders: {{ first_name }}, {{ company }}, {{ title }}, {{ sender_name }}… "
            'with an optional fallback {{ first_name | "there" }}. Links: [text](https://…){topic, topic}.'
        }

    def _clean_template(self, name):
        value = self.cleaned_data.get(name, "")
        try:
            placeholders.validate(value)
        except placeholders.TemplateError as error:
            raise forms.ValidationError(str(error)) from error
        return value

    def clean_subject(self):
        return self._clean_template("subject")

    def clean_body(self):
        return self._clean_template("body")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == "email" and not cleaned.get("subject"):
            self.add_error("subject", "An email needs a subject.")
        return cleaned


class PreviewForm(forms.Form):
    candidate = forms.ModelChoiceField(
        queryset=Candidate.objects.filter(erased_at__isnull=True), required=False
    )
    subject = forms.CharField(required=False)
    body = forms.CharField(required=False)


class EnrollForm(forms.Form):
    sequence = forms.ModelChoiceField(queryset=Sequence.objects.filter(status=Sequence.Status.ACTIVE))
    candidates = forms.CharField(required=False, widget=forms.HiddenInput)
    pool = forms.ModelChoiceField(queryset=TalentPool.objects.all(), required=False, widget=forms.HiddenInput)

    def clean_candidates(self):
        raw = self.cleaned_data["candidates"]
        try:
            return [int(pk) for pk in raw.split(",") if pk.strip()]
        except ValueError as error:
            raise forms.ValidationError("Candidates must be ids.") from error

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("candidates") and not cleaned.get("pool") and not self.errors:
            raise forms.ValidationError("Choose people to enroll: a selection from search, or a pool.")
        return cleaned


class CompleteTaskForm(forms.Form):
    outcome = forms.ChoiceField(choices=list(TASK_OUTCOMES.items()))
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
