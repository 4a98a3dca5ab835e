"""Read queries for requisitions and boards."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import overload
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from candidates.models import Activity, Candidate, Referral, Resume, TalentPool
from candidates.roles import ADMIN, HIRING_MANAGER, RECRUITER, is_admin
from candidates.selectors import Suggestion, pool_members, suggest_from_database

from .models import (
    Application,
    Card,
    Feedback,
    FeedbackCriterion,
    ForecastSettings,
    Pipeline,
    Requisition,
    ShortlistReview,
    Stage,
    TalentReview,
)


@dataclass(slots=True)
class BoardCandidate:
    """What a board card shows of its candidate."""

    first_name: str
    last_name: str
    title: str
    seeking_status: str
    engagement_score: float
    last_contacted_at: datetime | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()  # as Candidate.full_name


@dataclass(slots=True)
class BoardCard:
    """A card as a board draws it: a row rather than a Card and a Candidate instance (a board draws a page of
    cards a column on every load, and building model instances cost more than reading the rows)."""

    pk: int
    stage_id: int
    position: int
    version: int
    entered_stage_at: datetime
    candidate_id: int
    candidate: BoardCandidate
    # The person's next booked call or interview (Card.next_meeting_at; the card shows it while ahead).
    next_meeting_at: datetime | None = None
    # The hiring manager's latest decision, with its reviewer's names (the card shows it).
    latest_review: ShortlistReview | None = None
    # The recommendations of its structured feedback, oldest first (the card lists them).
    feedback_given: list[int] = field(default_factory=list)


def column_page_size() -> int:
    """Cards per column on a board's first paint and per "show more" (setting BOARD_COLUMN_PAGE_SIZE)."""
    return settings.BOARD_COLUMN_PAGE_SIZE


def requisitions_for(user: User) -> QuerySet[Requisition]:
    return (
        Requisition.objects.visible_to(user)
        .select_related("hiring_manager", "recruiter")
        .annotate(card_count=Count("pipeline__cards", filter=Q(pipeline__cards__status=Card.Status.ACTIVE)))
    )


def get_board_requisition(user: User, pk: int) -> Requisition:
    """The requisition of a board with its board (one query), or 404 when the user may not see it; without the
    counts the board does not show (the list's card count, skills, pools)."""
    return get_object_or_404(Requisition.objects.visible_to(user).select_related("pipeline"), pk=pk)


