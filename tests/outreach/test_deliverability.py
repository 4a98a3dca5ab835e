"""Deliverability: SPF, DKIM and DMARC looked up in real DNS (a tiny dnslib server on loopback, and a resolver
pointed at an address where nothing answers), the one-click unsubscribe headers of marketing email, and each
identity's bounce and unsubscribe rates."""

import socket
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from outreach import deliverability
from outreach.deliverability import Status, check_domains, make_resolver
from outreach.identities import identity_for
from outreach.models import EngagementEvent, Touch
from outreach.selectors import SendingRates, sending_rates
from tests.factories import CandidateFactory, RecruiterFactory, SequenceFactory, TouchFactory

pytestmark = pytest.mark.django_db

ZONE = {
    "example.org.": "v=spf1 include:_spf.mailhost.example ~all",
    "_dmarc.example.org.": "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org",
    "selector1._domainkey.example.org.": "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC",
    "longlist2026._domainkey.example.org.": "v=DKIM1; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
    "bare.example.": "some-site-verification=abc",
}


class ZoneResolver(BaseResolver):
    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname)
        if request.q.qtype == QTYPE.TXT and name in ZONE:
            reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(ZONE[name]), ttl=60))
        elif name not in ZONE:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dns_server(settings):
    """A real DNS server on loopback serving ZONE; the deliverability page asks it."""
    port = free_udp_port()
    quiet = DNSLogger(log="-request,-reply,-truncated,-error", prefix=False)
    server = DNSServer(ZoneResolver(), port=port, address="127.0.0.1", logger=quiet)
    server.start_thread()
    settings.DELIVERABILITY_DNS_SERVERS = ["127.0.0.1"]
    settings.DELIVERABILITY_DNS_PORT = port
    settings.DELIVERABILITY_DNS_TIMEOUT = 2
    yield port
    server.stop()


def identity_at(address: str):
    user = RecruiterFactory(first_name="Rosa", last_name="Martinez", email=address)
    return identity_for(user)


