import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates.models import SilverMedal

from . import selectors, services, stages
from .forms import (
    AddToRequisitionForm,
    BoardFilterForm,
    ColumnPageForm,
    ForecastSettingsForm,
    MoveCardForm,
    RejectForm,
    RequisitionForm,
    RequisitionStatusForm,
    ReviewForm,
    StageForm,
    TalentReviewForm,
)
from .models import ForecastSettings, Pipeline, Requisition, Stage


@permission_required("pipelines.list_requisitions", raise_exception=True)
def requisition_list(request):
    requisitions = selectors.requisitions_for(request.user)
    status = request.GET.get("status", "")
    if status in Requisition.Status.values:
        requisitions = requisitions.filter(status=status)
    context = {"requisitions": requisitions, "status": status, "statuses": Requisition.Status.choices}
    return render(request, "pipelines/requisitions.html", context)


def requisition_detail(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    suggestions = None
    if request.user.has_perm("pipelines.view_suggestions", requisition):
        suggestions = selectors.suggestions_for(requisition)
    context = {"requisition": requisition, "suggestions": suggestions}
    if request.user.has_perm("pipelines.view_application"):
        context["applications"] = selectors.applications_for(requisition)
    if request.user.has_perm("pipelines.change_requisition", requisition):
        context["status_actions"] = [
            (
                status,
                "Reopen"
                if status == Requisition.Status.OPEN and requisition.opened_at
                else STATUS_ACTIONS[status],
            )
            for status in services.STATUS_TRANSITIONS[requisition.status]
        ]
    if requisition.status == Requisition.Status.PLANNED and request.user.has_perm("pipelines.view_board"):
        context["talent_answers"] = selectors.talent_review_summary(requisition)
    return render(request, "pipelines/requisition.html", context)


def board_filters(request) -> selectors.BoardFilters:
    """The board's filters from the query string (or a move's POST body); filters that do not validate, such as
    text over its bounds, answer 400 with the reason before any query."""
    form = BoardFilterForm(request.GET if request.method == "GET" else request.POST)
    if not form.is_valid():
        raise BadRequest(" ".join(message for messages in form.errors.values() for message in messages))
    return form.filters()


def card_links() -> dict:
    """The addresses a card links to, built once per response: a card appends its ids (no reverse() per card)."""
    return {
        "menu_url": reverse("pipelines:card_menu"),
        "candidate_prefix": reverse("candidates:detail", args=[0]).removesuffix("0/"),
    }


def board_context(request, pipeline: Pipeline, requisition: Requisition | None = None, **extra) -> dict:
    filters = board_filters(request)
    return {
        "pipeline": pipeline,
        "requisition": requisition,
        "filters": filters,
        "columns": selectors.board_columns(pipeline, filters, only=extra.pop("only", None)),
        **card_links(),
        **extra,
    }


def board_page(request, pipeline: Pipeline, requisition: Requisition | None = None):
    if request.htmx:
        return render(request, "pipelines/board.html#board", board_context(request, pipeline, requisition))
    context = board_context(request, pipeline, requisition, owners=selectors.board_owners(pipeline))
    return render(request, "pipelines/board.html", context)


def board(request, pk):
    requisition = selectors.get_board_requisition(request.user, pk)
    if not request.user.has_perm("pipelines.view_board", requisition):
        raise PermissionDenied
    return board_page(request, requisition.pipeline, requisition)


@permission_required("pipelines.view_board", raise_exception=True)
def talent_board(request):
    return board_page(request, services.get_or_create_talent_board())


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_move(request, card_id):
    """A drag or a "move to" choice, both carrying the card's version as the page showed it. Answers with what
    changed, out of band: the moved card (taken from where the page shows it and put under the card above it
    now, or first in its column), the two columns' counts, and the move announced to screen readers; the
    HX-Trigger-After-Settle event names the card, so that the page puts the focus back on it. When the card
    moved since the page was drawn: 409 and every column as it is now (the page may still show the card in the
    column it has left)."""
    card = selectors.get_card_for_user(request.user, card_id)
    filters = board_filters(request)  # refused before the move, not after it
    form = MoveCardForm(request.POST, pipeline=card.pipeline)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    target = form.cleaned_data["stage"]
    from_stage_id, hiring = card.stage_id, target.is_hired and not card.stage.is_hired
    try:
        services.move_card(
            card=card,
            to_stage=target,
            position=form.cleaned_data["position"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
    except services.StaleCard:
        status = 409
        message = (
            f"{card.candidate.full_name} was moved by someone else meanwhile; here is the board as it is now."
        )
        context = board_context(
            request, card.pipeline, card.pipeline.requisition, message=message, announcement=message
        )
    else:
        status = 200
        moved = selectors.board_card(card.pk)
        context = {
            "pipeline": card.pipeline,
            "moved_card": moved,
            "after_card": selectors.card_before(moved, filters),
            "counts": selectors.stage_counts(card.pipeline, filters, only={from_stage_id, target.pk}),
            "message": selectors.hired_message(card) if hiring else "",
            "announcement": f"Moved {card.candidate.full_name} to {target.name}.",
            **card_links(),
        }
        if target.pk == selectors.ready_to_talk_stage_id(card.pipeline):
            context.update(offer_card=card, open_requisitions=selectors.requisitions_for(request.user).live())
    response = render(request, "pipelines/board.html#moved", context, status=status)
    response["HX-Trigger-After-Settle"] = json.dumps({"cardMoved": {"card": card.pk}})
    return response


@permission_required("pipelines.move_card", raise_exception=True)
def card_menu(request):
    """The "move to / turn down" forms of one card, loaded when its menu is opened (keeps boards light).

    The move form carries the version of the card the page shows (sent along), not the current one: a move
    from a page drawn before someone else moved the card is refused like a drag from it."""
    card_id, version = request.GET.get("card", ""), request.GET.get("version", "")
    if not (card_id.isdigit() and version.isdigit()):
        raise Http404
    card = selectors.get_card_for_user(request.user, int(card_id))
    context = {
        "card": card,
        "version": int(version),
        "stages": card.pipeline.stages.all(),
        "reject_reasons": SilverMedal.Reason.choices,
    }
    return render(request, "pipelines/board.html#card-menu", context)


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_reject(request, card_id):
    card = selectors.get_card_for_user(request.user, card_id)
    board_filters(request)  # refused before the change, not after it
    form = RejectForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    message = f"{card.candidate.full_name} turned down."
    try:
        card = services.reject_card(card=card, by=request.user, **form.cleaned_data)
    except services.StaleCard:
        message = f"{card.candidate.full_name} was already moved or turned down by someone else."
    else:
        if card.stage.is_late and card.pipeline.requisition is not None:
            message += " Kept as a silver medalist for similar roles."
    context = board_context(
        request,
        card.pipeline,
        card.pipeline.requisition,
        only={card.stage_id},
        message=message,
        announcement=message,
    )
    return render(request, "pipelines/board.html#moved", context)


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_to_requisition(request, card_id):
    """From the talent board: put a candidate who is ready to talk on a requisition's board."""
    card = selectors.get_card_for_user(request.user, card_id)
    form = AddToRequisitionForm(request.POST, requisitions=selectors.requisitions_for(request.user).live())
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    requisition = form.cleaned_data["requisition"]
    placed = services.add_to_requisition(candidate=card.candidate, requisition=requisition, by=request.user)
    verb = "Added to" if placed else "Already on"
    return render(
        request,
        "pipelines/board.html#board-message",
        {
            "message_html": True,
            "message": f"{verb} the {requisition.title} board.",
            "requisition_link": requisition,
        },
    )


@permission_required("pipelines.view_board", raise_exception=True)
def column_more(request, stage_id):
    stage = get_object_or_404(Stage.objects.select_related("pipeline__requisition"), pk=stage_id)
    requisition = stage.pipeline.requisition
    if requisition is not None:
        selectors.get_requisition_for_user(request.user, requisition.pk)
    filters = board_filters(request)
    page = ColumnPageForm(request.GET)
    if not page.is_valid():
        raise BadRequest(f"offset: {' '.join(page.errors['offset'])}")
    offset = page.cleaned_data["offset"] or 0
    cards = selectors.column_cards(stage, filters, offset)
    return render(
        request,
        "pipelines/board.html#more",
        {
            "stage": stage,
            "cards": cards,
            "filters": filters,
            "next_offset": offset + len(cards),
            "has_more": len(cards) == selectors.column_page_size(),
            "pipeline": stage.pipeline,
            **card_links(),
        },
    )


@require_POST
def shortlist_review(request, card_id):
    """A hiring manager decides on one shortlisted candidate of their own requisition."""
    card = selectors.get_card_for_user(request.user, card_id)
    requisition = card.pipeline.requisition
    if requisition is None or not card.stage.is_shortlist:
        raise Http404
    if not request.user.has_perm("pipelines.review_shortlist", requisition):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.review_shortlisted_card(card=card, reviewer=request.user, **form.cleaned_data)
    card = selectors.shortlist(requisition).get(pk=card.pk)
    context = {"card": card, "requisition": requisition, "form": form if form.errors else ReviewForm()}
    return render(
        request, "pipelines/shortlist.html#shortlist-card", context, status=422 if form.errors else 200
    )


@permission_required("pipelines.view_board", raise_exception=True)
def decisions(request):
    return render(request, "pipelines/decisions.html", {"reviews": selectors.decisions_waiting(request.user)})


@require_POST
@permission_required("pipelines.view_board", raise_exception=True)
def decision_acknowledge(request, review_id):
    review = get_object_or_404(selectors.decisions_waiting(request.user), pk=review_id)
    services.acknowledge_review(review=review)
    return HttpResponse("")


def shortlist(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.view_shortlist", requisition):
        raise PermissionDenied
    return render(
        request,
        "pipelines/shortlist.html",
        {"requisition": requisition, "cards": selectors.shortlist(requisition), "form": ReviewForm()},
    )


# --- Requisition create, edit and status ---------------------------------------------------------------

# The button for each status a requisition can move to.
STATUS_ACTIONS = {
    Requisition.Status.OPEN: "Open the role",
    Requisition.Status.ON_HOLD: "Put on hold",
    Requisition.Status.FILLED: "Mark filled",
    Requisition.Status.CLOSED: "Close",
}


def _requisition_to_change(request, pk) -> Requisition:
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.change_requisition", requisition):
        raise PermissionDenied
    return requisition


@permission_required("pipelines.add_requisition", raise_exception=True)
def requisition_create(request):
    form = RequisitionForm(
        request.POST or None, can_publish=request.user.has_perm("pipelines.publish_requisition")
    )
    if form.is_valid():
        requisition = services.create_requisition(by=request.user, **form.cleaned_data)
        messages.success(request, f"“{requisition.title}” is planned, with a board of the default stages.")
        return redirect(requisition)
    return render(request, "pipelines/requisition_form.html", {"form": form})


def requisition_edit(request, pk):
    requisition = _requisition_to_change(request, pk)
    form = RequisitionForm(
        request.POST or None,
        instance=requisition,
        can_publish=request.user.has_perm("pipelines.publish_requisition"),
    )
    if form.is_valid():
        services.update_requisition(requisition=requisition, by=request.user, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect(requisition)
    return render(request, "pipelines/requisition_form.html", {"form": form, "requisition": requisition})


@require_POST
def requisition_status(request, pk):
    requisition = _requisition_to_change(request, pk)
    form = RequisitionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
        return redirect(requisition)
    try:
        services.change_requisition_status(requisition, form.cleaned_data["status"], by=request.user)
    except services.InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{requisition.title}” is now {requisition.get_status_display().lower()}.")
    return redirect(requisition)


# --- Stages of a requisition's board (admins) ----------------------------------------------------------


def _requisition_for_stage_editing(request, pk) -> Requisition:
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.edit_stages", requisition):
        raise PermissionDenied
    return requisition


def _stages_response(
    request, requisition: Requisition, *, error: str = "", form=None, status: int = 200, **extra
):
    context = {
        "requisition": requisition,
        "stages": selectors.stages_with_counts(requisition.pipeline),
        "add_form": form or StageForm(),
        "error": error,
        **extra,
    }
    template = "pipelines/stages.html#stages" if request.htmx else "pipelines/stages.html"
    return render(request, template, context, status=status)


def stage_list(request, pk):
    return _stages_response(request, _requisition_for_stage_editing(request, pk))


@require_POST
def stage_add(request, pk):
    requisition = _requisition_for_stage_editing(request, pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _stages_response(request, requisition, form=form, status=422)
    stages.add_stage(pipeline=requisition.pipeline, **form.cleaned_data)
    return _stages_response(request, requisition)


@require_POST
def stage_edit(request, pk, stage_id):
    requisition = _requisition_for_stage_editing(request, pk)
    stage = get_object_or_404(Stage, pk=stage_id, pipeline__requisition=requisition)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _stages_response(request, requisition, error=form.errors.as_text(), status=422)
    stages.update_stage(stage=stage, **form.cleaned_data)
    return _stages_response(request, requisition)


@require_POST
def stage_delete(request, pk, stage_id):
    requisition = _requisition_for_stage_editing(request, pk)
    stage = get_object_or_404(Stage, pk=stage_id, pipeline__requisition=requisition)
    try:
        stages.delete_stage(stage=stage)
    except stages.StageNotEmpty as error:
        return _stages_response(request, requisition, error=str(error), status=422)
    return _stages_response(request, requisition)


@require_POST
def stages_reorder(request, pk):
    """The new order after a drag (every stage's id, left to right), or one stage moved up or down by a
    button (`move` and `direction`: the keyboard's way); the moved stage's button keeps the focus and the move
    is announced."""
    requisition = _requisition_for_stage_editing(request, pk)
    moved, direction = request.POST.get("move", ""), request.POST.get("direction")
    try:
        if moved:
            ids = list(requisition.pipeline.stages.order_by("position").values_list("pk", flat=True))
            index = ids.index(int(moved))
            other = index - 1 if direction == "up" else index + 1
            if direction not in ("up", "down") or not 0 <= other < len(ids):
                raise ValueError("that stage cannot move that way.")
            ids[index], ids[other] = ids[other], ids[index]
        else:
            ids = [int(value) for value in request.POST.getlist("stage")]
        stages.reorder_stages(pipeline=requisition.pipeline, stage_ids=ids)
    except ValueError as error:
        return _stages_response(
            request, requisition, error=f"The stages could not be reordered: {error}", status=422
        )
    if not moved:
        return _stages_response(request, requisition)
    announcement = f"Stage moved {direction}: now stage {ids.index(int(moved)) + 1}."
    return _stages_response(
        request, requisition, moved=int(moved), direction=direction, announcement=announcement
    )


# --- Talent review of planned roles (hiring managers) -----------------------------------------------------

TALENT_REVIEW_PAGE_SIZE = 30


def _planned_requisition_to_review(request, pk) -> Requisition:
    """The user's own planned role, 404 for anyone else's or a role that is not planned."""
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if requisition.status != Requisition.Status.PLANNED:
        raise Http404
    if not request.user.has_perm("pipelines.review_talent", requisition):
        raise PermissionDenied
    return requisition


def talent_review(request, pk):
    requisition = _planned_requisition_to_review(request, pk)
    people = selectors.talent_review_candidates(requisition, request.user)
    page = Paginator(people, TALENT_REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pipelines/talent_review.html",
        {"requisition": requisition, "page": page, "form": TalentReviewForm()},
    )


@require_POST
def talent_review_answer(request, pk, candidate_id):
    requisition = _planned_requisition_to_review(request, pk)
    candidate = get_object_or_404(
        selectors.talent_review_candidates(requisition, request.user), pk=candidate_id
    )
    form = TalentReviewForm(request.POST)
    if form.is_valid():
        services.answer_talent_review(
            requisition=requisition, candidate=candidate, reviewer=request.user, **form.cleaned_data
        )
        candidate = selectors.talent_review_candidates(requisition, request.user).get(pk=candidate_id)
    context = {
        "requisition": requisition,
        "candidate": candidate,
        "form": form if form.errors else TalentReviewForm(),
    }
    return render(
        request, "pipelines/talent_review.html#talent-row", context, status=422 if form.errors else 200
    )


# --- Forecast ----------------------------------------------------------------------------------------------


def _forecast_page(request, form=None, status: int = 200):
    settings = ForecastSettings.current()
    if form is None and request.user.has_perm("pipelines.change_forecastsettings"):
        form = ForecastSettingsForm(instance=settings)
    context = {
        "settings": settings,
        "roles": selectors.forecast(settings, timezone.localdate()),
        "settings_form": form,
    }
    return render(request, "pipelines/forecast.html", context, status=status)


@permission_required("pipelines.view_forecast", raise_exception=True)
def forecast(request):
    return _forecast_page(request)


@require_POST
@permission_required("pipelines.change_forecastsettings", raise_exception=True)
def forecast_settings(request):
    form = ForecastSettingsForm(request.POST, instance=ForecastSettings.current())
    if not form.is_valid():
        return _forecast_page(request, form=form, status=422)
    services.update_forecast_settings(**form.cleaned_data)
    messages.success(request, "Forecast settings saved.")
    return redirect("pipelines:forecast")
