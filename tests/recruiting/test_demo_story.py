"""`seed_demo` tells one coherent story: warm people, a forecast with numbers, a reply and a task waiting,
and timelines whose dates agree with each other."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from candidates.models import Activity, Candidate, SilverMedal
from outreach import engagement
from outreach.models import EngagementEvent, Enrollment, Reply, Touch
from outreach.selectors import task_queue
from pipelines.models import Card, ForecastSettings, Requisition
from pipelines.selectors import forecast
from recruiting import selectors as home

pytestmark = pytest.mark.django_db

User = get_user_model()
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def _demo_server(settings):
    settings.DEMO = True  # seed_demo runs with DEBUG off only on a demo server
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=StringIO())
        yield timezone.now()


def test_the_home_page_and_forecast_have_something_to_show(demo):
    recruiter = User.objects.get(username="recruiter")
    threshold = ForecastSettings.current().warm_threshold

    roles = forecast(ForecastSettings.current(), timezone.localdate())
    planned = next(r for r in roles if r.requisition.status == Requisition.Status.PLANNED)
    assert planned.warm > 0, "the planned role's pools hold warm people"
    assert 0 < planned.percent < 100, "coverage above zero, and still something to do"

    warming = list(home.warming_up(recruiter, demo))
    assert any(c.engagement_score >= threshold for c in warming), [c.engagement_score for c in warming]
    assert home.replies_waiting(recruiter).count >= 1
    assert task_queue(recruiter)["today"].exists()


def test_scores_are_what_the_events_make_them(demo):
    before = dict(Candidate.objects.values_list("pk", "engagement_score"))
    engagement.refresh_all(now=demo)
    assert dict(Candidate.objects.values_list("pk", "engagement_score")) == before
    with_events = set(EngagementEvent.objects.values_list("candidate_id", flat=True))
    assert not Candidate.objects.filter(engagement_score__gt=0).exclude(pk__in=with_events).exists()
    assert Candidate.objects.filter(engagement_score__gt=0).count() >= 40


def test_every_timeline_is_dated_consistently(demo):
    firsts = {
        "activity": dict(
            Activity.objects.exclude(kind=Activity.Kind.CREATED)
            .values("candidate_id")
            .annotate(at=Min("created_at"))
            .values_list("candidate_id", "at")
        ),
        "card": dict(
            Card.objects.values("candidate_id")
            .annotate(at=Min("created_at"))
            .values_list("candidate_id", "at")
        ),
        "enrollment": dict(
            Enrollment.objects.values("candidate_id")
            .annotate(at=Min("enrolled_at"))
            .values_list("candidate_id", "at")
        ),
        "event": dict(
            EngagementEvent.objects.values("candidate_id")
            .annotate(at=Min("occurred_at"))
            .values_list("candidate_id", "at")
        ),
        "reply": dict(
            Reply.objects.filter(candidate__isnull=False)
            .values("candidate_id")
            .annotate(at=Min("received_at"))
            .values_list("candidate_id", "at")
        ),
        "silver medal": dict(
            SilverMedal.objects.values("candidate_id")
            .annotate(at=Min("created_at"))
            .values_list("candidate_id", "at")
        ),
    }
    created = dict(
        Activity.objects.filter(kind=Activity.Kind.CREATED).values_list("candidate_id", "created_at")
    )
    latest_activity = Activity.objects.aggregate(at=Max("created_at"))["at"]
    assert latest_activity <= demo
    for candidate in Candidate.objects.all():
        assert created[candidate.pk] == candidate.created_at, candidate
        for what, first in firsts.items():
            if candidate.pk in first:
                assert candidate.created_at <= first[candidate.pk], (candidate, what)

    # Tasks and emails fall due after their enrollment started; a stopped enrollment stopped after it began.
    for touch in Touch.objects.select_related("enrollment"):
        assert touch.due_at >= touch.enrollment.enrolled_at, touch
    for enrollment in Enrollment.objects.exclude(ended_at=None):
        assert enrollment.enrolled_at <= enrollment.ended_at <= demo, enrollment

    # "Contacted" only with that touch on the timeline, at that time.
    contacted = Candidate.objects.exclude(last_contacted_at=None)
    assert contacted.count() >= 50
    for candidate in contacted:
        assert candidate.activities.filter(
            kind=Activity.Kind.TOUCH, created_at=candidate.last_contacted_at
        ).exists(), candidate
    never = Candidate.objects.filter(last_contacted_at=None)
    assert (
        not Touch.objects.filter(candidate__in=never, status__in=[Touch.Status.SENT, Touch.Status.DONE])
        .exclude(outcome="skipped")
        .exists()
    )

    # Each timeline entry about a touch, an enrollment or a reply is dated when that happened.
    for entry in Activity.objects.filter(data__has_key="touch_id"):
        touch = Touch.objects.get(pk=entry.data["touch_id"])
        assert entry.created_at == (touch.sent_at or touch.completed_at), entry
    for entry in Activity.objects.filter(data__has_key="enrollment_id", summary__startswith="Enrolled"):
        assert entry.created_at == Enrollment.objects.get(pk=entry.data["enrollment_id"]).enrolled_at
    for entry in Activity.objects.filter(data__has_key="reply_id", kind=Activity.Kind.REPLY).exclude(
        summary__startswith="Reply tagged"
    ):
        assert entry.created_at == Reply.objects.get(pk=entry.data["reply_id"]).received_at