def get_requisition_for_user(user: User, pk: int) -> Requisition:
    """The requisition, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(requisitions_for(user).prefetch_related("skills", "pools"), pk=pk)


def requisition_counts() -> dict[str, int]:
    return Requisition.objects.aggregate(
        open=Count("pk", filter=Q(status=Requisition.Status.OPEN)),
        planned=Count("pk", filter=Q(status=Requisition.Status.PLANNED)),
    )


@dataclass(frozen=True)
class BoardFilters:
    """What a recruiter narrowed the board to: words in name or title, owner, active/passive."""

    text: str = ""
    owner: int | None = None
    seeking_status: str = ""

    def cards(self, prefix: str = "") -> Q:
        """The condition on active cards; `prefix` (e.g. "cards__") when seen from a stage."""

        def q(**lookup) -> Q:
            return Q(**{prefix + key: value for key, value in lookup.items()})

        match = q(status=Card.Status.ACTIVE)
        for word in self.text.split():
            match &= (
                q(candidate__first_name__icontains=word)
                | q(candidate__last_name__icontains=word)
                | q(candidate__title__icontains=word)
            )
        if self.owner:
            match &= q(candidate__owner_id=self.owner)
        if self.seeking_status:
            match &= q(candidate__seeking_status=self.seeking_status)
        return match

    @cached_property
    def cards_sql(self) -> tuple[str, list]:
        """cards() as `FROM … WHERE …` for the board's queries written in SQL, which add their conditions with
        AND: the card table by its name, pipelines_card, joined to candidates_candidate when a filter reads the
        person. The ORM compiles it, so that the rule stays cards()."""
        query = Card.objects.filter(self.cards()).query
        compiler = query.get_compiler(connection=connection)
        tables, table_params = compiler.get_from_clause()
        where, where_params = compiler.compile(query.where)
        return f"FROM {' '.join(tables)} WHERE {where}", [*table_params, *where_params]

    @cached_property
    def as_query(self) -> str:
        """The filters as a query string, for the links that keep them (each column's "Show more")."""
        return urlencode(
            {
                k: v
                for k, v in {
                    "q": self.text,
                    "owner": self.owner or "",
                    "seeking": self.seeking_status,
                }.items()
                if v
            }
        )


# The board's reads, in SQL: on every load the ORM took longer to build them than the database took to answer.
# A card row's columns, in the order _board_rows reads them; the card is `card`, its candidate `person`.
CARD_COLUMNS = (
    "card.id, card.stage_id, card.position, card.version, card.entered_stage_at, card.candidate_id, "
    "person.first_name, person.last_name, person.title, person.seeking_status, person.engagement_score, "
    "person.last_contacted_at, card.next_meeting_at"
)


@overload
def _as_datetime(value: datetime | str) -> datetime: ...
@overload
def _as_datetime(value: None) -> None: ...
def _as_datetime(value: datetime | str | None) -> datetime | None:
    """A datetime read with a plain cursor, aware: PostgreSQL gives one; SQLite gives the naive UTC datetime,
    or its text through a subquery, that the ORM would convert."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _id_list(ids: Iterable[int]) -> tuple[str, list[int]]:
    """`%s, %s, …` for an IN list, and its values."""
    values = list(ids)
    return ", ".join(["%s"] * len(values)), values


def _board_card(row: tuple) -> BoardCard:
    """A BoardCard from a row of CARD_COLUMNS."""
    pk, stage, position, version, entered, person, first, last, title, seeking, score, contacted, meeting = (
        row
    )
    candidate = BoardCandidate(first, last, title, seeking, score, _as_datetime(contacted))
    return BoardCard(
        pk, stage, position, version, _as_datetime(entered), person, candidate, _as_datetime(meeting)
    )


def _board_rows(cards: str, params: list, order: str = "card.position, card.id") -> list[BoardCard]:
    """The cards `cards` reads (a FROM item naming them `card`: the table or a subquery) as BoardCards in
    `order`, each with its hiring manager's latest decision and its feedback's recommendations (one more
    query for each, however many cards)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {CARD_COLUMNS} FROM {cards} "
            f"JOIN candidates_candidate person ON person.id = card.candidate_id ORDER BY {order}",
            params,
        )
        rows = [_board_card(row) for row in cursor.fetchall()]
        if not rows:
            return rows
        by_id = {row.pk: row for row in rows}
        marks, ids = _id_list(by_id)
        cursor.execute(
            "SELECT review.card_id, review.decision, review.comment, reviewer.first_name, reviewer.last_name, "
            "reviewer.username FROM pipelines_shortlistreview review JOIN auth_user reviewer "
            f"ON reviewer.id = review.reviewer_id WHERE review.card_id IN ({marks}) "
            "ORDER BY review.created_at DESC, review.id DESC",
            ids,
        )
        for card_id, decision, comment, first, last, username in cursor.fetchall():
            if by_id[card_id].latest_review is None:
                reviewer = User(first_name=first, last_name=last, username=username)
                by_id[card_id].latest_review = ShortlistReview(
                    decision=decision, comment=comment, reviewer=reviewer
                )
        cursor.execute(
            "SELECT card_id, recommendation FROM pipelines_feedback "
            f"WHERE card_id IN ({marks}) ORDER BY created_at, id",
            ids,
        )
        for card_id, recommendation in cursor.fetchall():
            by_id[card_id].feedback_given.append(recommendation)
    return rows


def stage_counts(
    pipeline: Pipeline, filters: BoardFilters = BoardFilters(), only: set[int] | None = None
) -> list[Stage]:
    """A board's stages in order, each with how many active cards match the filters (`card_count`); `only`
    limits them to these stage ids."""
    matching, params = filters.cards_sql
    sql = (
        f"SELECT stage.*, (SELECT COUNT(*) {matching} AND pipelines_card.stage_id = stage.id) AS card_count "
        "FROM pipelines_stage stage WHERE stage.pipeline_id = %s"
    )
    params = [*params, pipeline.pk]
    if only is not None:
        marks, ids = _id_list(only)
        sql, params = f"{sql} AND stage.id IN ({marks or 'NULL'})", [*params, *ids]
    return list(Stage.objects.raw(f"{sql} ORDER BY stage.position", params))


