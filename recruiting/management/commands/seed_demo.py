"""Load realistic demo data: users for every role, ~300 candidates, pools, sequences, boards and referrals.

    python manage.py seed_demo

Deterministic (fixed random and Faker seeds) and idempotent: every object is looked up by its natural key
(username, candidate email or LinkedIn URL, pool / sequence / requisition name, one card per board,
one enrollment per sequence, one referral per referrer and person, one silver medal per person and role)
and only what is missing is created, so a second run creates and changes nothing. Everything goes through
the apps' services, so the candidate timelines and stage histories look as if people had done the work in
the browser; then the times are set back, so the reports have weeks of history to show: cards moved along
their boards over the last two months (two of them hired), passive people who became ready to talk weeks
after a first LinkedIn connection, and follow-up sequences whose emails went out, were opened, clicked,
replied to and (once or twice) unsubscribed from. Times come from generators seeded per person, so they are
the same on every run.
"""

import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from candidates import services as candidate_services
from candidates.models import (
    Activity,
    Candidate,
    LawfulBasis,
    Referral,
    SeekingStatus,
    SilverMedal,
    Skill,
    Source,
    TalentPool,
)
from candidates.roles import ADMIN, EMPLOYEE, HIRING_MANAGER, RECRUITER
from candidates.selectors import find_existing_candidate
from outreach import conversation, engagement, placeholders
from outreach import email as outreach_email
from outreach import services as outreach_services
from outreach.models import (
    Channel,
    EngagementEvent,
    Enrollment,
    PlannedRoleCampaign,
    Reply,
    Sequence,
    Step,
    Touch,
)
from outreach.selectors import day_bounds
from pipelines import services as pipeline_services
from pipelines.models import TALENT_STAGES, Card, CareersSettings, Pipeline, Requisition, StageChange

SEED = 20250611
PASSWORD = "longlist"
CANDIDATE_COUNT = 300

# ---------------------------------------------------------------------------------------------------
# Fixed demo content
# ---------------------------------------------------------------------------------------------------

USERS = [
    # username, first name, last name, role, is_superuser
    ("admin", "Ada", "Lindqvist", ADMIN, True),
    ("recruiter", "Rosa", "Martinez", RECRUITER, False),
    ("recruiter2", "Tom", "Becker", RECRUITER, False),
    ("manager", "Maya", "Patel", HIRING_MANAGER, False),
    ("manager2", "Jonas", "Weber", HIRING_MANAGER, False),
    ("employee", "Sam", "Okafor", EMPLOYEE, False),
]


def _split(text: str) -> list[str]:
    """'a; b; c' -> ['a', 'b', 'c'] (keeps the long demo vocabularies below readable)."""
    return [item.strip() for item in text.split(";") if item.strip()]


def _cities(text: str) -> list[tuple[str, str]]:
    """'London=Europe/London; Bristol=Europe/London' -> [(city, IANA timezone), ...]."""
    return [tuple(item.split("=")) for item in _split(text)]


# fmt: off
# country: (Faker locale for names, weight, [(city, IANA timezone), ...]). Berlin is listed twice on purpose.
LOCATIONS: dict[str, tuple[str, int, list[tuple[str, str]]]] = {
    "GB": ("en_GB", 16, _cities("London=Europe/London; Manchester=Europe/London; Edinburgh=Europe/London; Bristol=Europe/London")),
    "US": ("en_US", 13, _cities("New York=America/New_York; San Francisco=America/Los_Angeles; Austin=America/Chicago; Seattle=America/Los_Angeles; Boston=America/New_York")),
    "DE": ("de_DE", 19, _cities("Berlin=Europe/Berlin; Berlin=Europe/Berlin; Munich=Europe/Berlin; Hamburg=Europe/Berlin; Cologne=Europe/Berlin")),
    "NL": ("nl_NL", 10, _cities("Amsterdam=Europe/Amsterdam; Rotterdam=Europe/Amsterdam; Utrecht=Europe/Amsterdam")),
    "FR": ("fr_FR", 8, _cities("Paris=Europe/Paris; Lyon=Europe/Paris; Nantes=Europe/Paris")),
    "AU": ("en_AU", 5, _cities("Sydney=Australia/Sydney; Melbourne=Australia/Melbourne; Brisbane=Australia/Brisbane")),
    "CA": ("en_CA", 6, _cities("Toronto=America/Toronto; Vancouver=America/Vancouver; Montreal=America/Toronto")),
    "IE": ("en_IE", 6, _cities("Dublin=Europe/Dublin; Cork=Europe/Dublin")),
    "ES": ("es_ES", 8, _cities("Madrid=Europe/Madrid; Barcelona=Europe/Madrid; Valencia=Europe/Madrid")),
    "SE": ("sv_SE", 9, _cities("Stockholm=Europe/Stockholm; Gothenburg=Europe/Stockholm; Malmö=Europe/Stockholm")),
}
EUROPE = {"GB", "DE", "NL", "FR", "IE", "ES", "SE"}

# Job families: (titles, skills people in them list).
FAMILIES: dict[str, tuple[list[str], list[str]]] = {
    "backend": (
        _split("Backend Engineer; Senior Backend Engineer; Software Engineer; Staff Software Engineer; Platform Engineer"),
        _split("Python; Go; Java; PostgreSQL; Kubernetes; AWS; Docker; gRPC; Kafka; Redis; Django; Distributed systems; API design"),
    ),
    "frontend": (
        _split("Frontend Engineer; Senior Frontend Engineer; Full-stack Engineer"),
        _split("TypeScript; React; Next.js; CSS; GraphQL; Vue.js; Accessibility; Node.js; Web performance"),
    ),
    "data": (
        _split("Data Engineer; Senior Data Engineer; Analytics Engineer; Data Analyst"),
        _split("SQL; Python; dbt; Airflow; Spark; Snowflake; BigQuery; Kafka; Looker; Data modelling"),
    ),
    "ml": (
        _split("Machine Learning Engineer; Data Scientist; Senior Data Scientist; MLOps Engineer"),
        _split("Python; PyTorch; TensorFlow; scikit-learn; MLOps; NLP; Computer vision; Statistics; SQL; LLMs"),
    ),
    "leader": (
        _split("Engineering Manager; Senior Engineering Manager; Head of Engineering; Director of Engineering; VP Engineering"),
        _split("People management; Hiring; Roadmapping; Agile; System design; Stakeholder management; Mentoring; Budgeting"),
    ),
    "design": (
        _split("Product Designer; Senior Product Designer; Lead Product Designer; UX Researcher"),
        _split("Figma; Design systems; User research; Prototyping; Interaction design; Usability testing; Accessibility; Visual design"),
    ),
    "product": (
        _split("Product Manager; Senior Product Manager; Group Product Manager"),
        _split("Product discovery; Roadmapping; Analytics; A/B testing; SQL; Stakeholder management; Pricing"),
    ),
    "devops": (
        _split("DevOps Engineer; Site Reliability Engineer; Cloud Engineer"),
        _split("Kubernetes; Terraform; AWS; GCP; Prometheus; Linux; CI/CD; Ansible; Incident response"),
    ),
    "gameplay": (
        _split("Gameplay Programmer; Senior Gameplay Programmer; Game Designer; Graphics Programmer"),
        _split("C++; Unity; Unreal Engine; C#; Game physics; Multiplayer networking; Shaders; LiveOps"),
    ),
}

