"""Every page for every role: who gets in (200), who is refused (403) and who cannot even see it exists (404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import DataRequest
from outreach.models import InboundMailbox, Meeting, MeetingHost
from recruiting.models import WebhookEndpoint
from tests.factories import (
    CandidateFactory,
    CardFactory,
    CustomFieldFactory,
    MeetingTypeFactory,
    RecruiterFactory,
    ReplyFactory,
    RequisitionFactory,
    SequenceFactory,
    TalentPoolFactory,
    attach_resume,
)

ROLES = ["admin", "recruiter", "manager", "employee"]


def meeting_of_another_host() -> Meeting:
    """A meeting hosted by a recruiter who is none of the users logging in."""
    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        meeting_type=MeetingTypeFactory(),
        candidate=CandidateFactory(),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
    )
    MeetingHost.objects.create(
        meeting=meeting, user=RecruiterFactory(), blocked_from=starts, blocked_until=meeting.ends_at
    )
    return meeting


@pytest.fixture
def objects(hiring_manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own_requisition = RequisitionFactory(hiring_manager=hiring_manager)
    other_requisition = RequisitionFactory()
    own_card, other_card = (
        CardFactory(pipeline=requisition.pipeline, stage=requisition.pipeline.stages.first())
        for requisition in (own_requisition, other_requisition)
    )
    for card in (own_card, other_card):
        attach_resume(card.candidate)
    return {
        "card": CardFactory(),
        "meeting": meeting_of_another_host(),
        "candidate": CandidateFactory(),
        "pool": TalentPoolFactory(),
        "sequence": SequenceFactory(),
        "own_requisition": own_requisition,
        "other_requisition": other_requisition,
        "own_card": own_card,
        "other_card": other_card,
        "reply": ReplyFactory(),
        "webhook": WebhookEndpoint.objects.create(
            url="https://93.184.215.14/hooks", secret="s", events=["card.moved"]
        ),
        "other_recruiter": RecruiterFactory(),
        "site_mailbox": InboundMailbox.objects.create(host="imap.example.org", username="jobs", password="x"),
        "data_request": DataRequest.objects.create(candidate=CandidateFactory(), email="asker@example.com"),
        "custom_field": CustomFieldFactory(),
    }


# (url name, object key for the argument or None, expected status for admin, recruiter, manager, employee)
PAGES = [
    ("home", None, (200, 200, 200, 200)),
    ("my_language", None, (200, 200, 200, 200)),
    ("candidates:list", None, (200, 200, 403, 403)),
    ("candidates:create", None, (200, 200, 403, 403)),
    ("candidates:detail", "candidate", (200, 200, 403, 403)),
    ("candidates:edit", "candidate", (200, 200, 403, 403)),
    ("candidates:pools", None, (200, 200, 403, 403)),
    ("candidates:pool", "pool", (200, 200, 403, 403)),
    ("candidates:referrals", None, (200, 200, 403, 403)),
    ("candidates:referral_create", None, (200, 200, 200, 200)),
    ("candidates:my_referrals", None, (200, 200, 200, 200)),
    ("pipelines:requisitions", None, (200, 200, 200, 403)),
    ("pipelines:requisition", "own_requisition", (200, 200, 200, 404)),
    ("pipelines:requisition", "other_requisition", (200, 200, 404, 404)),
    ("pipelines:board", "own_requisition", (200, 200, 403, 404)),
    ("pipelines:board", "other_requisition", (200, 200, 404, 404)),
    ("pipelines:shortlist", "own_requisition", (200, 200, 200, 404)),
    ("pipelines:shortlist", "other_requisition", (200, 200, 404, 404)),
    ("pipelines:card_summary", "own_card", (200, 200, 200, 403)),
    ("pipelines:card_summary", "other_card", (200, 200, 404, 403)),
    ("pipelines:card_resume", "own_card", (200, 200, 200, 403)),
    ("pipelines:card_resume", "other_card", (200, 200, 404, 403)),
    ("pipelines:card_feedback", "own_card", (200, 200, 200, 403)),
    ("pipelines:card_feedback", "other_card", (200, 200, 404, 403)),
    ("pipelines:turned_down", "own_requisition", (200, 200, 403, 403)),
    ("pipelines:turned_down", "other_requisition", (200, 200, 404, 403)),
    ("pipelines:talent_board", None, (200, 200, 403, 403)),
    ("outreach:sequences", None, (200, 200, 403, 403)),
    ("outreach:sequence", "sequence", (200, 200, 403, 403)),
    ("outreach:tasks", None, (200, 200, 403, 403)),
    ("outreach:meetings", None, (200, 200, 200, 403)),
    ("outreach:availability", None, (200, 200, 200, 403)),
    ("outreach:meeting_types", None, (200, 200, 403, 403)),
    ("outreach:booking_link_send", "candidate", (200, 200, 403, 403)),
    ("outreach:card_schedule", "card", (200, 200, 403, 403)),
    ("outreach:meeting_reschedule", "meeting", (200, 200, 404, 404)),
    ("outreach:compose", "candidate", (200, 200, 403, 403)),
    ("outreach:reply_compose", "reply", (200, 200, 403, 403)),
    ("outreach:bulk_email", None, (200, 200, 403, 403)),
    ("outreach:outbox", None, (200, 200, 403, 403)),
    ("webhooks", None, (200, 403, 403, 403)),
    ("webhook", "webhook", (200, 403, 403, 403)),
    ("sso_settings", None, (200, 403, 403, 403)),
    ("candidates:custom_fields", None, (200, 403, 403, 403)),
    ("candidates:custom_field", "custom_field", (200, 403, 403, 403)),
    ("outreach:identity", None, (200, 200, 403, 403)),
    ("outreach:identity_of", "other_recruiter", (200, 404, 403, 403)),
    ("outreach:deliverability", None, (200, 403, 403, 403)),
    ("outreach:mailboxes", None, (200, 200, 403, 403)),
    ("outreach:mailbox", "site_mailbox", (200, 404, 403, 403)),
    ("outreach:data_requests", None, (200, 403, 403, 403)),
    (
        "outreach:data_request_file",
        "data_request",
        (410, 403, 403, 403),
    ),  # no file yet: built on confirmation
    ("admin:index", None, (200, 302, 302, 302)),
]

CASES = [
    pytest.param(name, key, role, expected[i], id=f"{name}-{key or 'page'}-{role}")
    for name, key, expected in PAGES
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("url_name", "object_key", "role", "expected"), CASES)
def test_page_access_by_role(client, users_by_role, objects, url_name, object_key, role, expected):
    args = [objects[object_key].pk] if object_key else []
    client.force_login(users_by_role[role])
    assert client.get(reverse(url_name, args=args)).status_code == expected


@pytest.mark.parametrize(("url_name", "object_key"), [(name, key) for name, key, _ in PAGES])
def test_anonymous_visitor_is_sent_to_login(client, objects, url_name, object_key):
    args = [objects[object_key].pk] if object_key else []
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_login_page_is_public(client, db):
    assert client.get(reverse("login")).status_code == 200


def test_demo_password_logs_in_and_lands_on_home(client, recruiter):
    response = client.post(reverse("login"), {"username": recruiter.username, "password": "longlist"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_navigation_shows_only_what_the_role_may_open(client, employee, hiring_manager):
    client.force_login(employee)
    nav = client.get(reverse("home")).context["nav_items"]
    assert [item["label"] for item in nav] == ["Home", "Refer someone", "My referrals"]
    client.force_login(hiring_manager)
    nav = client.get(reverse("home")).context["nav_items"]
    assert [item["label"] for item in nav] == [
        "Home",
        "Requisitions",
        "My meetings",
        "Refer someone",
        "My referrals",
        "Settings",  # their availability, for the interviews they host
    ]


def test_navigation_is_grouped_by_task_with_the_settings_together(client, admin_user, recruiter):
    client.force_login(recruiter)
    page = client.get(reverse("home"))
    groups = [item["group"] for item in page.context["nav_items"]]
    assert list(dict.fromkeys(groups)) == ["", "Find", "Engage", "Hire", "Insights", "Referrals", "Settings"]
    html = page.content.decode()
    assert html.index('data-group="Engage"') < html.index(">Sequences<") < html.index('data-group="Hire"')
    client.force_login(admin_user)
    nav = client.get(reverse("home")).context["nav_items"]
    assert [item["label"] for item in nav if item["group"] == "Settings"] == ["Settings"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "admin",
            [
                "Sending identity",
                "Rejection emails",
                "Dispatcher",
                "Deliverability",
                "Careers page",
                "Stages of a role",
                "My availability",
                "Meeting types",
                "Report alerts",
                "Forecast",
                "Single sign-on",
                "Webhooks",
                "Custom fields",
                "Privacy",
                "Data requests",
            ],
        ),
        (
            "recruiter",
            ["Sending identity", "Rejection emails", "My availability", "Meeting types", "Privacy"],
        ),
        ("manager", ["My availability"]),
        ("employee", []),
    ],
)
def test_one_settings_area_holds_what_each_role_may_configure(
    client, users_by_role, settings_labels, role, expected
):
    client.force_login(users_by_role[role])
    assert settings_labels() == expected
    nav = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert ("Settings" in nav) == bool(expected)
    assert client.get(reverse("settings")).status_code == (200 if expected else 403)


def test_hiring_manager_requisition_list_contains_only_their_roles(client, hiring_manager):
    own = RequisitionFactory(hiring_manager=hiring_manager, title="Mine")
    RequisitionFactory(title="Someone else's")
    client.force_login(hiring_manager)
    listed = list(client.get(reverse("pipelines:requisitions")).context["requisitions"])
    assert listed == [own]


def test_htmx_post_without_csrf_token_is_refused(recruiter):
    from django.test import Client

    candidate = CandidateFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(recruiter)
    response = strict.post(
        reverse("candidates:add_note", args=[candidate.pk]), {"body": "hello"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert not candidate.activities.filter(kind="note").exists()
