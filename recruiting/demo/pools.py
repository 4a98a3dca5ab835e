"""Demo talent pools: static pools filled through the pool service."""

from candidates import services as candidate_services
from candidates.models import TalentPool

from .state import Demo

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


def seed_pools(demo: Demo) -> None:
    for name, description in POOLS:
        pool, created = TalentPool.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "kind": TalentPool.Kind.STATIC,
                "owner": demo.users["recruiter"],
            },
        )
        demo.count("pools", created)
        demo.pools[name] = pool
        members = [demo.candidates[i] for i in demo.plan.pools[name]]
        added = candidate_services.add_to_pool(pool=pool, candidates=members, by=demo.users["recruiter"])
        demo.count("pool memberships", added)
