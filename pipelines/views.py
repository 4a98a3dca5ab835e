import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from candidates.custom_fields import active_fields, shown_values
from candidates.links import url_around_id, url_of
from candidates.models import CustomField, Resume, SilverMedal
from candidates.resumes import CONTENT_TYPES, download_name

from . import batches, feedback, selectors, services, stages
from .forms import (
    AddToRequisitionForm,
    AddToRoleForm,
    BoardFilterForm,
    BulkCardsForm,
    ColumnPageForm,
    CriteriaForm,
    FeedbackForm,
    ForecastSettingsForm,
    MoveCardForm,
    RejectForm,
    RequisitionForm,
    RequisitionStatusForm,
    ReviewForm,
    StageForm,
    TalentReviewForm,
    TurnedDownFilterForm,
)
from .models import AddToRoleBatch, ForecastSettings, Pipeline, Requisition, Stage


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
    context = {
        "requisition": requisition,
        "custom_values": shown_values(
            active_fields(CustomField.AppliesTo.REQUISITION), requisition.custom_fields
        ),
        "criteria": [c.name for c in requisition.criteria.all()],
        "criteria_form": CriteriaForm()
        if request.user.has_perm("pipelines.edit_criteria", requisition)
        else None,
        "suggestions": suggestions,
        "can_add": requisition.status in (Requisition.Status.PLANNED, Requisition.Status.OPEN)
        and request.user.has_perm("pipelines.add_to_requisition"),
    }
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
    if request.user.has_perm("pipelines.view_shortlist", requisition):
        context["in_process"] = selectors.in_process(requisition)
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
    """The addresses a card links to, built once per process: a card appends its ids (no reverse() per card)."""
    column_more_before, column_more_after = url_around_id("pipelines:column_more")
    return {
        "menu_url": url_of("pipelines:card_menu"),
        "candidate_prefix": url_around_id("candidates:detail")[0],
        "column_more_before": column_more_before,  # a column's "Show more": before and after its id
        "column_more_after": column_more_after,
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
    context = board_context(
        request,
        pipeline,
        requisition,
        owners=selectors.board_owners(pipeline),
        reject_reasons=SilverMedal.Reason.choices,
    )
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


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def cards_bulk(request, pk):
    """Several selected cards at once: move them to the bottom of a stage, or turn them down with one reason and
    one optional email. All or none: one card that changed since the page was drawn answers 409 with every
    column as it is now. Otherwise the columns they left and went to are drawn again."""
    requisition = selectors.get_board_requisition(request.user, pk)
    pipeline = requisition.pipeline
    board_filters(request)  # refused before the change, not after it
    form = BulkCardsForm(request.POST, pipeline=pipeline)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    data = form.cleaned_data
    found = {
        c.pk: c
        for c in pipeline.cards.select_related("candidate", "stage", "pipeline").filter(pk__in=data["cards"])
    }
    if len(found) != len(data["cards"]):
        raise Http404("A card is not on this board.")
    cards = [(found[card_id], version) for card_id, version in data["cards"].items()]
    touched = {card.stage_id for card, _ in cards}
    count = f"{len(cards)} candidate{'s' if len(cards) != 1 else ''}"
    try:
        if data["action"] == "move":
            services.move_cards(cards=cards, to_stage=data["stage"], by=request.user)
            touched.add(data["stage"].pk)
            message = f"Moved {count} to {data['stage'].name}."
        else:
            services.reject_cards(
                cards=cards,
                category=data["category"],
                reason=data["reason"],
                email_template_id=data["email_template"],
                by=request.user,
            )
            message = f"{count.capitalize()} turned down."
    except services.StaleCard:
        message = (
            "Some of them changed since you saw the board; nothing was done. Here is the board as it is now."
        )
        context = board_context(request, pipeline, requisition, message=message, announcement=message)
        return render(request, "pipelines/board.html#moved", context, status=409)
    except ValidationError as error:  # an email that is not offered
        return HttpResponseBadRequest(" ".join(error.messages))
    context = board_context(
        request, pipeline, requisition, only=touched, message=message, announcement=message
    )
    return render(request, "pipelines/board.html#moved", context)


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
    undo_card = None
    data = form.cleaned_data
    try:
        card = services.reject_card(
            card=card,
            by=request.user,
            category=data["category"],
            reason=data["reason"],
            email_template_id=data["email_template"],
        )
    except ValidationError as error:  # an email that is not offered
        return HttpResponseBadRequest(" ".join(error.messages))
    except services.StaleCard:
        message = f"{card.candidate.full_name} was already moved or turned down by someone else."
    else:
        undo_card = card
        if card.stage.is_late and card.pipeline.requisition is not None:
            message += " Kept as a silver medalist for similar roles."
        if data["email_template"]:
            message += (
                f" Their email goes out in {settings.REJECTION_EMAIL_DELAY_MINUTES} minutes unless you undo."
            )
    context = board_context(
        request,
        card.pipeline,
        card.pipeline.requisition,
        only={card.stage_id},
        message=message,
        announcement=message,
        undo_card=undo_card,
    )
    return render(request, "pipelines/board.html#moved", context)


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_reinstate(request, card_id):
    """Undo a turn-down from the board's message (htmx: the column again), or reconsider someone from the
    Turned down view (back to it)."""
    card = selectors.get_card_for_user(request.user, card_id)
    if request.htmx:
        board_filters(request)  # refused before the change, not after it
    try:
        card = services.reinstate_card(card=card, by=request.user)
    except services.StaleCard:
        message = f"{card.candidate.full_name} is not turned down any more: nothing was done."
    else:
        message = f"{card.candidate.full_name} is back in process in {card.stage.name}."
    if not request.htmx:
        messages.info(request, message)
        return redirect("pipelines:turned_down", card.pipeline.requisition_id)
    context = board_context(
        request,
        card.pipeline,
        card.pipeline.requisition,
        only={card.stage_id},
        message=message,
        announcement=message,
    )
    return render(request, "pipelines/board.html#moved", context)


TURNED_DOWN_PAGE_SIZE = 50


@permission_required("pipelines.list_requisitions", raise_exception=True)
def turned_down(request, pk):
    """A role's turned-down people, newest first, filtered by reason and stage, each with "Reconsider"."""
    requisition = selectors.get_board_requisition(request.user, pk)
    if not request.user.has_perm("pipelines.view_board", requisition):
        raise PermissionDenied
    form = TurnedDownFilterForm(request.GET, pipeline=requisition.pipeline)
    if not form.is_valid():
        raise BadRequest(form.errors.as_text())
    cards = selectors.turned_down_cards(
        requisition.pipeline, category=form.cleaned_data["category"], stage=form.cleaned_data["stage"]
    )
    page = Paginator(cards, TURNED_DOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"requisition": requisition, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "pipelines/turned_down.html", context)


@require_POST
@permission_required("pipelines.move_card", raise_exception=True)
def card_to_requisition(request, card_id):
    """From the talent board: put a candidate who is ready to talk on a requisition's board."""
    card = selectors.get_card_for_user(request.user, card_id)
    form = AddToRequisitionForm(request.POST, requisitions=selectors.requisitions_for(request.user).live())
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    requisition = form.cleaned_data["requisition"]
    result = services.add_to_requisition(
        requisition=requisition, candidates=[card.candidate], by=request.user
    )
    if result.added:
        message = f"Added to the {requisition.title} board."
    else:
        message = f"Not added to the {requisition.title} board: {result.skipped[0][1]}."
    return render(
        request,
        "pipelines/board.html#board-message",
        {
            "message_html": True,
            "message": message,
            "requisition_link": requisition,
        },
    )


def _selection(params, requisitions) -> dict:
    """Who an "Add to role" page is about, from its query string: a pool, or up to 12 names of a selection."""
    form = AddToRoleForm(params, requisitions=requisitions)
    form.is_valid()
    ids = form.cleaned_data.get("candidates") or []
    return {
        "pool": form.cleaned_data.get("pool"),
        "selected": selectors.people_to_add(candidate_ids=ids, pool=None)[:12],
        "selected_count": len(ids),
    }


@permission_required("pipelines.add_to_requisition", raise_exception=True)
def add_to_role(request):
    """Add a selection (?candidates=1,2 from search or a profile) or a pool (?pool=7) to a planned or open
    role's board, and show who was added and who was skipped and why. From a requisition's suggestions (htmx)
    the answer is that suggestion's row; otherwise the request is a batch (see batches.py) whose page follows."""
    requisitions = selectors.live_requisitions_for(request.user)
    if request.method != "POST":
        form = AddToRoleForm(initial=request.GET.dict(), requisitions=requisitions)
        return render(
            request, "pipelines/add_to_role.html", {"form": form, **_selection(request.GET, requisitions)}
        )
    form = AddToRoleForm(request.POST, requisitions=requisitions)
    if not form.is_valid():
        if request.htmx:
            return HttpResponseBadRequest(form.errors.as_text())
        context = {"form": form, **_selection(request.POST, requisitions)}
        return render(request, "pipelines/add_to_role.html", context, status=422)
    data = form.cleaned_data
    if not request.htmx:
        batch = batches.start_add_batch(
            requisition=data["requisition"],
            stage=data["stage"],
            candidate_ids=data["candidates"],
            pool=data["pool"],
            by=request.user,
        )
        return redirect("pipelines:add_batch", batch.pk)
    try:
        result = services.add_to_requisition(
            requisition=data["requisition"],
            candidates=selectors.people_to_add(candidate_ids=data["candidates"], pool=data["pool"]),
            stage=data["stage"],
            by=request.user,
        )
    except services.RoleNotLive as error:  # closed since the page was drawn
        return HttpResponseBadRequest(str(error))
    return render(request, "pipelines/add_to_role.html#suggestion-added", {"result": result})


@permission_required("pipelines.add_to_requisition", raise_exception=True)
def add_batch(request, pk):
    """An "Add to role" request's progress (polled while a worker runs it), then who was added and skipped."""
    batch = get_object_or_404(AddToRoleBatch.objects.select_related("requisition", "stage", "pool"), pk=pk)
    template = "pipelines/add_to_role.html#batch" if request.htmx else "pipelines/add_to_role.html"
    return render(request, template, {"batch": batch})


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


@require_GET
def card_summary(request, card_id):
    """The read-only summary of someone on a role's board (the shortlist's, for any stage): for the recruiting
    team and the role's own hiring manager (another manager: 404; an employee: 403)."""
    if not request.user.has_perm("pipelines.list_requisitions"):
        raise PermissionDenied
    card = selectors.get_card_summary(request.user, card_id)
    requisition = card.pipeline.requisition
    if not request.user.has_perm("pipelines.view_shortlist", requisition):
        raise PermissionDenied
    context = {"card": card, "requisition": requisition, "form": ReviewForm()}
    return render(request, "pipelines/card_summary.html", context)


@require_GET
@xframe_options_sameorigin  # shown in a frame of the shortlist page
def card_resume(request, card_id):
    """The latest résumé of a candidate on a role's board, to read in the page: a PDF in the browser's viewer,
    a DOCX as its extracted text. For the recruiting team and the role's own hiring manager (another manager:
    404; an employee: 403). Served inline with a policy that lets it run nothing and be framed only here."""
    if not request.user.has_perm("pipelines.list_requisitions"):
        raise PermissionDenied
    card = selectors.get_card_for_review(request.user, card_id)
    if not request.user.has_perm("pipelines.view_shortlist", card.pipeline.requisition):
        raise PermissionDenied
    resume = selectors.latest_resume(card.candidate)
    if resume is None:
        raise Http404("No résumé.")
    if resume.kind == Resume.Kind.PDF:
        response: HttpResponse = FileResponse(
            resume.file.open("rb"),
            as_attachment=False,
            filename=download_name(resume),
            content_type=CONTENT_TYPES[resume.kind],
        )
    else:
        text = resume.text or f"No text could be read from this résumé ({resume.get_text_status_display()})."
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def card_feedback(request, card_id):
    """Structured feedback on someone on a role's board: the reviewer's own form, and the others' feedback
    once theirs is in (the recruiting team sees all). The role's own manager and the recruiting team only
    (another manager: 404; an employee: 403)."""
    if not request.user.has_perm("pipelines.list_requisitions"):
        raise PermissionDenied
    card = selectors.get_card_for_review(request.user, card_id)
    requisition = card.pipeline.requisition
    if not request.user.has_perm("pipelines.give_feedback", requisition):
        raise PermissionDenied
    view = selectors.feedback_view(card, request.user)
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST, criteria=view.criteria)
        if form.is_valid():
            feedback.give_feedback(
                card=card,
                reviewer=request.user,
                recommendation=form.cleaned_data["recommendation"],
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, "Feedback saved.")
            return redirect("pipelines:card_feedback", card.pk)
        status = 422
    else:
        initial = {}
        if view.mine is not None:
            initial = {"recommendation": view.mine.recommendation, "comment": view.mine.comment}
            initial.update({f"rating_{pk}": value for pk, value in view.mine.ratings.items()})
        form = FeedbackForm(initial=initial, criteria=view.criteria)
    names = {str(c.pk): c.name for c in view.criteria}
    context = {"card": card, "requisition": requisition, "view": view, "form": form, "criteria_names": names}
    return render(request, "pipelines/feedback.html", context, status=status)


