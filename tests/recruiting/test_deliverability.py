"""Bounce and complaint rates per sender identity and per sequence over 30 days, against the thresholds."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from outreach import inbound
from outreach.identities import identity_for
from outreach.models import SenderIdentity
from outreach.selectors import sending_rates
from recruiting.models import InsightSettings
from recruiting.reports.deliverability import rates
from tests.factories import CandidateFactory, RecruiterFactory, SequenceFactory, TouchFactory

NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


def sent_emails(sequence, sender, count: int, days_ago: int = 3) -> list:
    return [
        TouchFactory(
            enrollment__sequence=sequence,
            enrollment__candidate=CandidateFactory(),
            sender=sender,
            status="sent",
            sent_at=NOW - timedelta(days=days_ago),
            due_at=NOW - timedelta(days=days_ago),
        )
        for _ in range(count)
    ]


@pytest.fixture
def history(db):
    """Rita sent 100 emails in "Berlin" (5 bounced, 1 complaint); Sam sent 20 in "Paris", all fine, and 5 more
    40 days ago that bounced (outside the window)."""
    rita, sam = RecruiterFactory(first_name="Rita"), RecruiterFactory(first_name="Sam", last_name="Sender")
    SenderIdentity.objects.create(user=rita, display_name="Rita Recruiter", address="rita@longlist.example")
    berlin, paris = SequenceFactory(name="Berlin", sender=rita), SequenceFactory(name="Paris", sender=sam)
    touches = sent_emails(berlin, rita, 100)
    for touch in touches[:5]:
        inbound.record_hard_bounce(
            address=touch.candidate.email, touch=touch, occurred_at=NOW - timedelta(days=2)
        )
    inbound.record_complaint(
        address=touches[9].candidate.email, touch=touches[9], occurred_at=NOW - timedelta(days=1)
    )
    sent_emails(paris, sam, 20)
    for touch in sent_emails(paris, sam, 5, days_ago=40):
        inbound.record_hard_bounce(
            address=touch.candidate.email, touch=touch, occurred_at=NOW - timedelta(days=39)
        )
    return rita, sam, berlin, paris


def test_rates_per_sender_identity_and_sequence_flag_what_is_over_the_thresholds(history):
    rita, sam, berlin, paris = history
    report = rates(sending_rates(until=NOW), settings=InsightSettings.current())
    senders = {row.label: row for row in report.senders}
    assert set(senders) == {"Rita Recruiter <rita@longlist.example>", "Sam Sender"}
    rita_row = senders["Rita Recruiter <rita@longlist.example>"]
    assert (rita_row.sent, rita_row.bounced, rita_row.complained) == (100, 5, 1)
    assert (rita_row.bounce_rate, rita_row.complaint_rate) == (5.0, 1.0)
    assert rita_row.bounce_alert and rita_row.complaint_alert  # 5% ≥ 5%, 1% ≥ 0.3%
    sam_row = senders["Sam Sender"]
    assert (sam_row.sent, sam_row.bounced, sam_row.alert) == (20, 0, False)
    sequences = {row.label: row for row in report.sequences}
    assert sequences["Berlin"].alert and not sequences["Paris"].alert
    assert (rita_row.key, sam_row.key, sequences["Berlin"].key, sequences["Paris"].key) == (
        rita.pk,
        sam.pk,
        berlin.pk,
        paris.pk,
    )
    assert [row.label for row in report.alerts] == ["Rita Recruiter <rita@longlist.example>", "Berlin"]


def test_higher_thresholds_flag_nothing(history):
    settings = InsightSettings.current()
    settings.bounce_alert_percent, settings.complaint_alert_percent = 10, Decimal("2")
    assert rates(sending_rates(until=NOW), settings=settings).alerts == []


def test_the_rates_are_a_constant_number_of_queries(db, django_assert_num_queries):
    settings = InsightSettings.current()
    sent_emails(SequenceFactory(), RecruiterFactory(), 2)
    with django_assert_num_queries(4):  # sent, people per sender, people per sequence; the senders
        rates(sending_rates(until=NOW), settings=settings)
    for _ in range(4):
        touches = sent_emails(SequenceFactory(), RecruiterFactory(), 3)
        inbound.record_hard_bounce(address=touches[0].candidate.email, touch=touches[0], occurred_at=NOW)
    with django_assert_num_queries(4):
        report = rates(sending_rates(until=NOW), settings=settings)
    assert sorted(row.bounced for row in report.senders) == [0, 1, 1, 1, 1]


def test_the_admin_home_and_the_reports_show_them(client, admin_user, history, time_machine):
    time_machine.move_to(NOW, tick=False)
    client.force_login(admin_user)
    home = client.get(reverse("home")).content.decode()
    card = home[home.index('id="deliverability"') :]
    assert "Rita Recruiter" in card and "5.0% bounced" in card and "1.0% spam" in card
    page = client.get(
        reverse("reports"), {"date_from": "2027-01-01", "date_to": "2027-01-31"}
    ).content.decode()
    section = page[page.index('id="report-deliverability"') :]
    assert "Rita Recruiter &lt;rita@longlist.example&gt;" in section and "Sam Sender" in section
    assert '<span class="badge badge-danger">1.0%</span>' in section


def test_the_deliverability_page_and_the_reports_show_the_same_rates(
    client, admin_user, history, settings, time_machine
):
    """One computation: the admins' Deliverability page (settings) and the Reports page agree on each sender."""
    settings.DELIVERABILITY_DNS_SERVERS = ["127.0.0.1"]  # nothing answers on port 9: "could not check"
    settings.DELIVERABILITY_DNS_PORT, settings.DELIVERABILITY_DNS_TIMEOUT = 9, 0.2
    rita, sam, _, _ = history
    identity_for(sam)  # the page lists the identities
    time_machine.move_to(NOW)  # ticking: DNS timeouts need a clock that moves
    client.force_login(admin_user)
    page = client.get(reverse("outreach:deliverability"))
    report = client.get(reverse("reports"), {"date_from": "2027-01-01", "date_to": "2027-02-01"})
    settings_rates = {identity.user_id: rates for identity, rates in page.context["rows"]}
    report_rows = {row.key: row for row in report.context["deliverability"].senders}
    for user in (rita, sam):
        shown, reported = settings_rates[user.pk], report_rows[user.pk]
        assert (shown.sent, shown.bounced, shown.complained) == (
            reported.sent,
            reported.bounced,
            reported.complained,
        )
        assert (shown.bounce_percent, shown.complaint_percent) == (
            reported.bounce_rate,
            reported.complaint_rate,
        )
    assert (report_rows[rita.pk].bounce_rate, report_rows[rita.pk].complaint_rate) == (5.0, 1.0)
    html = page.content.decode()
    row = html[html.index(f'id="rates-{rita.pk}"') :].split("</tr>")[0]
    assert ">100<" in row and "(5.0%)" in row and "(1.0%)" in row
    reported_html = report.content.decode()
    row = reported_html[reported_html.index(f'id="deliverability-sender-{rita.pk}"') :].split("</tr>")[0]
    assert ">100<" in row and "5.0%" in row and "1.0%" in row
