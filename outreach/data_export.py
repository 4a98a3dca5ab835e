"""A candidate's copy of their data (GDPR Art. 15 and 20): what the file holds, building it once a request is
confirmed (safe on many workers), its signed download link, and deleting files once they expire.

The file holds what concerns the person and is not our team's own assessment: their profile, preferences and
consents, the emails we sent them (subject, text, date), their replies, applications, meetings, the roles they
are considered for (with the board's status and stage) and the timeline entries of what they did. It leaves out
what recruiters and hiring managers wrote about them (notes, pitches, rejection reasons, feedback, reviews), the
scores and interests we derive, pools, sequences and referrals (someone else's words): `LEFT_OUT` says so in the
file. The request flow itself (asking, confirming, answering by hand) is in `data_requests.py`.
"""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.custom_fields import as_text
from candidates.models import Activity, Candidate, CustomField, DataRequest, Suppression
from pipelines.models import Application, Card, CareersSettings, Pipeline

from . import tokens
from .email import absolute, candidate_language
from .models import EngagementEvent, Meeting, Reply, Touch
from .outbox import queue_email
from .placeholders import plain

logger = logging.getLogger(__name__)

FORMAT = "longlist.candidate-data/1"
# Timeline entries of what the person did or asked for; the others are the team's own work.
TIMELINE_KINDS = (Activity.Kind.PREFERENCE, Activity.Kind.APPLICATION, Activity.Kind.PRIVACY)
SENT_STATUSES = (Touch.Status.SENT, Touch.Status.POSSIBLY_DELIVERED)
EMAIL_EVENTS = (
    EngagementEvent.Kind.OPENED,
    EngagementEvent.Kind.CLICKED,
    EngagementEvent.Kind.UNSUBSCRIBED,
    EngagementEvent.Kind.BOUNCED,
    EngagementEvent.Kind.COMPLAINED,
)
LEFT_OUT = gettext_lazy(
    "Notes, pitches, rejection reasons, interview feedback and shortlist reviews our team wrote about you; the "
    "engagement score and interests we derive from your clicks; the talent pools, sequences and referrals you "
    "are part of. Ask us by replying to any of our emails if you want any of these."
)
STUCK_AFTER = timedelta(minutes=10)  # a confirmed request without a file by then lost its worker: built again


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _profile(candidate: Candidate) -> dict[str, Any]:
    return {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "linkedin_url": candidate.linkedin_url,
        "title": candidate.title,
        "company": candidate.company,
        "industry": candidate.industry,
        "years_experience": candidate.years_experience,
        "skills": sorted(skill.name for skill in candidate.skills.all()),
        "city": candidate.city,
        "country": str(candidate.country) if candidate.country else "",
        "timezone": candidate.timezone,
        "looking_for_a_job": candidate.get_seeking_status_display(),
        "where_we_found_you": candidate.get_source_display(),
        "more_details": _custom_values(candidate),
        "other_addresses": [
            {"email": alias.email, "linkedin_url": alias.linkedin_url} for alias in candidate.aliases.all()
        ],
        "resumes": [
            {"file_name": resume.original_name, "uploaded_at": _when(resume.created_at)}
            for resume in candidate.resumes.all()
        ],
        "created_at": _when(candidate.created_at),
        "updated_at": _when(candidate.updated_at),
    }


def _custom_values(candidate: Candidate) -> dict[str, str]:
    """The values of the team's custom fields by their label (archived fields' too: the file holds all we
    keep about them), as the profile shows them."""
    if not candidate.custom_fields:
        return {}
    fields = CustomField.objects.filter(
        applies_to=CustomField.AppliesTo.CANDIDATE, key__in=list(candidate.custom_fields)
    )
    by_key = {field.key: field for field in fields}
    return {
        by_key[key].label if key in by_key else key: as_text(by_key[key], value)
        if key in by_key
        else str(value)
        for key, value in candidate.custom_fields.items()
    }


def _preferences(candidate: Candidate) -> dict[str, Any]:
    return {
        "topics": list(candidate.topics or []),
        "fewer_emails": candidate.fewer_messages,
        "check_back_after": candidate.snoozed_until.isoformat() if candidate.snoozed_until else None,
        "unsubscribed_at": _when(candidate.unsubscribed_at),
        "do_not_contact": candidate.do_not_contact,
    }