def board_columns(
    pipeline: Pipeline, filters: BoardFilters = BoardFilters(), only: set[int] | None = None
) -> list[Stage]:
    """Stages with their first column_page_size() matching cards, in a constant number of queries; `only`
    limits them to these stage ids.

    On PostgreSQL each column's page is read through the (stage, position) index (a LATERAL join), however
    long the columns are; SQLite (small installations) numbers the columns' cards and keeps the first ones."""
    columns = stage_counts(pipeline, filters, only)
    if not columns:
        return columns
    matching, params = filters.cards_sql
    marks, stage_ids = _id_list(stage.pk for stage in columns)
    order = "pipelines_card.position, pipelines_card.id"
    if connection.vendor == "postgresql":
        cards = (
            f"(SELECT page.* FROM pipelines_stage stage CROSS JOIN LATERAL (SELECT pipelines_card.* {matching} "
            f"AND pipelines_card.stage_id = stage.id ORDER BY {order} LIMIT %s) page "
            f"WHERE stage.id IN ({marks})) card"
        )
        params = [*params, column_page_size(), *stage_ids]
    else:
        cards = (
            f"(SELECT * FROM (SELECT pipelines_card.*, ROW_NUMBER() OVER (PARTITION BY pipelines_card.stage_id "
            f"ORDER BY {order}) AS place {matching} AND pipelines_card.stage_id IN ({marks})) WHERE place <= %s) card"
        )
        params = [*params, *stage_ids, column_page_size()]
    by_stage: dict[int, list[BoardCard]] = {stage.pk: [] for stage in columns}
    for card in _board_rows(cards, params, order="card.stage_id, card.position, card.id"):
        by_stage[card.stage_id].append(card)
    for stage in columns:
        stage.board_cards = by_stage[stage.pk]
    return columns


def column_cards(stage: Stage, filters: BoardFilters, offset: int) -> list[BoardCard]:
    """The next column_page_size() cards of a column, for "show more"."""
    matching, params = filters.cards_sql
    cards = (
        f"(SELECT pipelines_card.* {matching} AND pipelines_card.stage_id = %s "
        "ORDER BY pipelines_card.position, pipelines_card.id LIMIT %s OFFSET %s) card"
    )
    return _board_rows(cards, [*params, stage.pk, column_page_size(), offset])


def board_card(card_id: int) -> BoardCard:
    """One card as the board shows it (a moved card, drawn again in its new place)."""
    return _board_rows("(SELECT * FROM pipelines_card WHERE id = %s) card", [card_id])[0]


