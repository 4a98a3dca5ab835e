"""Search over 100,000 candidates on PostgreSQL: `search_candidates` next to hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/longlist_bench python -m bench.search

For five typical searches it times the first page as the search page loads it (the count, then 50 rows with
their owner) through ``candidates.search.search_candidates``, and the same two statements written by hand and
run on a cursor; the ratio is the cost of the form, the ORM and building model instances. Both sides must
return the same rows. The database is recreated, so point DATABASE_URL at a scratch database.
"""

import importlib
import os
import random
import sys
import time
from datetime import timedelta

N_CANDIDATES = 100_000
SEED = 7
BATCH = 5_000
REPEAT = 15


def _split(text: str, sep: str | None = ";") -> list[str]:
    return [item.strip() for item in text.split(sep) if item.strip()]


FIRST_NAMES = _split(
    "Ada Alan Alice Amara Ana Anders Anna Aoife Arjun Astrid Ben Bjorn Carlos Chen Chloe Clara Daniel David "
    "Diego Elena Emil Emma Erik Fatima Felix Freya Gabriel Grace Hannah Hugo Ibrahim Ines Isabel Jakob James "
    "Jana Javier Jonas Jose Julia Kai Karin Katherine Lars Laura Lea Leon Lina Linus Lucas Luis Maja Margaret "
    "Maria Mark Marta Mateo Mia Mohammed Nadia Niamh Nils Noah Nora Olivia Omar Oscar Paul Pedro Priya Rafael "
    "Rosa Ruth Sam Sara Sebastian Sofia Sven Tariq Thomas Tom Ulla Victor Wei Yusuf Zoe",
    None,
)
LAST_NAMES = _split(
    "Andersson Becker Bianchi Brown Byrne Carter Chen Clarke Costa Dubois Eriksson Evans Fischer Garcia "
    "Gonzalez Hansen Hoffmann Hughes Jansen Johansson Johnson Jones Kaur Kelly Khan Klein Koch Larsen Lopez "
    "Lovelace Martin Martinez Meyer Moreau Murphy Nguyen Nielsen Novak Oconnor Olsen Patel Peeters Perez "
    "Petrov Richter Rossi Russo Sanchez Santos Schmidt Schneider Schulz Silva Smith Sousa Svensson Taylor "
    "Thompson Visser Wagner Walsh Weber Williams Wilson Wolf Wright Young Zimmermann",
    None,
)
TITLES = _split(
    "Backend Engineer;Frontend Engineer;Data Engineer;Data Scientist;Engineering Manager;Product Manager;"
    "Product Designer;DevOps Engineer;Site Reliability Engineer;Mobile Developer;QA Engineer;Security Engineer;"
    "Machine Learning Engineer;Solutions Architect;Technical Recruiter;Sales Engineer;Staff Engineer;CTO"
)
SENIORITY = ["", "Junior ", "Senior ", "Lead ", "Principal "]
COMPANIES = _split(
    "Acme Analytics;Bluewave;Brightpath;Cobalt Labs;Datanest;Evergreen Health;Finlytics;Globex;Helios Energy;"
    "Hexagon Games;Ironclad Security;Juniper Retail;Kite Logistics;Lumen Bank;Meridian Pay;Northwind;Orbital;"
    "Pinecone Media;Quanta Robotics;Redshift Travel;Sapling Education;Tidal Music;Umbra Insurance;Vertex Cloud"
)
INDUSTRIES = _split(
    "Software;Fintech;Healthcare;E-commerce;Gaming;Energy;Logistics;Media;Education;Travel;Insurance;Security"
)
PLACES = {
    "GB": ["London", "Manchester", "Edinburgh", "Bristol"],
    "DE": ["Berlin", "Munich", "Hamburg", "Cologne"],
    "US": ["New York", "San Francisco", "Austin", "Seattle"],
    "NL": ["Amsterdam", "Rotterdam", "Utrecht"],
    "FR": ["Paris", "Lyon", "Nantes"],
    "SE": ["Stockholm", "Gothenburg", "Malmö"],
    "ES": ["Madrid", "Barcelona", "Valencia"],
    "IE": ["Dublin", "Cork"],
    "CA": ["Toronto", "Vancouver", "Montreal"],
    "AU": ["Sydney", "Melbourne"],
}
SKILLS = _split(
    "Python;Django;Flask;FastAPI;SQL;PostgreSQL;MySQL;Redis;Kafka;Spark;Airflow;dbt;Pandas;NumPy;PyTorch;"
    "TensorFlow;Scikit-learn;Go;Rust;Java;Kotlin;Scala;C;C++;C#;.NET;Ruby;Rails;PHP;Laravel;JavaScript;"
    "TypeScript;React;Vue;Angular;Svelte;Node.js;GraphQL;REST;gRPC;Docker;Kubernetes;Terraform;AWS;GCP;Azure;"
    "Linux;Bash;Ansible;Prometheus;Figma;Sketch;User research;Swift;iOS;Android;Flutter;Security;Networking;"
    "Leadership;Hiring;Agile;Product strategy"
)
NOTES = [
    "",
    "",
    "",
    "Met at a meetup; open to a chat next quarter.",
    "Referred by a former colleague, strong on distributed systems.",
    "Not looking right now, happy to stay in touch.",
    "Spoke at PyCon about async Python.",
    "Interested in remote roles only.",
]

