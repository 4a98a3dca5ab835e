"""The conversation in a browser: a candidate uses the preference centre from an email (no login), the
dispatcher respects the check-back date, the recruiter sees the choice on the timeline and triages replies,
and unsubscribing works from the page and as an RFC 8058 one-click POST without a cookie."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Activity, Candidate
from outreach import conversation
from outreach.enrollment import enroll
from outreach.models import Enrollment, Reply, Touch
from tests.e2e.conftest import login, screenshot
from tests.factories import CandidateFactory, RecruiterFactory, SequenceFactory, StepFactory, unpaced_identity

pytestmark = pytest.mark.e2e


def dispatch_at(moment):
    call_command("dispatch_touches", "--now", moment.isoformat())


@pytest.fixture
def nurture(db):
    recruiter = RecruiterFactory(username="e2e-recruiter", first_name="Rita", email="rita@example.com")
    unpaced_identity(recruiter)  # each test sends its emails at the same minute; pacing is tested elsewhere
    sequence = SequenceFactory(  # sends at any hour of any day: the tests pass whenever they run
        name="Data nurture",
        sender=recruiter,
        min_gap_days=0,
        business_days_only=False,
        send_window_start=time(0, 0),
        send_window_end=time(23, 59, 59),
    )
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        subject="Hello {{ first_name }}",
        body="Hi {{ first_name }}, see [our data team](https://example.com/d){data} and "
        "[platform](https://example.com/p){platform} or [ML](https://example.com/m){ml}.",
    )
    StepFactory(sequence=sequence, position=1, delay_amount=7, subject="Still curious?", body="Checking in.")
    return sequence


def send_first_email(sequence, candidate):
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None)
    dispatch_at(enrollment.touches.get().due_at + timedelta(minutes=1))
    return enrollment, next(m for m in mail.outbox if m.to == [candidate.email])


def test_candidate_sets_preferences_then_unsubscribes_and_one_click_needs_no_cookie(
    page, browser, live_server, settings, nurture
):
    settings.SITE_URL = live_server.url
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com", company="Acme")
    enrollment, message = send_first_email(nurture, ada)
    follow_up = enrollment.touches.get(status="scheduled")
    preferences_url = re.search(r"Email preferences[^:]*: (\S+)", message.body).group(1)

    # Ada follows the link on her phone: no login.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(preferences_url)
    expect(page.locator("h1")).to_have_text("Your email preferences")
    check_back = timezone.localdate() + timedelta(days=60)
    page.get_by_label("Data").check()
    page.get_by_label("Platform").check()
    page.get_by_label("Check back after").fill(check_back.isoformat())
    page.get_by_role("button", name="Save preferences").click()
    when = f"{check_back.day} {check_back:%b %Y}"
    expect(page.locator("[role=status]")).to_have_text(
        f"Saved: Topics: Data, Platform; Check back after {when}."
    )
    expect(page.get_by_label("Data")).to_be_checked()
    screenshot(page, "preferences-1-saved-390px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The dispatcher sends nothing before that date, then carries on.
    ada.refresh_from_db()
    assert ada.snoozed_until == check_back and ada.topics == ["data", "platform"]
    dispatch_at(follow_up.due_at + timedelta(minutes=1))
    follow_up.refresh_from_db()
    assert follow_up.due_at.date() == check_back  # moved to the check-back day (London is on UTC in winter)
    dispatch_at(follow_up.due_at - timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    dispatch_at(follow_up.due_at + timedelta(minutes=1))
    assert [m.subject for m in mail.outbox] == ["Hello Ada", "Still curious?"]

    # The recruiter sees her choice on the timeline.
    page.set_viewport_size({"width": 1366, "height": 800})
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/{ada.pk}/")
    expect(page.locator("#timeline")).to_contain_text(
        f"Preferences: Topics: Data, Platform; Check back after {when}"
    )
    expect(page.locator("#engagement")).to_contain_text(f"Check back after {when}")
    expect(page.locator("#interests")).to_contain_text("Data")  # topics by name
    screenshot(page, "preferences-2-recruiter-timeline")

    # A second visit: she unsubscribes entirely.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(preferences_url)
    page.get_by_role("button", name="Unsubscribe from all emails").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
    ada.refresh_from_db()
    assert ada.unsubscribed_at is not None
    assert not Enrollment.objects.filter(candidate=ada, status__in=Enrollment.LIVE_STATUSES).exists()
    page.goto(preferences_url)
    expect(page.locator("#preferences")).to_contain_text("You are unsubscribed")

    # Another candidate's mail client uses the one-click header: a bare POST, no cookie, no page.
    bob = CandidateFactory(first_name="Bob", email="bob@example.com")
    _, bob_message = send_first_email(nurture, bob)
    one_click = re.search(r"<(\S+)>", bob_message.extra_headers["List-Unsubscribe"]).group(1)
    context = browser.new_context()
    try:
        response = context.request.post(
            one_click,
            data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    finally:
        context.close()
    assert response.status == 200
    bob.refresh_from_db()
    assert bob.unsubscribed_at is not None
    assert bob.activities.filter(kind=Activity.Kind.PRIVACY, summary="Unsubscribed from all email").exists()


def test_recruiter_triages_replies_in_one_click(page, live_server, nurture):
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com", title="Data lead")
    grace = CandidateFactory(first_name="Grace", last_name="Hopper", email="grace@example.com")
    for person in (ada, grace):
        send_first_email(nurture, person)
    ada_touch = Touch.objects.get(candidate=ada, status="sent")
    conversation.receive_inbound_email(
        from_address="Ada <ada@example.com>",
        subject="Re: Hello Ada",
        body="Sounds great, I'd love to hear more.\nCould we talk on Thursday?",
        message_id="<r1@mail.example>",
        in_reply_to=ada_touch.message_id,
    )
    conversation.receive_inbound_email(
        from_address="grace@example.com",
        subject="Re: Hello Grace",
        body="Not now, try me in spring.",
        message_id="<r2@mail.example>",
    )
    conversation.receive_inbound_email(
        from_address="Unknown <someone@elsewhere.example>",
        subject="Who is this?",
        body="Please explain.",
        message_id="<r3@mail.example>",
    )
    login(page, live_server, "e2e-recruiter")
    page.get_by_role("link", name="Replies", exact=True).click()
    expect(page.locator("#replies-to-handle li.reply-item")).to_have_count(2)
    expect(page.locator("#replies-unmatched")).to_contain_text("someone@elsewhere.example")
    screenshot(page, "replies-1-to-handle")

    ada_reply = Reply.objects.get(candidate=ada)
    card = page.locator(f"#reply-{ada_reply.pk}")
    card.get_by_role("button", name="Interested", exact=True).click()
    expect(card.locator(".reply-tag")).to_have_text("Interested")
    card.get_by_role("button", name="Move to Ready to talk").click()
    expect(card).to_contain_text("Moved to Ready to talk on the talent board.")

    grace_reply = Reply.objects.get(candidate=grace)
    card = page.locator(f"#reply-{grace_reply.pk}")
    card.get_by_role("button", name="Not now").click()
    expect(card.locator(".errorlist")).to_have_text("Choose when to check back.")
    check_back = timezone.localdate() + timedelta(days=120)
    card.get_by_label("check back on").fill(check_back.isoformat())
    card.get_by_role("button", name="Not now").click()
    expect(card).to_contain_text(f"Check back on {check_back.day} {check_back:%b %Y}")
    screenshot(page, "replies-2-triaged")
    assert Candidate.objects.get(pk=grace.pk).snoozed_until == check_back
    assert Touch.objects.filter(candidate=grace, channel="task", status="task_open").count() == 1
