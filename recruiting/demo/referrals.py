"""Demo referrals: employees' and managers' referrals, one about someone already in the database."""

from candidates import services as candidate_services
from candidates.models import Referral
from candidates.selectors import find_existing_candidate
from pipelines.models import Pipeline

from .requisitions import add_cards
from .state import Demo

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


def seed_referrals(demo: Demo) -> None:
    recruiter = demo.users["recruiter"]
    for spec in REFERRALS:
        referrer = demo.users[spec["referrer"]]
        if spec["person"] == "existing":
            candidate = demo.candidates[demo.plan.existing_referral]
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
        demo.count("referrals")
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
            requisition = demo.requisitions.get(spec["card"][0])
            pipeline = requisition and Pipeline.objects.filter(requisition=requisition).first()
            if pipeline is not None:
                add_cards(demo, pipeline, [(referral.candidate, spec["card"][1], "")])