# industry: (weight, companies (fictional), industry skills, weights of the job families)
INDUSTRIES: dict[str, tuple[int, list[str], list[str], dict[str, int]]] = {
    "Software": (
        28,
        _split("Cloudberry; Nimbus Labs; Stackform; Brightloop; Kiteworks Cloud; Northwind Software"),
        _split("SaaS; Microservices; Developer tools"),
        {"backend": 30, "frontend": 15, "data": 8, "ml": 6, "leader": 12, "design": 12, "product": 9, "devops": 10},
    ),
    "Fintech": (
        18,
        _split("Ledgerly; Paywave; Northbank Digital; Cobalt Pay; Tally Money"),
        _split("Payments; PCI DSS; Fraud detection; Open banking; Kotlin; Risk modelling"),
        {"backend": 32, "frontend": 8, "data": 16, "ml": 10, "leader": 10, "design": 8, "product": 8, "devops": 8},
    ),
    "Healthcare": (
        14,
        _split("Medisync; CarePath; Helix Health; Vitalis Digital; Pulse Clinic Systems"),
        _split("HL7 FHIR; HIPAA; Clinical data; GDPR; Medical imaging"),
        {"backend": 20, "frontend": 10, "data": 18, "ml": 16, "leader": 8, "design": 12, "product": 10, "devops": 6},
    ),
    "E-commerce": (
        14,
        _split("Basketly; Shopfront; Cartwheel; Marketfield; Parcelwise"),
        _split("Search relevance; Recommendation systems; Conversion optimisation; Checkout; Marketplaces"),
        {"backend": 22, "frontend": 18, "data": 14, "ml": 10, "leader": 8, "design": 14, "product": 10, "devops": 4},
    ),
    "Climate tech": (
        14,
        _split("Gridwise; Carbonfield; Solstice Energy; Tidal Analytics; Verdant Labs"),
        _split("Energy markets; Time series; IoT; Geospatial; Battery analytics"),
        {"backend": 22, "frontend": 8, "data": 22, "ml": 16, "leader": 10, "design": 8, "product": 8, "devops": 6},
    ),
    "Gaming": (
        12,
        _split("Pixel Forge; Nightjar Games; Lumen Studios; Arcadia Interactive; Hexbyte"),
        _split("Unity; Unreal Engine; Player analytics; LiveOps; Monetisation"),
        {"gameplay": 34, "backend": 18, "frontend": 6, "data": 8, "ml": 4, "leader": 8, "design": 14, "product": 4, "devops": 4},
    ),
}
# fmt: on

# Titles only some industries have, added to the family's list there.
INDUSTRY_TITLES = {
    ("Fintech", "backend"): ["Payments Engineer"],
    ("Healthcare", "data"): ["Clinical Data Engineer"],
    ("Climate tech", "ml"): ["Energy Data Scientist"],
    ("E-commerce", "ml"): ["Search & Recommendations Engineer"],
    ("Gaming", "backend"): ["Online Services Engineer"],
}

# Source mix for (active, passive) candidates.
SOURCE_WEIGHTS = {
    SeekingStatus.ACTIVE: {
        Source.APPLIED: 60,
        Source.REFERRAL: 10,
        Source.EVENT: 8,
        Source.DATABASE: 10,
        Source.SOURCED: 10,
        Source.OTHER: 2,
    },
    SeekingStatus.PASSIVE: {
        Source.SOURCED: 44,
        Source.REFERRAL: 10,
        Source.EVENT: 13,
        Source.DATABASE: 12,
        Source.SILVER_MEDALIST: 15,
        Source.OTHER: 6,
    },
}

EVENTS = [
    "PyCon DE",
    "a Berlin Go meetup",
    "Config",
    "KubeCon EU",
    "a London data meetup",
    "our open office evening",
]
MONTHS = ["March", "April", "June", "September", "October", "January"]

NOTE_TEMPLATES = {
    Source.EVENT: [
        "Met at {event}. Gave a great lightning talk on {skill}; keen to stay in touch.",
        "Chatted at {event} about {skill}. Happy where they are but curious about our {industry} work.",
    ],
    Source.SILVER_MEDALIST: [
        "Came second for a {family_title} role last year; the panel loved their {skill} depth. Rediscover first.",
        "Silver medalist: strong final round, lost out on timing only. Asked us to reach out again in {month}.",
    ],
    Source.REFERRAL: [
        "Referred by a former colleague. Very strong on {skill}; prefers LinkedIn over email.",
    ],
    Source.APPLIED: [
        "Applied via the careers page. Notice period {weeks} weeks; salary expectation within band.",
        "Applied for the {family_title} opening. Good {skill} answers in the questionnaire.",
    ],
    "passive": [
        "Not looking right now: equity vests in {month}. Open to a coffee chat after that.",
        "Replied politely to the first message. Interested in {skill} problems and remote-friendly teams.",
        "Follows our engineering blog; liked the post on {skill}. Warm, but not in a hurry.",
        "Prefers LinkedIn over email. Asked about team size and on-call before anything else.",
    ],
}

POOLS = [
    (
        "Backend engineers — Berlin expansion",
        "Backend and platform engineers in or near Germany, for the Berlin office opening in six months.",
    ),
    ("Data & ML", "Data engineers, analytics engineers, data scientists and ML engineers."),
    ("Engineering leaders", "Engineering managers, heads of engineering and staff engineers ready to lead."),
    ("Silver medalists", "Came second, or were right but the timing wasn't. Rediscover them first."),
    ("Product designers", "Product designers and UX researchers, all seniorities."),
]

