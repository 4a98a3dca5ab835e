"""Search at any size on PostgreSQL: `search_candidates` next to hand-written SQL, against a 300 ms goal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/longlist_bench_search python -m bench.search --candidates 1000000

For five typical searches it times the first page as the search page loads it (the bounded count, then 50 rows
with their owner) through ``candidates.search.search_candidates``, and the same two statements written by hand
and run on a cursor (the floor); the ratio is the cost of the form, the ORM and building model instances. It
also times GET /api/candidates/ with the same filters (in-process, JSON of 50 rows with their skills). Both
sides must return the same rows. The data is bulk loaded with COPY and kept: a later run at the same size reuses
it (migrating it if the schema moved on), any other size recreates the database, so point DATABASE_URL at a
scratch database.
"""

import argparse
import io
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

N_CANDIDATES = 100_000
SEED = 7
BATCH = 20_000
REPEAT = 15
GOAL_MS = 300
# Marks a fully loaded data set (a COMMENT on the candidates table), so an interrupted load is never reused.
DATA_MARK = "bench.search v1 seed={seed} candidates={count}"


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
NAME_LIKE = f"({NAME} %% %(name)s OR {NAME} %%> %(name)s)"


def bounded(where: str) -> str:
    """Best match ranks the newest SEARCH_COUNT_BOUND + 1 (%(pool)s) matches of the words and as many of the
    name, read first in one query as search_candidates does; the count and the page then take their %(ids)s."""
    return " UNION ".join(
        "(SELECT c.id FROM candidates_candidate c WHERE c.erased_at IS NULL AND "
        f"{where} AND {match} ORDER BY c.id DESC LIMIT %(pool)s)"
        for match in ("c.search_vector @@ to_tsquery('simple', %(tsquery)s)", NAME_LIKE)
    )


RELEVANCE = (
    f"coalesce(ts_rank(c.search_vector, to_tsquery('simple', %(tsquery)s)), 0) + similarity({NAME}, %(name)s) DESC, "
    "c.last_name, c.first_name, c.id"
)
# every skill named, from the candidate's skill keys (GIN index of migration 0011)
HAS_SKILLS = "string_to_array(c.skill_keys, '|') @> %(skills)s::text[]"
BY_NAME = "c.last_name, c.first_name, c.id"
SQL = [
    (
        "c.id = ANY(%(ids)s)",
        RELEVANCE,
        {"tsquery": "python:*", "name": "python", "pool_sql": bounded("c.seeking_status = 'passive'")},
    ),
    (
        "c.id = ANY(%(ids)s)",
        RELEVANCE,
        {"tsquery": "margret:* & thomson:*", "name": "margret thomson", "pool_sql": bounded("TRUE")},
    ),
    (
        "upper(c.industry) = upper(%(industry)s) AND c.country = %(country)s AND c.years_experience >= %(years)s",
        BY_NAME,
        {"industry": "Fintech", "country": "DE", "years": 5},
    ),
    (HAS_SKILLS, BY_NAME, {"skills": ["python", "sql"]}),
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


# A candidate's weighted tsvector in SQL, as search_documents.search_vector() builds it; load_candidates checks
# a sample of the loaded rows against the ORM's own expression.
VECTOR_SQL = (
    "setweight(to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(company, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(search_document, '')), 'C')"
)


def _copy_text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "adapted"):  # a JSON adapter (JSONField.get_db_prep_save)
        value = json.dumps(value.adapted)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def generate_candidates(count: int, owner_ids: list[int], skills: list) -> Iterator[tuple[dict, list[int]]]:
    """({field name: value} of the columns that vary, skill ids) per candidate, the same people for the same
    SEED. Plain values, no model instances: building those would cap the load near 2,500 rows/s."""
    from django.utils import timezone

    from candidates.models import SeekingStatus, Source
    from candidates.search_documents import search_document_for, skill_keys_for

    rng = random.Random(SEED)
    now = timezone.now()
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(skills))]  # a few skills are common, most are rare
    for i in range(count):
        country = rng.choice(list(PLACES))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        chosen = {skill.pk: skill for skill in rng.choices(skills, weights, k=rng.randint(1, 5))}
        values = {
            "id": i + 1,
            "first_name": first,
            "last_name": last,
            "email": f"{first}.{last}.{i}@example.org".lower(),
            "title": rng.choice(SENIORITY) + rng.choice(TITLES),
            "company": rng.choice(COMPANIES),
            "industry": rng.choice(INDUSTRIES),
            "years_experience": rng.randint(0, 35),
            "country": country,
            "city": rng.choice(PLACES[country]),
            "seeking_status": str(SeekingStatus.PASSIVE if rng.random() < 0.7 else SeekingStatus.ACTIVE),
            "source": rng.choice(Source.values),
            "owner_id": rng.choice(owner_ids),
            "notes": rng.choice(NOTES),
            "engagement_score": round(rng.betavariate(2, 5) * 100, 1),
            "last_contacted_at": now - timedelta(days=rng.randint(0, 730)) if rng.random() < 0.8 else None,
        }
        person = SimpleNamespace(
            **{**values, "country": SimpleNamespace(code=country)}, full_name=f"{first} {last}"
        )
        names = [skill.name for skill in chosen.values()]
        values["search_document"] = search_document_for(
            person,  # type: ignore[arg-type]  # the fields search_document_for reads
            skill_names=names,
        )
        values["skill_keys"] = skill_keys_for(names)
        yield values, list(chosen)


