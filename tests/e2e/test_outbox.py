"""Email from Longlist in a browser: a recruiter writes a one-off email from a profile (a placeholder and their
signature), answers the candidate's reply in thread from the Replies page, and emails three people selected in
the search. The dispatcher sends through a real SMTP server on loopback (aiosmtpd), and the headers of what it
received are read back; every email is on its person's timeline."""

import pytest
from playwright.sync_api import expect

from outreach.conversation import receive_inbound_email
from outreach.dispatch import dispatch_due_touches
from outreach.models import SenderIdentity
from tests.e2e.conftest import login, screenshot, wait_for_htmx
from tests.factories import CandidateFactory, RecruiterFactory
from tests.smtp_capture import capture_mail, plain_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def smtp(settings):
    handler, controller = capture_mail(settings)
    yield handler
    controller.stop()


def test_one_off_reply_in_thread_and_bulk_email_reach_the_mailbox_and_the_timelines(
    page, live_server, settings, smtp
):
    settings.SITE_URL = live_server.url
    recruiter = RecruiterFactory(username="e2e-recruiter", first_name="Rita", last_name="Recruiter")
    SenderIdentity.objects.create(
        user=recruiter,
        display_name="Rita at Acme",
        address="rita@acme.example.com",
        reply_to="talent@acme.example.com",
        signature="Rita Recruiter\nAcme Talent",
        daily_limit=10**6,  # this test is about the messages; pacing has its own tests
        min_spacing_minutes=0,
    )
    ada = CandidateFactory(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", industry="Fintech"
    )
    robotics = [
        CandidateFactory(
            first_name=name, last_name="Robot", email=f"{name.lower()}@example.com", industry="Robotics"
        )
        for name in ("Bea", "Cal", "Dee")
    ]
    login(page, live_server, "e2e-recruiter")

    # A one-off email from Ada's profile, with a placeholder; the preview shows it filled in and signed.
    page.goto(f"{live_server.url}{ada.get_absolute_url()}")
    page.get_by_role("link", name="Write email").click()
    wait_for_htmx(page)
    compose = page.locator(f"#compose-candidate-{ada.pk}")
    compose.get_by_label("Subject").fill("A role for {{ first_name }}")
    compose.get_by_label("Message").fill(
        "Hi {{ first_name }},\n\nWe are hiring for a fintech team. Fancy a chat?"
    )
    expect(compose.locator(".preview-output")).to_contain_text("A role for Ada")
    expect(compose.locator(".preview-output")).to_contain_text("Hi Ada,")
    expect(compose.locator(".preview-output")).to_contain_text("Acme Talent")
    screenshot(page, "outbox-1-write-from-profile")
    compose.get_by_role("button", name="Send").click()
    expect(page.locator(f"#compose-candidate-{ada.pk}")).to_contain_text("goes out within a minute")

    assert dispatch_due_touches().sent == 1
    [first] = smtp.to("ada@example.com")
    assert first["From"] == "Rita at Acme <rita@acme.example.com>"
    assert first["Reply-To"] == "talent@acme.example.com"
    assert first["Subject"] == "A role for Ada"
    assert first["List-Unsubscribe"] is not None
    text = plain_text(first)
    assert text.startswith("Hi Ada,") and "-- \nRita Recruiter\nAcme Talent" in text

    # Ada answers in her mail client; the recruiter replies from the Replies page, in the thread.
    receive_inbound_email(
        from_address="Ada Lovelace <ada@example.com>",
        subject="Re: A role for Ada",
        body="Yes, happy to talk. Thursday?",
        message_id="<ada-1@mail.example.org>",
        in_reply_to=first["Message-ID"],
        references=first["Message-ID"],
    )
    page.goto(f"{live_server.url}/replies/")
    card = page.locator("#replies-to-handle .reply-item").filter(has_text="Ada Lovelace")
    card.get_by_role("button", name="Reply").click()
    wait_for_htmx(page)
    expect(card.locator(".compose-subject")).to_have_text("Subject: Re: A role for Ada")
    card.get_by_label("Your answer").fill("Thursday at 10 works, {{ first_name }}. Talk then!")
    expect(card.locator(".preview-output")).to_contain_text("Thursday at 10 works, Ada.")
    screenshot(page, "outbox-2-reply-in-thread")
    card.get_by_role("button", name="Send reply").click()
    expect(card).to_contain_text("goes out within a minute")

    assert dispatch_due_touches().sent == 1
    [_, answer] = smtp.to("ada@example.com")
    assert answer["Subject"] == "Re: A role for Ada"  # one "Re:", not two
    assert answer["In-Reply-To"] == "<ada-1@mail.example.org>"
    assert answer["References"] == f"{first['Message-ID']} <ada-1@mail.example.org>"
    assert answer["From"] == "Rita at Acme <rita@acme.example.com>"

    # Three people selected in the search get one email each, with their own names.
    page.goto(f"{live_server.url}/candidates/?industry=Robotics")
    expect(page.locator("#result-count")).to_contain_text("3 candidates")
    page.get_by_label("Select all on this page").check()
    page.get_by_role("link", name="Email selected…").click()
    expect(page.locator("h1")).to_have_text("Email 3 people")
    page.get_by_label("Subject").fill("News for {{ first_name }}")
    page.get_by_label("Message").fill("Hello {{ first_name }}, our robotics team is growing.")
    preview = page.locator("#bulk-preview .preview-output")
    page.get_by_label("As read by").select_option(label="Cal Robot")
    expect(preview).to_contain_text("News for Cal")
    expect(preview).to_contain_text("Hello Cal, our robotics team is growing.")
    screenshot(page, "outbox-3-bulk-preview")
    page.get_by_role("button", name="Send to 3").click()
    expect(page.locator("#bulk-result")).to_contain_text("3 emails in your Outbox")

    assert dispatch_due_touches().sent == 3
    for person in robotics:
        [message] = smtp.to(person.email)
        assert message["Subject"] == f"News for {person.first_name}"
        assert message["From"] == "Rita at Acme <rita@acme.example.com>"
        assert message["List-Unsubscribe"] is not None
        assert f"Hello {person.first_name}," in plain_text(message)

    # Everything is on the timelines; Ada's reply there can be answered too.
    page.goto(f"{live_server.url}{ada.get_absolute_url()}")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Email sent: A role for Ada")
    expect(timeline).to_contain_text("Replied: Re: A role for Ada")
    expect(timeline).to_contain_text("Reply sent: Re: A role for Ada")
    expect(timeline.get_by_role("link", name="Reply")).to_have_count(1)
    screenshot(page, "outbox-4-timeline")
    for person in robotics:
        page.goto(f"{live_server.url}{person.get_absolute_url()}")
        expect(page.locator("#timeline")).to_contain_text(f"Bulk email sent: News for {person.first_name}")

    page.goto(f"{live_server.url}/outbox/")
    expect(page.locator("#outbox-recent li")).to_have_count(5)
    screenshot(page, "outbox-5-outbox")
