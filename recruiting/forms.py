from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from candidates.bounds import DateFilter
from outreach.models import Sequence
from pipelines.models import Requisition
from pipelines.selectors import recruiting_users

from .models import InsightSettings, SingleSignOnSettings
from .reports.common import ReportFilters

REPORT_DAYS = 90


class FormRenderer(TemplatesSetting):
    """Every form renders its fields through templates/forms/field.html, so all forms look alike."""

    field_template_name = "forms/field.html"


class ReportFilterForm(forms.Form):
    """The filters of the reports page and API. Empty dates mean the last REPORT_DAYS days up to today."""

    date_from = DateFilter(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateFilter(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    requisition = forms.ModelChoiceField(
        Requisition.objects.order_by("title"),
        required=False,
        empty_label="All requisitions",
        error_messages={"invalid_choice": "There is no such requisition."},
    )
    recruiter = forms.ModelChoiceField(
        recruiting_users(),
        required=False,
        empty_label="All recruiters",
        error_messages={"invalid_choice": "There is no such recruiter."},
    )
    sequence = forms.ModelChoiceField(
        Sequence.objects.order_by("name"),
        required=False,
        empty_label="All sequences",
        error_messages={"invalid_choice": "There is no such sequence."},
    )

    def __init__(self, data, *, today: date):
        super().__init__(data.copy())  # a copy: clean() fills in the dates used, for the inputs to show
        self.today = today
        self.fields["recruiter"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean(self):
        cleaned = super().clean()
        if "date_from" not in cleaned or "date_to" not in cleaned:
            return cleaned  # a date that is not one: its field says so
        date_to = cleaned["date_to"] or self.today
        date_from = cleaned["date_from"] or date_to - timedelta(days=REPORT_DAYS - 1)
        if date_from > date_to:
            raise forms.ValidationError("The start date is after the end date.")
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        self.data["date_from"], self.data["date_to"] = date_from.isoformat(), date_to.isoformat()
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            requisition_id=data["requisition"].pk if data["requisition"] else None,
            recruiter_id=data["recruiter"].pk if data["recruiter"] else None,
            sequence_id=data["sequence"].pk if data["sequence"] else None,
        )


class InsightSettingsForm(forms.ModelForm):
    class Meta:
        model = InsightSettings
        fields = [
            "stale_after_days",
            "unsubscribe_alert_percent",
            "bounce_alert_percent",
            "complaint_alert_percent",
        ]


class SingleSignOnSettingsForm(forms.ModelForm):
    class Meta:
        model = SingleSignOnSettings
        fields = ["role_claim", "role_mapping", "default_role"]
        widgets = {"role_mapping": forms.Textarea(attrs={"rows": 5})}


class UserLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As my browser says")), *settings.LANGUAGES],
        help_text=_(
            "The language of Longlist's pages for you. Emails to candidates follow each candidate's own."
        ),
    )
