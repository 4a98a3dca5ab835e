"""The pages a candidate opens from an email (preference centre, unsubscribe, booking, their meeting) speak the
language of their browser, dates included; what they save is recorded on the timeline in the default language."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from candidates.models import Activity
from outreach import meetings, tokens
from outreach.booking_links import booking_token, meeting_token
from tests.factories import CandidateFactory, MeetingTypeFactory, RecruiterFactory, TouchFactory

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday
SLOT = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # Tuesday, 11:00 in Berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_clock")]


@pytest.fixture
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def candidate():
    host = RecruiterFactory(email="sam@example.com", first_name="Sam", last_name="Host")
    return CandidateFactory(owner=host, first_name="Ada", email="ada@example.org", timezone="Europe/Berlin")


def test_the_preference_centre_in_german_records_the_change_in_english(client, candidate):
    touch = TouchFactory(candidate=candidate, enrollment__candidate=candidate)
    url = reverse("outreach:preferences", args=[tokens.make(tokens.PREFERENCES, c=candidate.pk, t=touch.pk)])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<h1>Ihre E-Mail-Einstellungen</h1>" in page
    assert "Hallo Ada, sagen Sie uns, worüber und wie oft Sie von uns hören möchten." in page
    assert "Bitte weniger E-Mails (höchstens eine im Monat)" in page
    assert "Von allen E-Mails abmelden" in page
    saved = client.post(
        url,
        {"fewer_messages": "on", "check_back_after": "2027-03-01", "title": "", "company": ""},
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()
    assert "Gespeichert: Weniger Nachrichten; Wieder melden nach dem 1 Mär 2027" in saved
    entry = candidate.activities.get(kind=Activity.Kind.PREFERENCE)
    assert entry.summary.startswith("Preferences: Fewer messages; Check back after 1 Mar 2027")


def test_the_unsubscribe_page_in_french(client, candidate):
    touch = TouchFactory(candidate=candidate, enrollment__candidate=candidate)
    url = reverse("outreach:unsubscribe", args=[tokens.make(tokens.UNSUBSCRIBE, c=candidate.pk, t=touch.pk)])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Se désabonner ?</h1>" in page
    done = client.post(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Vous êtes désabonné(e)</h1>" in done


def test_the_booking_and_meeting_pages_in_german_with_german_dates(client, candidate):
    meeting_type = MeetingTypeFactory(name="Kennenlernen")
    book = reverse("outreach:book", args=[booking_token(candidate, meeting_type)])
    page = client.get(book, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert (
        "Hallo Ada, wählen Sie eine Zeit, die Ihnen passt: 30 Minuten, per Videocall, mit Sam Host." in page
    )
    assert "<legend>Dienstag, 8. Dezember</legend>" in page
    assert ">Diese Zeit buchen</button>" in page
    assert ">Zeiten anzeigen in</label>" in page
    booked = client.post(book, {"start": SLOT.isoformat(), "tz": "Europe/Berlin"}, HTTP_ACCEPT_LANGUAGE="de")
    manage = client.get(booked["Location"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<h1>Ihr Termin ist gebucht</h1>" in manage
    assert 'id="meeting-when">Dienstag, 8. Dezember 2026, 11:00' in manage
    assert "<dd>30 Minuten</dd>" in manage
    assert ">Gespräch absagen</button>" in manage


def test_a_cancelled_meeting_names_its_hosts_in_french(client, candidate):
    meeting_type = MeetingTypeFactory(name="Entretien")
    meeting = meetings.book_meeting(
        meeting_type=meeting_type, candidate=candidate, starts_at=SLOT, candidate_timezone="Europe/Berlin"
    )
    token = meeting_token(meeting)
    cancelled = client.post(
        reverse("outreach:meeting_cancel_public", args=[token]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    page = client.get(cancelled["Location"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Votre rendez-vous « Entretien » du mardi 8 décembre à 11:00 (Europe/Berlin) est annulé" in page
    assert "nous avons prévenu Sam Host." in page
    assert ">Réserver un autre créneau</a>" in page
