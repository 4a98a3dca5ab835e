import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, TalentPool
from candidates.roles import ADMIN, HIRING_MANAGER, RECRUITER, is_admin
from candidates.selectors import find_existing_candidate
from pipelines.models import Requisition, Stage
from pipelines.selectors import recruiting_users

from . import placeholders, selectors
from .identities import NOT_YOURS, may_send_as
from .manual_tasks import TASK_OUTCOMES
from .models import InboundMailbox, MeetingType, Reply, SenderIdentity, Sequence, Step, Topic

TIMEZONES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class SequenceForm(forms.ModelForm):
    sender_timezone = forms.ChoiceField(choices=TIMEZONES, initial="UTC")
    topic = forms.ChoiceField(
        required=False,
        help_text="People who chose topics in the preference centre get this sequence only if they chose this "
        "one. The topics are those of the links in your sequences.",
    )

    class Meta:
        model = Sequence
        fields = [
            "name",
            "purpose",
            "topic",
            "sender",
            "sender_timezone",
            "send_window_start",
            "send_window_end",
            "business_days_only",
            "min_gap_days",
            "track_opens",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "send_window_start": forms.TimeInput(attrs={"type": "time"}),
            "send_window_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Emails go out as the sender's identity: an admin may choose any recruiter or admin, anyone else only
        # themselves; by full names. A sender who has since left the team stays listed on their sequences
        # until someone picks another.
        sender = self.fields["sender"]
        allowed = recruiting_users().values("pk") if is_admin(user) else [user.pk]
        sender.queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=allowed) | Q(pk=self.instance.sender_id))
            .order_by("first_name", "last_name", "username")
        )
        sender.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        topics = set(selectors.link_topics()) | ({self.instance.topic} - {""})
        self.fields["topic"].choices = [("", "Any: no topic")] + [(t, t) for t in sorted(topics)]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("send_window_start"), cleaned.get("send_window_end")
        if start and end and start >= end:
            self.add_error("send_window_end", "The send window must end after it starts.")
        sender = cleaned.get("sender")
        if sender is not None and sender.pk != self.instance.sender_id and not may_send_as(self.user, sender):
            self.add_error("sender", NOT_YOURS)
        return cleaned


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["channel", "delay_amount", "delay_unit", "subject", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            # Shown beside the amount under one "Wait" label: the unit needs a name of its own.
            "delay_unit": forms.Select(attrs={"aria-label": "Unit of the wait"}),
        }
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
        # A subject refused for a bad placeholder is not missing: say only what is wrong with it.
        if cleaned.get("channel") == "email" and not cleaned.get("subject") and "subject" not in self.errors:
            self.add_error("subject", "An email needs a subject.")
        return cleaned


class RejectionTemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Placeholders: {{ first_name }}, {{ company }}, {{ sender_name }}… with an optional fallback "
        '{{ first_name | "there" }}.',
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Offered when turning someone down")


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


class DateInput(forms.DateInput):
    input_type = "date"