def card_before(card: BoardCard, filters: BoardFilters) -> int | None:
    """The id of the card just above `card` in its column among those the filters show; None when it is first."""
    above = Q(position__lt=card.position) | Q(position=card.position, pk__lt=card.pk)
    return (
        Card.objects.filter(filters.cards(), above, stage_id=card.stage_id)
        .order_by("-position", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def get_card_for_user(user: User, card_id: int) -> Card:
    """A card on a board the user may work on, or 404."""
    cards = Card.objects.select_related("candidate", "stage", "pipeline__requisition")
    card = get_object_or_404(cards, pk=card_id)
    requisition = card.pipeline.requisition
    if requisition is not None and not requisitions_for(user).filter(pk=requisition.pk).exists():
        raise Http404
    return card


def candidate_cards(candidate: Candidate) -> list[Card]:
    """The person's cards with their board, requisition and stage, newest first, in one query (their profile)."""
    return list(
        Card.objects.filter(candidate=candidate)
        .select_related("pipeline__requisition", "stage")
        .order_by("-created_at")
    )


def shortlist(requisition: Requisition) -> QuerySet[Card]:
    return with_summary(
        Card.objects.filter(
            pipeline__requisition=requisition, stage__is_shortlist=True, status=Card.Status.ACTIVE
        )
    )


def with_summary(cards: QuerySet[Card]) -> QuerySet[Card]:
    """Cards with what their read-only summary shows: the person, the stage, the decisions, the latest résumé
    (`latest_resumes`) and the notes the recruiting team marked shareable (`shared_notes`)."""
    return cards.select_related("candidate", "stage").prefetch_related(
        Prefetch("reviews", queryset=ShortlistReview.objects.select_related("reviewer")),
        Prefetch(
            "candidate__resumes",
            queryset=Resume.objects.order_by("-created_at", "-id").only(
                "id", "candidate_id", "kind", "original_name", "text", "text_status", "created_at"
            ),
            to_attr="latest_resumes",
        ),
        Prefetch(
            "candidate__activities",
            queryset=Activity.objects.filter(kind=Activity.Kind.NOTE, data__shareable=True)
            .select_related("actor")
            .order_by("-created_at"),
            to_attr="shared_notes",
        ),
    )


def in_process(requisition: Requisition, limit: int = 300) -> QuerySet[Card]:
    """The people on a role's board, stage by stage, for its page: names and stages only."""
    return (
        Card.objects.filter(pipeline__requisition=requisition, status=Card.Status.ACTIVE)
        .select_related("stage", "candidate")
        .only("candidate__first_name", "candidate__last_name", "stage__name", "stage__position", "position")
        .order_by("stage__position", "position", "pk")[:limit]
    )


def get_card_summary(user: User, card_id: int) -> Card:
    """A card with its summary (see with_summary) on a role the user may see, or 404."""
    cards = Card.objects.filter(pipeline__requisition__in=Requisition.objects.visible_to(user))
    return get_object_or_404(with_summary(cards).select_related("pipeline__requisition"), pk=card_id)


def get_card_for_review(user: User, card_id: int) -> Card:
    """A card on the board of a requisition the user may see (a hiring manager: their own roles only), or
    404; the talent board is not a role, so its cards are never found here."""
    cards = Card.objects.filter(pipeline__requisition__in=Requisition.objects.visible_to(user))
    return get_object_or_404(cards.select_related("candidate", "pipeline__requisition"), pk=card_id)


def latest_resume(candidate: Candidate) -> Resume | None:
    return Resume.objects.filter(candidate=candidate).order_by("-created_at", "-id").first()


def shortlists_waiting_for(manager: User) -> QuerySet[Card]:
    """Shortlisted cards on a manager's requisitions that they have not decided on yet."""
    return (
        Card.objects.filter(
            pipeline__requisition__hiring_manager=manager,
            stage__is_shortlist=True,
            status=Card.Status.ACTIVE,
        )
        .exclude(reviews__reviewer=manager)
        .select_related("candidate", "pipeline__requisition", "stage")
    )


def suggestions_for(requisition: Requisition, limit: int = 10) -> list[Suggestion]:
    """Suggested from your database: past candidates like this role, minus everyone already on its board."""
    on_board = Card.objects.filter(pipeline__requisition=requisition).values_list("candidate_id", flat=True)
    return suggest_from_database(
        title=requisition.title,
        skills=[skill.name for skill in requisition.skills.all()],
        industry=requisition.industry,
        exclude_ids=list(on_board),
        limit=limit,
    )


def board_owners(pipeline: Pipeline) -> list[User]:
    """The owners of the candidates on a board, for the owner filter: each user (a short table) is looked for
    on the board, rather than every card's owner collected and made distinct. In SQL, as the board's other
    reads."""
    return list(
        User.objects.raw(
            "SELECT u.id, u.username, u.first_name, u.last_name FROM auth_user u "
            "WHERE EXISTS (SELECT 1 FROM pipelines_card card JOIN candidates_candidate person "
            "ON person.id = card.candidate_id WHERE person.owner_id = u.id AND card.pipeline_id = %s) "
            "ORDER BY u.first_name, u.id",
            [pipeline.pk],
        )
    )


def decisions_waiting(user: User) -> QuerySet[ShortlistReview]:
    """Hiring managers' decisions the recruiter has not acknowledged yet (every role's, for admins)."""
    reviews = ShortlistReview.objects.filter(acknowledged_at__isnull=True).select_related(
        "reviewer", "card__candidate", "card__stage", "card__pipeline__requisition"
    )
    return reviews if is_admin(user) else reviews.filter(card__pipeline__requisition__recruiter=user)


def hired_message(card: Card) -> str:
    """What the board says after a card moved into a hired stage; it suggests, never does, marking the role
    filled once the hires reach its headcount."""
    requisition = card.pipeline.requisition
    assert requisition is not None, "only a role's board has hired stages"
    message = f"{card.candidate.full_name} is hired for {requisition.title}: their outreach stops."
    hires = Card.objects.hired().filter(pipeline=card.pipeline).count()
    if requisition.status == Requisition.Status.OPEN and hires >= requisition.headcount:
        of = "the one hire" if requisition.headcount == 1 else f"all {requisition.headcount} hires"
        message += f" That is {of} this role needs: mark it filled on its page when you are done."
    return message


def ready_to_talk_stage_id(pipeline: Pipeline) -> int | None:
    """The talent board's last stage ("Ready to talk"); None on a requisition's board."""
    if pipeline.kind != Pipeline.Kind.TALENT:
        return None
    return pipeline.stages.order_by("-position").values_list("pk", flat=True).first()


# --- Requisition form choices, talent review and forecast ----------------------------------------------


def hiring_managers() -> QuerySet:
    """Active users in the Hiring manager group: who may own a requisition."""
    return get_user_model().objects.filter(is_active=True, groups__name=HIRING_MANAGER).order_by("first_name")


def recruiting_users() -> QuerySet:
    """Active recruiters and admins: who may recruit for a requisition."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[RECRUITER, ADMIN])
        .distinct()
        .order_by("first_name")
    )


def _in_pools(pools: list[TalentPool], loaded: Mapping[int, TalentPool]) -> Q:
    """Candidates in any of the pools (a static pool's members, a smart pool's search run now), as one Q."""
    condition = Q(pk__in=[])
    for pool in pools:
        condition |= Q(pk__in=pool_members(pool, pools=loaded).values("pk"))
    return condition


def _reachable_passive() -> QuerySet[Candidate]:
    return Candidate.objects.passive().filter(erased_at__isnull=True, do_not_contact=False)


def talent_review_candidates(requisition: Requisition, reviewer: User) -> QuerySet[Candidate]:
    """The passive people in a planned role's pools, warmest first, each with the reviewer's answer so far
    (`answers`: a list of at most one TalentReview)."""
    pools = list(requisition.pools.all())
    return (
        _reachable_passive()
        .filter(_in_pools(pools, {p.pk: p for p in pools}))
        .prefetch_related(
            "skills",
            Prefetch(
                "talent_reviews",
                queryset=TalentReview.objects.filter(requisition=requisition, reviewer=reviewer),
                to_attr="answers",
            ),
        )
        .order_by("-engagement_score", "last_name", "first_name", "pk")
    )


def talent_review_summary(requisition: Requisition) -> dict:
    """The hiring managers' answers on a planned role: counts per answer, and the people they said yes to."""
    reviews = TalentReview.objects.filter(requisition=requisition)
    counts = reviews.aggregate(
        **{answer.value: Count("pk", filter=Q(answer=answer)) for answer in TalentReview.Answer}
    )
    yes = reviews.filter(answer=TalentReview.Answer.YES).select_related("candidate", "reviewer")
    return {"counts": counts, "total": sum(counts.values()), "yes": list(yes)}


@dataclass(frozen=True)
class RoleForecast:
    requisition: Requisition
    warm: int
    target: int
    months_away: int | None

    @property
    def percent(self) -> int:
        return 100 if not self.target else min(100, round(100 * self.warm / self.target))

    @property
    def is_low(self) -> bool:
        return self.warm < self.target

    @property
    def needs_nurturing(self) -> bool:
        """Low coverage while there is still time to warm people up: the role opens in a month or more."""
        return self.is_low and self.months_away is not None and self.months_away >= 1


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (0 when end is not later)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(0, months)


def forecast(settings: ForecastSettings, today: date) -> list[RoleForecast]:
    """Planned and open roles by expected open date, each with its warm passive candidates (distinct people
    across its pools) against headcount times the target ratio. A constant number of queries for any number of
    roles: the roles, their pools, and one aggregate counting every role's warm people at once."""
    roles = list(
        Requisition.objects.live()
        .select_related("hiring_manager", "recruiter")
        .prefetch_related("pools")
        .order_by(F("expected_open_date").asc(nulls_last=True), "title")
    )
    loaded = {pool.pk: pool for role in roles for pool in role.pools.all()}
    counts = {}
    if roles:
        counts = (
            _reachable_passive()
            .filter(engagement_score__gte=settings.warm_threshold)
            .aggregate(
                **{
                    f"role_{role.pk}": Count("pk", filter=_in_pools(list(role.pools.all()), loaded))
                    for role in roles
                }
            )
        )
    return [
        RoleForecast(
            requisition=role,
            warm=counts[f"role_{role.pk}"],
            target=role.headcount * settings.target_ratio,
            months_away=months_between(today, role.expected_open_date) if role.expected_open_date else None,
        )
        for role in roles
    ]


def stages_with_counts(pipeline: Pipeline) -> QuerySet[Stage]:
    """A board's stages in order, each with how many cards (any status) are in it."""
    return pipeline.stages.annotate(card_total=Count("cards")).order_by("position")


# --- Careers page ---------------------------------------------------------------------------------------------


def published_roles() -> QuerySet[Requisition]:
    """The roles on the public careers page, newest first (only what a visitor may see is ever read from it)."""
    return Requisition.objects.published().order_by("-opened_at", "-created_at", "title")


def applications_for(requisition: Requisition, limit: int = 50) -> list[Application]:
    return list(
        Application.objects.filter(requisition=requisition).select_related(
            "candidate", "resume", "card__stage"
        )[:limit]
    )


def people_to_add(*, candidate_ids: list[int], pool: TalentPool | None) -> QuerySet[Candidate]:
    """The people an "Add to role" is for: a whole pool's members, or the ids given (erased and
    do-not-contact people included, so that the result says they were skipped), by id."""
    if pool is not None:
        return pool_members(pool).order_by("pk")
    return Candidate.objects.filter(pk__in=candidate_ids).order_by("pk")


def live_requisitions_for(user: User) -> QuerySet[Requisition]:
    """The roles a user may add people to: planned and open ones they may see."""
    return Requisition.objects.visible_to(user).live().order_by("title", "pk")


def referral_status_from_cards(candidate: Candidate) -> str | None:
    """What a referral of this person says, from their cards on role boards: hired (in process in a hired
    stage), else in process (a card still active), else not selected (every card closed); None without one."""
    cards = Card.objects.filter(candidate=candidate, pipeline__kind=Pipeline.Kind.REQUISITION).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=Card.Status.ACTIVE)),
        hired=Count("pk", filter=Q(status=Card.Status.ACTIVE, stage__is_hired=True)),
    )
    if not cards["total"]:
        return None
    if cards["hired"]:
        return Referral.Status.HIRED
    return Referral.Status.IN_PROCESS if cards["active"] else Referral.Status.NOT_SELECTED