# (label, filters as the search page sends them)
SEARCHES = [
    ('text "python", passive', {"q": "python", "seeking_status": "passive"}),
    ('misspelt "Margret Thomson"', {"q": "Margret Thomson"}),
    ("Fintech in DE, 5+ years", {"industry": "Fintech", "country": "DE", "min_experience": "5"}),
    ("skills Python AND SQL", {"skills": "Python, SQL", "skills_mode": "all"}),
    (
        "engagement 60-90, by score",
        {"min_engagement": "60", "max_engagement": "90", "sort": "-engagement_score"},
    ),
]

# The same work written by hand: the count and the first 50 rows with the owner, the order of the page.
NAME = "lower(c.first_name || ' ' || c.last_name)"
TEXT_MATCH = f"(c.search_vector @@ to_tsquery('simple', %(tsquery)s) OR {NAME} %% %(name)s)"
RELEVANCE = (
    f"coalesce(ts_rank(c.search_vector, to_tsquery('simple', %(tsquery)s)), 0) + similarity({NAME}, %(name)s) DESC, "
    "c.last_name, c.first_name, c.id"
)
HAS_SKILL = (
    "EXISTS (SELECT 1 FROM candidates_candidate_skills cs JOIN candidates_skill s ON s.id = cs.skill_id "
    "WHERE cs.candidate_id = c.id AND lower(s.name) = %({})s)"
)
BY_NAME = "c.last_name, c.first_name, c.id"
SQL = [
    (
        f"c.seeking_status = 'passive' AND {TEXT_MATCH}",
        RELEVANCE,
        {"tsquery": "python:*", "name": "python"},
    ),
    (TEXT_MATCH, RELEVANCE, {"tsquery": "margret:* & thomson:*", "name": "margret thomson"}),
    (
        "upper(c.industry) = upper(%(industry)s) AND c.country = %(country)s AND c.years_experience >= %(years)s",
        BY_NAME,
        {"industry": "Fintech", "country": "DE", "years": 5},
    ),
    (f"{HAS_SKILL.format('a')} AND {HAS_SKILL.format('b')}", BY_NAME, {"a": "python", "b": "sql"}),
    (
        "c.engagement_score >= %(low)s AND c.engagement_score <= %(high)s",
        "c.engagement_score DESC, c.id",
        {"low": 60, "high": 90},
    ),
]


