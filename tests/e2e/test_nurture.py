"""The nurture engine end to end in a browser: an admin builds a sequence, a recruiter enrolls a pool,
the dispatcher moves time ahead with --now, a LinkedIn task is done, an email goes out, and the
unsubscribe link in that email stops everything."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from candidates.models import TalentPool
from outreach.models import Enrollment, Touch
from tests.e2e.conftest import login, screenshot, wait_for_htmx
from tests.factories import (
    AdminFactory,
    CandidateFactory,
    EnrollmentFactory,
    RecruiterFactory,
    SequenceFactory,
)

pytestmark = pytest.mark.e2e


def dispatch_at(moment):
    call_command("dispatch_touches", "--now", moment.isoformat())


def add_step(page, channel: str, wait: str, unit: str, subject: str, body: str):
    form = page.locator("#add-step-form")
    count = page.locator("#step-list li.step").count()
    form.locator("select[name=channel]").select_option(channel)
    form.locator("input[name=delay_amount]").fill(wait)
    form.locator("select[name=delay_unit]").select_option(unit)
    form.locator("input[name=subject]").fill(subject)
    form.locator("textarea[name=body]").fill(body)
    form.get_by_role("button", name="Add step").click()
    expect(page.locator("#step-list li.step")).to_have_count(count + 1)
    wait_for_htmx(page)


def test_admin_builds_recruiter_enrolls_dispatcher_sends_candidate_unsubscribes(page, live_server, settings):
    settings.SITE_URL = live_server.url
    AdminFactory(username="e2e-admin")
    recruiter = RecruiterFactory(username="e2e-recruiter", first_name="Rita", email="rita@example.com")
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        linkedin_url="https://www.linkedin.com/in/ada-l",
        company="Analytical Engines",
    )
    grace = CandidateFactory(first_name="Grace", email="grace@example.com", do_not_contact=True)
    pool = TalentPool.objects.create(name="Compiler people")
    pool.members.add(ada, grace)

    # The admin builds a three-step sequence.
    login(page, live_server, "e2e-admin")
    page.goto(f"{live_server.url}/sequences/new/")
    page.fill("#id_name", "Compiler nurture")
    page.select_option("#id_sender", str(recruiter.pk))
    page.fill("#id_min_gap_days", "0")
    page.get_by_role("button", name="Create sequence").click()
    expect(page.locator("h1")).to_contain_text("Compiler nurture")
    add_step(page, "linkedin_connect", "0", "days", "", "Hi {{ first_name }}, enjoyed your compiler talk!")
    bad = page.locator("#add-step-form")
    bad.locator("select[name=channel]").select_option("email")
    bad.locator("input[name=subject]").fill("Hello {{ firstname }}")
    bad.get_by_role("button", name="Add step").click()
    expect(page.locator("#add-step-form")).to_contain_text("Unknown placeholder: {{ firstname }}")
    add_step(
        page,
        "email",
        "3",
        "days",
        "Hello {{ first_name }}",
        'Hi {{ first_name | "there" }}, how are things at {{ company }}? [Our team](https://example.com/team){compilers}',
    )
    page.locator("#add-step-form textarea[name=body]").fill("Checking in, {{ first_name }}.")
    expect(page.locator("#preview-output")).to_contain_text("Checking in, Alex")  # the live preview
    add_step(page, "email", "1", "months", "Still curious?", "Checking in, {{ first_name }}.")
    expect(page.locator("h1 .badge")).to_have_text("Paused")  # new sequences start paused
    page.get_by_role("button", name="Activate sequence").click()
    expect(page.locator("h1 .badge")).to_have_text("Active")
    screenshot(page, "nurture-1-sequence-builder")

    # The recruiter enrolls the pool; the do-not-contact member is skipped with the reason shown.
    page.context.clear_cookies()
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/pools/{pool.pk}/")
    page.get_by_role("link", name="Enroll in a sequence").click()
    page.select_option("#id_sequence", label="Compiler nurture")
    page.get_by_role("button", name="Enroll").click()
    expect(page.locator("#batch")).to_contain_text("1 enrolled in Compiler nurture")
    expect(page.locator("#batch")).to_contain_text("Do not contact")
    screenshot(page, "nurture-2-enrolled")

    # Time moves on: the LinkedIn task is in the queue (no email for a manual step).
    task = Touch.objects.get(candidate=ada, channel="linkedin_connect")
    dispatch_at(task.due_at + timedelta(minutes=5))
    assert mail.outbox == []
    page.goto(f"{live_server.url}/tasks/")
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_contain_text("Ada Lovelace")
    expect(row.locator("textarea")).to_have_value("Hi Ada, enjoyed your compiler talk!")
    screenshot(page, "nurture-3-task-queue")
    counts = page.locator("[id^=tasks-][id$=-count]")
    expect(counts.filter(has_text="1 open")).to_have_count(1)  # overdue, today or upcoming: by the clock
    row.locator("select[name=outcome]").select_option("connected")
    row.get_by_role("button", name="Complete").click()
    expect(page.locator(f"#task-{task.pk}")).to_contain_text("Done: Connected")
    expect(counts.filter(has_text="0 open")).to_have_count(3)  # updated in place, no reload

    # Completing it scheduled the email; the dispatcher sends it when it is due.
    email = Touch.objects.get(candidate=ada, channel="email", status="scheduled")
    dispatch_at(email.due_at + timedelta(minutes=1))
    [message] = mail.outbox
    assert message.to == ["ada@example.com"] and message.subject == "Hello Ada"
    page.goto(f"{live_server.url}/candidates/{ada.pk}/")
    expect(page.locator("#timeline")).to_contain_text("Email sent: Hello Ada")
    expect(page.locator("#timeline")).to_contain_text("LinkedIn connection request: connected")
    screenshot(page, "nurture-4-timeline")

    # The candidate follows the unsubscribe link in the email (no login) and confirms.
    unsubscribe_url = re.search(r"Unsubscribe: (\S+)", message.body).group(1)
    page.context.clear_cookies()
    page.goto(unsubscribe_url)
    expect(page.locator("h1")).to_have_text("Unsubscribe?")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
    screenshot(page, "nurture-5-unsubscribed")
    assert Enrollment.objects.get(candidate=ada).status == "stopped"
    dispatch_at(email.due_at + timedelta(days=400))
    assert len(mail.outbox) == 1


def test_an_admin_archives_a_sequence_after_confirming_and_its_people_are_stopped(page, live_server):
    AdminFactory(username="e2e-archiver")
    sequence = SequenceFactory(name="Old nurture")
    enrollment = EnrollmentFactory(sequence=sequence)
    login(page, live_server, "e2e-archiver")
    page.goto(live_server.url + reverse("outreach:sequence", args=[sequence.pk]))
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("h1 .badge")).to_have_text("Active")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("h1 .badge")).to_have_text("Archived")
    expect(page.get_by_role("button", name="Restore sequence")).to_be_visible()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
