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
from outreach.models import EngagementEvent
from tests.factories import CandidateFactory, RecruiterFactory, TouchFactory

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
        touch = TouchFactory(sender=rosa.user, status="sent", candidate=CandidateFactory())
        EngagementEvent.objects.create(candidate=touch.candidate, touch=touch, kind="sent", occurred_at=now)
        if n == 0:
            EngagementEvent.objects.create(
                candidate=touch.candidate, touch=touch, kind="bounced", occurred_at=now
            )
        if n in (1, 2):
            EngagementEvent.objects.create(
                candidate=touch.candidate, touch=touch, kind="unsubscribed", occurred_at=now
            )
    old = TouchFactory(sender=rosa.user, status="sent")
    EngagementEvent.objects.create(
        candidate=old.candidate, touch=old, kind="bounced", occurred_at=now - timedelta(days=31)
    )
    client.force_login(admin_user)

    with django_assert_max_num_queries(12):
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
    assert "(10.0%)" in html and "(20.0%)" in html


def test_a_bad_selector_is_refused_and_the_common_ones_are_still_checked(client, admin_user, dns_server):
    client.force_login(admin_user)
    page = client.get(reverse("outreach:deliverability"), {"selector": "bad selector;"})
    assert page.status_code == 200
    assert "A selector is letters, digits" in page.content.decode()
    assert page.context["selectors"] == list(deliverability.COMMON_DKIM_SELECTORS)
