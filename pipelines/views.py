from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from candidates.models import SilverMedal

from . import selectors, services
from .forms import AddToRequisitionForm, ColumnPageForm, MoveCardForm, RejectForm, ReviewForm
from .models import Pipeline, Requisition, Stage


@permission_required("pipelines.list_requisitions", raise_exception=True)
def requisition_list(request):
    return render(
        request, "pipelines/requisitions.html", {"requisitions": selectors.requisitions_for(request.user)}
    )


def requisition_detail(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    suggestions = None
    if request.user.has_perm("pipelines.view_suggestions", requisition):
        suggestions = selectors.suggestions_for(requisition)
    return render(
        request, "pipelines/requisition.html", {"requisition": requisition, "suggestions": suggestions}
    )


def board_context(request, pipeline: Pipeline, requisition: Requisition | None = None, **extra) -> dict:
    filters = selectors.BoardFilters.from_params(request.GET if request.method == "GET" else request.POST)
    return {
        "pipeline": pipeline,
        "requisition": requisition,
        "filters": filters,
        "columns": selectors.board_columns(pipeline, filters, only=extra.pop("only", None)),
        "stages": pipeline.stages.all(),
        "owners": selectors.board_owners(pipeline),
        "reject_reasons": SilverMedal.Reason.choices,
        **extra,
    }


def board_page(request, pipeline: Pipeline, requisition: Requisition | None = None):
    template = "pipelines/board.html#board" if request.htmx else "pipelines/board.html"
    return render(request, template, board_context(request, pipeline, requisition))


def board(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.view_board", requisition):
        raise PermissionDenied
    return board_page(request, requisition.pipeline, requisition)


@permission_required("pipelines.view_board", raise_exception=True)
def talent_board(request):
    return board_page(request, services.get_or_create_talent_board())


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_move(request, card_id):
    """A drag or a "move to" choice: renders the changed columns out of band; 409 when the card moved since."""
    card = selectors.get_card_for_user(request.user, card_id)
    form = MoveCardForm(request.POST, pipeline=card.pipeline)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    target = form.cleaned_data["stage"]
    affected = {card.stage_id, target.pk}
    status, message = 200, ""
    try:
        services.move_card(
            card=card,
            to_stage=target,
            position=form.cleaned_data["position"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
    except services.StaleCard:
        status, message = (
            409,
            f"{card.candidate.full_name} was moved by someone else meanwhile; here is the board as it is now.",
        )
    context = board_context(request, card.pipeline, card.pipeline.requisition, only=affected, message=message)
    if status == 200 and target.pk == selectors.ready_to_talk_stage_id(card.pipeline):
        context.update(offer_card=card, open_requisitions=selectors.requisitions_for(request.user).live())
    return render(request, "pipelines/board.html#moved", context, status=status)


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_reject(request, card_id):
    card = selectors.get_card_for_user(request.user, card_id)
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
        request, card.pipeline, card.pipeline.requisition, only={card.stage_id}, message=message
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
    filters = selectors.BoardFilters.from_params(request.GET)
    page = ColumnPageForm(request.GET)
    offset = (page.cleaned_data["offset"] or 0) if page.is_valid() else 0
    cards = selectors.column_cards(stage, filters, offset)
    return render(
        request,
        "pipelines/board.html#more",
        {
            "stage": stage,
            "cards": cards,
            "filters": filters,
            "next_offset": offset + len(cards),
            "has_more": len(cards) == selectors.BOARD_COLUMN_LIMIT,
            "pipeline": stage.pipeline,
            "stages": stage.pipeline.stages.all(),
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