def load_candidates(count: int) -> None:
    """COPY candidates (their search text computed in Python, their tsvector in the INSERT from a staging
    table) and their skills in batches, with the indexes dropped meanwhile and built once at the end."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from candidates.models import Candidate, Skill
    from candidates.search_documents import search_vector

    owners = [get_user_model().objects.create(username=f"recruiter{i}", first_name=f"R{i}") for i in range(5)]
    skills = Skill.objects.bulk_create([Skill(name=name) for name in SKILLS])
    fields = [f for f in Candidate._meta.concrete_fields if f.column != "search_vector"]
    columns = [connection.ops.quote_name(f.column) for f in fields]
    # every column as a default candidate has it, in COPY's text; each row then sets the columns that vary
    default = Candidate(first_name="-")
    template = [_copy_text(f.get_db_prep_save(f.pre_save(default, add=True), connection)) for f in fields]
    position = {f.attname: index for index, f in enumerate(fields)}
    table = Candidate._meta.db_table
    through = Candidate.skills.through._meta.db_table
    people = generate_candidates(count, [owner.pk for owner in owners], skills)

    def batch_text(size: int) -> tuple[str, str]:
        """The next `size` candidates and their skills, in COPY's text format."""
        people_text, skills_text = [], []
        for values, skill_ids in itertools.islice(people, size):
            text = template.copy()
            for name, value in values.items():
                text[position[name]] = _copy_text(value)
            people_text.append("\t".join(text) + "\n")
            skills_text.extend(f"{values['id']}\t{skill_id}\n" for skill_id in skill_ids)
        return "".join(people_text), "".join(skills_text)

    with connection.cursor() as cursor:
        # A bench database: commits need not wait for the disk, index builds may sort in memory, and the
        # foreign keys (generated to be valid) are not checked row by row (replica mode skips their triggers).
        cursor.execute(
            "SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; "
            "SET session_replication_role = replica"
        )
        # every index that backs no constraint is dropped meanwhile and built once at the end
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (%s, %s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table, through],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute(f"CREATE TEMP TABLE bench_stage (LIKE {table})")
        # one thread writes the next batch's text while the database takes this one
        with ThreadPoolExecutor(max_workers=1) as writer:
            sizes = [min(BATCH, count - start) for start in range(0, count, BATCH)]
            pending = writer.submit(batch_text, sizes[0])
            for index in range(len(sizes)):
                people_text, skills_text = pending.result()
                if index + 1 < len(sizes):
                    pending = writer.submit(batch_text, sizes[index + 1])
                cursor.copy_expert(
                    f"COPY bench_stage ({', '.join(columns)}) FROM STDIN", io.StringIO(people_text)
                )
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}, search_vector) "
                    f"SELECT {', '.join(columns)}, {VECTOR_SQL} FROM bench_stage"
                )
                cursor.execute("TRUNCATE bench_stage")
                cursor.copy_expert(
                    f"COPY {through} (candidate_id, skill_id) FROM STDIN", io.StringIO(skills_text)
                )
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
    sample = Candidate.objects.filter(pk__in=range(1, count + 1, max(1, count // 100)))
    pairs = sample.annotate(expected=search_vector()).values_list("search_vector", "expected")
    if any(loaded != expected for loaded, expected in pairs):
        raise RuntimeError("VECTOR_SQL no longer builds what search_documents.search_vector() builds")
    with connection.cursor() as cursor:
        for name in (table, through, Skill._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {name}")
        cursor.execute(f"COMMENT ON TABLE {table} IS %s", [DATA_MARK.format(seed=SEED, count=count)])


def prepare(count: int) -> float | None:
    """The database at DATABASE_URL holding `count` candidates: reused (and migrated) when a finished load of
    that size is there, else recreated and loaded. Returns the load's seconds, None when reused."""
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.db.utils import OperationalError

    from bench.common import setup_fresh_database

    django.setup()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT obj_description('candidates_candidate'::regclass, 'pg_class')")
            (mark,) = cursor.fetchone()
    except Exception as error:  # no database yet, or no table: load afresh
        if not isinstance(error, OperationalError) and "candidates_candidate" not in str(error):
            raise
        mark = None
    connection.close()
    if mark == DATA_MARK.format(seed=SEED, count=count):
        call_command("migrate", verbosity=0)
        return None
    setup_fresh_database()
    started = time.perf_counter()
    load_candidates(count)
    return time.perf_counter() - started


def orm_first_page(filters: dict) -> tuple[int, list[int]]:
    """What the search page does: the bounded count, then the first 50 candidates with their owner."""
    from candidates.search import BoundedPaginator, search_candidates

    page = BoundedPaginator(search_candidates(filters), 50).get_page(1)
    return page.paginator.count, [candidate.pk for candidate in page]


def api_client():
    """An API client signed in as a bench admin (created once in the bench database)."""
    import warnings

    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic in a bench
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(user)
    return client


def api_first_page(client, filters: dict) -> int:
    """GET /api/candidates/ with the filters: the first page of 50 as JSON; returns its count."""
    response = client.get("/api/candidates/", filters)
    assert response.status_code == 200, response.content[:300]
    return response.json()["count"]


def sql_first_page(where: str, order: str, params: dict) -> tuple[int, list[int]]:
    from django.conf import settings
    from django.db import connection

    base = f"FROM candidates_candidate c WHERE c.erased_at IS NULL AND {where}"
    params = {**params, "pool": settings.SEARCH_COUNT_BOUND + 1}
    with connection.cursor() as cursor:
        if "pool_sql" in params:
            cursor.execute(params.pop("pool_sql"), params)
            params["ids"] = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {settings.SEARCH_COUNT_BOUND + 1}) bounded", params
        )
        (count,) = cursor.fetchone()
        cursor.execute(
            f"SELECT c.*, u.* {base.replace('WHERE', 'LEFT JOIN auth_user u ON u.id = c.owner_id WHERE', 1)} "
            f"ORDER BY {order} LIMIT 50",
            params,
        )
        rows = cursor.fetchall()
    return count, [row[0] for row in rows]


def main(argv: list[str] | None = None) -> int:
    from django.conf import settings

    from bench.common import median, p95, timings_ms

    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=N_CANDIDATES, help="how many (default 100,000)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed runs per search (default 15)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    database_url = os.environ.get("DATABASE_URL", "")
    if not postgres_answers(database_url):
        print(f"search: skipped, needs PostgreSQL at DATABASE_URL (got {database_url or 'nothing'!r})")
        return 0
    started = time.perf_counter()
    loaded = prepare(args.candidates)
    if loaded is None:
        print(f"{args.candidates:,} candidates already loaded: reused")
    else:
        print(
            f"{args.candidates:,} candidates loaded and indexed in {loaded:.1f} s "
            f"({args.candidates / loaded:,.0f} rows/s)"
        )
    print(
        f"first page = count (exact up to {settings.SEARCH_COUNT_BOUND:,}) + 50 rows with owner; "
        f"median and p95 of {args.repeat} runs, in ms "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs); goal: p95 <= {GOAL_MS} ms"
    )
    print(
        f"{'search':<30} {'matches':>8} {'ORM med':>8} {'p95':>7} {'SQL med':>8} {'p95':>7} {'ratio':>6} "
        f"{'API med':>8} {'p95':>7} {'goal':>5}"
    )
    missed = 0
    bound = settings.SEARCH_COUNT_BOUND
    client = api_client()
    for (label, filters), (where, order, params) in zip(SEARCHES, SQL, strict=True):
        orm_result, sql_result = orm_first_page(filters), sql_first_page(where, order, params)
        if orm_result != sql_result:
            print(f"{label}: the ORM and the SQL disagree: {orm_result[0]} vs {sql_result[0]} matches")
            return 1
        orm = timings_ms(lambda filters=filters: orm_first_page(filters), repeat=args.repeat)
        sql = timings_ms(lambda w=where, o=order, p=params: sql_first_page(w, o, p), repeat=args.repeat)
        api = timings_ms(lambda filters=filters: api_first_page(client, filters), repeat=args.repeat)
        met = max(p95(orm), p95(api)) <= GOAL_MS
        missed += not met
        matches = f"{min(orm_result[0], bound):,}{'+' if orm_result[0] > bound else ''}"
        print(
            f"{label:<30} {matches:>8} {median(orm):>8.1f} {p95(orm):>7.1f} "
            f"{median(sql):>8.1f} {p95(sql):>7.1f} {median(orm) / median(sql):>6.2f} "
            f"{median(api):>8.1f} {p95(api):>7.1f} {'met' if met else 'MISS':>5}"
        )
    print(f"{len(SEARCHES) - missed} of {len(SEARCHES)} searches within {GOAL_MS} ms p95 (page and API)")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