def test_records_published_in_dns_are_found_and_others_missing(dns_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Longlist <jobs@bare.example>"
    identity_at("rosa@example.org")

    reports = {report.domain: report for report in check_domains(extra_selectors=["longlist2026"])}

    org = reports["example.org"]
    assert (org.spf.status, org.dmarc.status, org.dkim_status) == (Status.FOUND,) * 3
    assert org.spf.detail.startswith("v=spf1")
    assert [record.name for record in org.dkim_found] == [
        "selector1._domainkey.example.org",
        "longlist2026._domainkey.example.org",
    ]
    bare = reports["bare.example"]  # a TXT record that is not SPF is no SPF
    assert (bare.spf.status, bare.dmarc.status, bare.dkim_status) == (Status.MISSING,) * 3


def test_no_dns_answer_is_could_not_check_and_waits_for_one_timeout_only(settings):
    settings.DELIVERABILITY_DNS_SERVERS = ["127.0.0.1"]
    settings.DELIVERABILITY_DNS_PORT = free_udp_port()  # nothing listens there
    settings.DELIVERABILITY_DNS_TIMEOUT = 0.5
    identity_at("rosa@example.org")
    identity_at("sam@other.example")

    started = time.monotonic()
    reports = check_domains()
    elapsed = time.monotonic() - started

    records = [record for report in reports for record in (report.spf, report.dmarc, *report.dkim)]
    assert len(records) == 3 * (2 + len(deliverability.COMMON_DKIM_SELECTORS))
    assert {record.status for record in records} == {Status.UNKNOWN}
    assert all(report.dkim_status == Status.UNKNOWN for report in reports)
    assert elapsed < 2  # the first failure ends the lookups; not 30 timeouts


def test_a_resolver_with_no_servers_could_not_check():
    resolver = make_resolver(nameservers=["127.0.0.1"])
    resolver.nameservers = []
    [record] = [deliverability.Checker(resolver).record("example.org", lambda text: True)]
    assert record.status == Status.UNKNOWN and record.detail == "no DNS resolver is configured"


def test_marketing_email_carries_the_one_click_unsubscribe_headers():
    headers = deliverability.unsubscribe_headers()
    assert headers["List-Unsubscribe"].startswith("<http") and "/o/u/" in headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_page_shows_records_headers_and_rates_per_identity(
    client, admin_user, dns_server, django_assert_max_num_queries
):
    rosa = identity_at("rosa@example.org")
    now = timezone.now()
    for n in range(10):
        touch = TouchFactory(sender=rosa.user, status="sent", sent_at=now, candidate=CandidateFactory())
        if n == 0:
            EngagementEvent.objects.create(
                candidate=touch.candidate, touch=touch, kind="bounced", occurred_at=now
            )
        if n in (1, 2):
            EngagementEvent.objects.create(
                candidate=touch.candidate, touch=touch, kind="unsubscribed", occurred_at=now
            )
    old = TouchFactory(sender=rosa.user, status="sent", sent_at=now - timedelta(days=31))
    EngagementEvent.objects.create(candidate=old.candidate, touch=old, kind="bounced", occurred_at=now)
    client.force_login(admin_user)

    with django_assert_max_num_queries(12) as few:
        page = client.get(reverse("outreach:deliverability"), {"selector": "longlist2026"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "example.org" in html and "could not check" not in html
    assert "longlist2026" in html
    assert (
        "List-Unsubscribe-Post" in html and "missing" not in html.split('id="unsubscribe-headers"')[1][:1500]
    )
    rates = page.context["rows"][0][1]
    assert (rates.sent, rates.bounced, rates.unsubscribed, rates.complained) == (10, 1, 2, 0)
    row = html[html.index(f'id="rates-{rosa.user_id}"') :].split("</tr>")[0]
    assert "(10.0%)" in row and "(20.0%)" in row and "(0.0%)" in row
    assert 'id="rates-site"' not in html  # nothing went out from the site's address

    for n in range(3):  # more identities, emails and bounces: the same number of queries
        other = identity_at(f"sam{n}@example.org")
        bounced = TouchFactory(
            sender=other.user, status="sent", sent_at=now, enrollment__sequence__sender=rosa.user
        )
        EngagementEvent.objects.create(
            candidate=bounced.candidate, touch=bounced, kind="bounced", occurred_at=now
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("outreach:deliverability"), {"selector": "longlist2026"})
    assert [rates.bounced for _, rates in page.context["rows"]] == [1, 1, 1, 1]


def sent(sender=None, *, candidate=None, days_ago: int = 1, **fields):
    candidate = candidate or CandidateFactory()
    at = timezone.now() - timedelta(days=days_ago)
    return TouchFactory(sender=sender, status="sent", sent_at=at, due_at=at, candidate=candidate, **fields)


def event(touch, kind: str, days_ago: int = 0):
    at = timezone.now() - timedelta(days=days_ago)
    return EngagementEvent.objects.create(candidate=touch.candidate, touch=touch, kind=kind, occurred_at=at)


def test_rates_count_each_person_once_against_the_emails_sent():
    rosa = RecruiterFactory()
    person = CandidateFactory()
    first, second = (sent(rosa, candidate=person, enrollment=None, kind="one_off") for _ in range(2))
    event(first, "bounced")
    event(second, "bounced")  # the same bad address twice: one person
    event(second, "complained")
    for _ in range(2):
        sent(rosa)

    rates = sending_rates().senders[rosa.pk]

    assert (rates.sent, rates.bounced, rates.unsubscribed, rates.complained) == (4, 1, 0, 1)
    assert (rates.bounce_percent, rates.unsubscribe_percent, rates.complaint_percent) == (25.0, 0.0, 25.0)


def test_rates_follow_the_sequence_sender_the_window_and_the_base_emails():
    rosa, sam = RecruiterFactory(), RecruiterFactory()
    sequence = SequenceFactory(name="Berlin", sender=rosa)
    planned_before_senders = sent(None, enrollment__sequence=sequence)  # no sender of its own: the sequence's
    event(planned_before_senders, "unsubscribed")
    sent(sam, enrollment__sequence=sequence)  # sent as Sam, in Rosa's sequence
    one_off = sent(sam, enrollment=None, kind="one_off")  # in no sequence
    event(one_off, "bounced")
    from_the_site = sent(None, enrollment=None, kind="privacy")
    old = sent(rosa, enrollment__sequence=sequence, days_ago=31)  # sent before the window
    event(old, "bounced")
    TouchFactory(sender=rosa, status="failed", enrollment__sequence=sequence)  # never sent

    window = sending_rates()

    assert window.senders == {
        rosa.pk: SendingRates(sent=1, unsubscribed=1),
        sam.pk: SendingRates(sent=2, bounced=1),
        None: SendingRates(sent=1),
    }
    assert window.sequences == {sequence.pk: SendingRates(sent=2, unsubscribed=1)}
    assert window.sequence_names == {sequence.pk: "Berlin"}
    narrowed = sending_rates(emails=Touch.objects.exclude(pk=from_the_site.pk).filter(sender=sam))
    assert narrowed.senders == {sam.pk: SendingRates(sent=2, bounced=1)}
    assert sending_rates(until=timezone.now() - timedelta(days=2)).senders == {
        rosa.pk: SendingRates(sent=1, bounced=1)
    }


def test_the_site_address_has_its_row_when_it_sent_email(client, admin_user, settings):
    settings.DELIVERABILITY_DNS_SERVERS = ["127.0.0.1"]
    settings.DELIVERABILITY_DNS_PORT, settings.DELIVERABILITY_DNS_TIMEOUT = free_udp_port(), 0.2
    event(sent(None, enrollment=None, kind="privacy"), "bounced")
    client.force_login(admin_user)
    html = client.get(reverse("outreach:deliverability")).content.decode()
    row = html[html.index('id="rates-site"') :].split("</tr>")[0]
    assert "The site's address" in row and "(100.0%)" in row


def test_a_bad_selector_is_refused_and_the_common_ones_are_still_checked(client, admin_user, dns_server):
    client.force_login(admin_user)
    page = client.get(reverse("outreach:deliverability"), {"selector": "bad selector;"})
    assert page.status_code == 200
    assert "A selector is letters, digits" in page.content.decode()
    assert page.context["selectors"] == list(deliverability.COMMON_DKIM_SELECTORS)