@require_POST
def requisition_criteria(request, pk):
    """The recruiting team sets a role's feedback criteria (one per line) on its page."""
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.edit_criteria", requisition):
        raise PermissionDenied
    form = CriteriaForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    try:
        feedback.set_criteria(
            requisition=requisition, names=form.cleaned_data["criteria"].splitlines(), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Feedback criteria saved.")
    return redirect(requisition)


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
        custom_fields = form.custom_values()
        requisition = services.create_requisition(
            by=request.user, custom_fields=custom_fields, **form.cleaned_data
        )
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
        custom_fields = form.custom_values()
        services.update_requisition(
            requisition=requisition, by=request.user, custom_fields=custom_fields, **form.cleaned_data
        )
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
    try:
        stages.add_stage(pipeline=requisition.pipeline, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _stages_response(request, requisition, form=form, status=422)
    return _stages_response(request, requisition)


@require_POST
def stage_edit(request, pk, stage_id):
    requisition = _requisition_for_stage_editing(request, pk)
    stage = get_object_or_404(Stage, pk=stage_id, pipeline__requisition=requisition)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _stages_response(request, requisition, error=form.errors.as_text(), status=422)
    try:
        stages.update_stage(stage=stage, **form.cleaned_data)
    except ValidationError as error:
        return _stages_response(request, requisition, error=" ".join(error.messages), status=422)
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
