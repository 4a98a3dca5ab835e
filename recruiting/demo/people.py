"""Demo people: the users of every role and ~300 candidates drawn from weighted, plausible vocabularies."""

import random
import re
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from faker import Faker

from candidates import services as candidate_services
from candidates.models import Candidate, LawfulBasis, SeekingStatus, Source

from .accounts import PASSWORD, USERS
from .custom_fields import candidate_values
from .state import SEED, CandidateSpec, Demo

CANDIDATE_COUNT = 300


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


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()


def weighted(rng: random.Random, weights: dict) -> Any:
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


def candidate_specs(rng: random.Random) -> list[CandidateSpec]:
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
        country = weighted(rng, country_weights)
        locale, _, cities = LOCATIONS[country]
        city, tz = rng.choice(cities)
        fake = fakers[locale]
        first, last = fake.first_name(), fake.last_name()
        industry = weighted(rng, industry_weights)
        _, companies, industry_skills, family_weights = INDUSTRIES[industry]
        family = weighted(rng, family_weights)
        titles, family_skills = FAMILIES[family]
        title = rng.choice(titles + INDUSTRY_TITLES.get((industry, family), []))
        skills = rng.sample(family_skills, rng.randint(3, 6))
        skills += rng.sample(industry_skills, rng.randint(0, 2))
        seeking = statuses[n - 1]
        source = weighted(rng, SOURCE_WEIGHTS[seeking])
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
        # How readily they answer outreach (0-100): passive people skew cold, active ones are keen. Their
        # engagement score is not set from it: it comes from the events their outreach history produces.
        keenness = round(rng.betavariate(1.4, 2.2) * 100 if passive else rng.uniform(20, 95), 1)
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
                "lawful_basis": (
                    LawfulBasis.CONSENT if source == Source.APPLIED else LawfulBasis.LEGITIMATE_INTEREST
                ),
            },
            skills=skills,
            keenness=keenness,
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


def seed_users(demo: Demo) -> None:
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
                password=demo.password_hash(PASSWORD),
            )
            demo.count("users")
        elif (user.first_name, user.last_name) != (first, last):
            # An account this command did not make (e.g. createsuperuser): leave its password alone.
            demo.existing_users.append(username)
        user.groups.add(Group.objects.get(name=role))
        demo.users[username] = user


def seed_candidates(demo: Demo) -> None:
    specs = demo.plan.candidates
    emails = [s.email for s in specs if s.email]
    urls = [s.linkedin_url for s in specs if s.linkedin_url]
    by_email = {c.email.lower(): c for c in Candidate.objects.filter(email__in=emails)}
    by_url = {c.linkedin_url: c for c in Candidate.objects.filter(linkedin_url__in=urls)}
    for spec in specs:
        candidate = by_email.get(spec.email) or by_url.get(spec.linkedin_url)
        if candidate is None:
            candidate = _create_candidate(demo, spec)
        demo.candidates[spec.index] = candidate


def _create_candidate(demo: Demo, spec: CandidateSpec) -> Candidate:
    fields = dict(spec.fields)
    owner = demo.users[fields.pop("owner")]
    # When they were added, last contacted and sent the privacy notice is settled by timeline.settle.
    candidate = candidate_services.create_candidate(
        by=None if fields["source"] == Source.APPLIED else owner,
        skills=spec.skills,
        owner=owner,
        custom_fields=candidate_values(spec.index, str(fields.get("country", ""))),
        **fields,
    )
    demo.count("candidates")
    for body in spec.notes:
        candidate_services.add_note(candidate=candidate, body=body, by=owner)
        demo.count("notes")
    return candidate
