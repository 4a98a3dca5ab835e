"""The hiring loop in a browser, as far as it is built: a recruiter finds people by search and adds three to a
role in one bulk action; the manager reads one's résumé on the shortlist and leaves feedback; the recruiter
turns them down with a rejection email, undoes it, turns them down again, and the email leaves only after the
delay; hiring another stops their sequence, closes their call task and shows "Hired" to their referrer."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Referral, Resume
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import Enrollment, RejectionEmail, Touch
from outreach.rejections import save_rejection_template
from pipelines import services
from pipelines.feedback import set_criteria
from pipelines.models import Card, Feedback
from tests.e2e.conftest import login, screenshot, wait_for_htmx
from tests.e2e.test_board import move_with_keyboard
from tests.factories import (
    CandidateFactory,
    EmployeeFactory,
    HiringManagerFactory,
    RecruiterFactory,
    ReferralFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    make_pdf,
    stage_named,
)

pytestmark = pytest.mark.e2e


def attach_pdf(candidate):
    content = make_pdf(candidate.full_name, "Rust, Kubernetes")
    resume = Resume(
        candidate=candidate, original_name="cv.pdf", kind="pdf", size=len(content), sha256="0" * 64
    )
    resume.file.save("cv.pdf", ContentFile(content), save=False)
    resume.save()


def turn_down(page, card, reason_label, email=""):
    menu = page.locator(f"#card-{card.pk}")
    menu.locator("summary").click()
    menu.locator("select[name=category]").select_option(label=reason_label)
    if email:
        menu.locator("select[name=email_template]").select_option(label=f"Email: {email}")
    wait_for_htmx(page)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda response: "/reject/" in response.url):
        menu.get_by_role("button", name="Turn down").click()
    wait_for_htmx(page)


def test_search_bulk_add_review_turn_down_undo_and_hire(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    recruiter = RecruiterFactory(username="e2e-recruiter")
    manager = HiringManagerFactory(username="e2e-manager")
    role = RequisitionFactory(title="Rust Platform Engineer", recruiter=recruiter, hiring_manager=manager)
    save_rejection_template(name="Kind no", subject="Your application, {{ first_name }}", body="Thank you.")
    set_criteria(requisition=role, names=["Rust", "Communication"])
    priya = CandidateFactory(
        first_name="Priya", last_name="Rustova", title="Rust engineer", seeking_status="passive"
    )
    ben = CandidateFactory(first_name="Ben", last_name="Rustam", title="Rust engineer")
    cleo = CandidateFactory(first_name="Cleo", last_name="Rusk", title="Rust engineer")
    CandidateFactory(first_name="Dan", title="Python engineer")
    ReferralFactory(referrer=EmployeeFactory(username="e2e-referrer"), candidate=priya, first_name="Priya")
    calls = SequenceFactory(name="Call the Rust people", min_gap_days=0)
    StepFactory(sequence=calls, position=0, delay_amount=0, channel="call")
    enrollment = enroll(candidate=priya, sequence=calls, by=recruiter, now=timezone.now() - timedelta(days=1))
    call = enrollment.touches.get()
    assert call.status == Touch.Status.TASK_OPEN

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/?q=rust")
    for person in (priya, ben, cleo):
        page.get_by_label(f"Select {person.full_name}").check()
    page.get_by_role("link", name="Add to role selected…").click()
    expect(page.locator("h1")).to_have_text("Add to a role")
    expect(page.locator("main")).to_contain_text("3 selected")
    page.get_by_label("Role").select_option(label="Rust Platform Engineer")
    page.get_by_role("button", name="Add to role").click()
    expect(page.locator("#batch h2")).to_contain_text("3 added to Rust Platform Engineer")
    screenshot(page, "hiring-loop-1-added")
    cards = {card.candidate_id: card for card in Card.objects.filter(pipeline=role.pipeline)}
    assert set(cards) == {priya.pk, ben.pk, cleo.pk}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED  # on an open role's board: nurture waits

    attach_pdf(ben)
    services.move_card(
        card=cards[ben.pk],
        to_stage=stage_named(role, "Interview"),
        position=0,
        expected_version=1,
        by=recruiter,
    )
    page.context.clear_cookies()
    login(page, live_server, "e2e-manager")
    page.goto(f"{live_server.url}/requisitions/{role.pk}/shortlist/")
    resume = page.locator(f"#shortlist-card-{cards[ben.pk].pk} details.resume-inline")
    with page.expect_response(lambda response: "/resume/" in response.url) as served:
        resume.locator("summary").click()
    assert served.value.status == 200
    headers = served.value.all_headers()
    assert headers["content-disposition"].startswith("inline")
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert headers["x-content-type-options"] == "nosniff"
    expect(resume.locator("iframe")).to_be_visible()
    screenshot(page, "hiring-loop-1b-manager-reads-resume")
    page.locator(f"#shortlist-card-{cards[ben.pk].pk}").get_by_role(
        "link", name="Structured feedback"
    ).click()
    page.get_by_role("group", name="Rust").get_by_label("4").check()
    page.get_by_role("group", name="Communication").get_by_label("2").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Comment").fill("Strong Rust, hard to follow")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.locator("#others-feedback")).to_contain_text("You: No")
    assert Feedback.objects.get(card=cards[ben.pk]).recommendation == Feedback.Recommendation.NO

    page.context.clear_cookies()
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{role.pk}/board/")
    turn_down(page, cards[ben.pk], "Location", email="Kind no")
    expect(page.locator("#board-message")).to_contain_text("Ben Rustam turned down.")
    expect(page.locator(f"#card-{cards[ben.pk].pk}")).to_have_count(0)
    page.locator("#board-message").get_by_role("button", name="Undo").click()
    expect(page.locator("#board-message")).to_contain_text("Ben Rustam is back in process in Interview.")
    expect(page.locator(f"#card-{cards[ben.pk].pk}")).to_have_count(1)
    assert RejectionEmail.objects.get().status == "cancelled"
    turn_down(page, cards[ben.pk], "Location", email="Kind no")
    expect(page.locator(f"#card-{cards[ben.pk].pk}")).to_have_count(0)
    assert Card.objects.get(pk=cards[ben.pk].pk).status == Card.Status.REJECTED
    due = RejectionEmail.objects.get(status="scheduled")
    assert dispatch_due_touches(now=due.send_after - timedelta(seconds=1)).sent == 0 and mail.outbox == []
    assert dispatch_due_touches(now=due.send_after).sent == 1  # the rejection email is an outbox row
    assert [(m.to, m.subject) for m in mail.outbox] == [([ben.email], "Your application, Ben")]

    move_with_keyboard(page, cards[priya.pk], "Hired")
    expect(page.locator(f"#stage-{stage_named(role, 'Hired').pk}")).to_contain_text("Priya Rustova")
    screenshot(page, "hiring-loop-2-hired")
    enrollment.refresh_from_db()
    call.refresh_from_db()
    assert (enrollment.status, enrollment.stop_reason) == (Enrollment.Status.STOPPED, "hired")
    assert (call.status, call.outcome) == (Touch.Status.CANCELLED, "hired")

    page.goto(f"{live_server.url}/requisitions/{role.pk}/turned-down/")
    expect(page.locator("#turned-down")).to_contain_text("Ben Rustam")

    page.context.clear_cookies()
    login(page, live_server, "e2e-referrer")
    page.goto(f"{live_server.url}/referrals/mine/")
    expect(page.locator("main")).to_contain_text("Hired")
    assert Referral.objects.get(candidate=priya).status == Referral.Status.HIRED
    screenshot(page, "hiring-loop-3-referrer-sees-hired")


def test_bulk_on_the_board_shift_click_move_and_a_stale_selection(page, live_server):
    RecruiterFactory(username="e2e-recruiter")
    role = RequisitionFactory(title="Bulk role")
    cards = [
        services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name=name, last_name="B"))
        for name in ("Ann", "Bea", "Cal", "Dan")
    ]
    screen = stage_named(role, "Screen")
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{role.pk}/board/")
    page.get_by_role("button", name="Select cards").click()
    page.get_by_label("Select Ann B").click()
    page.get_by_label("Select Cal B").click(modifiers=["Shift"])  # Ann to Cal
    expect(page.locator("#bulk-count")).to_have_text("3 selected")
    bar = page.locator("#bulk-bar")
    bar.get_by_label("Stage to move them to").select_option(label="Screen")
    with page.expect_response(lambda response: "/cards/bulk/" in response.url):
        bar.get_by_role("button", name="Apply").click()
    wait_for_htmx(page)
    expect(page.locator("#board-message")).to_contain_text("Moved 3 candidates to Screen.")
    expect(page.locator(f"#stage-{screen.pk}")).to_contain_text("Cal B")
    assert set(Card.objects.filter(stage=screen).values_list("candidate__first_name", flat=True)) == {
        "Ann",
        "Bea",
        "Cal",
    }
    screenshot(page, "bulk-1-moved")

    # The selection's people go to other apps' actions too: "Add to role…" carries them (ticked by keyboard).
    page.get_by_label("Select Bea B").focus()
    page.keyboard.press("Space")
    expect(page.locator("#bulk-count")).to_have_text("1 selected")
    page.locator("#bulk-bar").get_by_role("link", name="Add to role…").click()
    expect(page.locator("main")).to_contain_text("1 selected: Bea B.")
    page.go_back()
    page.reload()
    page.get_by_role("button", name="Select cards").click()

    # Someone else moves Dan meanwhile; a bulk turn-down including him from this page changes nothing.
    services.move_card(card=cards[3], to_stage=screen, position=0, expected_version=cards[3].version)
    page.get_by_label("Select Dan B").click()
    page.get_by_label("Select Ann B").click()
    bar.get_by_label("What to do with the selected cards").select_option(label="Turn down")
    bar.get_by_label("Why they are turned down").select_option(label="Timing")
    with page.expect_response(lambda response: "/cards/bulk/" in response.url) as answer:
        bar.get_by_role("button", name="Apply").click()
    assert answer.value.status == 409
    wait_for_htmx(page)
    expect(page.locator("#board-message")).to_contain_text("nothing was done")
    assert not Card.objects.filter(status="rejected").exists()
