import json
import re
from html import unescape

import pytest
from django.urls import reverse

from pipelines import services
from pipelines.models import Card, ShortlistReview
from tests.factories import (
    CandidateFactory,
    HiringManagerFactory,
    RecruiterFactory,
    RequisitionFactory,
    stage_named,
)


@pytest.fixture
def requisition(hiring_manager):
    requisition = RequisitionFactory(hiring_manager=hiring_manager)
    for name, status in [("Ada", "passive"), ("Grace", "active"), ("Linus", "passive")]:
        services.add_card(
            pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=name, seeking_status=status)
        )
    return requisition


def move(client, card, stage, position=0, version=None):
    return client.post(
        reverse("pipelines:card_move", args=[card.pk]),
        {"stage": stage.pk, "position": position, "version": version or card.version},
        headers={"HX-Request": "true"},
    )


def test_move_returns_only_the_moved_card_and_the_two_counts(client, recruiter, requisition):
    card = Card.objects.get(candidate__first_name="Grace")
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    services.add_card(
        pipeline=requisition.pipeline, candidate=CandidateFactory(first_name="Hedy"), stage=screen
    )
    hedy = Card.objects.get(candidate__first_name="Hedy")
    client.force_login(recruiter)
    response = move(client, card, screen, position=1)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="column"' not in html  # no column drawn again
    assert html.count('class="board-card"') == 1
    assert f'<div id="card-{card.pk}" hx-swap-oob="delete">' in html  # taken from where the page shows it
    assert re.search(
        rf'hx-swap-oob="afterend:#card-{hedy.pk}">\s*<article class="board-card" id="card-{card.pk}"', html
    )
    assert 'data-version="2"' in html
    assert f'id="stage-count-{screen.pk}" hx-swap-oob="true">2<' in html
    assert f'id="stage-count-{sourced.pk}" hx-swap-oob="true">2<' in html
    card.refresh_from_db()
    assert card.stage == screen and card.version == 2

    top = move(client, Card.objects.get(candidate__first_name="Ada"), screen, position=0).content.decode()
    assert f'hx-swap-oob="afterbegin:#stage-{screen.pk} .column-cards"' in top


