"""Deliverability basics for self-hosters: whether each sending domain publishes SPF, DKIM and DMARC records
(looked up with dnspython), and whether marketing email carries the one-click unsubscribe headers.

A lookup that cannot be made (no network, no resolver, a server that does not answer) is "could not check",
never "missing": only an answer from DNS says a record is not there. After the first such failure the other
lookups are not tried, so a page with no network answers at once instead of waiting for every timeout.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr

import dns.exception
import dns.resolver
from django.conf import settings

from candidates.models import Candidate

from . import email as outreach_email
from .models import Enrollment, SenderIdentity, Sequence, Touch

COMMON_DKIM_SELECTORS = ("default", "google", "selector1", "selector2", "k1", "mail", "s1", "s2")
UNSUBSCRIBE_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


class Status(enum.StrEnum):
    FOUND = "found"
    MISSING = "missing"
    UNKNOWN = "could not check"


@dataclass(frozen=True)
class Record:
    """One record looked up: where, what was found (its text) or why it could not be checked."""

    name: str
    status: Status
    detail: str = ""


@dataclass
class DomainReport:
    domain: str
    identities: list[SenderIdentity]
    spf: Record
    dmarc: Record
    dkim: list[Record] = field(default_factory=list)

    @property
    def dkim_status(self) -> Status:
        if any(record.status == Status.FOUND for record in self.dkim):
            return Status.FOUND
        if any(record.status == Status.UNKNOWN for record in self.dkim):
            return Status.UNKNOWN
        return Status.MISSING

    @property
    def dkim_found(self) -> list[Record]:
        return [record for record in self.dkim if record.status == Status.FOUND]


class DNSUnavailable(Exception):
    """No answer from DNS: the network, the resolver or the domain's servers."""


def make_resolver(
    *, nameservers: list[str] | None = None, port: int | None = None, timeout: float | None = None
):
    """A resolver with a short lifetime: `nameservers`, else DELIVERABILITY_DNS_SERVERS, else the system's.
    With no resolver configured (no /etc/resolv.conf), one with no servers: every lookup is then "could not
    check"."""
    nameservers = nameservers or settings.DELIVERABILITY_DNS_SERVERS or None
    if nameservers is None:
        try:
            resolver = dns.resolver.Resolver(configure=True)
        except dns.resolver.NoResolverConfiguration:
            resolver = dns.resolver.Resolver(configure=False)
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = list(nameservers)
        resolver.port = port or settings.DELIVERABILITY_DNS_PORT
    resolver.lifetime = resolver.timeout = timeout or settings.DELIVERABILITY_DNS_TIMEOUT
    return resolver


def txt_records(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """The TXT strings at `name` ([] when DNS answers that there are none)."""
    if not resolver.nameservers:
        raise DNSUnavailable("no DNS resolver is configured")
    try:
        answer = resolver.resolve(name, "TXT", search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.resolver.NoNameservers as error:
        raise DNSUnavailable("no DNS server answered") from error
    except dns.exception.Timeout as error:
        raise DNSUnavailable("DNS did not answer in time") from error
    except (dns.exception.DNSException, OSError) as error:
        raise DNSUnavailable(str(error) or type(error).__name__) from error
    return [b"".join(rdata.strings).decode(errors="replace") for rdata in answer]


class Checker:
    """Looks records up until DNS first fails; from then on everything is "could not check"."""

    def __init__(self, resolver: dns.resolver.Resolver):
        self.resolver = resolver
        self.unavailable = ""

    def record(self, name: str, matches) -> Record:
        if self.unavailable:
            return Record(name, Status.UNKNOWN, self.unavailable)
        try:
            found = [text for text in txt_records(self.resolver, name) if matches(text)]
        except DNSUnavailable as error:
            self.unavailable = str(error)
            return Record(name, Status.UNKNOWN, self.unavailable)
        return Record(name, Status.FOUND, found[0]) if found else Record(name, Status.MISSING)

    def domain(self, domain: str, identities: list[SenderIdentity], selectors: Iterable[str]) -> DomainReport:
        return DomainReport(
            domain=domain,
            identities=identities,
            spf=self.record(domain, lambda text: text.lower().startswith("v=spf1")),
            dmarc=self.record(f"_dmarc.{domain}", lambda text: text.lower().startswith("v=dmarc1")),
            dkim=[
                self.record(f"{selector}._domainkey.{domain}", _is_dkim_key)
                for selector in dict.fromkeys(selectors)
            ],
        )


def _is_dkim_key(text: str) -> bool:
    tags = {part.split("=", 1)[0].strip().lower() for part in text.split(";") if "=" in part}
    return "p" in tags


def domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower().rstrip(".")


def sending_domains() -> dict[str, list[SenderIdentity]]:
    """Each domain identities send from (and the site's DEFAULT_FROM_EMAIL), with its identities."""
    domains: dict[str, list[SenderIdentity]] = {}
    site = domain_of(settings.DEFAULT_FROM_EMAIL)
    if site:
        domains[site] = []
    for identity in SenderIdentity.objects.select_related("user").order_by("display_name"):
        domain = domain_of(identity.address)
        if domain:
            domains.setdefault(domain, []).append(identity)
    return domains


def check_domains(
    *, extra_selectors: Iterable[str] = (), resolver: dns.resolver.Resolver | None = None
) -> list[DomainReport]:
    checker = Checker(resolver or make_resolver())
    selectors = [*COMMON_DKIM_SELECTORS, *extra_selectors]
    return [
        checker.domain(domain, identities, selectors)
        for domain, identities in sorted(sending_domains().items())
    ]


def unsubscribe_headers() -> dict[str, str]:
    """The unsubscribe headers on a marketing email as the dispatcher builds it (a sequence step, not sent)."""
    candidate = Candidate(first_name="Alex", email="alex@example.com", source="applied")
    touch = Touch(
        enrollment=Enrollment(sequence=Sequence(name="Sample"), candidate=candidate),
        candidate=candidate,
        channel="email",
        subject="Hello",
        body="Hello {{ first_name }}",
    )
    message = outreach_email.build_message(touch)
    return {name: message.extra_headers.get(name, "") for name in UNSUBSCRIBE_HEADERS}
