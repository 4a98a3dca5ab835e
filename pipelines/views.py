from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from . import selectors, services


@permission_required("pipelines.list_requisitions", raise_exception=True)
def requisition_list(request):
    return render(
        request, "pipelines/requisitions.html", {"requisitions": selectors.requisitions_for(request.user)}
    )


def requisition_detail(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    return render(request, "pipelines/requisition.html", {"requisition": requisition})


def board(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.view_board", requisition):
        raise PermissionDenied
    return render(
        request,
        "pipelines/board.html",
        {
            "requisition": requisition,
            "pipeline": requisition.pipeline,
            "columns": selectors.board_columns(requisition.pipeline),
        },
    )


@permission_required("pipelines.view_board", raise_exception=True)
def talent_board(request):
    pipeline = services.get_or_create_talent_board()
    return render(
        request, "pipelines/board.html", {"pipeline": pipeline, "columns": selectors.board_columns(pipeline)}
    )


def shortlist(request, pk):
    requisition = selectors.get_requisition_for_user(request.user, pk)
    if not request.user.has_perm("pipelines.view_shortlist", requisition):
        raise PermissionDenied
    return render(
        request,
        "pipelines/shortlist.html",
        {"requisition": requisition, "cards": selectors.shortlist(requisition)},
    )
