"""A candidate's copy of their data: asking from the preference centre, confirming from the email, downloading
(signed links, no login); and the admins' page of requests in the Settings area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidates.models import DataRequest
from pipelines.models import CareersSettings

from . import tokens
from .data_export import download_url, file_name, is_downloadable
from .data_requests import (
    AlreadyAsked,
    LinkError,
    TooManyRequests,
    answer_by_hand,
    ask_for_data,
    confirm_data_request,
    read_link,
)
from .forms import DataRequestAnswerForm
from .selectors import touch_for_link

PAGE = "outreach/data_request.html"


def _public(request, state: str, status: int = 200, **context):
    return render(
        request, PAGE, {"state": state, "careers": CareersSettings.current(), **context}, status=status
    )


def _expired(request):
    return _public(request, "expired", status=410)


@require_POST
@login_not_required
def data_request_ask(request, token):
    """The preference centre's "Email me a copy of my data": its signed link is the proof of who asks."""
    touch, _payload = touch_for_link(tokens.PREFERENCES, token)
    if touch.candidate.erased_at:
        raise Http404("This link is not valid.")
    try:
        data_request = ask_for_data(candidate=touch.candidate)
    except (AlreadyAsked, TooManyRequests) as error:
        return _public(request, "refused", status=429, reason=error.messages[0])
    except ValidationError as error:
        return _public(request, "refused", status=422, reason=error.messages[0])
    return _public(request, "asked", email=data_request.email)


@login_not_required
def data_request_confirm(request, token):
    """The link of the confirmation email. GET asks to confirm (mail scanners open links); POST confirms, and the
    page shows the download link once the file is ready (it is emailed too)."""
    found = read_link(tokens.DATA_CONFIRM, token)
    if isinstance(found, LinkError):
        if found.expired:
            return _expired(request)
        raise Http404("This link is not valid.")
    if request.method == "POST":
        found = confirm_data_request(request=found)
    if found.status == DataRequest.Status.AWAITING:
        return _public(request, "confirm")
    if is_downloadable(found):
        return _public(request, "ready", download=download_url(found), expires_at=found.expires_at)
    if found.status == DataRequest.Status.CONFIRMED:
        return _public(request, "preparing")
    return _expired(request)


@login_not_required
def data_request_download(request, token):
    """The file, for whoever holds the emailed link (the email confirmation proved the address); 410 once the
    file has expired."""
    found = read_link(tokens.DATA_DOWNLOAD, token)
    if isinstance(found, LinkError):
        if found.expired:
            return _expired(request)
        raise Http404("This link is not valid.")
    if not is_downloadable(found):
        return _expired(request)
    return _file(found)


def _file(data_request: DataRequest) -> FileResponse:
    response = FileResponse(
        data_request.file.open("rb"),
        as_attachment=True,
        filename=file_name(data_request),
        content_type="application/json",
    )
    response["Cache-Control"] = "no-store"
    return response


@permission_required("candidates.view_datarequest", raise_exception=True)
def data_requests(request):
    """Settings area: every candidate's data request, newest first, with its dates; answer one by hand."""
    page = Paginator(
        DataRequest.objects.select_related("candidate", "answered_by").order_by("-requested_at", "-pk"), 50
    ).get_page(request.GET.get("page"))
    rows = [{"request": row, "downloadable": is_downloadable(row)} for row in page]
    return render(
        request,
        "outreach/data_requests.html",
        {"page": page, "rows": rows, "form": DataRequestAnswerForm()},
    )


@require_POST
@permission_required("candidates.change_datarequest", raise_exception=True)
def data_request_answer(request, pk):
    data_request = get_object_or_404(DataRequest.objects.select_related("candidate"), pk=pk)
    form = DataRequestAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a note of at most 2,000 characters."))
        return redirect("outreach:data_requests")
    try:
        answer_by_hand(request=data_request, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("outreach:data_requests")
    messages.success(
        request,
        _("The data of %(name)s is ready: download it and send it to them.")
        % {"name": data_request.candidate.full_name},
    )
    return redirect("outreach:data_requests")


@permission_required("candidates.view_datarequest", raise_exception=True)
def data_request_file(request, pk):
    data_request = get_object_or_404(DataRequest, pk=pk)
    if not is_downloadable(data_request):
        return render(
            request, "outreach/data_requests.html#file-gone", {"data_request": data_request}, status=410
        )
    return _file(data_request)