def _consents(candidate: Candidate) -> dict[str, Any]:
    addresses = Q(pk__in=[])
    if candidate.email:
        addresses |= Q(email__iexact=candidate.email)
    if candidate.linkedin_url:
        addresses |= Q(linkedin_url=candidate.linkedin_url)
    return {
        "lawful_basis": candidate.get_lawful_basis_display(),
        "privacy_notice_sent_at": _when(candidate.privacy_notice_sent_at),
        "application_consents": [
            {"role": application.requisition.title, "consented_at": _when(application.consent_at)}
            for application in Application.objects.filter(candidate=candidate).select_related("requisition")
        ],
        "blocked_addresses": [
            {"reason": Suppression.Reason(row.reason).label, "since": _when(row.created_at)}
            for row in Suppression.objects.filter(addresses).order_by("created_at", "pk")
        ],
    }


def _emails(candidate: Candidate) -> list[dict[str, Any]]:
    """Emails sent to the person themselves, with the text as sent (kept on the timeline when it went)."""
    touches = list(
        Touch.objects.filter(candidate=candidate, channel="email", status__in=SENT_STATUSES)
        .filter(Q(to_address="") | Q(to_address__iexact=candidate.email))
        .order_by("sent_at", "pk")
    )
    sent_text = {
        activity.data.get("touch_id"): activity.body
        for activity in candidate.activities.filter(kind=Activity.Kind.TOUCH, data__has_key="touch_id")
    }
    return [
        {
            "sent_at": _when(touch.sent_at),
            "subject": touch.subject,
            "body": sent_text.get(touch.pk) or touch.body,
        }
        for touch in touches
    ]


def _replies(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {"received_at": _when(reply.received_at), "from": reply.from_address, "subject": reply.subject,
         "body": reply.body}
        for reply in Reply.objects.filter(candidate=candidate).order_by("received_at", "pk")
    ]  # fmt: skip


def _roles(candidate: Candidate) -> list[dict[str, Any]]:
    cards = Card.objects.filter(candidate=candidate, pipeline__kind=Pipeline.Kind.REQUISITION).select_related(
        "pipeline__requisition", "stage"
    )
    return [
        {
            "role": card.pipeline.requisition.title if card.pipeline.requisition else card.pipeline.name,
            "status": card.get_status_display(),
            "stage": card.stage.name,
            "since": _when(card.created_at),
        }
        for card in cards.order_by("created_at", "pk")
    ]


def _applications(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {
            "role": application.requisition.title,
            "applied_at": _when(application.created_at),
            "message": application.message,
        }
        for application in Application.objects.filter(candidate=candidate)
        .select_related("requisition")
        .order_by("created_at", "pk")
    ]


def _meetings(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {
            "what": meeting.meeting_type.name,
            "starts_at": _when(meeting.starts_at),
            "ends_at": _when(meeting.ends_at),
            "location": meeting.location,
            "status": meeting.get_status_display(),
            "cancelled_at": _when(meeting.cancelled_at),
        }
        for meeting in Meeting.objects.filter(candidate=candidate)
        .select_related("meeting_type")
        .order_by("starts_at", "pk")
    ]


def _email_events(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {"what": event.get_kind_display(), "at": _when(event.occurred_at), "link": event.url}
        for event in EngagementEvent.objects.filter(candidate=candidate, kind__in=EMAIL_EVENTS).order_by(
            "occurred_at", "pk"
        )
    ]


def _timeline(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {"at": _when(activity.created_at), "what": activity.summary}
        for activity in candidate.activities.filter(kind__in=TIMELINE_KINDS).order_by("created_at", "pk")
    ]


