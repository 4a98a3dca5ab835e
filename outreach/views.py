import base64

from django.contrib.auth.decorators import login_not_required, permission_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt

from . import selectors, services, tokens
from .models import Touch


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


def _touch_from(kind: str, token: str) -> tuple[Touch, dict]:
    try:
        payload = tokens.read(kind, token)
    except signing.BadSignature as error:
        raise Http404("This link is not valid.") from error
    return get_object_or_404(Touch.objects.select_related("candidate"), pk=payload["t"]), payload


@login_not_required
@csrf_exempt
def unsubscribe(request, token):
    """GET shows a confirmation (mail scanners fetch links); POST unsubscribes, with no cookie or login
    (RFC 8058 one-click from the mail client, or the button on the page)."""
    touch, _ = _touch_from(tokens.UNSUBSCRIBE, token)
    if request.method == "POST":
        services.unsubscribe(candidate=touch.candidate, touch=touch)
        return render(request, "outreach/unsubscribe.html", {"done": True})
    return render(request, "outreach/unsubscribe.html", {"done": touch.candidate.unsubscribed_at is not None})


@login_not_required
def click(request, token):
    touch, payload = _touch_from(tokens.CLICK, token)
    services.record_click(touch=touch, url=payload["u"], topics=payload.get("topics", []))
    return HttpResponseRedirect(payload["u"])


PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@login_not_required
def open_pixel(request, token):
    touch, _ = _touch_from(tokens.OPEN, token)
    services.record_open(touch=touch)
    return HttpResponse(PIXEL, content_type="image/gif", headers={"Cache-Control": "no-store"})