SEQUENCES = [
    {
        "name": "Passive nurture — 6 months",
        "purpose": (
            "A slow, relationship-first cadence for passive candidates: connect and engage on LinkedIn before "
            "the first email, then share something useful every few weeks. Stops as soon as they reply."
        ),
        "daily_cap": 40,
        "min_gap_days": 5,
        "steps": [
            (
                0,
                "days",
                Channel.LINKEDIN_CONNECT,
                "",
                (
                    "Hi {{ first_name }}, I enjoyed reading about your work as {{ title }} at {{ company }}. "
                    "I'd love to connect and follow along. — {{ sender_name }}"
                ),
            ),
            (
                1,
                "weeks",
                Channel.ENGAGE,
                "",
                (
                    "Like or leave a thoughtful comment on a recent post by {{ first_name }}. "
                    "No pitch: just show up in their feed."
                ),
            ),
            (
                2,
                "weeks",
                Channel.EMAIL,
                "Something for {{ title }}s at {{ company }}",
                (
                    "Hi {{ first_name }},\n\nWe recently wrote up how our team handles the problems a {{ title }} "
                    "deals with every day, and I thought of you. No agenda: I just think you'd find it useful.\n\n"
                    "Best,\n{{ sender_name }}"
                ),
            ),
            (
                1,
                "months",
                Channel.EMAIL,
                "What we're building next",
                (
                    "Hi {{ first_name }},\n\nA quick update from our side: we're planning a new team for next "
                    "year and I keep meeting people like you at {{ company }} who would shape it. Happy to share "
                    "more whenever it's useful to you.\n\nBest,\n{{ sender_name }}"
                ),
            ),
            (
                6,
                "weeks",
                Channel.LINKEDIN_MESSAGE,
                "",
                (
                    "Hi {{ first_name }}, hope things are going well at {{ company }}. Would a 15-minute chat "
                    "sometime this quarter be interesting? No pressure at all. — {{ sender_name }}"
                ),
            ),
            (
                3,
                "months",
                Channel.EMAIL,
                "Still open to a conversation, {{ first_name }}?",
                (
                    "Hi {{ first_name }},\n\nOur Berlin team is about to open and I'd love you to hear about it "
                    "before the roles go public. If the timing is wrong, just say so and I'll check back later.\n\n"
                    "Best,\n{{ sender_name }}"
                ),
            ),
        ],
    },
    {
        "name": "Active candidate follow-up",
        "purpose": "Fast follow-up for people who are looking: two short emails, then a call.",
        "daily_cap": 100,
        "min_gap_days": 1,
        "steps": [
            (
                0,
                "days",
                Channel.EMAIL,
                "Next steps for the {{ title }} role",
                (
                    "Hi {{ first_name }},\n\nThanks for your interest! I'd love to set up a 30-minute call this "
                    "week. Which times work for you?\n\nBest,\n{{ sender_name }}"
                ),
            ),
            (
                3,
                "days",
                Channel.EMAIL,
                "Quick nudge, {{ first_name }}",
                (
                    "Hi {{ first_name }},\n\nJust bringing this back to the top of your inbox. Happy to work "
                    "around your schedule.\n\n{{ sender_name }}"
                ),
            ),
            (2, "days", Channel.CALL, "", "Call {{ first_name }} to book the first interview."),
        ],
    },
    {
        "name": "Event follow-up",
        "purpose": "For people we met at meetups and conferences: thank them, connect, stay in touch.",
        "daily_cap": 60,
        "min_gap_days": 3,
        "steps": [
            (
                1,
                "days",
                Channel.EMAIL,
                "Great to meet you, {{ first_name }}",
                (
                    "Hi {{ first_name }},\n\nIt was great to meet you last week. As promised, I'll keep you in "
                    "the loop about what we're building. Say hi to the team at {{ company }}!\n\n{{ sender_name }}"
                ),
            ),
            (
                2,
                "days",
                Channel.LINKEDIN_CONNECT,
                "",
                (
                    "Hi {{ first_name }}, great chatting at the event. Let's stay in touch! — {{ sender_name }}"
                ),
            ),
            (
                3,
                "weeks",
                Channel.EMAIL,
                "Slides and recordings",
                (
                    "Hi {{ first_name }},\n\nThe talk recordings are up; thought you might like them. We run a "
                    "meetup every quarter, and you'd be very welcome.\n\n{{ sender_name }}"
                ),
            ),
            (1, "months", Channel.TASK, "", "Invite {{ first_name }} personally to our next meetup."),
        ],
    },
]
NURTURE, ACTIVE_FOLLOW_UP, EVENT_FOLLOW_UP = (s["name"] for s in SEQUENCES)

REQUISITIONS = [
    {
        "title": "Senior Backend Engineer",
        "department": "Engineering",
        "location": "London (hybrid)",
        "status": Requisition.Status.OPEN,
        "manager": "manager",
        "opened_days_ago": 24,
        "pools": ["Backend engineers — Berlin expansion", "Silver medalists"],
        "industry": "Software",
        "skills": ["Python", "Go", "PostgreSQL", "Django", "Kubernetes"],
        "families": {"backend"},
        "min_years": 4,
        "cards": 22,
        "passive_hire": True,
        "description": (
            "Join the platform team that runs the APIs behind our products. You'll design services in Python "
            "and Go, own them in production and mentor two mid-level engineers. We care about simple designs, "
            "good tests and calm on-call."
        ),
    },
    {
        "title": "Product Designer",
        "department": "Design",
        "location": "Amsterdam or remote (EU)",
        "status": Requisition.Status.OPEN,
        "manager": "manager2",
        "opened_days_ago": 15,
        "pools": ["Product designers"],
        "industry": "Software",
        "skills": ["Figma", "Design systems", "User research", "Prototyping"],
        "families": {"design"},
        "min_years": 2,
        "cards": 12,
        "description": (
            "Shape the recruiter's daily workspace end to end, from research to polished interaction design. "
            "You'll work in a trio with a product manager and a tech lead and own our design system."
        ),
    },
    {
        "title": "Data Engineer",
        "department": "Data",
        "location": "London",
        "status": Requisition.Status.OPEN,
        "manager": "manager",
        "opened_days_ago": 40,
        "pools": ["Data & ML"],
        "industry": "Software",
        "skills": ["SQL", "Python", "dbt", "Airflow", "Data modelling"],
        "families": {"data", "ml"},
        "min_years": 2,
        "cards": 16,
        "description": (
            "Build the pipelines that turn millions of engagement events into the signals recruiters rely on. "
            "dbt, Airflow and PostgreSQL today; you'll help decide what comes next."
        ),
    },
    {
        "title": "Engineering Manager, Berlin",
        "department": "Engineering",
        "location": "Berlin",
        "status": Requisition.Status.PLANNED,
        "manager": "manager",
        "expected_in_days": 182,
        "headcount": 2,
        "pools": ["Backend engineers — Berlin expansion", "Engineering leaders"],
        "industry": "Software",
        "skills": ["People management", "Hiring", "System design", "Mentoring"],
        "families": set(),
        "cards": 0,
        "description": (
            "We open our Berlin office in six months and need two engineering managers to build its first "
            "teams. Start the conversations now: the people we want are not looking and will need time."
        ),
    },
]

# Silver medals from earlier rounds of the demo roles, for rediscovery: job family -> requisition title.
SILVER_MEDAL_ROLES = {
    "backend": "Senior Backend Engineer",
    "devops": "Senior Backend Engineer",
    "data": "Data Engineer",
    "ml": "Data Engineer",
    "design": "Product Designer",
}
SILVER_MEDAL_COUNT = 12
# reason: (weight, what the recruiter wrote)
SILVER_MEDAL_REASONS = {
    "timing": (35, "Wanted to stay until their equity vested; asked us to come back"),
    "compensation": (20, "Our offer was below their current package"),
    "another_candidate": (30, "Close second; the other finalist had more domain experience"),
    "location": (5, "Could not relocate at the time"),
    "not_qualified": (10, "Not enough depth in system design then"),
}

PITCH_REASONS = [
    "has led a migration very like ours and can tell the story well",
    "is the strongest communicator on this shortlist",
    "came recommended by two people we trust",
    "has been warming up for months and is now genuinely interested",
    "brings exactly the domain knowledge the team is missing",
    "ran a team through rapid growth and kept the quality bar",
]