def turned_down_cards(
    pipeline: Pipeline, *, category: str = "", stage: Stage | None = None
) -> QuerySet[Card]:
    """A board's turned-down cards, newest first, by reason and stage when given."""
    cards = Card.objects.filter(pipeline=pipeline, status=Card.Status.REJECTED)
    if category:
        cards = cards.filter(rejection_category=category)
    if stage is not None:
        cards = cards.filter(stage=stage)
    return cards.select_related("candidate", "stage").order_by("-rejected_at", "-pk")


@dataclass(frozen=True)
class FeedbackView:
    """What one viewer sees of a card's feedback: their own, and the others' only once theirs is in (the
    recruiting team, who give none, sees all)."""

    criteria: list[FeedbackCriterion]
    mine: Feedback | None
    others: list[Feedback]
    hidden: int  # others' feedback not shown yet
    summary: dict[str, int]  # recommendation label -> count, over what is shown


def feedback_view(card: Card, viewer: User) -> FeedbackView:
    criteria = list(FeedbackCriterion.objects.filter(requisition__pipeline=card.pipeline_id))
    everyone = list(Feedback.objects.filter(card=card).select_related("reviewer"))
    mine = next((f for f in everyone if f.reviewer_id == viewer.pk), None)
    others = [f for f in everyone if f.reviewer_id != viewer.pk]
    shown = others if mine is not None or viewer.has_perm("pipelines.view_all_feedback") else []
    summary: dict[str, int] = {}
    for feedback in ([mine] if mine else []) + shown:
        label = feedback.get_recommendation_display()
        summary[label] = summary.get(label, 0) + 1
    return FeedbackView(criteria, mine, shown, len(others) - len(shown), summary)
