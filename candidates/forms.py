import zoneinfo

from django import forms

from .models import Candidate, Referral
from .normalize import normalize_email, normalize_linkedin_url
from .selectors import find_existing_candidate

TIMEZONE_CHOICES = [("", "—")] + [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class CandidateForm(forms.ModelForm):
    skills = forms.CharField(required=False, help_text="Comma-separated, e.g. Python, Django, SQL")
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, required=False)

    class Meta:
        model = Candidate
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "linkedin_url",
            "title",
            "company",
            "industry",
            "years_experience",
            "country",
            "city",
            "timezone",
            "seeking_status",
            "source",
            "owner",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["skills"] = ", ".join(s.name for s in self.instance.skills.all())

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean_linkedin_url(self):
        try:
            return normalize_linkedin_url(self.cleaned_data["linkedin_url"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_skills(self):
        return [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]

    def clean(self):
        cleaned = super().clean()
        existing = find_existing_candidate(
            email=cleaned.get("email", ""), linkedin_url=cleaned.get("linkedin_url", "")
        )
        if existing and existing.pk != self.instance.pk:
            self.duplicate = existing
            raise forms.ValidationError(
                "%(name)s is already in Longlist with this email or LinkedIn profile.",
                params={"name": existing.full_name},
                code="duplicate",
            )
        return cleaned


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000, strip=True)


class ReferralForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False)
    linkedin_url = forms.CharField(label="LinkedIn profile", required=False, max_length=200)
    relationship = forms.CharField(
        max_length=120, help_text="How do you know them? e.g. former colleague at Acme"
    )
    reason = forms.CharField(label="Why would they be great?", widget=forms.Textarea(attrs={"rows": 4}))
    role_title = forms.CharField(label="Role in mind (optional)", max_length=150, required=False)

    def clean_linkedin_url(self):
        try:
            return normalize_linkedin_url(self.cleaned_data["linkedin_url"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("linkedin_url") and not self.errors:
            raise forms.ValidationError("Give an email address or a LinkedIn profile so we can reach them.")
        return cleaned


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Referral.Status.choices)
