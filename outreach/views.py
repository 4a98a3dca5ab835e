from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from . import selectors


@permission_required("outreach.view_sequence", raise_exception=True)
def sequence_list(request):
    return render(request, "outreach/sequences.html", {"sequences": selectors.sequences_with_counts()})


@permission_required("outreach.view_sequence", raise_exception=True)
def sequence_detail(request, pk):
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    return render(request, "outreach/sequence.html", {"sequence": sequence, "steps": sequence.steps.all()})


@permission_required("outreach.view_task_queue", raise_exception=True)
def task_queue(request):
    return render(request, "outreach/tasks.html", selectors.task_queue(request.user))
