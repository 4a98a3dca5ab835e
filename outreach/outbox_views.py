"""Pages of the outbox: write an email from a profile, answer a reply, email a selection, and the user's
Outbox (what is still to go, with cancel). Thin: the rules are in outreach/outbox.py."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates.models import Candidate
from candidates.templatetags.longlist import display_name

from . import outbox, selectors
from .email import sender_identity
from .forms import BulkComposeForm, ComposeForm, PreviewEmailForm, ReplyComposeForm
from .models import Touch

MAX_BULK = 200  # people in one bulk email; a bigger audience is a sequence's job


def _from_line(user) -> str:
    identity = sender_identity(user)
    if identity is not None:
        return str(identity)
    return f"{display_name(user)} <{user.email}>" if user.email else "the site's address"


def _compose_context(request, *, candidate: Candidate, form, key: str, action: str, **extra) -> dict:
    return {
        "candidate": candidate,
        "form": form,
        "key": key,
        "action": action,
        "from_line": _from_line(request.user),
        "unsubscribed": outbox.why_not_write(candidate, personal=False) == outbox.UNSUBSCRIBED,
        **extra,
    }


def _render_compose(request, context: dict, status: int = 200):
    template = "outreach/compose.html#compose-form" if request.htmx else "outreach/compose.html"
    return render(request, template, context, status=status)


def _queued(request, touch: Touch, back: str):
    if request.htmx:
        context = {"touch": touch, "key": request.POST.get("key"), "later": touch.due_at > timezone.now()}
        return render(request, "outreach/compose.html#queued", context)
    messages.success(request, f"Your email to {touch.candidate.full_name} is in your Outbox.")
    return redirect(back)


def _written(request, form, write, context: dict, back: str):
    """Validate the form and write the email; the form again with the reason when it cannot go."""
    if form.is_valid():
        try:
            touch = write(form.cleaned_data)
        except outbox.NeedsConfirmation as error:
            form.add_error("personal", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _queued(request, touch, back)
    return _render_compose(request, context, status=422)


@permission_required("outreach.send_email", raise_exception=True)
def compose_email(request, candidate_id):
    """A one-off email to one person, from their profile (htmx: the form appears above the timeline)."""
    candidate = get_object_or_404(Candidate.objects.filter(erased_at__isnull=True), pk=candidate_id)
    form = ComposeForm(request.POST or None)
    context = _compose_context(
        request,
        candidate=candidate,
        form=form,
        key=f"candidate-{candidate.pk}",
        action=reverse("outreach:compose", args=[candidate.pk]),
    )
    if request.method != "POST":
        return _render_compose(request, context)
    return _written(
        request,
        form,
        lambda data: outbox.write_one_off(
            candidate=candidate,
            sender=request.user,
            subject=data["subject"],
            body=data["body"],
            send_at=data["send_at"],
            personal=data["personal"],
        ),
        context,
        back=candidate.get_absolute_url(),
    )


@permission_required("outreach.send_email", raise_exception=True)
def reply_compose(request, pk):
    """An answer to a candidate's reply, in its thread (from the Replies page and the profile's timeline)."""
    reply = get_object_or_404(selectors.replies().filter(candidate__isnull=False), pk=pk)
    assert reply.candidate is not None
    form = ReplyComposeForm(request.POST or None)
    context = _compose_context(
        request,
        candidate=reply.candidate,
        form=form,
        key=f"reply-{reply.pk}",
        action=reverse("outreach:reply_compose", args=[reply.pk]),
        reply=reply,
        beside_reply=request.GET.get("in") == "replies",  # the Replies page shows the reply right above
        subject=outbox.reply_subject(reply.subject or (reply.touch.subject if reply.touch else "")),
    )
    if request.method != "POST":
        return _render_compose(request, context)
    return _written(
        request,
        form,
        lambda data: outbox.write_reply(
            reply=reply,
            sender=request.user,
            body=data["body"],
            send_at=data["send_at"],
            personal=data["personal"],
        ),
        context,
        back=reverse("outreach:replies"),
    )


@permission_required("outreach.send_email", raise_exception=True)
def email_preview(request):
    """The email as one person will read it, as the recruiter types (htmx)."""
    form = PreviewEmailForm(request.GET)
    preview, error = None, ""
    if form.is_valid():
        try:
            preview = outbox.preview_email(
                candidate=form.cleaned_data["candidate"],
                sender=request.user,
                subject=request.GET.get("reply_subject") or form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    return render(request, "outreach/compose.html#preview", {"preview": preview, "error": error})


@permission_required("outreach.send_email", raise_exception=True)
def bulk_email(request):
    """One email to each person of a selection from search or a board (?candidates=1,2,3)."""
    data = request.POST if request.method == "POST" else None
    form = BulkComposeForm(data, initial={"candidates": request.GET.get("candidates", "")})
    raw = (data or request.GET).get("candidates", "")
    ids = [int(pk) for pk in raw.split(",") if pk.strip().isdigit()][: MAX_BULK + 1]
    people = selectors.email_recipients(ids)
    context = {
        "form": form,
        "people": people,
        "too_many": len(ids) > MAX_BULK,
        "max_bulk": MAX_BULK,
        "from_line": _from_line(request.user),
    }
    if request.method != "POST":
        return render(request, "outreach/bulk_email.html", context)
    if form.is_valid() and not context["too_many"]:
        try:
            result = outbox.write_bulk(
                candidates=people,
                sender=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                send_at=form.cleaned_data["send_at"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "outreach/bulk_email.html", {**context, "result": result})
    return render(request, "outreach/bulk_email.html", context, status=422)


@permission_required("outreach.send_email", raise_exception=True)
def outbox_list(request):
    waiting, recent = selectors.outbox_of(request.user)
    return render(request, "outreach/outbox.html", {"waiting": waiting, "recent": recent})


@require_POST
@permission_required("outreach.send_email", raise_exception=True)
def email_cancel(request, pk):
    """Cancel an email before it goes (the Outbox's rows, and the note shown once an email is written)."""
    touch = get_object_or_404(
        Touch.objects.select_related("candidate").exclude(kind=Touch.Kind.SEQUENCE), pk=pk, channel="email"
    )
    if not request.user.has_perm("outreach.cancel_email", touch):
        raise PermissionDenied
    cancelled = outbox.cancel_email(touch, by=request.user)
    touch.refresh_from_db()
    late = "" if cancelled else "Too late: it is being sent or has gone."
    if request.htmx and request.POST.get("key"):
        context = {"touch": touch, "key": request.POST["key"], "late": late}
        return render(request, "outreach/compose.html#queued", context)
    if request.htmx:
        return render(request, "outreach/outbox.html#email-row", {"touch": touch, "late": late})
    if late:
        messages.error(request, late)
    return redirect("outreach:outbox")
