"""The plan: everything random is drawn here, before the database is touched, so it is the same every run."""

import random

from candidates.models import Source
from pipelines.models import TALENT_STAGES

from .people import EUROPE, candidate_specs, weighted
from .requisitions import (
    REQUISITIONS,
    SILVER_MEDAL_COUNT,
    SILVER_MEDAL_REASONS,
    SILVER_MEDAL_ROLES,
    shortlist_pitch,
    stage_counts,
)
from .sequences import ACTIVE_FOLLOW_UP, EVENT_FOLLOW_UP, NURTURE
from .state import SEED, Plan


def build_plan() -> Plan:
    rng = random.Random(SEED)
    specs = candidate_specs(rng)

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
        chosen.sort(key=lambda i: (specs[i].passive, -specs[i].keenness))
        if req.get("passive_hire"):
            chosen.insert(0, chosen.pop(next(n for n, i in enumerate(chosen) if specs[i].passive)))
        stages = []
        for name, count in reversed(stage_counts(len(chosen))):
            stages += [name] * count
        planned = []
        for index, stage in zip(chosen, stages, strict=True):
            pitch = (
                shortlist_pitch(rng, specs[index])
                if stage in {"Interview", "Final", "Offer", "Hired"}
                else ""
            )
            planned.append((index, stage, pitch))
        planned.sort(key=lambda c: c[0])
        cards[req["title"]] = planned
        used.update(chosen)

    # The referral "linked to an existing candidate": someone interviewing for the Data Engineer role.
    existing_referral = next(
        i for i, stage, _ in cards["Data Engineer"] if stage == "Interview" and specs[i].email
    )

    talent_eligible = [s.index for s in specs if s.passive and s.linkedin_url and s.index not in used]
    talent = sorted(rng.sample(talent_eligible, 20), key=lambda i: specs[i].keenness)
    talent_cards = []
    for stage, count in zip(TALENT_STAGES, [5, 4, 4, 2, 2, 3], strict=True):
        talent_cards += [(talent.pop(0), stage) for _ in range(count)]
    # Ready to talk after months of nurture: their history is played in history.seed_history.
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
    # Enrolled weeks ago; what happened since is played in history.seed_history.
    past_enrollments = [(EVENT_FOLLOW_UP, i) for i in event_people[6:20] if i not in ready]
    past_enrollments += [(ACTIVE_FOLLOW_UP, i) for i in actives[6:16]]
    taken |= set(event_people[:20]) | ready
    # Passive people nurtured for a while, who answered as keenly as they are.
    nurtured_before = [
        s.index for s in specs if s.passive and s.email and s.linkedin_url and s.index not in taken
    ]
    past_enrollments += [(NURTURE, i) for i in sorted(rng.sample(nurtured_before, 50))]
    taken |= {i for _, i in past_enrollments}
    # Warm now: people in the planned Berlin role's pools who connected, clicked and replied in recent weeks,
    # most of them the main recruiter's (they show on her home page as warming up).
    berlin = set(pools["Backend engineers — Berlin expansion"]) | set(pools["Engineering leaders"])
    warm_eligible = [
        s.index
        for s in specs
        if s.index in berlin and s.passive and s.email and s.linkedin_url and s.index not in taken
    ]
    warm_eligible.sort(key=lambda i: (specs[i].fields["owner"] != "recruiter", -specs[i].keenness))
    warm = sorted(warm_eligible[:6])

    # Drawn from their own generator so the draws above stay as they were.
    medal_rng = random.Random(SEED + 1)
    silver_medals = []
    on_board = {title: {i for i, _, _ in planned} for title, planned in cards.items()}
    for index in pools["Silver medalists"]:
        title = SILVER_MEDAL_ROLES.get(specs[index].family)
        if title is None or index in on_board[title]:
            continue
        stage = medal_rng.choice(["Interview", "Final", "Final", "Offer"])
        reason = weighted(medal_rng, {key: weight for key, (weight, _) in SILVER_MEDAL_REASONS.items()})
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
        warm=warm,
    )
