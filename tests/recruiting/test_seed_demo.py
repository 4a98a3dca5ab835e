"""`manage.py seed_demo`: realistic, service-made demo data, loaded once however often it runs."""

import datetime as dt
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from candidates.models import Activity, Candidate, CustomField, PoolMembership, Referral, TalentPool
from candidates.roles import ADMIN, EMPLOYEE, HIRING_MANAGER, RECRUITER
from candidates.search import search_candidates
from outreach.models import MANUAL_CHANNELS, Channel, Enrollment, Sequence, Step, Touch
from outreach.scheduling import step_delay
from outreach.selectors import task_queue
from pipelines.models import Card, Pipeline, Requisition, Stage, StageChange
from recruiting import reports
from recruiting.reports.common import ReportFilters

pytestmark = pytest.mark.django_db

User = get_user_model()

SNAPSHOT_MODELS = [
    Candidate,
    Activity,
    TalentPool,
    PoolMembership,
    Referral,
    Requisition,
    Pipeline,
    Stage,
    Card,
    StageChange,
    Sequence,
    Step,
    Enrollment,
    Touch,
    User,
    apps.get_model("candidates", "Skill"),
    apps.get_model("outreach", "EngagementEvent"),
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SNAPSHOT_MODELS}


def _rows() -> dict[str, list]:
    """Enough of every changeable row to notice an update."""
    return {
        "candidates": list(
            Candidate.objects.order_by("pk").values_list("pk", "updated_at", "last_contacted_at")
        ),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "touches": list(Touch.objects.order_by("pk").values_list("pk", "status", "due_at", "assignee_id")),
        "cards": list(Card.objects.order_by("pk").values_list("pk", "stage_id", "position", "version")),
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_staff", "is_superuser")),
        "groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
    }


def _span_days(sequence: Sequence) -> int:
    start = when = datetime(2025, 1, 6, 9, tzinfo=ZoneInfo("UTC"))
    for step in sequence.steps.order_by("position"):
        when = when + step_delay(step)
    return (when - start).days


@pytest.fixture(autouse=True)
def _demo_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO = True  # the test settings run with DEBUG off, where seed_demo needs DEMO=1


