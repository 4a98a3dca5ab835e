"""Demo requisitions and their boards: cards moved along over weeks, silver medals, the talent board."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Activity, Candidate, SilverMedal, Skill
from pipelines import services as pipeline_services
from pipelines.models import Card, CareersSettings, Pipeline, Requisition, StageChange

from .state import CandidateSpec, Demo, person_rng

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


def shortlist_pitch(rng: random.Random, spec: CandidateSpec) -> str:
    f = spec.fields
    return (
        f"{f['first_name']} has {f['years_experience']} years of experience, currently {f['title']} at "
        f"{f['company']}. Strong in {', '.join(spec.skills[:2])}; {rng.choice(PITCH_REASONS)}."
    )


def stage_counts(n: int) -> list[tuple[str, int]]:
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


def seed_requisitions(demo: Demo) -> None:
    CareersSettings.objects.get_or_create(
        pk=1,
        defaults={
            "company_name": "Longlist Demo Co",
            "brand_colour": "#0f766e",
            "intro": "We build software that helps teams hire well. Small teams, real ownership, remote-friendly.",
        },
    )
    today = timezone.localdate(demo.now)
    for number, req in enumerate(REQUISITIONS, start=101):
        requisition = Requisition.objects.filter(title=req["title"]).order_by("pk").first()
        if requisition is None:
            fields = {
                "title": req["title"],
                "department": req["department"],
                "location": req["location"],
                "description": req["description"],
                "status": req["status"],
                "headcount": req.get("headcount", 1),
                "hiring_manager": demo.users[req["manager"]],
                "recruiter": demo.users["recruiter"],
            }
            if req["status"] == Requisition.Status.OPEN:
                opened = demo.now - timedelta(days=req["opened_days_ago"])
                fields.update(
                    opened_at=opened, expected_open_date=timezone.localdate(opened), is_published=True
                )
            else:
                fields["expected_open_date"] = today + timedelta(days=req["expected_in_days"])
            requisition = pipeline_services.create_requisition(
                by=demo.users["recruiter"],
                pools=[demo.pools[name] for name in req["pools"]],
                industry=req["industry"],
                custom_fields={"budget_code": f"HC-2026-{number}"},
                **fields,
            )
            requisition.skills.set(
                Skill.objects.filter(name__iexact=name).first() or Skill.objects.create(name=name)
                for name in req["skills"]
            )
            demo.count("requisitions")
        demo.requisitions[req["title"]] = requisition
        pipeline = Pipeline.objects.filter(requisition=requisition).first()
        if pipeline is not None:
            add_cards(
                demo,
                pipeline,
                [(demo.candidates[i], s, p) for i, s, p in demo.plan.cards.get(req["title"], [])],
            )


def add_cards(demo: Demo, pipeline: Pipeline, cards: list[tuple[Candidate, str, str]]) -> None:
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
            pipeline=pipeline, candidate=candidate, stage=path[0], by=demo.users["recruiter"], pitch=pitch
        )
        for stage in path[1:]:
            pipeline_services.move_card(
                card=card,
                to_stage=stage,
                position=len(on_board),  # past the end: the bottom of the column
                expected_version=card.version,
                by=demo.users["recruiter"],
            )
        _set_card_times(card, path_times(demo, candidate, pipeline, len(path)))
        on_board.add(candidate.pk)
        demo.count("cards")


def path_times(demo: Demo, candidate: Candidate, pipeline: Pipeline, stops: int) -> list[datetime]:
    """When their card entered each of `stops` stages: 2 to 12 days apart, the last 12 hours to 8 days ago."""
    rng = person_rng(candidate, f"board {pipeline.name}")
    at = demo.now - timedelta(days=rng.uniform(0.5, 8))
    times = [at]
    for _ in range(stops - 1):
        at -= timedelta(days=rng.uniform(2, 12))
        times.append(at)
    return times[::-1]


def _set_card_times(card: Card, times: list[datetime]) -> None:
    """Set back the card, its stage history and their timeline entries to `times` (one per stage)."""
    changes = list(StageChange.objects.filter(card=card).order_by("pk").values_list("pk", flat=True))
    entries = Activity.objects.filter(
        candidate_id=card.candidate_id, kind=Activity.Kind.STAGE_MOVE, data__card_id=card.pk
    )
    for change, entry, at in zip(changes, entries.order_by("pk"), times, strict=True):
        StageChange.objects.filter(pk=change).update(moved_at=at)
        Activity.objects.filter(pk=entry.pk).update(created_at=at)
    Card.objects.filter(pk=card.pk).update(created_at=times[0], entered_stage_at=times[-1])


def seed_silver_medals(demo: Demo) -> None:
    """People turned down late in earlier rounds of the demo roles (months ago), for rediscovery."""
    have = set(SilverMedal.objects.values_list("candidate_id", "requisition_id"))
    for index, title, stage_name, reason, detail, days_ago in demo.plan.silver_medals:
        candidate, requisition = demo.candidates[index], demo.requisitions[title]
        if (candidate.pk, requisition.pk) in have:
            continue
        medal = candidate_services.add_silver_medalist(
            candidate=candidate,
            requisition=requisition,
            stage=requisition.pipeline.stages.get(name=stage_name),
            reason=reason,
            reason_detail=detail,
            by=demo.users["recruiter"],
        )
        SilverMedal.objects.filter(pk=medal.pk).update(created_at=demo.now - timedelta(days=days_ago))
        demo.count("silver medals")


def seed_talent_board(demo: Demo) -> None:
    board = pipeline_services.get_or_create_talent_board()
    add_cards(demo, board, [(demo.candidates[i], stage, "") for i, stage in demo.plan.talent_cards])
