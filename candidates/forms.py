import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from .bounds import BoundedText
from .custom_field_forms import CustomValuesMixin
from .imports.jobs import file_size_error
from .models import Candidate, CustomField, Referral, Source, TalentPool
from .normalize import normalize_email, normalize_linkedin_url
from .resumes import ACCEPT, check_resume
from .selectors import find_existing_candidate


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that called it: each message on its field when the form
    has one, on the form as a whole otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


TIMEZONE_CHOICES = [("", "—")] + [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class CandidateForm(CustomValuesMixin, forms.ModelForm):
    applies_to = CustomField.AppliesTo.CANDIDATE
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
            "language",
            "seeking_status",
            "source",
            "owner",
            "lawful_basis",
            "do_not_contact",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"linkedin_url": "Any form of their profile address, saved as linkedin.com/in/name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawful_basis"].required = False  # left out: the model's default
        if self.instance.pk:
            self.initial["skills"] = ", ".join(s.name for s in self.instance.skills.all())
        self.add_custom_fields(self.instance.custom_fields)

    def clean_lawful_basis(self):
        return self.cleaned_data["lawful_basis"] or Candidate._meta.get_field("lawful_basis").default

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
    shareable = forms.BooleanField(required=False, label="Share with the hiring manager")


class ReferralForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False, max_length=254)
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


def _unused_pool_name(name: str, pool: TalentPool | None = None) -> str:
    name = name.strip()
    others = TalentPool.objects.exclude(pk=pool.pk) if pool is not None else TalentPool.objects.all()
    if others.filter(name__iexact=name).exists():
        raise forms.ValidationError("There is already a pool called %(name)s.", params={"name": name})
    return name


class PoolForm(forms.Form):
    """Rename a pool or change its description."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, pool: TalentPool, **kwargs):
        self.pool = pool
        kwargs.setdefault("initial", {"name": pool.name, "description": pool.description})
        super().__init__(*args, **kwargs)

    def clean_name(self):
        return _unused_pool_name(self.cleaned_data["name"], self.pool)


class AddToPoolForm(forms.Form):
    """Bulk action on the search page: add the ticked people to a static pool, or to a new one."""

    candidate_ids = forms.ModelMultipleChoiceField(
        queryset=Candidate.objects.filter(erased_at__isnull=True),
        error_messages={"required": "Tick the people to add first."},
    )
    pool = forms.ModelChoiceField(
        queryset=TalentPool.objects.filter(kind=TalentPool.Kind.STATIC), required=False
    )
    new_pool_name = forms.CharField(label="New pool", max_length=120, required=False)

    def clean_new_pool_name(self):
        name = self.cleaned_data["new_pool_name"]
        return _unused_pool_name(name) if name.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("pool")) == bool(cleaned.get("new_pool_name")):
            raise forms.ValidationError("Choose a pool or name a new one.")
        return cleaned


class SmartPoolForm(forms.Form):
    """Save the current search as a smart pool; the filters come alongside and go through CandidateSearchForm."""

    name = forms.CharField(label="Smart pool name", max_length=120)

    def clean_name(self):
        return _unused_pool_name(self.cleaned_data["name"])


class ImportForm(forms.Form):
    """Upload a CSV of candidates, optionally into a static pool (existing or new), with a default source."""

    file = forms.FileField(
        label="CSV file",
        help_text="A LinkedIn connections export or any spreadsheet saved as CSV (UTF-8 or UTF-16), up to 50 MB.",
    )
    pool = forms.ModelChoiceField(
        queryset=TalentPool.objects.filter(kind=TalentPool.Kind.STATIC),
        required=False,
        empty_label="No pool",
        label="Add everyone to a pool",
    )
    new_pool_name = forms.CharField(label="…or to a new pool", max_length=120, required=False)
    source = forms.ChoiceField(
        choices=Source.choices, initial=Source.SOURCED, help_text="For rows without a Source column"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if error := file_size_error(upload.size):
            raise forms.ValidationError(error)
        return upload

    def clean_new_pool_name(self):
        name = self.cleaned_data["new_pool_name"]
        return _unused_pool_name(name) if name.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pool") and cleaned.get("new_pool_name"):
            raise forms.ValidationError("Choose an existing pool or name a new one, not both.")
        return cleaned


class MergeSearchForm(forms.Form):
    q = BoundedText(label="Find the other record")


class PrivacyPolicyForm(forms.Form):
    retention_days = forms.IntegerField(
        min_value=30,
        max_value=3650,
        help_text="People are listed for review this many days after the last contact",
    )
    notice_due_days = forms.IntegerField(
        min_value=1,
        max_value=30,
        label="Notice due within (days)",
        help_text="GDPR Art. 14: at the latest one month after sourcing",
    )


class ResumeForm(forms.Form):
    """A recruiter attaches a résumé to a candidate; the file is checked by its content (resumes.check_resume)."""

    file = forms.FileField(
        label="Résumé",
        help_text="PDF or Word (.docx), up to 10 MB",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_resume(upload)
        return upload