def postgres_answers(database_url: str) -> bool:
    import environ
    import psycopg2

    config = environ.Env.db_url_config(database_url)
    if not config["ENGINE"].endswith("postgresql"):
        return False
    try:
        psycopg2.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def load_candidates(count: int) -> None:
    """Bulk-insert candidates with their search text and skills, fill every search_vector in one UPDATE, then
    build the two GIN indexes of migration 0003 (dropped meanwhile: one build is faster than 100,000 updates)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from candidates.models import Candidate, SeekingStatus, Skill, Source
    from candidates.search_documents import search_document_for, search_vector

    search_indexes = importlib.import_module("candidates.migrations.0003_postgres_search_indexes")
    with connection.cursor() as cursor:
        for sql in search_indexes.DROP:
            cursor.execute(sql)
    rng = random.Random(SEED)
    now = timezone.now()
    owners = [get_user_model().objects.create(username=f"recruiter{i}", first_name=f"R{i}") for i in range(5)]
    skills = Skill.objects.bulk_create([Skill(name=name) for name in SKILLS])
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(skills))]  # a few skills are common, most are rare
    through = Candidate.skills.through
    for start in range(0, count, BATCH):
        people, their_skills = [], []
        for i in range(start, min(start + BATCH, count)):
            country = rng.choice(list(PLACES))
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            chosen = {skill.pk: skill for skill in rng.choices(skills, weights, k=rng.randint(1, 5))}
            candidate = Candidate(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{i}@example.org".lower(),
                title=rng.choice(SENIORITY) + rng.choice(TITLES),
                company=rng.choice(COMPANIES),
                industry=rng.choice(INDUSTRIES),
                years_experience=rng.randint(0, 35),
                country=country,
                city=rng.choice(PLACES[country]),
                seeking_status=SeekingStatus.PASSIVE if rng.random() < 0.7 else SeekingStatus.ACTIVE,
                source=rng.choice(Source.values),
                owner=rng.choice(owners),
                notes=rng.choice(NOTES),
                engagement_score=round(rng.betavariate(2, 5) * 100, 1),
                last_contacted_at=now - timedelta(days=rng.randint(0, 730)) if rng.random() < 0.8 else None,
            )
            candidate.search_document = search_document_for(
                candidate, skill_names=[skill.name for skill in chosen.values()]
            )
            people.append(candidate)
            their_skills.append(list(chosen))
        Candidate.objects.bulk_create(people)
        through.objects.bulk_create(
            [
                through(candidate_id=candidate.pk, skill_id=skill_id)
                for candidate, skill_ids in zip(people, their_skills, strict=True)
                for skill_id in skill_ids
            ]
        )
    Candidate.objects.update(search_vector=search_vector())
    with connection.cursor() as cursor:
        for sql in search_indexes.CREATE:
            cursor.execute(sql)
        for table in ("candidates_candidate", "candidates_candidate_skills", "candidates_skill"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def orm_first_page(filters: dict) -> tuple[int, list[int]]:
    """What the search page does: count, then the first 50 candidates with their owner."""
    from django.core.paginator import Paginator

    from candidates.search import search_candidates

    page = Paginator(search_candidates(filters), 50).get_page(1)
    return page.paginator.count, [candidate.pk for candidate in page]


def sql_first_page(where: str, order: str, params: dict) -> tuple[int, list[int]]:
    from django.db import connection

    base = f"FROM candidates_candidate c WHERE c.erased_at IS NULL AND {where}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {base}", params)
        (count,) = cursor.fetchone()
        cursor.execute(
            f"SELECT c.*, u.* {base.replace('WHERE', 'LEFT JOIN auth_user u ON u.id = c.owner_id WHERE', 1)} "
            f"ORDER BY {order} LIMIT 50",
            params,
        )
        rows = cursor.fetchall()
    return count, [row[0] for row in rows]


def main() -> int:
    from bench.common import median, p95, setup_fresh_database, timings_ms

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    database_url = os.environ.get("DATABASE_URL", "")
    if not postgres_answers(database_url):
        print(f"search: skipped, needs PostgreSQL at DATABASE_URL (got {database_url or 'nothing'!r})")
        return 0
    started = time.perf_counter()
    setup_fresh_database()
    load_started = time.perf_counter()
    load_candidates(N_CANDIDATES)
    loaded = time.perf_counter() - load_started
    print(
        f"{N_CANDIDATES:,} candidates loaded and indexed in {loaded:.1f} s ({N_CANDIDATES / loaded:,.0f} rows/s)"
    )
    print(
        f"first page = count + 50 rows with owner; median and p95 of {REPEAT} runs, in ms "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(f"{'search':<30} {'matches':>8} {'ORM med':>8} {'p95':>7} {'SQL med':>8} {'p95':>7} {'ratio':>6}")
    for (label, filters), (where, order, params) in zip(SEARCHES, SQL, strict=True):
        orm_result, sql_result = orm_first_page(filters), sql_first_page(where, order, params)
        if orm_result != sql_result:
            print(f"{label}: the ORM and the SQL disagree: {orm_result[0]} vs {sql_result[0]} matches")
            return 1
        orm = timings_ms(lambda filters=filters: orm_first_page(filters), repeat=REPEAT)
        sql = timings_ms(lambda w=where, o=order, p=params: sql_first_page(w, o, p), repeat=REPEAT)
        print(
            f"{label:<30} {orm_result[0]:>8,} {median(orm):>8.1f} {p95(orm):>7.1f} "
            f"{median(sql):>8.1f} {p95(sql):>7.1f} {median(orm) / median(sql):>6.2f}"
        )
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