# Referrals: referrer, person, relationship, reason, role in mind, statuses to move through.
# person "existing" means a candidate already in the database (picked from the Data Engineer board).
REFERRALS = [
    {
        "referrer": "employee",
        "person": (
            "Priya",
            "Raman",
            "priya.raman@example.org",
            "https://www.linkedin.com/in/priya-raman-dev",
        ),
        "relationship": "Former colleague at Ledgerly",
        "reason": "Priya rebuilt our payments ledger with zero downtime. Calm under pressure and a great mentor.",
        "role_title": "Senior Backend Engineer",
        "statuses": [Referral.Status.REVIEWING, Referral.Status.CONTACTED],
        "profile": ("Senior Backend Engineer", "Ledgerly", "Fintech", "GB", "London", "Europe/London", 8),
        "skills": ["Python", "PostgreSQL", "Payments", "Kafka"],
        "card": ("Senior Backend Engineer", "Contacted"),
    },
    {
        "referrer": "employee",
        "person": ("Lucas", "Moreau", "lucas.moreau@example.org", ""),
        "relationship": "University friend",
        "reason": "Lucas has an eye for detail and runs research sessions better than anyone I know.",
        "role_title": "Product Designer",
        "statuses": [Referral.Status.REVIEWING],
        "profile": ("Product Designer", "Shopfront", "E-commerce", "FR", "Paris", "Europe/Paris", 5),
        "skills": ["Figma", "User research", "Prototyping"],
    },
    {
        "referrer": "employee",
        "person": "existing",
        "relationship": "Worked together on an open-source project",
        "reason": "Writes the clearest data pipelines I've seen, and documents them.",
        "role_title": "Data Engineer",
        "statuses": [Referral.Status.REVIEWING, Referral.Status.INTERVIEWING],
    },
    {
        "referrer": "employee",
        "person": (
            "Hannah",
            "Schmidt",
            "hannah.schmidt@example.org",
            "https://www.linkedin.com/in/hannahschmidt-em",
        ),
        "relationship": "Met at a Berlin Go meetup",
        "reason": "Hannah grew a team from 3 to 12 in Berlin and knows the local market very well.",
        "role_title": "Engineering Manager, Berlin",
        "statuses": [],
        "profile": ("Engineering Manager", "Stackform", "Software", "DE", "Berlin", "Europe/Berlin", 12),
        "skills": ["People management", "Go", "Hiring"],
    },
    {
        "referrer": "employee",
        "person": ("Oliver", "Grant", "oliver.grant@example.org", ""),
        "relationship": "Ex-housemate",
        "reason": "Very sharp engineer, though mostly frontend these days.",
        "role_title": "Senior Backend Engineer",
        "statuses": [Referral.Status.REVIEWING, Referral.Status.NOT_A_FIT],
        "profile": ("Frontend Engineer", "Brightloop", "Software", "GB", "Bristol", "Europe/London", 4),
        "skills": ["TypeScript", "React"],
    },
    {
        "referrer": "manager",
        "person": (
            "Elena",
            "Rossi",
            "elena.rossi@example.org",
            "https://www.linkedin.com/in/elena-rossi-data",
        ),
        "relationship": "Was on my team at a previous company",
        "reason": "Elena built our first data warehouse and is the person I'd hire again tomorrow.",
        "role_title": "Data Engineer",
        "statuses": [Referral.Status.REVIEWING],
        "profile": (
            "Senior Data Engineer",
            "Tidal Analytics",
            "Climate tech",
            "NL",
            "Amsterdam",
            "Europe/Amsterdam",
            9,
        ),
        "skills": ["dbt", "Airflow", "SQL", "Python"],
    },
    {
        "referrer": "manager2",
        "person": (
            "Kwame",
            "Mensah",
            "kwame.mensah@example.org",
            "https://www.linkedin.com/in/kwame-mensah-design",
        ),
        "relationship": "Former design lead of mine",
        "reason": "Kwame set up the design system at his company and is a generous collaborator.",
        "role_title": "Product Designer",
        "statuses": [],
        "profile": ("Lead Product Designer", "CarePath", "Healthcare", "IE", "Dublin", "Europe/Dublin", 10),
        "skills": ["Design systems", "Figma", "Accessibility"],
    },
]


# ---------------------------------------------------------------------------------------------------
# The plan: everything random is drawn here, before the database is touched, so it is the same every run
# ---------------------------------------------------------------------------------------------------


@dataclass
class CandidateSpec:
    index: int
    family: str
    fields: dict[str, Any]
    skills: list[str]
    contacted_days_ago: float | None
    open_to_relocation: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        return self.fields["email"]

    @property
    def linkedin_url(self) -> str:
        return self.fields["linkedin_url"]

    @property
    def passive(self) -> bool:
        return self.fields["seeking_status"] == SeekingStatus.PASSIVE

    @property
    def score(self) -> float:
        return self.fields["engagement_score"]


@dataclass
class Plan:
    candidates: list[CandidateSpec]
    pools: dict[str, list[int]]
    # requisition title -> [(candidate index, stage name, pitch)]
    cards: dict[str, list[tuple[int, str, str]]]
    talent_cards: list[tuple[int, str]]
    # (candidate index, requisition title, stage name, reason, reason detail, days ago)
    silver_medals: list[tuple[int, str, str, str, str, int]]
    # (sequence name, candidate index, days ago, fraction of that day, progress draws)
    enrollments: list[tuple[str, int, int, float, tuple[float, float]]]
    existing_referral: int
    # talent board people who reached Ready to talk after a nurture that began weeks earlier
    ready: list[int]
    # (sequence name, candidate index) enrolled weeks ago, with their sends and engagement
    past_enrollments: list[tuple[str, int]]


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()


def _weighted(rng: random.Random, weights: dict) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _years_for(rng: random.Random, title: str) -> int:
    if any(word in title for word in ("VP", "Director", "Head of")):
        return rng.randint(12, 22)
    if "Manager" in title and "Product" not in title:
        return rng.randint(7, 16)
    if any(word in title for word in ("Staff", "Lead", "Group")):
        return rng.randint(8, 15)
    if "Senior" in title:
        return rng.randint(5, 12)
    return rng.randint(1, 6)