# A Wednesday morning: the tasks enrolled "earlier today" fall due today only on a business day.
@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("UTC")), tick=True)
def test_seed_demo_loads_realistic_data_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    output = out.getvalue()
    for login in ("admin", "recruiter", "manager", "employee"):
        assert login in output
    assert "longlist" in output

    # Users: one per role (two recruiters, two managers), all with the demo password.
    roles = {
        "admin": ADMIN,
        "recruiter": RECRUITER,
        "recruiter2": RECRUITER,
        "manager": HIRING_MANAGER,
        "manager2": HIRING_MANAGER,
        "employee": EMPLOYEE,
    }
    for username, role in roles.items():
        user = User.objects.get(username=username)
        assert user.groups.filter(name=role).exists()
        assert user.first_name and user.last_name
        sign_in = RequestFactory().post("/accounts/login/")  # the login throttle counts by request
        assert authenticate(sign_in, username=username, password="longlist") == user
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(username__in=set(roles) - {"admin"}, is_superuser=True).exists()
    recruiter = User.objects.get(username="recruiter")

    # Candidates: ~300, about two thirds passive, with plausible, safe contact details.
    candidates = Candidate.objects.all()
    assert 290 <= candidates.count() <= 320
    passive, active = candidates.passive().count(), candidates.active().count()
    assert active > 50 and passive > active
    assert candidates.values("industry").distinct().count() >= 6
    assert candidates.values("country").distinct().count() >= 8
    assert candidates.values("source").distinct().count() >= 6
    assert candidates.exclude(linkedin_url="").count() > candidates.count() * 0.7
    assert candidates.exclude(email="").count() > candidates.count() * 0.8
    for email in candidates.exclude(email="").values_list("email", flat=True):
        assert email.endswith(("@example.com", "@example.org")), email
    for url in candidates.exclude(linkedin_url="").values_list("linkedin_url", flat=True):
        assert url.startswith("https://www.linkedin.com/in/"), url
    for tz in candidates.exclude(timezone="").values_list("timezone", flat=True).distinct():
        ZoneInfo(tz)
    scores = list(candidates.values_list("engagement_score", flat=True))
    # Scores come from the outreach history (see test_demo_story): most people cold, a few warm.
    assert min(scores) == 0 and max(scores) >= 60
    assert candidates.filter(last_contacted_at__isnull=False).exists()
    assert candidates.filter(skills__isnull=False).distinct().count() >= 290
    assert set(candidates.values_list("owner__username", flat=True)) >= {"recruiter", "recruiter2"}
    # Made through the services: every candidate has a "created" entry on its timeline, and some notes.
    assert Activity.objects.filter(kind=Activity.Kind.CREATED).count() == candidates.count()
    assert Activity.objects.filter(kind=Activity.Kind.NOTE).count() >= 20
    # Custom fields: some of each kind on candidates, values through the one validation, a budget code on roles.
    assert set(CustomField.objects.values_list("key", flat=True)) >= {
        "work_style",
        "languages",
        "budget_code",
    }
    assert candidates.filter(custom_fields__has_key="work_style").count() > candidates.count() * 0.6
    assert search_candidates({"cf_languages": "German", "cf_work_style": "Remote"}).exists()
    assert not Requisition.objects.filter(custom_fields={}).exists()

    # Static talent pools, filled.
    pools = TalentPool.objects.filter(kind=TalentPool.Kind.STATIC)
    assert pools.count() >= 5
    assert pools.filter(name="Silver medalists").exists()
    for pool in pools:
        assert pool.memberships.count() >= 5, pool

    # Sequences: a six-month nurture mixing LinkedIn tasks and emails, plus two shorter ones.
    assert Sequence.objects.count() == 3
    nurture = [s for s in Sequence.objects.all() if s.steps.count() >= 5]
    assert nurture
    channels = set(nurture[0].steps.values_list("channel", flat=True))
    assert Channel.EMAIL in channels and channels & MANUAL_CHANNELS
    assert _span_days(nurture[0]) >= 150
    assert not Sequence.objects.exclude(sender=recruiter).exists()
    allowed = {"{{ first_name }}", "{{ company }}", "{{ title }}", "{{ sender_name }}"}
    for step in Step.objects.all():
        text = step.subject + step.body
        for placeholder in allowed:
            text = text.replace(placeholder, "")
        assert "{{" not in text and "}}" not in text, step

    # Enrollments made by outreach.enrollment.enroll, leaving tasks in the recruiter's queue for today.
    assert Enrollment.objects.filter(sequence=nurture[0]).count() >= 30
    assert Enrollment.objects.exclude(sequence=nurture[0]).exists()
    assert Enrollment.objects.filter(candidate__seeking_status="passive", sequence=nurture[0]).count() >= 30
    queue = task_queue(recruiter)
    assert queue["today"].exists()
    assert Touch.objects.filter(
        status=Touch.Status.SCHEDULED, channel=Channel.EMAIL, due_at__gt=timezone.now()
    ).exists()

    # Requisitions: three open, one planned about six months ahead with pools.
    assert Requisition.objects.count() == 4
    assert Requisition.objects.filter(status=Requisition.Status.OPEN).count() == 3
    planned = Requisition.objects.get(status=Requisition.Status.PLANNED)
    assert abs((planned.expected_open_date - timezone.localdate()).days - 182) <= 3
    assert planned.pools.exists()
    assert set(Requisition.objects.values_list("hiring_manager__username", flat=True)) == {
        "manager",
        "manager2",
    }

    # Boards: every open requisition has 10-25 cards, some on the shortlist with a pitch; a talent board.
    for requisition in Requisition.objects.filter(status=Requisition.Status.OPEN):
        cards = Card.objects.filter(pipeline__requisition=requisition)
        assert 10 <= cards.count() <= 26, requisition
        shortlisted = cards.filter(stage__is_shortlist=True)
        assert shortlisted.exists(), requisition
        assert not shortlisted.filter(pitch="").exists(), requisition
    talent = Pipeline.objects.get(kind=Pipeline.Kind.TALENT)
    assert talent.cards.count() >= 15
    assert talent.cards.values("stage").distinct().count() >= 4
    assert not talent.cards.filter(candidate__seeking_status="active").exists()
    # Every card came in at its board's first stage and moved along to where it is, over the last weeks.
    for card in Card.objects.select_related("stage"):
        history = list(card.history.order_by("moved_at"))
        assert history[0].from_stage is None and history[0].to_stage.position == 0, card
        assert history[-1].to_stage == card.stage and len(history) == card.stage.position + 1, card
        assert history[0].moved_at == card.created_at and history[-1].moved_at == card.entered_stage_at
        assert (
            timezone.now() - dt.timedelta(days=90) < card.created_at < timezone.now() - dt.timedelta(hours=11)
        )
    # Two hires on the open roles, one passive and one active, from different sources, on their timelines.
    hires = Card.objects.hired().select_related("candidate", "pipeline")
    assert {c.candidate.seeking_status for c in hires} == {"passive", "active"}
    assert len({c.candidate.source for c in hires}) == 2
    for card in hires:
        assert card.candidate.activities.filter(
            summary=f"Hired for {card.pipeline.name} (Offer → Hired)"
        ).exists()

    # Every report of the Insights page has something to show for the default period (the last 90 days).
    today = timezone.localdate()
    insights = reports.all_reports(ReportFilters(today - dt.timedelta(days=89), today))
    assert len(insights["funnel"].rows) == 3
    medians = [s.median_days for row in insights["funnel"].rows for s in row.stages if s.median_days]
    assert len(medians) >= 12 and all(1 <= m <= 14 for m in medians)
    sequences = insights["sequences"]
    assert {row.sequence for row in sequences.rows} == {s.name for s in Sequence.objects.all()}
    for kind in ("opened", "clicked", "replied", "unsubscribed"):
        assert sum(getattr(row, kind) for row in sequences.rows) > 0, kind
    assert [row.hired for row in insights["conversion"].rows] == [1, 1]
    assert insights["sources"].totals == {"hires": 2}
    assert insights["referrals"].totals["referrals"] == 7
    ready = insights["ready"].totals
    assert ready["candidates"] >= 3 and ready["no_touch"] == 0 and 14 <= ready["median_days"] <= 80

    # Referrals: the employee's, one of them about someone already in the database, in varied states.
    employee = User.objects.get(username="employee")
    mine = Referral.objects.filter(referrer=employee)
    assert mine.count() >= 4
    assert mine.exclude(candidate__source="referral").exists()
    assert mine.values("status").distinct().count() >= 3

    # A second run creates and changes nothing.
    before, rows = _counts(), _rows()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert _rows() == rows
    assert "nothing to do" in out.getvalue()
