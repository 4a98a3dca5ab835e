"""Emails to a candidate are in the candidate's language where it is known: the system text around what a
person wrote (the privacy notice, the preferences and unsubscribe footer, meeting invitations and reminders, with
their dates in the locale's words); what the recruiter wrote stays as written. No language: English."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from outreach import invitations, meetings
from outreach.data_requests import ask_for_data
from outreach.dispatch import dispatch_due_touches
from outreach.email import build_message
from outreach.models import Touch
from tests.factories import (
    CandidateFactory,
    EnrollmentFactory,
    MeetingTypeFactory,
    RecruiterFactory,
    SequenceFactory,
    TouchFactory,
)

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday
SLOT = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # Tuesday, 11:00 in Berlin

pytestmark = pytest.mark.django_db


def marketing_message(language: str):
    candidate = CandidateFactory(first_name="Ada", email="ada@example.org", language=language)
    enrollment = EnrollmentFactory(sequence=SequenceFactory(sender=RecruiterFactory()), candidate=candidate)
    touch = TouchFactory(
        enrollment=enrollment, subject="A role for {{ first_name }}", body="Dear Ada, a role."
    )
    return build_message(touch, privacy_notice=True)


def test_a_german_candidates_footer_and_privacy_notice_are_german_and_the_recruiters_words_are_as_written():
    message = marketing_message("de")
    assert message.subject == "A role for Ada"
    assert message.body.startswith("Dear Ada, a role.")
    assert (
        "Warum Sie von uns hören: Wir haben Ihre Angaben aus folgender Quelle: Ihr öffentliches"
        in message.body
    )
    assert "bis zu 24 Monate nach unserem letzten Kontakt" in message.body
    assert "E-Mail-Einstellungen (Themen, weniger E-Mails, später wieder melden): http" in message.body
    assert "Kein Interesse? Abmelden: http" in message.body
    html = message.alternatives[0][0]
    assert ">E-Mail-Einstellungen</a> · <a " in html and ">Abmelden</a>" in html
    assert "Unsubscribe" not in message.body


def test_a_french_candidates_footer_is_french():
    message = marketing_message("fr")
    assert "Pourquoi vous recevez ce message" in message.body
    assert "Pas intéressé(e) ? Se désabonner : http" in message.body


def test_a_candidate_without_a_language_gets_english_whatever_language_is_active():
    with translation.override("de"):  # e.g. sent while a German page is being answered
        message = marketing_message("")
    assert (
        "Why you are hearing from us: we have your details from your public professional profile"
        in message.body
    )
    assert "for up to 24 months after our last contact" in message.body
    assert "Not interested? Unsubscribe: http" in message.body


def book(candidate_language: str):
    host = RecruiterFactory(email="sam@example.com", first_name="Sam", last_name="Host")
    candidate = CandidateFactory(
        owner=host,
        email="ada@example.org",
        first_name="Ada",
        timezone="Europe/Berlin",
        language=candidate_language,
    )
    meeting_type = MeetingTypeFactory(name="Intro call")
    with time_machine.travel(NOW, tick=False):
        meeting = meetings.book_meeting(
            meeting_type=meeting_type, candidate=candidate, starts_at=SLOT, candidate_timezone="Europe/Berlin"
        )
        dispatch_due_touches(now=NOW)
    return meeting


def sent_to(address: str):
    (message,) = [message for message in mail.outbox if address in message.to]
    return message


def test_a_german_candidates_invitation_is_german_with_a_german_date_and_the_hosts_stays_english():
    book("de")
    ada = sent_to("ada@example.org")
    assert ada.subject == "Einladung: Intro call"
    assert ada.body.startswith("Hallo Ada,\n\nIhr Gespräch ist gebucht.\n\nWas: Intro call (30 Minuten)\n")
    assert "Wann: Dienstag, 8. Dezember 2026, 11:00 (Europe/Berlin)" in ada.body
    assert "Wo: Videocall, https://meet.example.com/" in ada.body
    assert "Passt Ihnen eine andere Zeit besser, oder können Sie nicht teilnehmen?" in ada.body
    sam = sent_to("sam@example.com")
    assert sam.subject.startswith("Invitation: Intro call with Ada ")
    assert "When: Tuesday 8 December 2026, 10:00 (UTC)" in sam.body  # the host's own timezone


def test_a_french_candidates_invitation_is_french():
    book("fr")
    ada = sent_to("ada@example.org")
    assert ada.subject == "Invitation : Intro call"
    assert "Quand : mardi 8 décembre 2026 à 11:00 (Europe/Berlin)" in ada.body
    assert "Votre entretien est réservé." in ada.body


def test_a_candidate_without_a_language_is_invited_in_english():
    with translation.override("fr"):  # booked from a French page, but the person's language is unknown
        book("")
    ada = sent_to("ada@example.org")
    assert ada.subject == "Invitation: Intro call"
    assert "Hi Ada,\n\nYour call is booked." in ada.body
    assert "When: Tuesday 8 December 2026, 11:00 (Europe/Berlin)" in ada.body


def test_a_german_candidates_reminder_is_german():
    meeting = book("de")
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        invitations.queue_reminders(meeting)
        dispatch_due_touches(now=NOW)
    ada = sent_to("ada@example.org")
    assert ada.subject == "Morgen: Intro call"
    assert "Eine Erinnerung an unser Gespräch." in ada.body
    assert "Verschieben oder absagen: http" in ada.body
    assert sent_to("sam@example.com").subject.startswith("Tomorrow: Intro call with ")


def test_the_booking_link_draft_is_offered_in_the_candidates_language_and_sent_as_the_recruiter_left_it(
    client,
):
    recruiter = RecruiterFactory(first_name="Rita", email="rita@example.com")
    german = CandidateFactory(first_name="Jonas", email="jonas@example.org", language="de")
    MeetingTypeFactory(name="Kennenlernen", is_default=True, hosts=[recruiter])
    client.force_login(recruiter)
    url = reverse("outreach:booking_link_send", args=[german.pk])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["form"]
    assert form["subject"].value() == "Ein kurzes Gespräch?"
    assert (
        form["body"]
        .value()
        .startswith('Hallo {{ first_name | "zusammen" }},\n\nvielen Dank für Ihre Rückmeldung.')
    )
    data = {
        "meeting_type": form["meeting_type"].value(),
        "subject": form["subject"].value(),
        "body": form["body"].value(),
    }
    assert client.post(url, data).status_code == 302
    touch = Touch.objects.get(candidate=german)
    assert touch.body.startswith("Hallo Jonas,\n\nvielen Dank für Ihre Rückmeldung.")
    assert touch.body.endswith("\n\nRita")
    english = CandidateFactory(first_name="Ada", email="ada@example.org")
    draft = client.get(reverse("outreach:booking_link_send", args=[english.pk])).context["form"]
    assert draft["subject"].value() == "A quick call?"


def test_a_german_candidates_data_request_confirmation_is_german_whatever_page_they_asked_from():
    german = CandidateFactory(first_name="Jonas", email="jonas@example.org", language="de")
    with translation.override("fr"):
        ask_for_data(candidate=german)
    touch = Touch.objects.get(candidate=german)
    assert touch.subject == "Bestätigen Sie Ihre Anfrage nach einer Kopie Ihrer Daten"
    assert touch.body.startswith("Hallo Jonas,\n\nSie haben eine Kopie der Daten angefordert")