def test_a_moved_card_goes_under_the_card_above_it_among_those_the_filters_show(
    client, recruiter, requisition
):
    sourced = stage_named(requisition, "Sourced")
    ada, linus = (Card.objects.get(candidate__first_name=n) for n in ("Ada", "Linus"))
    client.force_login(recruiter)
    response = client.post(
        reverse("pipelines:card_move", args=[linus.pk]),
        {"stage": sourced.pk, "position": 2, "version": 1, "seeking": "passive"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert f"afterend:#card-{ada.pk}" in html  # not under Grace, who is active: not on this page
    assert f'id="stage-count-{sourced.pk}" hx-swap-oob="true">2<' in html  # Ada and Linus


def test_stale_move_gets_409_and_the_board_as_it_is(client, recruiter, requisition):
    card = Card.objects.get(candidate__first_name="Grace")
    screen, final = stage_named(requisition, "Screen"), stage_named(requisition, "Final")
    client.force_login(recruiter)
    move(client, card, screen)
    response = move(client, card, final, version=1)  # what a second recruiter with the old page sends
    assert response.status_code == 409
    assert "was moved by someone else" in response.content.decode()
    card.refresh_from_db()
    assert card.stage == screen


def test_a_stale_keyboard_move_gets_409_and_every_column_with_the_card_once(client, recruiter, requisition):
    card = Card.objects.get(candidate__first_name="Grace")
    screen, final = stage_named(requisition, "Screen"), stage_named(requisition, "Final")
    client.force_login(recruiter)
    tab = client.get(reverse("pipelines:board", args=[requisition.pk])).content.decode()
    menu_url = re.search(rf'id="card-{card.pk}".*?hx-get="([^"]+)"', tab, re.DOTALL).group(1)
    services.move_card(card=card, to_stage=screen, position=0, expected_version=card.version)  # someone else

    menu = client.get(unescape(menu_url)).content.decode()  # the old tab opens "Move to…" only now
    version = re.search(r'name="version" value="(\d+)"', menu).group(1)
    response = client.post(
        reverse("pipelines:card_move", args=[card.pk]),
        {"stage": final.pk, "position": 0, "version": version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    card.refresh_from_db()
    assert card.stage == screen
    page = response.content.decode()
    assert "was moved by someone else" in page
    # Every column comes back, so the one the old tab still shows the card in is replaced too.
    assert page.count('class="column"') == requisition.pipeline.stages.count()
    assert page.count(f'id="card-{card.pk}"') == 1


def test_a_move_is_announced_and_names_the_card_to_focus(client, recruiter, requisition):
    card = Card.objects.get(candidate__first_name="Grace")
    client.force_login(recruiter)
    response = move(client, card, stage_named(requisition, "Screen"))
    assert f'id="board-announcer" hx-swap-oob="innerHTML">Moved {card.candidate.full_name} to Screen.<' in (
        response.content.decode()
    )
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {"cardMoved": {"card": card.pk}}


def test_bad_move_input_is_400(client, recruiter, requisition):
    card = Card.objects.get(candidate__first_name="Grace")
    other_board_stage = stage_named(RequisitionFactory(), "Screen")
    client.force_login(recruiter)
    assert move(client, card, other_board_stage).status_code == 400
    response = client.post(reverse("pipelines:card_move", args=[card.pk]), {"stage": "x", "position": -1})
    assert response.status_code == 400


@pytest.mark.parametrize(("role", "expected"), [("manager", 403), ("employee", 403)])
def test_only_the_recruiting_team_moves_cards(client, users_by_role, requisition, role, expected):
    card = Card.objects.get(candidate__first_name="Grace")
    client.force_login(users_by_role[role])
    assert move(client, card, stage_named(requisition, "Screen")).status_code == expected


def test_board_filters_by_text_and_seeking_status(client, recruiter, requisition):
    client.force_login(recruiter)
    url = reverse("pipelines:board", args=[requisition.pk])
    response = client.get(url, {"seeking": "passive"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Ada" in html and "Linus" in html and "Grace" not in html
    assert html.lstrip().startswith('<div class="board" id="board"')
    assert "Linus" not in client.get(url, {"q": "ada"}).content.decode()


def test_columns_show_a_page_of_cards_and_load_the_rest_on_demand(client, recruiter, settings):
    settings.BOARD_COLUMN_PAGE_SIZE = 20
    requisition = RequisitionFactory()
    people = CandidateFactory.create_batch(20 + 5)
    sourced = stage_named(requisition, "Sourced")
    Card.objects.bulk_create(
        Card(pipeline=requisition.pipeline, candidate=c, stage=sourced, position=i)
        for i, c in enumerate(people)
    )
    client.force_login(recruiter)
    page = client.get(reverse("pipelines:board", args=[requisition.pk]))
    assert len(page.context["columns"][0].board_cards) == 20
    assert "Show more (25 in all)" in re.sub("<[^>]+>", "", page.content.decode())
    more = client.get(reverse("pipelines:column_more", args=[sourced.pk]), {"offset": 20})
    assert more.content.decode().count('class="board-card"') == 5
    assert more.content.decode().count(f'hx-get="{reverse("pipelines:card_menu")}?card=') == 5  # their menus


def test_a_column_first_page_is_its_first_cards_in_order_with_ties_and_filters(client, recruiter, settings):
    """Cards sharing a position at the end of the first page, turned-down cards and filtered-out people do not
    change which cards the first page shows: the first page size in (position, id) order among those shown."""
    settings.BOARD_COLUMN_PAGE_SIZE = 3
    requisition = RequisitionFactory()
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    positions = [0, 5, 5, 5, 5, 9]  # four cards share the third place
    cards = Card.objects.bulk_create(
        Card(
            pipeline=requisition.pipeline,
            candidate=CandidateFactory(first_name=f"P{i}", last_name="Lee", title="Engineer"),
            stage=sourced,
            position=p,
        )
        for i, p in enumerate(positions)
    )
    Card.objects.filter(pk=cards[0].pk).update(status=Card.Status.REJECTED)
    Card.objects.create(
        pipeline=requisition.pipeline,
        candidate=CandidateFactory(first_name="Solo", last_name="Lee", title="Engineer"),
        stage=screen,
    )
    client.force_login(recruiter)
    url = reverse("pipelines:board", args=[requisition.pk])

    def first_pages(**query):
        columns = client.get(url, query).context["columns"]
        shown = {stage.name: [card.candidate.first_name for card in stage.board_cards] for stage in columns}
        return {name: shown[name] for name in ("Sourced", "Screen")}

    assert first_pages() == {"Sourced": ["P1", "P2", "P3"], "Screen": ["Solo"]}
    assert first_pages(q="P") == {"Sourced": ["P1", "P2", "P3"], "Screen": []}
    Card.objects.filter(pk=cards[2].pk).update(position=10)
    assert first_pages()["Sourced"] == ["P1", "P3", "P4"]


def test_every_filter_holds_for_the_counts_the_first_page_and_show_more(client, recruiter, settings):
    """The board's queries are written in SQL around the filters' one rule: each filter, and several at once,
    gives the same cards to the column's count, its first page and its "show more"."""
    settings.BOARD_COLUMN_PAGE_SIZE = 2
    requisition = RequisitionFactory()
    other = RecruiterFactory()
    people = [
        CandidateFactory(
            first_name=f"Kimo{i}",
            last_name="Lee",
            title="Engineer" if i % 2 else "Designer",
            owner=recruiter if i < 3 else other,
            seeking_status="active" if i % 3 == 0 else "passive",
        )
        for i in range(6)
    ]
    cards = [services.add_card(pipeline=requisition.pipeline, candidate=person) for person in people]
    Card.objects.filter(pk=cards[4].pk).update(status=Card.Status.REJECTED)
    sourced = cards[0].stage
    client.force_login(recruiter)
    expected = {
        (): [0, 1, 2, 3, 5],
        (("q", "ENGINEER"),): [1, 3, 5],
        (("owner", recruiter.pk),): [0, 1, 2],
        (("seeking", "active"),): [0, 3],
        (("q", "kimo lee engineer"), ("owner", other.pk), ("seeking", "passive")): [5],
    }
    owners = client.get(reverse("pipelines:board", args=[requisition.pk])).context["owners"]
    assert sorted(owner.pk for owner in owners) == sorted(
        [recruiter.pk, other.pk]
    )  # the owner filter's choices
    for query, indexes in expected.items():
        ids = [cards[i].pk for i in indexes]
        column = client.get(reverse("pipelines:board", args=[requisition.pk]), dict(query)).context[
            "columns"
        ][0]
        assert (column.pk, column.card_count) == (sourced.pk, len(ids)), query
        assert [card.pk for card in column.board_cards] == ids[:2], query
        more = client.get(reverse("pipelines:column_more", args=[sourced.pk]), {**dict(query), "offset": 2})
        assert [int(pk) for pk in re.findall(r'data-card="(\d+)"', more.content.decode())] == ids[2:4], query


def test_a_card_shows_the_latest_decision_with_its_reviewer(client, recruiter, requisition):
    card = Card.objects.get(candidate__first_name="Ada")
    first, second = (
        HiringManagerFactory(first_name="Hana"),
        HiringManagerFactory(first_name="Omar", last_name=""),
    )
    ShortlistReview.objects.create(card=card, reviewer=first, decision="decline", comment="Too junior")
    ShortlistReview.objects.create(
        card=card, reviewer=second, decision="advance", comment="On reflection <yes>"
    )
    client.force_login(recruiter)
    html = client.get(reverse("pipelines:board", args=[requisition.pk])).content.decode()
    assert "decision-badge-advance" in html and "Omar: On reflection &lt;yes&gt;" in html
    assert "decision-badge-decline" not in html and "Too junior" not in html


def test_board_query_count_does_not_grow_with_cards(client, recruiter, django_assert_max_num_queries):
    requisition = RequisitionFactory()
    sourced = stage_named(requisition, "Sourced")
    client.force_login(recruiter)
    url = reverse("pipelines:board", args=[requisition.pk])

    def add(n):
        people = CandidateFactory.create_batch(n)
        start = Card.objects.count()
        Card.objects.bulk_create(
            Card(pipeline=requisition.pipeline, candidate=c, stage=sourced, position=start + i)
            for i, c in enumerate(people)
        )

    add(3)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_card_menu_loads_the_move_and_turn_down_forms(client, recruiter, requisition, hiring_manager):
    card = Card.objects.get(candidate__first_name="Ada")
    client.force_login(recruiter)
    html = client.get(reverse("pipelines:card_menu"), {"card": card.pk, "version": 7}).content.decode()
    assert 'name="stage"' in html and "Turn down" in html
    assert 'name="version" value="7"' in html  # the version the page showed, not the current one
    assert client.get(reverse("pipelines:card_menu"), {"card": "x", "version": 1}).status_code == 404
    assert client.get(reverse("pipelines:card_menu"), {"card": card.pk}).status_code == 404
    client.force_login(hiring_manager)
    assert client.get(reverse("pipelines:card_menu"), {"card": card.pk, "version": 1}).status_code == 403


def test_a_move_into_hired_says_so_and_suggests_filling_the_role_at_its_headcount(
    client, recruiter, requisition
):
    ada, grace = (Card.objects.get(candidate__first_name=name) for name in ("Ada", "Grace"))
    requisition.headcount = 2
    requisition.save()
    hired = stage_named(requisition, "Hired")
    client.force_login(recruiter)

    html = move(client, ada, hired).content.decode()
    assert f"{ada.candidate.full_name} is hired for {requisition.title}: their outreach stops." in html
    assert "mark it filled" not in html

    html = move(client, grace, hired).content.decode()
    assert "That is all 2 hires this role needs: mark it filled on its page when you are done." in html
    ada.refresh_from_db()
    assert "is hired" not in move(client, ada, hired, position=1).content.decode()  # a reorder in the column
    requisition.refresh_from_db()
    assert requisition.status == "open"
    assert Card.objects.hired().count() == 2
