import base64
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from candidates.models import Candidate
from pipelines.models import CareersSettings

from . import conversation, engagement, mailboxes, selectors, tokens
from .batches import start_enrollment_batch
from .dispatch import resend_touch
from .enrollment import pause_enrollment, resume_enrollment, stop_enrollment
from .forms import (
    CampaignForm,
    CompleteTaskForm,
    EnrollForm,
    LogReplyForm,
    MailboxForm,
    MatchReplyForm,
    PreferencesForm,
    PreviewForm,
    RejectionTemplateForm,
    RoleForm,
    SequenceForm,
    StepForm,
    TagReplyForm,
)
from .manual_tasks import complete_task, task_message
from .models import EnrollmentBatch, InboundMailbox, RejectionTemplate, Reply, Sequence, Step, Touch
from .rejections import save_rejection_template
from .sequences import (
    create_sequence,
    delete_step,
    preview_message,
    reorder_steps,
    save_step,
    set_sequence_status,
    update_sequence,
)


@permission_required("outreach.view_sequence", raise_exception=True)
def sequence_list(request):
    return render(request, "outreach/sequences.html", {"sequences": selectors.sequences_with_counts()})


@permission_required("outreach.add_sequence", raise_exception=True)
def sequence_create(request):
    form = SequenceForm(
        request.POST or None, initial={"sender": request.user, "sender_timezone": "UTC"}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        sequence = create_sequence(by=request.user, **form.cleaned_data)
        return redirect("outreach:sequence", sequence.pk)
    return render(request, "outreach/sequence_form.html", {"form": form})


def builder_context(request, sequence: Sequence, invalid: StepForm | None = None, **extra) -> dict:
    """The sequence page; `invalid` is a step form that failed validation, shown with its errors."""

    def form_for(step: Step) -> StepForm:
        if invalid is not None and invalid.instance.pk == step.pk:
            return invalid
        return StepForm(instance=step, prefix=f"step-{step.pk}")

    return {
        "sequence": sequence,
        "steps": [(step, form_for(step)) for step in sequence.steps.all()],
        "can_edit": request.user.has_perm("outreach.change_sequence", sequence),
        "step_form": invalid if invalid is not None and invalid.instance.pk is None else StepForm(),
        "preview_candidates": selectors.preview_candidates(),
        "campaigns": selectors.campaigns_of(sequence),
        "can_add_campaign": request.user.has_perm("outreach.add_plannedrolecampaign"),
        "campaign_form": CampaignForm(),
        **extra,
    }


@permission_required("outreach.view_sequence", raise_exception=True)
def sequence_detail(request, pk):
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    form = SequenceForm(instance=sequence, user=request.user)
    return render(request, "outreach/sequence.html", builder_context(request, sequence, settings_form=form))


@require_POST
@permission_required("outreach.change_sequence", raise_exception=True)
def sequence_settings(request, pk):
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    form = SequenceForm(request.POST, instance=sequence, user=request.user)
    if form.is_valid():
        update_sequence(
            sequence=sequence,
            by=request.user,
            **{name: form.cleaned_data[name] for name in SequenceForm.Meta.fields},
        )
        messages.success(request, "Settings saved.")
    return render(
        request,
        "outreach/sequence.html#settings",
        builder_context(request, sequence, settings_form=form, saved=form.is_valid()),
        status=200 if form.is_valid() else 422,
    )


@require_POST
@permission_required("outreach.change_sequence", raise_exception=True)
def sequence_status(request, pk):
    sequence = get_object_or_404(Sequence, pk=pk)
    status = request.POST.get("status")
    if status not in Sequence.Status.values:
        return HttpResponseBadRequest("Unknown status.")
    try:
        set_sequence_status(sequence=sequence, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("outreach:sequence", sequence.pk)


@require_POST
@permission_required("outreach.change_sequence", raise_exception=True)
def step_save(request, pk, step_id=None):
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    step = get_object_or_404(Step, pk=step_id, sequence=sequence) if step_id else Step(sequence=sequence)
    form = StepForm(request.POST, instance=step, prefix=f"step-{step_id}" if step_id else None)
    if not form.is_valid():
        return render(
            request,
            "outreach/sequence.html#steps",
            builder_context(request, sequence, invalid=form),
            status=422,
        )
    save_step(form.instance)
    return render(request, "outreach/sequence.html#steps", builder_context(request, sequence))


@require_POST
@permission_required("outreach.change_sequence", raise_exception=True)
def step_delete(request, pk, step_id):
    step = get_object_or_404(Step, pk=step_id, sequence_id=pk)
    delete_step(step)
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    return render(request, "outreach/sequence.html#steps", builder_context(request, sequence))


@require_POST
@permission_required("outreach.change_sequence", raise_exception=True)
def steps_reorder(request, pk):
    """The new order after a drag (every step's id, top to bottom), or one step moved up or down by a button
    (`move` and `direction`: the keyboard's way). The moved step's button keeps the focus, and the move is
    announced."""
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    moved, direction = request.POST.get("move", ""), request.POST.get("direction")
    try:
        if moved:
            order = list(sequence.steps.order_by("position").values_list("pk", flat=True))
            index = order.index(int(moved))
            other = index - 1 if direction == "up" else index + 1
            if direction not in ("up", "down") or not 0 <= other < len(order):
                raise ValueError("that step cannot move that way.")
            order[index], order[other] = order[other], order[index]
        else:
            order = [int(pk) for pk in request.POST.getlist("step")]
        reorder_steps(sequence=sequence, step_ids=order)
    except ValueError as error:
        context = builder_context(request, sequence, error=f"The steps could not be reordered: {error}")
        return render(request, "outreach/sequence.html#steps", context, status=422)
    extra = {}
    if moved:
        number = order.index(int(moved)) + 1
        extra = {
            "moved": int(moved),
            "direction": direction,
            "announcement": f"Step moved {direction}: now step {number}.",
        }
    return render(request, "outreach/sequence.html#steps", builder_context(request, sequence, **extra))


@permission_required("outreach.view_sequence", raise_exception=True)
def step_preview(request, pk):
    """Render a subject and body for a real candidate as the admin types (htmx)."""
    sequence = get_object_or_404(Sequence, pk=pk)
    # Step forms carry a prefix (step-7-body): take whichever subject and body the form sent.
    data = {key.rsplit("-", 1)[-1]: value for key, value in request.GET.items()}
    form = PreviewForm(data)
    form.is_valid()
    preview = preview_message(
        sequence=sequence,
        candidate=form.cleaned_data.get("candidate"),
        subject=form.cleaned_data.get("subject", ""),
        body=form.cleaned_data.get("body", ""),
    )
    return render(request, "outreach/sequence.html#preview", {"preview": preview})


@permission_required("outreach.view_enrollment", raise_exception=True)
def sequence_enrollments(request, pk):
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    page = Paginator(selectors.enrollments_of(sequence), 50).get_page(request.GET.get("page"))
    return render(request, "outreach/enrollments.html", {"sequence": sequence, "page": page})


@require_POST
@permission_required("outreach.change_touch", raise_exception=True)
def touch_resend(request, pk):
    """Send a failed or possibly delivered email again (the dispatcher's next pass sends it)."""
    touch = get_object_or_404(Touch.objects.select_related("candidate"), pk=pk, channel="email")
    if resend_touch(touch=touch, by=request.user):
        messages.success(request, f"The email to {touch.candidate} will be sent again in a minute.")
    return redirect("home")


@require_POST
@permission_required("outreach.change_enrollment", raise_exception=True)
def enrollment_action(request, pk, action):
    enrollment = get_object_or_404(selectors.enrollments_of(None), pk=pk)
    if action == "pause":
        pause_enrollment(enrollment=enrollment, by=request.user)
    elif action == "resume":
        resume_enrollment(enrollment=enrollment, by=request.user)
    elif action == "stop":
        stop_enrollment(enrollment=enrollment, reason="stopped by a recruiter", by=request.user)
    else:
        raise Http404
    enrollment.refresh_from_db()
    if not request.htmx:  # the profile's "Resume nurture" button
        return redirect(enrollment.candidate)
    return render(request, "outreach/enrollments.html#enrollment-row", {"enrollment": enrollment})


@permission_required("outreach.add_enrollment", raise_exception=True)
def enroll(request):
    """Enroll a selection from search (?candidates=1,2,3) or a whole pool (?pool=7) in a sequence."""
    form = EnrollForm(request.POST if request.method == "POST" else None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        batch = start_enrollment_batch(
            sequence=form.cleaned_data["sequence"],
            candidate_ids=form.cleaned_data["candidates"],
            pool=form.cleaned_data["pool"],
            by=request.user,
        )
        return redirect("outreach:batch", batch.pk)
    selection = form.cleaned_data if form.is_bound and not form.errors else _selection(request.GET)
    return render(request, "outreach/enroll.html", {"form": form, **selection})


def _selection(params) -> dict:
    form = EnrollForm(params)
    form.is_valid()
    ids = form.cleaned_data.get("candidates") or []
    return {
        "pool": form.cleaned_data.get("pool"),
        "selected": selectors.people_named(ids),
        "selected_count": len(ids),
    }


@permission_required("outreach.add_enrollment", raise_exception=True)
def batch(request, pk):
    batch = get_object_or_404(EnrollmentBatch.objects.select_related("sequence", "pool"), pk=pk)
    template = "outreach/enroll.html#batch" if request.htmx else "outreach/enroll.html"
    return render(request, template, {"batch": batch})


@permission_required("outreach.view_rejectiontemplate", raise_exception=True)
def rejection_templates(request, pk=None):
    """The turn-down emails: the recruiting team reads them; admins add and edit them here (GET ?edit=<id>
    fills the form with one, POST to .../<id>/ saves it)."""
    templates = RejectionTemplate.objects.all()
    editing = get_object_or_404(RejectionTemplate, pk=pk) if pk is not None else None
    can_edit = request.user.has_perm("outreach.change_rejectiontemplate")
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = RejectionTemplateForm(request.POST)
        if form.is_valid():
            try:
                save_rejection_template(template=editing, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Rejection email “{form.cleaned_data['name']}” saved.")
                return redirect("outreach:rejection_templates")
        status = 422
    elif editing is not None:
        form = RejectionTemplateForm(
            initial={f: getattr(editing, f) for f in ("name", "subject", "body", "is_active")}
        )
    else:
        form = RejectionTemplateForm()
    context = {"templates": templates, "form": form, "editing": editing, "can_edit": can_edit}
    return render(request, "outreach/rejection_templates.html", context, status=status)


@permission_required("outreach.view_inboundmailbox", raise_exception=True)
def mailbox_list(request, pk=None):
    """The inbound mailboxes the user manages, each with its state (last success, last error), and the form to
    add one or (…/<id>/) edit one. Another recruiter's mailbox is a 404."""
    editing = get_object_or_404(selectors.mailboxes_for(request.user), pk=pk) if pk is not None else None
    if editing is not None and not request.user.has_perm("outreach.change_inboundmailbox", editing):
        raise PermissionDenied
    may_choose_owner = request.user.has_perm("outreach.change_inboundmailbox", InboundMailbox())
    status = 200
    if request.method == "POST":
        form = MailboxForm(request.POST, instance=editing, may_choose_owner=may_choose_owner)
        if form.is_valid():
            mailbox = form.save(commit=False)
            if not may_choose_owner:
                mailbox.owner = request.user
            try:
                mailboxes.save_mailbox(
                    mailbox=mailbox, password=form.cleaned_data["password"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Mailbox {mailbox} saved: it is read within a few minutes.")
                return redirect("outreach:mailboxes")
        status = 422
    else:
        initial = {"owner": request.user} if editing is None else None
        form = MailboxForm(instance=editing, initial=initial, may_choose_owner=may_choose_owner)
    context = {"mailboxes": selectors.mailboxes_for(request.user), "form": form, "editing": editing}
    return render(request, "outreach/mailboxes.html", context, status=status)


@require_POST
@permission_required("outreach.view_inboundmailbox", raise_exception=True)
def mailbox_delete(request, pk):
    mailbox = get_object_or_404(selectors.mailboxes_for(request.user), pk=pk)
    if not request.user.has_perm("outreach.delete_inboundmailbox", mailbox):
        raise PermissionDenied
    mailboxes.delete_mailbox(mailbox=mailbox, by=request.user)
    messages.success(request, f"Mailbox {mailbox} removed: Longlist no longer reads it.")
    return redirect("outreach:mailboxes")


@permission_required("outreach.view_task_queue", raise_exception=True)
def task_queue(request):
    sections = {name: list(tasks) for name, tasks in selectors.task_queue(request.user).items()}
    for tasks in sections.values():
        for task in tasks:
            task.message = task_message(task)
    return render(request, "outreach/tasks.html", {**sections, "form": CompleteTaskForm()})


@require_POST
@permission_required("outreach.complete_task", raise_exception=True)
def task_complete(request, pk):
    task = get_object_or_404(selectors.open_tasks(), pk=pk)
    form = CompleteTaskForm(request.POST)
    if not form.is_valid():
        task.message = task_message(task)
        return render(request, "outreach/tasks.html#task", {"task": task, "form": form}, status=422)
    complete_task(touch=task, by=request.user, **form.cleaned_data)
    task.refresh_from_db()
    # The sections' open counts change with it (announced: they are status regions).
    counts = {name: tasks.count() for name, tasks in selectors.task_queue(request.user).items()}
    return render(request, "outreach/tasks.html#task-done", {"task": task, "done": True, "counts": counts})


@login_not_required
@csrf_exempt
def unsubscribe(request, token):
    """GET shows a confirmation (mail scanners fetch links); POST unsubscribes, with no cookie or login
    (RFC 8058 one-click from the mail client, or the button on the page)."""
    touch, _ = selectors.touch_for_link(tokens.UNSUBSCRIBE, token)
    if request.method == "POST":
        conversation.unsubscribe(candidate=touch.candidate, touch=touch)
        return render(
            request, "outreach/unsubscribe.html", {"done": True, "careers": CareersSettings.current()}
        )
    done = touch.candidate.unsubscribed_at is not None
    return render(request, "outreach/unsubscribe.html", {"done": done, "careers": CareersSettings.current()})


@login_not_required
def click(request, token):
    touch, payload = selectors.touch_for_link(tokens.CLICK, token)
    engagement.record_click(touch=touch, url=payload["u"], topics=payload.get("topics", []))
    return HttpResponseRedirect(payload["u"])


PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@login_not_required
def open_pixel(request, token):
    touch, _ = selectors.touch_for_link(tokens.OPEN, token)
    engagement.record_open(touch=touch)
    return HttpResponse(PIXEL, content_type="image/gif", headers={"Cache-Control": "no-store"})


@require_POST
@permission_required("outreach.add_plannedrolecampaign", raise_exception=True)
def campaign_add(request, pk):
    """Attach the sequence to a planned role: its pools are enrolled months before the role opens."""
    sequence = get_object_or_404(selectors.sequences_with_counts(), pk=pk)
    form = CampaignForm(request.POST)
    if form.is_valid():
        if sequence.campaigns.filter(requisition=form.cleaned_data["requisition"]).exists():
            form.add_error("requisition", "This sequence is already planned for that role.")
        else:
            conversation.create_campaign(sequence=sequence, by=request.user, **form.cleaned_data)
            form = CampaignForm()
    context = builder_context(request, sequence, campaign_form=form)
    return render(request, "outreach/sequence.html#campaigns", context, status=422 if form.errors else 200)


@permission_required("outreach.view_dispatcher", raise_exception=True)
def dispatcher_status(request):
    """The dispatcher's backlog, oldest due email and failures, for admins (the same numbers as /metrics)."""
    return render(request, "outreach/dispatcher.html", {"stats": selectors.dispatcher_stats()})


# --- Replies ------------------------------------------------------------------------------------------


@permission_required("outreach.view_reply", raise_exception=True)
def reply_list(request):
    return render(
        request,
        "outreach/replies.html",
        {
            "to_handle": selectors.replies_to_handle(request.user),
            "unmatched": selectors.unmatched_replies(request.user),
            "handled": selectors.recently_handled_replies(request.user),
            "role_form": RoleForm(),
        },
    )


def _reply_card(request, reply: Reply, status: int = 200, **extra):
    reply.refresh_from_db()
    context = {"reply": reply, "role_form": RoleForm(), **extra}
    return render(request, "outreach/replies.html#reply", context, status=status)


@require_POST
@permission_required("outreach.change_reply", raise_exception=True)
def reply_tag(request, pk):
    reply = get_object_or_404(selectors.replies().filter(candidate__isnull=False), pk=pk)
    form = TagReplyForm(request.POST)
    if not form.is_valid():
        return _reply_card(request, reply, status=422, tag_form=form)
    try:
        conversation.tag_reply(reply=reply, by=request.user, **form.cleaned_data)
    except conversation.ReplyError as error:
        return _reply_card(request, reply, status=422, error=str(error))
    return _reply_card(request, reply)


@require_POST
@permission_required("outreach.change_reply", raise_exception=True)
def reply_match(request, pk):
    reply = get_object_or_404(selectors.replies(), pk=pk)
    form = MatchReplyForm(request.POST)
    if not form.is_valid():
        return _reply_card(request, reply, status=422, match_form=form)
    try:
        conversation.match_reply(reply=reply, candidate=form.cleaned_data["who"], by=request.user)
    except conversation.ReplyError as error:
        return _reply_card(request, reply, status=422, error=str(error))
    return _reply_card(request, reply)


@require_POST
@permission_required("outreach.change_reply", raise_exception=True)
def reply_ready_to_talk(request, pk):
    reply = get_object_or_404(selectors.replies().filter(candidate__isnull=False), pk=pk)
    try:
        conversation.move_to_ready_to_talk(candidate=reply.candidate, by=request.user)
    except conversation.ReplyError as error:
        return _reply_card(request, reply, status=422, error=str(error))
    return _reply_card(request, reply, done="Moved to Ready to talk on the talent board.")


@require_POST
@permission_required("outreach.change_reply", raise_exception=True)
def reply_add_to_role(request, pk):
    reply = get_object_or_404(selectors.replies().filter(candidate__isnull=False), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _reply_card(request, reply, status=422, error="Choose a planned or open role.")
    requisition = form.cleaned_data["requisition"]
    try:
        conversation.add_to_role(candidate=reply.candidate, requisition=requisition, by=request.user)
    except conversation.ReplyError as error:
        return _reply_card(request, reply, status=422, error=str(error))
    return _reply_card(request, reply, done=f"Added to {requisition.title}.")


@permission_required("outreach.add_reply", raise_exception=True)
def log_reply(request, candidate_id):
    """The profile's "Log reply": a reply the recruiter saw elsewhere (their inbox, LinkedIn, a call)."""
    candidate = get_object_or_404(Candidate.objects.filter(erased_at__isnull=True), pk=candidate_id)
    form = LogReplyForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["received_on"]
        received_at = (
            timezone.now()
            if day == timezone.localdate()
            else timezone.make_aware(datetime.combine(day, time(12)))
        )
        conversation.log_reply(
            candidate=candidate,
            body=form.cleaned_data["body"],
            subject=form.cleaned_data["subject"],
            received_at=received_at,
            by=request.user,
        )
        messages.success(request, "Reply logged. It is waiting in Replies to be tagged.")
        return redirect(candidate)
    status = 422 if form.errors else 200
    return render(request, "outreach/log_reply.html", {"candidate": candidate, "form": form}, status=status)


@require_POST
@permission_required("outreach.change_reply", raise_exception=True)
def snooze_until_back(request, candidate_id, message_id):
    """The profile's offer after an auto-reply with a return date: snooze the person until that day."""
    candidate = get_object_or_404(Candidate.objects.filter(erased_at__isnull=True), pk=candidate_id)
    offer = selectors.snooze_offer(candidate, timezone.localdate())
    if offer is None or offer.pk != message_id or offer.return_date is None:
        messages.error(request, "That return date has passed or is already covered by a snooze.")
        return redirect(candidate)
    conversation.snooze_until_back(candidate=candidate, until=offer.return_date, by=request.user)
    messages.success(request, f"Snoozed until {offer.return_date:%-d %b %Y}: nothing is sent before then.")
    return redirect(candidate)


# --- The candidate's preference centre ----------------------------------------------------------------


@login_not_required
def preferences(request, token):
    """The page the "Email preferences" link of every email opens: signed, no login, CSRF-protected form.
    Unsubscribing posts to the one-click unsubscribe URL."""
    touch, _ = selectors.touch_for_link(tokens.PREFERENCES, token)
    candidate = touch.candidate
    if candidate.erased_at:
        raise Http404("This link is not valid.")
    topics = sorted(set(selectors.link_topics()) | set(candidate.topics or []))
    snoozed = (
        candidate.snoozed_until
        if candidate.snoozed_until and candidate.snoozed_until > timezone.localdate()
        else None
    )
    initial = {
        "topics": candidate.topics,
        "fewer_messages": candidate.fewer_messages,
        "check_back_after": snoozed,
        "title": candidate.title,
        "company": candidate.company,
    }
    form = PreferencesForm(request.POST or None, initial=initial, topics=topics)
    saved = None
    if request.method == "POST" and not candidate.unsubscribed_at and form.is_valid():
        saved = conversation.update_preferences(candidate=candidate, **form.cleaned_data)
        form = PreferencesForm(initial={**initial, **form.cleaned_data}, topics=topics)
    unsubscribe_token = tokens.make(tokens.UNSUBSCRIBE, c=candidate.pk, t=touch.pk)
    return render(
        request,
        "outreach/preferences.html",
        {
            "candidate": candidate,
            "form": form,
            "saved": saved,
            "unsubscribe_token": unsubscribe_token,
            "careers": CareersSettings.current(),
            "data_request_url": reverse("outreach:data_request", args=[token]),
        },
        status=422 if form.errors else 200,
    )
