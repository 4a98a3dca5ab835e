import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from candidates.models import Activity
from outreach import tokens
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll, enroll_many
from outreach.models import Enrollment, Topic, Touch
from pipelines.models import CareersSettings
from tests.factories import CandidateFactory, SequenceFactory, StepFactory

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(send_window_start=time(9), send_window_end=time(17), min_gap_days=0)
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        subject="Hi {{ first_name }}",
        body="See [our platform team](https://example.com/p){platform} and [data](https://example.com/d){data}",
    )
    StepFactory(
        sequence=sequence, position=1, delay_amount=7, subject="Follow-up", body="[Jobs](https://x.io){ml}"
    )
    StepFactory(sequence=sequence, position=2, delay_amount=7, subject="Last one", body="Bye")
    return sequence


@pytest.fixture
def ada(sequence):
    ada = CandidateFactory(first_name="Ada", email="ada@example.com", title="Engineer", company="Acme")
    enroll(candidate=ada, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    return ada


def link_in_mail(label: str) -> str:
    return urlparse(re.search(rf"{label}[^:]*: (\S+)", mail.outbox[-1].body).group(1)).path


def test_every_email_links_the_preference_centre_and_keeps_one_click_unsubscribe(ada):
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "Email preferences</a>" in html and "Unsubscribe</a>" in html
    prefs = link_in_mail("Email preferences")
    assert prefs.startswith("/o/prefs/")
    assert (
        re.search(r"<(\S+)>", message.extra_headers["List-Unsubscribe"])
        .group(1)
        .split("8000")[1]
        .startswith("/o/u/")
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_page_opens_without_login_and_offers_the_topics_of_our_links(ada):
    page = Client().get(link_in_mail("Email preferences"))
    html = page.content.decode()
    assert page.status_code == 200 and "Your email preferences" in html and "Hi Ada" in html
    for topic in ("data", "ml", "platform"):
        assert f'value="{topic}"' in html
    assert 'value="Engineer"' in html and 'value="Acme"' in html


def test_forged_and_cross_purpose_tokens_are_404(ada):
    touch = Touch.objects.get(candidate=ada, status="sent")
    assert Client().get(reverse("outreach:preferences", args=["forged"])).status_code == 404
    click_token = tokens.make(tokens.CLICK, t=touch.pk, u="https://x", topics=[])
    assert Client().get(reverse("outreach:preferences", args=[click_token])).status_code == 404


def test_the_form_needs_its_csrf_token(ada):
    url = link_in_mail("Email preferences")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url, {"fewer_messages": "on"}).status_code == 403
    ada.refresh_from_db()
    assert ada.fewer_messages is False
    browser.get(url)
    token = browser.cookies["csrftoken"].value
    assert browser.post(url, {"fewer_messages": "on", "csrfmiddlewaretoken": token}).status_code == 200
    ada.refresh_from_db()
    assert ada.fewer_messages is True


@time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False)
def test_check_back_after_a_date_and_topics_are_kept_on_the_timeline_and_respected(ada):
    url = link_in_mail("Email preferences")
    response = Client().post(
        url,
        {
            "topics": ["data", "platform"],
            "check_back_after": "2027-04-01",
            "title": "Engineer",
            "company": "Acme",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved: Topics: Data, Platform; Check back after 1 Apr 2027." in html
    ada.refresh_from_db()
    assert ada.topics == ["data", "platform"] and ada.snoozed_until == date(2027, 4, 1)
    assert ada.interests == ["data", "platform"]
    activity = ada.activities.get(kind=Activity.Kind.PREFERENCE)
    assert activity.summary == "Preferences: Topics: Data, Platform; Check back after 1 Apr 2027"
    follow_up = Touch.objects.get(candidate=ada, status="scheduled")
    assert follow_up.due_at == datetime(2027, 4, 1, 8, tzinfo=UTC)  # 9:00 in London (BST): moved, not lost

    assert dispatch_due_touches(now=datetime(2027, 4, 1, 7, 59, tzinfo=UTC)).sent == 0
    assert len(mail.outbox) == 1
    assert dispatch_due_touches(now=datetime(2027, 4, 1, 9, 30, tzinfo=UTC)).sent == 1
    assert len(mail.outbox) == 2


@time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False)
def test_a_check_back_date_must_be_in_the_future(ada):
    url = link_in_mail("Email preferences")
    response = Client().post(url, {"check_back_after": "2026-12-01", "title": "Engineer", "company": "Acme"})
    assert response.status_code == 422
    assert "Choose a date in the future." in response.content.decode()
    ada.refresh_from_db()
    assert ada.snoozed_until is None
    assert not ada.activities.filter(kind=Activity.Kind.PREFERENCE).exists()


@time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False)
def test_saving_without_a_change_says_so_and_writes_nothing(ada):
    response = Client().post(link_in_mail("Email preferences"), {"title": "Engineer", "company": "Acme"})
    assert "Nothing to change." in response.content.decode()
    assert not ada.activities.filter(kind=Activity.Kind.PREFERENCE).exists()