def candidate_data(candidate: Candidate, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the file holds about one person, as JSON-ready data (see the module's docstring)."""
    return {
        "format": FORMAT,
        "generated_at": _when(now or timezone.now()),
        "from": CareersSettings.current().company_name,
        "profile": _profile(candidate),
        "preferences": _preferences(candidate),
        "consents": _consents(candidate),
        "emails_sent_to_you": _emails(candidate),
        "your_replies": _replies(candidate),
        "applications": _applications(candidate),
        "roles": _roles(candidate),
        "meetings": _meetings(candidate),
        "email_events": _email_events(candidate),
        "timeline": _timeline(candidate),
        "data_requests": [
            {"requested_at": _when(row.requested_at), "confirmed_at": _when(row.confirmed_at)}
            for row in candidate.data_requests.all()
        ],
        "not_included": str(LEFT_OUT),
    }


def download_url(request: DataRequest) -> str:
    token = tokens.make(tokens.DATA_DOWNLOAD, r=request.pk, k=str(request.key))
    return absolute(reverse("outreach:data_download", args=[token]))


def file_name(request: DataRequest) -> str:
    """The name the browser saves the file under."""
    return f"my-data-{timezone.localdate(request.ready_at or request.requested_at):%Y-%m-%d}.json"


def is_downloadable(request: DataRequest, now: datetime | None = None) -> bool:
    return (
        request.status in (DataRequest.Status.READY, DataRequest.Status.ANSWERED)
        and bool(request.file)
        and request.expires_at is not None
        and request.expires_at > (now or timezone.now())
    )


def write_file(request: DataRequest, now: datetime) -> None:
    """Build the person's file and store it on the request (not saved: the caller saves the row, and deletes the
    file again if that fails). An earlier file of the request is deleted."""
    content = json.dumps(candidate_data(request.candidate, now=now), indent=2, ensure_ascii=False)
    old = request.file.name if request.file else ""
    request.file.save(f"{request.key}.json", ContentFile(content.encode()), save=False)
    if old and old != request.file.name:
        request.file.storage.delete(old)
    request.ready_at = now
    request.expires_at = now + timedelta(days=settings.DATA_REQUEST_FILE_DAYS)


def _claimable(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset.select_for_update()  # SQLite: writers take turns anyway (IMMEDIATE transactions)


def build_data_file(request_id: int, *, now: datetime | None = None) -> DataRequest | None:
    """Build the file of a confirmed request and email the download link. Safe to run twice or on many workers:
    the row is locked while it is built (another worker skips it), and a request that is built, answered, expired
    or gone is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            _claimable(DataRequest.objects.filter(pk=request_id, status=DataRequest.Status.CONFIRMED))
            .select_related("candidate")
            .first()
        )
        if request is None or request.candidate.erased_at:
            return None
        write_file(request, now)
        try:
            request.status = DataRequest.Status.READY
            request.save(update_fields=["status", "file", "ready_at", "expires_at"])
            _email_ready(request)
        except Exception:
            request.file.storage.delete(request.file.name)
            raise
    logger.info("Data file of request %s built for candidate %s", request.pk, request.candidate_id)
    return request


def _email_ready(request: DataRequest) -> None:
    candidate = request.candidate
    expires = timezone.localtime(request.expires_at)
    with translation.override(candidate_language(candidate)):  # the person's language, where known
        body = _(
            "Hi %(name)s,\n\nThe copy of your data you asked for is ready. Download it (a JSON file) until "
            "%(expires)s:\n\n%(url)s\n\nAfter that date the file is deleted; you can ask again from the email "
            "preferences page.\n\n%(company)s"
        ) % {
            "name": plain(candidate.first_name),
            "expires": f"{date_format(expires, 'j M Y H:i')} ({expires.tzname()})",
            "url": download_url(request),
            "company": plain(CareersSettings.current().company_name),
        }
        subject = _("Your data is ready to download")
    queue_email(
        candidate,
        sender=None,
        subject=subject,
        body=body,
        kind=Touch.Kind.PRIVACY,
        personal=True,
    )


def delete_file(request: DataRequest) -> None:
    if request.file:
        request.file.storage.delete(request.file.name)


def expire_data_requests(*, now: datetime | None = None) -> dict[str, int]:
    """Run by Celery beat: delete the files past their date (the request says expired), expire confirmation links
    nobody opened in time, and build again the files whose worker died. Safe on many workers (each row changes
    with a conditional update; deleting a file twice does nothing)."""
    now = now or timezone.now()
    files = 0
    for request in DataRequest.objects.filter(
        status__in=(DataRequest.Status.READY, DataRequest.Status.ANSWERED), expires_at__lte=now
    ):
        delete_file(request)
        files += DataRequest.objects.filter(pk=request.pk, status=request.status).update(
            status=DataRequest.Status.EXPIRED, file=""
        )
    links = DataRequest.objects.filter(
        status=DataRequest.Status.AWAITING,
        requested_at__lte=now - timedelta(hours=settings.DATA_REQUEST_CONFIRM_HOURS),
    ).update(status=DataRequest.Status.EXPIRED)
    rebuilt = 0
    for pk in DataRequest.objects.filter(
        status=DataRequest.Status.CONFIRMED, confirmed_at__lte=now - STUCK_AFTER
    ).values_list("pk", flat=True):
        rebuilt += build_data_file(pk, now=now) is not None
    return {"files_deleted": files, "links_expired": links, "rebuilt": rebuilt}
