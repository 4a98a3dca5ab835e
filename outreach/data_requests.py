"""A candidate asks for a copy of their data (GDPR Art. 15 and 20) from the preference centre.

1. Asking (`ask_for_data`): the preference centre's signed link proves who asks. A request row is made and a
   confirmation email with a signed link, valid DATA_REQUEST_CONFIRM_HOURS, goes to the person's address through
   the outbox (kind `privacy`: personal, never paced, sent even to someone marked do-not-contact). Against
   filling an inbox: one unconfirmed request at a time, and at most DATA_REQUESTS_PER_DAY a day.
2. Confirming (`confirm_data_request`): opening that link proves the address is theirs; the file is built on a
   worker (`data_export.build_data_file`) and the download link is shown and emailed.
3. Admins see every request in the Settings area and may answer one by hand (`answer_by_hand`): the file is built
   at once, kept for download, and the request is marked answered with their note.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from candidates.models import Activity, Candidate, DataRequest
from candidates.services import record_activity
from pipelines.models import CareersSettings

from . import tasks, tokens
from .data_export import write_file
from .email import absolute, candidate_language
from .models import Touch
from .outbox import queue_email
from .placeholders import plain


class AlreadyAsked(ValidationError):
    """An unconfirmed request is waiting: its confirmation email went out already."""


class TooManyRequests(ValidationError):
    """The person asked DATA_REQUESTS_PER_DAY times in the last 24 hours."""


@dataclass(frozen=True)
class LinkError:
    """Why a data request link cannot be used: `expired` (410) or not valid at all (404)."""

    expired: bool


def confirm_url(request: DataRequest) -> str:
    token = tokens.make(tokens.DATA_CONFIRM, r=request.pk, k=str(request.key))
    return absolute(reverse("outreach:data_confirm", args=[token]))


def _confirm_age() -> timedelta:
    return timedelta(hours=settings.DATA_REQUEST_CONFIRM_HOURS)


def read_link(kind: str, token: str) -> DataRequest | LinkError:
    """The request a confirmation or download link is for, or why it cannot be used. A confirmation link is valid
    DATA_REQUEST_CONFIRM_HOURS; a download link as long as its file (checked by the caller)."""
    try:
        payload = signing.loads(
            token, salt=kind, max_age=_confirm_age() if kind == tokens.DATA_CONFIRM else None
        )
    except signing.SignatureExpired:
        return LinkError(expired=True)
    except signing.BadSignature:
        return LinkError(expired=False)
    request = (
        DataRequest.objects.filter(
            pk=payload.get("r"), key=payload.get("k"), candidate__erased_at__isnull=True
        )
        .select_related("candidate")
        .first()
    )
    if request is None:
        return LinkError(expired=False)
    if request.status == DataRequest.Status.EXPIRED:
        return LinkError(expired=True)
    return request


def ask_for_data(*, candidate: Candidate, now: datetime | None = None) -> DataRequest:
    """Open a request and email its confirmation link; raises AlreadyAsked, TooManyRequests, or ValidationError
    when the person cannot be emailed (erased, no address)."""
    now = now or timezone.now()
    with transaction.atomic():
        # One person's asks take turns, so two quick clicks cannot both pass the checks below.
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.erased_at or not candidate.email:
            raise ValidationError(
                _("We cannot email you a confirmation link: we have no email address for you.")
            )
        requests = DataRequest.objects.filter(candidate=candidate)
        requests.filter(status=DataRequest.Status.AWAITING, requested_at__lte=now - _confirm_age()).update(
            status=DataRequest.Status.EXPIRED
        )
        if requests.filter(status=DataRequest.Status.AWAITING).exists():
            raise AlreadyAsked(
                _(
                    "We already emailed you a confirmation link. Open it to get your data, or ask again once "
                    "it has expired (after %(hours)s hours)."
                )
                % {"hours": settings.DATA_REQUEST_CONFIRM_HOURS}
            )
        if (
            requests.filter(requested_at__gt=now - timedelta(days=1)).count()
            >= settings.DATA_REQUESTS_PER_DAY
        ):
            raise TooManyRequests(
                _("You asked for your data %(count)s times today. Please try again tomorrow.")
                % {"count": settings.DATA_REQUESTS_PER_DAY}
            )
        try:
            with transaction.atomic():
                request = DataRequest.objects.create(
                    candidate=candidate, email=candidate.email, requested_at=now
                )
        except IntegrityError as error:  # the one-unconfirmed-request constraint
            raise AlreadyAsked(_("We already emailed you a confirmation link.")) from error
        with translation.override(candidate_language(candidate)):  # the person's language, where known
            body = _(
                "Hi %(name)s,\n\nYou asked for a copy of the data %(company)s holds about you. To confirm that it "
                "was you, open this link within %(hours)s hours:\n\n%(url)s\n\nIf you did not ask, ignore this "
                "email: nothing is sent without your confirmation.\n\n%(company)s"
            ) % {
                "name": plain(candidate.first_name),
                "company": plain(CareersSettings.current().company_name),
                "hours": settings.DATA_REQUEST_CONFIRM_HOURS,
                "url": confirm_url(request),
            }
            subject = _("Confirm your request for a copy of your data")
        queue_email(
            candidate,
            sender=None,
            subject=subject,
            body=body,
            kind=Touch.Kind.PRIVACY,
            send_at=now,
            personal=True,
        )
        record_activity(
            candidate=candidate,
            kind=Activity.Kind.PRIVACY,
            summary="Asked for a copy of their data (confirmation emailed)",
            data={"data_request_id": request.pk},
        )
    return request


def confirm_data_request(*, request: DataRequest, now: datetime | None = None) -> DataRequest:
    """The person opened the emailed link and confirmed: the file is built on a worker. Confirming twice (or a
    request already built or answered) changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        confirmed = DataRequest.objects.filter(pk=request.pk, status=DataRequest.Status.AWAITING).update(
            status=DataRequest.Status.CONFIRMED, confirmed_at=now
        )
        if confirmed:
            record_activity(
                candidate=request.candidate,
                kind=Activity.Kind.PRIVACY,
                summary="Confirmed their request for a copy of their data",
                data={"data_request_id": request.pk},
            )
            tasks.build_data_file.delay_on_commit(request.pk)
    request.refresh_from_db()
    return request


def answer_by_hand(*, request: DataRequest, by: User, note: str, now: datetime | None = None) -> DataRequest:
    """An admin answers a request themselves: the file is built now (again, if there was one) and kept for
    DATA_REQUEST_FILE_DAYS for them to download and send; the request is marked answered with their note."""
    if not by.has_perm("candidates.change_datarequest", request):
        raise PermissionDenied("Only admins answer data requests.")
    now = now or timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().select_related("candidate").get(pk=request.pk)
        if request.candidate.erased_at:
            raise ValidationError("This person's data was erased.")
        write_file(request, now)
        try:
            request.status = DataRequest.Status.ANSWERED
            request.answered_at = now
            request.answered_by = by
            request.note = note
            request.save(
                update_fields=[
                    "status",
                    "file",
                    "ready_at",
                    "expires_at",
                    "answered_at",
                    "answered_by",
                    "note",
                ]
            )
            record_activity(
                candidate=request.candidate,
                kind=Activity.Kind.PRIVACY,
                actor=by,
                summary="Request for a copy of their data answered by hand",
                body=note,
                data={"data_request_id": request.pk},
            )
        except Exception:
            request.file.storage.delete(request.file.name)
            raise
    return request
