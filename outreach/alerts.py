"""The admins' alert about a spam complaint, sent by a Celery task once the complaint is recorded: complaints put
the whole sending domain's deliverability at risk (Gmail and Yahoo expect under 0.3%)."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from candidates.mail_headers import header_text
from candidates.models import Candidate
from candidates.roles import ADMIN


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def alert_admins_of_complaint(address: str, candidate_id: int | None) -> int:
    """Email every active admin who has an address; returns how many. Someone erased since reads as the
    address alone."""
    admins = User.objects.filter(Q(groups__name=ADMIN) | Q(is_superuser=True), is_active=True).exclude(
        email=""
    )
    recipients = sorted({admin.email for admin in admins})
    if not recipients:
        return 0
    candidate = (
        Candidate.objects.filter(pk=candidate_id, erased_at__isnull=True).first() if candidate_id else None
    )
    who = f"{candidate.full_name} ({address})" if candidate else address
    link = f"{settings.SITE_URL.rstrip('/')}{candidate.get_absolute_url()}\n" if candidate else ""
    with translation.override(settings.LANGUAGE_CODE):  # staff emails are in the default language
        body = (
            gettext("%(who)s marked an email from Longlist as spam.") % {"who": who}
            + "\n\n"
            + gettext(
                "The address is suppressed and their sequences are stopped. Mailbox providers expect complaints "
                "to stay under 0.3%% of the email sent: the reports show the rate per sender and per sequence."
            )
            + "\n"
            + link
        )
        subject = gettext("Spam complaint from %(address)s") % {"address": address}
    send_mail(header_text(subject), body, None, recipients)
    return len(recipients)