class LogReplyForm(forms.Form):
    body = forms.CharField(
        label="What did they say?", max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    subject = forms.CharField(required=False, max_length=255)
    received_on = forms.DateField(label="Received on", widget=DateInput)

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("A reply cannot come from the future.")
        return received


class TagReplyForm(forms.Form):
    tag = forms.ChoiceField(choices=Reply.Tag.choices)
    check_back_on = forms.DateField(required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tag") == Reply.Tag.NOT_NOW:
            day = cleaned.get("check_back_on")
            if day is None and not self.errors:
                self.add_error("check_back_on", "Choose when to check back.")
            elif day is not None and day <= timezone.localdate():
                self.add_error("check_back_on", "The check-back date must be in the future.")
        return cleaned


class MatchReplyForm(forms.Form):
    who = forms.CharField(
        label="Candidate", max_length=500, help_text="Their email address, or the link to their profile"
    )

    def clean_who(self):
        who = self.cleaned_data["who"].strip()
        found = re.search(r"/candidates/(\d+)/?", who)
        if found:
            candidate = Candidate.objects.filter(pk=int(found[1])).first()
        else:
            candidate = find_existing_candidate(email=who)
        if candidate is None or candidate.erased_at:
            raise forms.ValidationError("No candidate with that email address or profile link.")
        return candidate


class RoleForm(forms.Form):
    requisition = forms.ModelChoiceField(
        label="Role", queryset=Requisition.objects.live(), empty_label="Choose a role…"
    )


class PreferencesForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics you care about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("We'll only write about what you pick. Pick none to hear about all of them."),
    )
    fewer_messages = forms.BooleanField(label=_("Fewer emails, please (at most one a month)"), required=False)
    check_back_after = forms.DateField(
        label=_("Check back after"),
        required=False,
        widget=DateInput,
        help_text=_("We will not email you before then."),
    )
    title = forms.CharField(label=_("Current title"), max_length=150, required=False)
    company = forms.CharField(label=_("Current company"), max_length=150, required=False)

    def __init__(self, *args, topics: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = Topic.names(topics)
        self.fields["topics"].choices = [(topic, names[topic]) for topic in topics]

    def clean_check_back_after(self):
        day = self.cleaned_data["check_back_after"]
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return day


class CampaignForm(forms.Form):
    requisition = forms.ModelChoiceField(
        label="Planned role",
        queryset=Requisition.objects.filter(
            status=Requisition.Status.PLANNED, expected_open_date__isnull=False
        ).order_by("expected_open_date"),
        empty_label="Choose a planned role…",
    )
    months_before = forms.IntegerField(
        label="Start this many months before it opens", min_value=1, max_value=24, initial=4
    )


class HostsField(forms.ModelMultipleChoiceField):
    """Who may host: the recruiting team and hiring managers, as checkboxes with their names."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("queryset", None)  # a ModelForm passes the model field's; the hosts are these
        hosts = (
            User.objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=[ADMIN, RECRUITER, HIRING_MANAGER]))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        super().__init__(queryset=hosts, **kwargs)

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class AvailabilityForm(forms.Form):
    """Weekly hours (one interval a day; both empty: not working that day), buffers, notice, horizon, maximum."""

    timezone = forms.ChoiceField(choices=TIMEZONES, initial="UTC")
    buffer_before_minutes = forms.IntegerField(min_value=0, max_value=240, label="Buffer before (minutes)")
    buffer_after_minutes = forms.IntegerField(min_value=0, max_value=240, label="Buffer after (minutes)")
    minimum_notice_hours = forms.IntegerField(min_value=0, max_value=720, label="Minimum notice (hours)")
    horizon_days = forms.IntegerField(min_value=1, max_value=180, label="Bookable up to (days ahead)")
    daily_maximum = forms.IntegerField(
        min_value=0, max_value=50, label="Meetings a day at most (0: no limit)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"start_{day}"] = forms.TimeField(
                required=False,
                label=f"{name} from",
                widget=forms.TimeInput(attrs={"type": "time", "aria-label": f"{name} from"}),
            )
            self.fields[f"end_{day}"] = forms.TimeField(
                required=False,
                label=f"{name} until",
                widget=forms.TimeInput(attrs={"type": "time", "aria-label": f"{name} until"}),
            )

    @staticmethod
    def initial_from(availability) -> dict:
        initial = {
            name: getattr(availability, name)
            for name in [
                "timezone",
                "buffer_before_minutes",
                "buffer_after_minutes",
                "minimum_notice_hours",
                "horizon_days",
                "daily_maximum",
            ]
        }
        for day, intervals in availability.weekly_hours.items():
            if intervals:
                initial[f"start_{day}"], initial[f"end_{day}"] = intervals[0]
        return initial

    def days(self):
        return [(name, self[f"start_{day}"], self[f"end_{day}"]) for day, name in enumerate(WEEKDAYS)]

    def clean(self):
        cleaned = super().clean()
        hours = {}
        for day, name in enumerate(WEEKDAYS):
            start, end = cleaned.get(f"start_{day}"), cleaned.get(f"end_{day}")
            if start is None and end is None:
                continue
            if start is None or end is None or end <= start:
                self.add_error(f"end_{day}", f"{name}: give a start and a later end, or neither.")
                continue
            hours[str(day)] = [[start.strftime("%H:%M"), end.strftime("%H:%M")]]
        cleaned["weekly_hours"] = hours
        return cleaned

    def availability_fields(self) -> dict:
        names = [
            "timezone",
            "weekly_hours",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "minimum_notice_hours",
            "horizon_days",
            "daily_maximum",
        ]
        return {name: self.cleaned_data[name] for name in names}


class MeetingTypeForm(forms.ModelForm):
    stage_name = forms.ChoiceField(
        required=False,
        label="Move the card to",
        help_text="Once booked, the person's card (or talent-board entry) moves to the stage of this name",
    )

    class Meta:
        model = MeetingType
        fields = [
            "name",
            "duration_minutes",
            "location",
            "location_detail",
            "hosting",
            "hosts",
            "stage_name",
            "is_default",
            "is_active",
        ]
        labels = {"duration_minutes": "Duration (minutes)", "location_detail": "Link or address"}
        field_classes = {"hosts": HostsField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = sorted(set(Stage.objects.values_list("name", flat=True)), key=str.lower)
        self.fields["stage_name"].choices = [("", "Do not move"), *[(n, n) for n in names]]

    def clean(self):
        cleaned = super().clean()
        hosting, hosts = cleaned.get("hosting"), cleaned.get("hosts")
        if hosting in (MeetingType.Hosting.PERSON, MeetingType.Hosting.PANEL) and not hosts:
            self.add_error("hosts", "Choose who hosts it.")
        if hosting == MeetingType.Hosting.PERSON and hosts and len(hosts) > 1:
            self.add_error("hosts", "Choose one person (or make it a panel).")
        return cleaned


# The draft a booking-link email starts from, offered in the candidate's language (the recruiter may change it).
BOOKING_LINK_SUBJECT = _("A quick call?")
BOOKING_LINK_BODY = _(
    'Hi {{ first_name | "there" }},\n\nThanks for getting back to me. Pick a time that suits you for a short call: '
    "{{ booking_link }}\n\n{{ sender_first_name }}"
)


class BookingLinkForm(forms.Form):
    """The email that carries a booking link; {{ booking_link }} is the link to the chosen type."""

    meeting_type = forms.ModelChoiceField(queryset=MeetingType.objects.none(), empty_label=None)
    subject = forms.CharField(max_length=200, initial=BOOKING_LINK_SUBJECT)
    body = forms.CharField(
        max_length=20000, widget=forms.Textarea(attrs={"rows": 8}), initial=BOOKING_LINK_BODY
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = MeetingType.objects.filter(is_active=True)

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            placeholders.validate(body)
        except placeholders.TemplateError as error:
            raise forms.ValidationError(str(error)) from error
        if "booking_link" not in body:
            raise forms.ValidationError("Put {{ booking_link }} where the link goes.")
        return body


class ScheduleForm(forms.Form):
    """Schedule a meeting for a card: the type, the hosts (all must be free) and then a slot."""

    meeting_type = forms.ModelChoiceField(queryset=MeetingType.objects.none(), empty_label=None)
    hosts = HostsField()
    start = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = MeetingType.objects.filter(is_active=True)


class SlotForm(forms.Form):
    """The slot a candidate picks on the booking page, and the timezone they read it in."""

    start = forms.DateTimeField()
    tz = forms.ChoiceField(choices=TIMEZONES, required=False)

    def clean_tz(self):
        return self.cleaned_data.get("tz") or "UTC"


# --- The outbox: writing emails ------------------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EmailTimingForm(forms.Form):
    """ "Send later" and the personal-message confirmation, shared by every compose form."""

    send_at = forms.DateTimeField(
        label="Send later (optional)",
        required=False,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text="Empty: sent within a minute. Until it goes, you can cancel it in your Outbox.",
    )
    personal = forms.BooleanField(
        label="Send as a personal message (they unsubscribed from our emails: no unsubscribe footer)",
        required=False,
    )

    def clean_send_at(self):
        send_at = self.cleaned_data["send_at"]
        if send_at is not None and send_at < timezone.now():
            raise forms.ValidationError("Choose a time in the future, or leave it empty to send now.")
        return send_at


class ComposeForm(EmailTimingForm):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Message",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Placeholders such as {{ first_name }} are filled in; your signature is added below.",
    )
    field_order = ["subject", "body", "send_at", "personal"]


class ReplyComposeForm(EmailTimingForm):
    body = forms.CharField(
        label="Your answer",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Placeholders such as {{ first_name }} are filled in; your signature is added below.",
    )
    field_order = ["body", "send_at", "personal"]


class BulkComposeForm(ComposeForm):
    candidates = forms.CharField(widget=forms.HiddenInput)

    def clean_candidates(self):
        raw = self.cleaned_data["candidates"]
        try:
            ids = [int(pk) for pk in raw.split(",") if pk.strip()]
        except ValueError as error:
            raise forms.ValidationError("Candidates must be ids.") from error
        if not ids:
            raise forms.ValidationError("Choose people to email: a selection from search or a board.")
        return ids


class PreviewEmailForm(forms.Form):
    candidate = forms.ModelChoiceField(queryset=Candidate.objects.filter(erased_at__isnull=True))
    subject = forms.CharField(required=False, max_length=200)
    body = forms.CharField(required=False, max_length=20000)


class IdentityForm(forms.ModelForm):
    """A sending identity. The SMTP password is write-only: never rendered back, and empty keeps the stored
    one."""

    timezone = forms.ChoiceField(
        choices=TIMEZONES, initial="UTC", help_text="The send window is in this time"
    )
    smtp_password = forms.CharField(
        label="SMTP password",
        required=False,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="An app password. Leave empty to keep the one stored.",
    )
    forget_password = forms.BooleanField(label="Forget the stored password", required=False)

    class Meta:
        model = SenderIdentity
        fields = [
            "display_name",
            "address",
            "reply_to",
            "signature",
            "timezone",
            "daily_limit",
            "send_window_start",
            "send_window_end",
            "min_spacing_minutes",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_username",
        ]
        labels = {
            "display_name": "Name shown to recipients",
            "reply_to": "Reply-To address",
            "smtp_host": "SMTP host",
            "smtp_port": "SMTP port",
            "smtp_security": "Security",
            "smtp_username": "SMTP user name",
            "min_spacing_minutes": "Minimum spacing (minutes)",
        }
        widgets = {
            "signature": forms.Textarea(attrs={"rows": 4}),
            "send_window_start": forms.TimeInput(attrs={"type": "time"}),
            "send_window_end": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {
            "reply_to": "Empty: replies go to the address above",
            "daily_limit": "Emails a day from this identity, all kinds together (sequences, one-offs, replies)",
            "min_spacing_minutes": "Minutes between two emails from this identity",
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("send_window_start"), cleaned.get("send_window_end")
        if start and end and start >= end:
            self.add_error("send_window_end", "The send window must end after it starts.")
        if cleaned.get("daily_limit") == 0:
            self.add_error("daily_limit", "Allow at least one email a day.")
        return cleaned

    def identity_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SelectorForm(forms.Form):
    selector = forms.RegexField(
        label="Another DKIM selector",
        required=False,
        max_length=63,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": "A selector is letters, digits, dots, dashes or underscores."},
        help_text="Your provider names it, e.g. the part before ._domainkey in its DNS instructions",
    )


class MailboxForm(forms.ModelForm):
    """An inbound mailbox. The password is never shown back: left empty on an edit, the stored one is kept."""

    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="An app password for this mailbox; stored encrypted. Leave empty to keep the current one.",
    )

    class Meta:
        model = InboundMailbox
        fields = ["owner", "host", "port", "security", "username", "folder", "flag_handled", "is_active"]
        labels = {"is_active": "Read this mailbox", "flag_handled": "Flag (star) each message once handled"}
        help_texts = {"flag_handled": ""}

    def __init__(self, *args, may_choose_owner: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if may_choose_owner:
            self.fields["owner"].queryset = recruiting_users()
            self.fields["owner"].empty_label = "Site-wide (no owner)"
        else:
            del self.fields["owner"]
        if self.instance.pk is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = "An app password for this mailbox; stored encrypted."


class DataRequestAnswerForm(forms.Form):
    """An admin answers a candidate's data request by hand: what they did, for the record."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: sent by email on request, or answered by post."),
    )
