"""The calls and interviews report: days from first touch to first call, and no-shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import Meeting
from recruiting.reports.common import ReportFilters
from recruiting.reports.meetings import meeting_insight
from tests.factories import CandidateFactory, MeetingTypeFactory, TouchFactory

pytestmark = pytest.mark.django_db


def test_days_from_first_touch_to_first_call_and_no_shows(django_assert_max_num_queries):
    chat = MeetingTypeFactory(name="Chat")
    start = timezone.now() - timedelta(days=2)

    def call(candidate, at, **fields):
        return Meeting.objects.create(
            meeting_type=chat, candidate=candidate, starts_at=at, ends_at=at + timedelta(minutes=30), **fields
        )

    touched = CandidateFactory()
    TouchFactory(
        candidate=touched, enrollment__candidate=touched, status="sent", sent_at=start - timedelta(days=10)
    )
    call(touched, start)
    call(touched, start + timedelta(hours=1), no_show=True)  # not their first call, but a no-show
    call(CandidateFactory(), start)  # nobody touched them before
    call(CandidateFactory(), start, status=Meeting.Status.CANCELLED)
    filters = ReportFilters(date_from=(start - timedelta(days=1)).date(), date_to=timezone.localdate())
    with django_assert_max_num_queries(2):
        report = meeting_insight(filters)
    assert report.totals["first_calls"] == 1
    assert report.totals["median_days_to_first_call"] == 10.0
    assert report.totals["no_touch"] == 1
    assert (report.totals["held"], report.totals["no_shows"], report.totals["no_show_rate"]) == (3, 1, 33.3)
    assert report.table()[1] == [["Chat", 3, 1, 33.3]]