def _candidate_specs(rng: random.Random) -> list[CandidateSpec]:
    fakers = {}
    for i, (locale, _, _) in enumerate(LOCATIONS.values()):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(SEED + i)
    country_weights = {code: weight for code, (_, weight, _) in LOCATIONS.items()}
    industry_weights = {name: spec[0] for name, spec in INDUSTRIES.items()}
    linkedin_slugs: set[str] = set()
    # Exactly a third of the database is actively looking.
    statuses = [SeekingStatus.ACTIVE] * (CANDIDATE_COUNT // 3)
    statuses += [SeekingStatus.PASSIVE] * (CANDIDATE_COUNT - len(statuses))
    rng.shuffle(statuses)
    specs = []
    for n in range(1, CANDIDATE_COUNT + 1):
        country = _weighted(rng, country_weights)
        locale, _, cities = LOCATIONS[country]
        city, tz = rng.choice(cities)
        fake = fakers[locale]
        first, last = fake.first_name(), fake.last_name()
        industry = _weighted(rng, industry_weights)
        _, companies, industry_skills, family_weights = INDUSTRIES[industry]
        family = _weighted(rng, family_weights)
        titles, family_skills = FAMILIES[family]
        title = rng.choice(titles + INDUSTRY_TITLES.get((industry, family), []))
        skills = rng.sample(family_skills, rng.randint(3, 6))
        skills += rng.sample(industry_skills, rng.randint(0, 2))
        seeking = statuses[n - 1]
        source = _weighted(rng, SOURCE_WEIGHTS[seeking])
        passive = seeking == SeekingStatus.PASSIVE
        has_linkedin = rng.random() < (0.96 if passive else 0.7)
        has_email = not has_linkedin or rng.random() < (0.82 if passive else 1.0)
        first_slug = re.sub(r"[^a-z]+", "", _ascii(first)) or "candidate"
        last_slug = re.sub(r"[^a-z]+", "", _ascii(last)) or str(n)
        email = f"{first_slug}.{last_slug}{n}@example.com" if has_email else ""
        linkedin = ""
        if has_linkedin:
            slug = f"{first_slug}-{last_slug}-{rng.getrandbits(32):08x}"
            while slug in linkedin_slugs:
                slug = f"{first_slug}-{last_slug}-{rng.getrandbits(32):08x}"
            linkedin_slugs.add(slug)
            linkedin = f"https://www.linkedin.com/in/{slug}"
        # Passive people skew cold (a few are warm); active ones are engaged by definition.
        score = round(rng.betavariate(1.4, 2.2) * 100 if passive else rng.uniform(20, 95), 1)
        contacted = rng.uniform(1, 365) if (rng.random() < 0.6 or score > 60) else None
        owner = "recruiter" if rng.random() < 0.6 else "recruiter2"
        phone = fake.phone_number() if (not passive and rng.random() < 0.6) else ""
        spec = CandidateSpec(
            index=n - 1,
            family=family,
            fields={
                "first_name": first,
                "last_name": last,
                "email": email,
                "linkedin_url": linkedin,
                "phone": phone,
                "title": title,
                "company": rng.choice(companies),
                "industry": industry,
                "years_experience": _years_for(rng, title),
                "country": country,
                "city": city,
                "timezone": tz,
                "seeking_status": seeking,
                "source": source,
                "owner": owner,
                "engagement_score": score,
                "lawful_basis": (
                    LawfulBasis.CONSENT if source == Source.APPLIED else LawfulBasis.LEGITIMATE_INTEREST
                ),
            },
            skills=skills,
            contacted_days_ago=contacted,
            open_to_relocation=passive and rng.random() < 0.35,
        )
        if spec.open_to_relocation and rng.random() < 0.4:
            spec.notes.append(
                f"Would consider relocating to Berlin for the right role. Follow up in {rng.choice(MONTHS)}."
            )
        elif rng.random() < 0.22:
            spec.notes.append(_note(rng, spec))
            if rng.random() < 0.25:
                second = _note(rng, spec, generic=True)
                if second not in spec.notes:
                    spec.notes.append(second)
        specs.append(spec)
    return specs


def _note(rng: random.Random, spec: CandidateSpec, generic: bool = False) -> str:
    source = spec.fields["source"]
    if generic or source not in NOTE_TEMPLATES:
        templates = NOTE_TEMPLATES["passive"] if spec.passive else NOTE_TEMPLATES[Source.APPLIED]
    else:
        templates = NOTE_TEMPLATES[source]
    return rng.choice(templates).format(
        event=rng.choice(EVENTS),
        skill=rng.choice(spec.skills),
        industry=spec.fields["industry"].lower(),
        family_title=FAMILIES[spec.family][0][0],
        month=rng.choice(MONTHS),
        weeks=rng.choice([2, 4, 4, 8, 12]),
    )


def _pitch(rng: random.Random, spec: CandidateSpec) -> str:
    f = spec.fields
    return (
        f"{f['first_name']} has {f['years_experience']} years of experience, currently {f['title']} at "
        f"{f['company']}. Strong in {', '.join(spec.skills[:2])}; {rng.choice(PITCH_REASONS)}."
    )


def _person_rng(candidate: Candidate, purpose: str) -> random.Random:
    """A generator of its own for one person and purpose: the same draws on every run, in any order."""
    return random.Random(f"{SEED}:{purpose}:{candidate.email or candidate.linkedin_url}")


def _stage_counts(n: int) -> list[tuple[str, int]]:
    hired = 1 if n >= 15 else 0
    offer = 1 if n >= 15 else 0
    final = 2 if n >= 15 else 1
    interview = 3 if n >= 15 else 2
    screen = round(n * 0.2)
    contacted = round(n * 0.25)
    sourced = n - hired - offer - final - interview - screen - contacted
    return [
        ("Sourced", sourced),
        ("Contacted", contacted),
        ("Screen", screen),
        ("Interview", interview),
        ("Final", final),
        ("Offer", offer),
        ("Hired", hired),
    ]


def build_plan() -> Plan:
    rng = random.Random(SEED)
    specs = _candidate_specs(rng)

    def pick(predicate, limit=None):
        chosen = [s.index for s in specs if predicate(s)]
        if limit is not None and len(chosen) > limit:
            chosen = sorted(rng.sample(chosen, limit))
        return chosen

    pools = {
        "Backend engineers — Berlin expansion": pick(
            lambda s: (
                s.family in {"backend", "devops"}
                and s.fields["years_experience"] >= 3
                and (s.fields["country"] == "DE" or (s.fields["country"] in EUROPE and s.open_to_relocation))
            ),
            limit=40,
        ),
        "Data & ML": pick(lambda s: s.family in {"data", "ml"}, limit=45),
        "Engineering leaders": pick(
            lambda s: s.family == "leader" or (s.family == "backend" and s.fields["years_experience"] >= 10)
        ),
        "Silver medalists": pick(lambda s: s.fields["source"] == Source.SILVER_MEDALIST),
        "Product designers": pick(lambda s: s.family == "design"),
    }

    used: set[int] = set()
    cards: dict[str, list[tuple[int, str, str]]] = {}
    for req in REQUISITIONS:
        if not req["cards"]:
            continue
        eligible = [
            s.index
            for s in specs
            if s.family in req["families"]
            and s.fields["years_experience"] >= req["min_years"]
            and s.index not in used
        ]
        chosen = rng.sample(eligible, min(req["cards"], len(eligible)))
        # Active and engaged people are further along; a role that nurtured its hire hires a passive person.
        chosen.sort(key=lambda i: (specs[i].passive, -specs[i].score))
        if req.get("passive_hire"):
            chosen.insert(0, chosen.pop(next(n for n, i in enumerate(chosen) if specs[i].passive)))
        stages = []
        for name, count in reversed(_stage_counts(len(chosen))):
            stages += [name] * count
        planned = []
        for index, stage in zip(chosen, stages, strict=True):
            pitch = _pitch(rng, specs[index]) if stage in {"Interview", "Final", "Offer", "Hired"} else ""
            planned.append((index, stage, pitch))
        planned.sort(key=lambda c: c[0])
        cards[req["title"]] = planned
        used.update(chosen)

    # The referral "linked to an existing candidate": someone interviewing for the Data Engineer role.
    existing_referral = next(
        i for i, stage, _ in cards["Data Engineer"] if stage == "Interview" and specs[i].email
    )

    talent_eligible = [s.index for s in specs if s.passive and s.linkedin_url and s.index not in used]
    talent = sorted(rng.sample(talent_eligible, 20), key=lambda i: specs[i].score)
    talent_cards = []
    for stage, count in zip(TALENT_STAGES, [5, 4, 4, 2, 2, 3], strict=True):
        talent_cards += [(talent.pop(0), stage) for _ in range(count)]
    # Ready to talk after months of nurture: their history is played in Seeder.seed_history.
    ready = {i for i, stage in talent_cards if stage == TALENT_STAGES[-1]}

    enrollments = []
    nurture_eligible = [
        s.index
        for s in specs
        if s.passive and s.email and s.linkedin_url and s.index not in used and s.index not in ready
    ]
    nurture = rng.sample(nurture_eligible, 40)
    for k, index in enumerate(nurture):
        days_ago = 0 if k < 8 else rng.randint(1, 21)
        enrollments.append((NURTURE, index, days_ago, rng.random(), (rng.random(), rng.random())))
    taken = used | set(nurture)
    # Active people early on a board first, then recent applicants who are on no board yet.
    on_boards = [
        i
        for title in ("Senior Backend Engineer", "Data Engineer", "Product Designer")
        for i, stage, _ in cards[title]
        if stage in {"Sourced", "Contacted", "Screen"}
    ]
    applicants = [s.index for s in specs if s.fields["source"] == Source.APPLIED and s.index not in used]
    actives = [i for i in on_boards + applicants if not specs[i].passive and specs[i].email]
    for index in actives[:6]:
        enrollments.append((ACTIVE_FOLLOW_UP, index, 0, rng.random(), (0.0, 0.0)))
    event_people = [
        s.index
        for s in specs
        if s.fields["source"] == Source.EVENT and s.passive and s.email and s.index not in taken
    ]
    for index in event_people[:6]:
        enrollments.append((EVENT_FOLLOW_UP, index, 0, rng.random(), (0.0, 0.0)))
    # Enrolled weeks ago; what happened since is played in Seeder.seed_history.
    past_enrollments = [(EVENT_FOLLOW_UP, i) for i in event_people[6:20] if i not in ready]
    past_enrollments += [(ACTIVE_FOLLOW_UP, i) for i in actives[6:16]]

    # Drawn from their own generator so the draws above stay as they were.
    medal_rng = random.Random(SEED + 1)
    silver_medals = []
    on_board = {title: {i for i, _, _ in planned} for title, planned in cards.items()}
    for index in pools["Silver medalists"]:
        title = SILVER_MEDAL_ROLES.get(specs[index].family)
        if title is None or index in on_board[title]:
            continue
        stage = medal_rng.choice(["Interview", "Final", "Final", "Offer"])
        reason = _weighted(medal_rng, {key: weight for key, (weight, _) in SILVER_MEDAL_REASONS.items()})
        silver_medals.append(
            (index, title, stage, reason, SILVER_MEDAL_REASONS[reason][1], medal_rng.randint(45, 720))
        )

    return Plan(
        candidates=specs,
        pools=pools,
        cards=cards,
        talent_cards=talent_cards,
        silver_medals=silver_medals[:SILVER_MEDAL_COUNT],
        enrollments=enrollments,
        existing_referral=existing_referral,
        ready=sorted(ready),
        past_enrollments=past_enrollments,
    )


# ---------------------------------------------------------------------------------------------------
# Applying the plan
# ---------------------------------------------------------------------------------------------------


class Seeder:
    def __init__(self, plan: Plan, now: datetime):
        self.plan = plan
        self.now = now
        self.created: dict[str, int] = {}
        self.existing_users: list[str] = []
        self.users: dict[str, Any] = {}
        self.candidates: dict[int, Candidate] = {}
        self.requisitions: dict[str, Requisition] = {}
        self._password_hash = ""

    def password_hash(self) -> str:
        # One hash for all demo users: hashing is the slowest step and the password is public anyway.
        if not self._password_hash:
            self._password_hash = make_password(PASSWORD)
        return self._password_hash

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n

    def run(self) -> None:
        self.seed_users()
        self.seed_candidates()
        self.seed_pools()
        self.seed_requisitions()
        self.seed_silver_medals()
        self.seed_talent_board()
        self.seed_referrals()
        self.seed_sequences()
        self.seed_enrollments()
        self.seed_conversation()
        self.seed_history()

    # --- users --------------------------------------------------------------------------------------
    def seed_users(self) -> None:
        User = get_user_model()
        for username, first, last, role, superuser in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.com",
                    is_staff=superuser,
                    is_superuser=superuser,
                    password=self.password_hash(),
                )
                self.count("users")
            elif (user.first_name, user.last_name) != (first, last):
                # An account this command did not make (e.g. createsuperuser): leave its password alone.
                self.existing_users.append(username)
            user.groups.add(Group.objects.get(name=role))
            self.users[username] = user

    # --- candidates ---------------------------------------------------------------------------------
    def seed_candidates(self) -> None:
        specs = self.plan.candidates
        emails = [s.email for s in specs if s.email]
        urls = [s.linkedin_url for s in specs if s.linkedin_url]
        by_email = {c.email.lower(): c for c in Candidate.objects.filter(email__in=emails)}
        by_url = {c.linkedin_url: c for c in Candidate.objects.filter(linkedin_url__in=urls)}
        for spec in specs:
            candidate = by_email.get(spec.email) or by_url.get(spec.linkedin_url)
            if candidate is None:
                candidate = self._create_candidate(spec)
            self.candidates[spec.index] = candidate

    def _create_candidate(self, spec: CandidateSpec) -> Candidate:
        fields = dict(spec.fields)
        owner = self.users[fields.pop("owner")]
        contacted_at = None
        if spec.contacted_days_ago is not None:
            contacted_at = self.now - timedelta(days=spec.contacted_days_ago)
        candidate = candidate_services.create_candidate(
            by=None if fields["source"] == Source.APPLIED else owner,
            skills=spec.skills,
            owner=owner,
            last_contacted_at=contacted_at,
            privacy_notice_sent_at=(
                contacted_at if fields["lawful_basis"] == LawfulBasis.LEGITIMATE_INTEREST else None
            ),
            **fields,
        )
        self.count("candidates")
        for body in spec.notes:
            candidate_services.add_note(candidate=candidate, body=body, by=owner)
            self.count("notes")
        return candidate

    # --- pools --------------------------------------------------------------------------------------
    def seed_pools(self) -> None:
        self.pools = {}
        for name, description in POOLS:
            pool, created = TalentPool.objects.get_or_create(
                name=name,
                defaults={
                    "description": description,
                    "kind": TalentPool.Kind.STATIC,
                    "owner": self.users["recruiter"],
                },
            )
            self.count("pools", created)
            self.pools[name] = pool
            members = [self.candidates[i] for i in self.plan.pools[name]]
            added = candidate_services.add_to_pool(pool=pool, candidates=members, by=self.users["recruiter"])
            self.count("pool memberships", added)

    # --- requisitions and boards -------------------------------------------------------------------
    def seed_requisitions(self) -> None:
        CareersSettings.objects.get_or_create(
            pk=1,
            defaults={
                "company_name": "Longlist Demo Co",
                "brand_colour": "#0f766e",
                "intro": "We build software that helps teams hire well. Small teams, real ownership, remote-friendly.",
            },
        )
        today = timezone.localdate(self.now)
        for req in REQUISITIONS:
            requisition = Requisition.objects.filter(title=req["title"]).order_by("pk").first()
            if requisition is None:
                fields = {
                    "title": req["title"],
                    "department": req["department"],
                    "location": req["location"],
                    "description": req["description"],
                    "status": req["status"],
                    "headcount": req.get("headcount", 1),
                    "hiring_manager": self.users[req["manager"]],
                    "recruiter": self.users["recruiter"],
                }
                if req["status"] == Requisition.Status.OPEN:
                    opened = self.now - timedelta(days=req["opened_days_ago"])
                    fields.update(
                        opened_at=opened, expected_open_date=timezone.localdate(opened), is_published=True
                    )
                else:
                    fields["expected_open_date"] = today + timedelta(days=req["expected_in_days"])
                requisition = pipeline_services.create_requisition(
                    by=self.users["recruiter"],
                    pools=[self.pools[name] for name in req["pools"]],
                    industry=req["industry"],
                    **fields,
                )
                requisition.skills.set(
                    Skill.objects.filter(name__iexact=name).first() or Skill.objects.create(name=name)
                    for name in req["skills"]
                )
                self.count("requisitions")
            self.requisitions[req["title"]] = requisition
            pipeline = Pipeline.objects.filter(requisition=requisition).first()
            if pipeline is not None:
                self._add_cards(
                    pipeline,
                    [(self.candidates[i], s, p) for i, s, p in self.plan.cards.get(req["title"], [])],
                )

    def _add_cards(self, pipeline: Pipeline, cards: list[tuple[Candidate, str, str]]) -> None:
        """Put each person on the board in its first stage weeks ago and move them along to their stage."""
        if not cards:
            return
        on_board = set(Card.objects.filter(pipeline=pipeline).values_list("candidate_id", flat=True))
        stages = list(pipeline.stages.order_by("position"))
        by_name = {stage.name: stage for stage in stages}
        for candidate, stage_name, pitch in cards:
            if candidate.pk in on_board or stage_name not in by_name:
                continue
            path = stages[: stages.index(by_name[stage_name]) + 1]
            card = pipeline_services.add_card(
                pipeline=pipeline, candidate=candidate, stage=path[0], by=self.users["recruiter"], pitch=pitch
            )
            for stage in path[1:]:
                pipeline_services.move_card(
                    card=card,
                    to_stage=stage,
                    position=len(on_board),  # past the end: the bottom of the column
                    expected_version=card.version,
                    by=self.users["recruiter"],
                )
            self._set_card_times(card, self.path_times(candidate, pipeline, len(path)))
            on_board.add(candidate.pk)
            self.count("cards")

    def path_times(self, candidate: Candidate, pipeline: Pipeline, stops: int) -> list[datetime]:
        """When their card entered each of `stops` stages: 2 to 12 days apart, the last 12 hours to 8 days ago."""
        rng = _person_rng(candidate, f"board {pipeline.name}")
        at = self.now - timedelta(days=rng.uniform(0.5, 8))
        times = [at]
        for _ in range(stops - 1):
            at -= timedelta(days=rng.uniform(2, 12))
            times.append(at)
        return times[::-1]

    def _set_card_times(self, card: Card, times: list[datetime]) -> None:
        """Set back the card, its stage history and their timeline entries to `times` (one per stage)."""
        changes = list(StageChange.objects.filter(card=card).order_by("pk").values_list("pk", flat=True))
        entries = Activity.objects.filter(
            candidate_id=card.candidate_id, kind=Activity.Kind.STAGE_MOVE, data__card_id=card.pk
        )
        for change, entry, at in zip(changes, entries.order_by("pk"), times, strict=True):
            StageChange.objects.filter(pk=change).update(moved_at=at)
            Activity.objects.filter(pk=entry.pk).update(created_at=at)
        Card.objects.filter(pk=card.pk).update(created_at=times[0], entered_stage_at=times[-1])

    def seed_silver_medals(self) -> None:
        """People turned down late in earlier rounds of the demo roles (months ago), for rediscovery."""
        have = set(SilverMedal.objects.values_list("candidate_id", "requisition_id"))
        for index, title, stage_name, reason, detail, days_ago in self.plan.silver_medals:
            candidate, requisition = self.candidates[index], self.requisitions[title]
            if (candidate.pk, requisition.pk) in have:
                continue
            medal = candidate_services.add_silver_medalist(
                candidate=candidate,
                requisition=requisition,
                stage=requisition.pipeline.stages.get(name=stage_name),
                reason=reason,
                reason_detail=detail,
                by=self.users["recruiter"],
            )
            SilverMedal.objects.filter(pk=medal.pk).update(created_at=self.now - timedelta(days=days_ago))
            self.count("silver medals")

    def seed_talent_board(self) -> None:
        board = pipeline_services.get_or_create_talent_board()
        self._add_cards(board, [(self.candidates[i], stage, "") for i, stage in self.plan.talent_cards])

    # --- referrals ----------------------------------------------------------------------------------
    def seed_referrals(self) -> None:
        recruiter = self.users["recruiter"]
        for spec in REFERRALS:
            referrer = self.users[spec["referrer"]]
            if spec["person"] == "existing":
                candidate = self.candidates[self.plan.existing_referral]
                first, last, email, url = (
                    candidate.first_name,
                    candidate.last_name,
                    candidate.email,
                    candidate.linkedin_url,
                )
            else:
                first, last, email, url = spec["person"]
            if Referral.objects.filter(referrer=referrer, candidate__email__iexact=email).exists():
                continue
            known = find_existing_candidate(email=email, linkedin_url=url)
            referral = candidate_services.submit_referral(
                referrer=referrer,
                first_name=first,
                last_name=last,
                email=email,
                linkedin_url=url,
                relationship=spec["relationship"],
                reason=spec["reason"],
                role_title=spec["role_title"],
            )
            self.count("referrals")
            if known is None and "profile" in spec:
                title, company, industry, country, city, tz, years = spec["profile"]
                candidate_services.update_candidate(
                    candidate=referral.candidate,
                    by=recruiter,
                    skills=spec["skills"],
                    title=title,
                    company=company,
                    industry=industry,
                    country=country,
                    city=city,
                    timezone=tz,
                    years_experience=years,
                    owner=recruiter,
                )
            for status in spec["statuses"]:
                candidate_services.set_referral_status(referral=referral, status=status, by=recruiter)
            if "card" in spec:
                requisition = self.requisitions.get(spec["card"][0])
                pipeline = requisition and Pipeline.objects.filter(requisition=requisition).first()
                if pipeline is not None:
                    self._add_cards(pipeline, [(referral.candidate, spec["card"][1], "")])

    # --- sequences and enrollments -----------------------------------------------------------------
    def seed_sequences(self) -> None:
        self.sequences = {}
        for spec in SEQUENCES:
            sequence, created = Sequence.objects.get_or_create(
                name=spec["name"],
                defaults={
                    "purpose": spec["purpose"],
                    "sender": self.users["recruiter"],
                    "created_by": self.users["admin"],
                    "daily_cap": spec["daily_cap"],
                    "min_gap_days": spec["min_gap_days"],
                },
            )
            self.sequences[spec["name"]] = sequence
            if not created:
                continue
            self.count("sequences")
            for position, (amount, unit, channel, subject, body) in enumerate(spec["steps"], start=1):
                step = Step(
                    sequence=sequence,
                    position=position,
                    delay_amount=amount,
                    delay_unit=unit,
                    channel=channel,
                    subject=subject,
                    body=body,
                )
                step.full_clean()
                step.save()
                self.count("steps")

    def seed_enrollments(self) -> None:
        recruiter = self.users["recruiter"]
        enrolled = set(
            Enrollment.objects.filter(sequence__in=self.sequences.values()).values_list(
                "sequence_id", "candidate_id"
            )
        )
        start_of_today, _ = day_bounds(self.now)
        for sequence_name, index, days_ago, day_fraction, progress in self.plan.enrollments:
            sequence = self.sequences[sequence_name]
            candidate = self.candidates[index]
            if (sequence.pk, candidate.pk) in enrolled or candidate.do_not_contact:
                continue
            if days_ago == 0:
                # Some time earlier today, so the first task is due today rather than overdue.
                when = start_of_today + (self.now - start_of_today) * day_fraction
            else:
                when = self.now - timedelta(days=days_ago, hours=day_fraction * 8)
            enrollment = outreach_services.enroll(
                candidate=candidate, sequence=sequence, by=recruiter, now=when
            )
            enrolled.add((sequence.pk, candidate.pk))
            self.count("enrollments")
            if sequence_name == NURTURE:
                self._progress_nurture(enrollment, progress)

    def seed_conversation(self) -> None:
        """Two replies waiting in Replies, one nobody could match, and the nurture planned for the Berlin role
        (it starts by itself four months before the role opens). Idempotent: replies by Message-ID."""
        nurtured = (
            Enrollment.objects.filter(sequence=self.sequences[NURTURE], candidate__do_not_contact=False)
            .exclude(candidate__email="")
            .select_related("candidate")
            .order_by("candidate_id")[:2]
        )
        replies = [
            (e.candidate.email, "Re: a thought", "Thanks for reaching out. Happy to chat next month.")
            for e in nurtured
        ]
        replies.append(("someone@personal.example", "Who is this?", "How did you get my address?"))
        for n, (sender, subject, body) in enumerate(replies):
            _, created = conversation.receive_inbound_email(
                from_address=sender,
                subject=subject,
                body=body,
                message_id=f"<demo-reply-{n}@longlist.demo>",
                received_at=self.now - timedelta(hours=3 * (n + 1)),
            )
            self.count("replies", int(created))
        berlin = self.requisitions.get("Engineering Manager, Berlin")
        if berlin is not None:
            _, created = PlannedRoleCampaign.objects.get_or_create(
                sequence=self.sequences[NURTURE],
                requisition=berlin,
                defaults={"months_before": 4, "created_by": self.users["recruiter"]},
            )
            self.count("planned-role campaigns", int(created))

    # --- history for the reports -------------------------------------------------------------------
    def seed_history(self) -> None:
        """Weeks of outreach: people who became ready to talk after a LinkedIn connection, and follow-up
        sequences whose emails went out and were opened, clicked, replied to or unsubscribed from. Only for
        enrollments this run makes, so a second run changes nothing."""
        enrolled = set(Enrollment.objects.values_list("sequence_id", "candidate_id"))
        talent = pipeline_services.get_or_create_talent_board()
        stops = len(TALENT_STAGES)
        nurture = self.sequences[NURTURE]
        for index in self.plan.ready:
            candidate = self.candidates[index]
            if (nurture.pk, candidate.pk) in enrolled or candidate.do_not_contact:
                continue
            times = self.path_times(candidate, talent, stops)  # their talent card's, see _add_cards
            enrollment = self._enroll(nurture, candidate, times[0] - timedelta(days=2))
            self._play(enrollment, until=times[-1] - timedelta(days=1))
            if Card.objects.filter(pipeline=talent, candidate=candidate, stage__position=stops - 1).exists():
                outreach_services.stop_enrollment(
                    enrollment=enrollment, reason="ready to talk", by=self.users["recruiter"]
                )
        for sequence_name, index in self.plan.past_enrollments:
            sequence, candidate = self.sequences[sequence_name], self.candidates[index]
            if (sequence.pk, candidate.pk) in enrolled or candidate.do_not_contact:
                continue
            started = self.now - timedelta(days=_person_rng(candidate, "enrolled").uniform(20, 80))
            self._play(self._enroll(sequence, candidate, started), until=self.now - timedelta(days=1))

    def _enroll(self, sequence: Sequence, candidate: Candidate, when: datetime) -> Enrollment:
        enrollment = outreach_services.enroll(
            candidate=candidate, sequence=sequence, by=self.users["recruiter"], now=when
        )
        Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=when)
        self.count("past enrollments")
        return enrollment

    def _play(self, enrollment: Enrollment, until: datetime) -> None:
        """What happened to an enrollment's touches that fell due before `until`: emails sent (and opened,
        clicked, replied to or unsubscribed from, drawn per person), LinkedIn and other tasks done."""
        rng = _person_rng(enrollment.candidate, enrollment.sequence.name)
        outcomes = {Channel.LINKEDIN_CONNECT: "connected", Channel.CALL: "no_answer"}
        touch = enrollment.touches.order_by("-due_at").first()
        while touch is not None and touch.due_at < until:
            if touch.channel != Channel.EMAIL:
                outcome = outcomes.get(touch.channel, "sent")
                done_at = touch.due_at + timedelta(hours=rng.uniform(1, 30))
                touch = outreach_services.complete_task(
                    touch=touch, outcome=outcome, by=touch.assignee, now=done_at
                )
                continue
            if not touch.candidate.email:
                return  # the dispatcher would skip it; the recruiter goes on by LinkedIn
            self._sent(touch)
            if not self._engage(touch, rng):
                return
            touch = outreach_services.schedule_next_step(enrollment, touch, touch.sent_at)

    def _sent(self, touch: Touch) -> None:
        """The dispatcher's bookkeeping for an email sent when it fell due."""
        subject = placeholders.render_text(touch.subject, outreach_email.message_values(touch))
        Touch.objects.filter(pk=touch.pk).update(
            status=Touch.Status.SENT, sent_at=touch.due_at, subject=subject
        )
        touch.refresh_from_db()
        Candidate.objects.filter(
            Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=touch.sent_at), pk=touch.candidate_id
        ).update(last_contacted_at=touch.sent_at)
        EngagementEvent.objects.create(
            candidate_id=touch.candidate_id, touch=touch, kind="sent", occurred_at=touch.sent_at
        )
        entry = candidate_services.record_activity(
            candidate=touch.candidate,
            kind=Activity.Kind.TOUCH,
            summary=f"Email sent: {subject}",
            data={"touch_id": touch.pk, "sequence": touch.enrollment.sequence.name},
        )
        Activity.objects.filter(pk=entry.pk).update(created_at=touch.sent_at)

    def _engage(self, touch: Touch, rng: random.Random) -> bool:
        """Draw the person's answer to one email; False when it ended the sequence (a reply, an unsubscribe)."""
        at = touch.sent_at + timedelta(hours=rng.uniform(1, 20))
        draw = rng.random()
        if draw < 0.6:
            engagement.record_open(touch=touch, now=at)
        if draw < 0.3:
            engagement.record_click(
                touch=touch, url="https://longlist.example/blog/engineering", topics=["engineering"], now=at
            )
        if draw < 0.12:
            reply = conversation.log_reply(
                candidate=touch.candidate,
                body="Thanks, this is interesting. Could we talk next week?",
                subject=f"Re: {touch.subject}",
                received_at=at + timedelta(hours=2),
                by=self.users["recruiter"],
            )
            conversation.tag_reply(
                reply=reply, tag=Reply.Tag.INTERESTED, by=self.users["recruiter"], now=at + timedelta(hours=5)
            )
            return False
        if draw > 0.97:
            outreach_services.unsubscribe(candidate=touch.candidate, touch=touch, now=at)
            return False
        return True

    def _progress_nurture(self, enrollment: Enrollment, draws: tuple[float, float]) -> None:
        """Pretend the recruiter already did the LinkedIn tasks that fell due a while ago."""
        outcomes = {Channel.LINKEDIN_CONNECT: "connected", Channel.ENGAGE: "sent"}
        touch = enrollment.touches.order_by("-due_at").first()
        for draw in draws:
            done_at = touch.due_at + timedelta(days=1)
            if touch.channel not in outcomes or done_at > self.now - timedelta(hours=12):
                return
            if draw > 0.8:
                return  # still open: the recruiter is behind on this one
            touch = outreach_services.complete_task(
                touch=touch, outcome=outcomes[touch.channel], by=touch.assignee, now=done_at
            )
            if touch is None:
                return


class Command(BaseCommand):
    help = (
        "Load deterministic demo data (users, candidates, pools, sequences, boards, referrals). Idempotent."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        plan = build_plan()
        seeder = Seeder(plan, now=timezone.now())
        with transaction.atomic():
            seeder.run()
        elapsed = time.monotonic() - started

        if seeder.created:
            summary = ", ".join(f"{n} {what}" for what, n in seeder.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f}s: {summary}."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data already loaded; nothing to do ({elapsed:.1f}s).")
            )
        self.stdout.write(
            f"Totals: {Candidate.objects.count()} candidates, {TalentPool.objects.count()} pools, "
            f"{Requisition.objects.count()} requisitions, {Card.objects.count()} cards, "
            f"{Sequence.objects.count()} sequences, {Enrollment.objects.count()} enrollments, "
            f"{Referral.objects.count()} referrals."
        )
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for username, first, last, role, _ in USERS:
            if username in {"admin", "recruiter", "manager", "employee"}:
                note = (
                    " (existing account: password not changed)" if username in seeder.existing_users else ""
                )
                self.stdout.write(f"  {username:<10} {role} — {first} {last}{note}")