def test_a_new_role_updates_the_profile_and_search(ada, client, recruiter):
    Client().post(link_in_mail("Email preferences"), {"title": "Staff Engineer", "company": "Globex"})
    ada.refresh_from_db()
    assert (ada.title, ada.company) == ("Staff Engineer", "Globex")
    assert "globex" in ada.search_document
    assert ada.activities.filter(summary="Preferences: Current role: Staff Engineer at Globex").exists()
    client.force_login(recruiter)
    assert ada in client.get(reverse("candidates:list"), {"q": "globex"}).context["page"]


def test_fewer_messages_spaces_emails_a_month_apart(ada):
    Client().post(
        link_in_mail("Email preferences"), {"fewer_messages": "on", "title": "Engineer", "company": "Acme"}
    )
    first_sent = Touch.objects.get(candidate=ada, status="sent").sent_at
    follow_up = Touch.objects.get(candidate=ada, status="scheduled")
    assert dispatch_due_touches(now=follow_up.due_at + timedelta(minutes=1)).sent == 0
    follow_up.refresh_from_db()
    assert follow_up.status == "scheduled"
    assert follow_up.due_at >= first_sent + timedelta(days=30)
    assert dispatch_due_touches(now=follow_up.due_at + timedelta(minutes=1)).sent == 1


def test_unsubscribing_from_the_preference_centre_needs_no_cookie(ada):
    page = Client().get(link_in_mail("Email preferences")).content.decode()
    action = re.search(r'action="(/o/u/[^"]+)"', page).group(1)
    response = Client(enforce_csrf_checks=True).post(action)
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    ada.refresh_from_db()
    assert ada.unsubscribed_at is not None
    assert Enrollment.objects.get(candidate=ada).status == "stopped"
    again = Client().get(link_in_mail("Email preferences")).content.decode()
    assert "You are unsubscribed" in again and "Save preferences" not in again


def test_snoozed_people_are_not_enrolled_before_their_date(sequence):
    snoozed = CandidateFactory(snoozed_until=date(2027, 1, 10))
    report = enroll_many(
        candidates=[snoozed], sequence=sequence, by=None, now=datetime(2027, 1, 2, tzinfo=UTC)
    )
    assert report.skipped == [(snoozed, "asked us to check back after 10 Jan 2027")]
    report = enroll_many(
        candidates=[snoozed], sequence=sequence, by=None, now=datetime(2027, 1, 10, tzinfo=UTC)
    )
    assert len(report.enrolled) == 1


def test_the_dispatcher_holds_a_due_email_of_a_snoozed_person_until_the_date(ada):
    follow_up = Touch.objects.get(candidate=ada, status="scheduled")
    type(ada).objects.filter(pk=ada.pk).update(snoozed_until=date(2027, 2, 1))  # snoozed behind its back
    assert dispatch_due_touches(now=follow_up.due_at + timedelta(minutes=1)).sent == 0
    follow_up.refresh_from_db()
    assert follow_up.status == "scheduled" and follow_up.due_at == datetime(2027, 2, 1, 9, tzinfo=UTC)


def test_the_preference_centre_and_unsubscribe_page_carry_the_company_name_and_logo(ada):
    CareersSettings.objects.update_or_create(
        pk=1, defaults={"company_name": "Acme Robotics", "logo_url": "https://acme.example/logo.svg"}
    )
    touch = Touch.objects.filter(candidate=ada, status=Touch.Status.SENT).first()
    anonymous = Client()
    for kind, name in (
        (tokens.PREFERENCES, "outreach:preferences"),
        (tokens.UNSUBSCRIBE, "outreach:unsubscribe"),
    ):
        url = reverse(name, args=[tokens.make(kind, c=ada.pk, t=touch.pk)])
        html = anonymous.get(url).content.decode()
        assert '<span class="company-brand-name">Acme Robotics</span>' in html, name
        assert '<img src="https://acme.example/logo.svg" alt="" height="32">' in html, name


def test_topics_show_the_names_admins_gave_them(ada, client, recruiter):
    Topic.objects.create(tag="platform", name="Our platform team")
    touch = Touch.objects.filter(candidate=ada, status=Touch.Status.SENT).first()
    url = reverse("outreach:preferences", args=[tokens.make(tokens.PREFERENCES, c=ada.pk, t=touch.pk)])

    html = Client().get(url).content.decode()

    assert "Our platform team</label>" in html and "Data</label>" in html  # an unnamed tag, capitalised
    assert 'value="platform"' in html  # the tag is still what is stored
    ada.topics, ada.interests = ["platform"], ["platform", "data"]
    ada.save()
    client.force_login(recruiter)
    profile = client.get(ada.get_absolute_url()).content.decode()
    assert '<span class="badge">Our platform team</span> <span class="badge">Data</span>' in profile
    assert "Only Our platform team" in profile
