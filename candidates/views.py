from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import resume_uploads, resumes, selectors, services
from .bounds import over_bounds
from .custom_fields import active_fields
from .export import csv_lines
from .forms import (
    AddToPoolForm,
    CandidateForm,
    ImportForm,
    MergeSearchForm,
    NoteForm,
    PoolForm,
    PrivacyPolicyForm,
    ReferralForm,
    ReferralStatusForm,
    ResumeForm,
    SmartPoolForm,
)
from .imports.jobs import column_choices, create_import, map_import_columns, start_import
from .imports.running import preview_import
from .merge import check_mergeable, merge_candidates
from .models import Candidate, CustomField, ImportJob, PrivacyPolicy, Referral, Resume, TalentPool
from .privacy import (
    erase_candidate,
    keep_after_retention_review,
    mark_privacy_notice_sent,
    update_privacy_policy,
)
from .search import (
    MAX_ID,
    BoundedPaginator,
    CandidateSearchForm,
    describe_filters,
    filter_options,
    search_candidates,
    sort_columns,
    sort_order,
)


def _search_page(request, template: str, filters, *, pool: TalentPool | None = None, **page_context):
    """The search page or a pool page: the filter panel and one page of results (only the results for htmx).
    A filter over its bounds answers 400 (its message on the page), the others are left out."""
    definitions = active_fields(CustomField.AppliesTo.CANDIDATE)
    form = CandidateSearchForm(request.GET, custom_fields=definitions)
    status = 400 if not form.is_valid() and over_bounds(form) else 200
    results = search_candidates(filters, pools={pool.pk: pool} if pool else None, custom_fields=definitions)
    context = {
        "form": form,
        "pool": pool,
        "page": BoundedPaginator(results, 50).get_page(request.GET.get("page")),
        "columns": sort_columns(sort_order(form.cleaned_data)),
        "search_url": request.path,
        "saved_filters": [(k, v) for k, v in request.GET.items() if v and k not in ("page", "sort")],
        "static_pools": TalentPool.objects.filter(kind=TalentPool.Kind.STATIC).only("id", "name"),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "candidates/list.html#results", context, status=status)
    return render(request, template, {**context, **filter_options(), **page_context}, status=status)


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_list(request):
    return _search_page(request, "candidates/list.html", request.GET)


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_jump(request):
    """The navigation's search box: straight to the profile of the one person meant (an email, or words only
    one person matches), else the search page with those words."""
    form = CandidateSearchForm({"q": request.GET.get("q", "")})
    if not form.is_valid():
        raise BadRequest(" ".join(form.errors.get("q", [])))
    text = form.cleaned_data["q"]
    target = selectors.jump_target(text)
    if target is not None:
        return redirect(target)
    return redirect(f"{reverse('candidates:list')}?{urlencode({'q': text})}")


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_export(request):
    """The current search as CSV: every matching row, streamed (by name when the page ranks a bounded set)."""
    definitions = active_fields(CustomField.AppliesTo.CANDIDATE)
    form = CandidateSearchForm(request.GET, custom_fields=definitions)
    if not form.is_valid() and over_bounds(form):
        return HttpResponseBadRequest(form.errors.as_text())
    found = search_candidates(request.GET, ranked=False, custom_fields=definitions)
    response = StreamingHttpResponse(
        csv_lines(found, custom_fields=definitions), content_type="text/csv; charset=utf-8"
    )
    filename = f"candidates-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required("candidates.change_talentpool", raise_exception=True)
def add_to_pool(request):
    """Bulk action: add the ticked people to a static pool, or to a new one named here. The search page posts
    its ticks (htmx); a board's selection opens this as a page (?candidates=1,2) to choose the pool."""
    if request.method == "GET":
        form = AddToPoolForm(initial={"candidate_ids": selected_ids(request.GET.get("candidates", ""))})
        return render(request, "candidates/add_to_pool.html", add_to_pool_context(form))
    form = AddToPoolForm(request.POST)
    if not form.is_valid():
        if not request.htmx:
            return render(request, "candidates/add_to_pool.html", add_to_pool_context(form), status=422)
        return render(request, "candidates/list.html#bulk-status", {"bulk_form": form}, status=422)
    people = form.cleaned_data["candidate_ids"]
    pool = form.cleaned_data["pool"]
    if pool is None:
        name = form.cleaned_data["new_pool_name"]
        pool = services.create_static_pool(name=name, by=request.user, candidates=people)
        added = len(people)
    else:
        added = services.add_to_pool(pool=pool, candidates=people, by=request.user)
    if not request.htmx:
        messages.success(request, f"Added {added} to {pool.name}.")
        return redirect(pool)
    return render(
        request,
        "candidates/list.html#bulk-status",
        {"added_to": pool, "added": added, "already": len(people) - added},
    )


def selected_ids(value: str, limit: int = 5_000) -> list[int]:
    """The ids of a selection passed as "1,2,3"; anything that is not an id is left out."""
    ids = [int(part) for part in value.split(",")[:limit] if part.strip().isdigit()]
    return [pk for pk in dict.fromkeys(ids) if 0 < pk <= MAX_ID]


def add_to_pool_context(form: AddToPoolForm) -> dict:
    ids = (
        selected_ids(",".join(form.data.getlist("candidate_ids")))
        if form.is_bound
        else form.initial["candidate_ids"]
    )
    people = selectors.selected_candidates(ids)
    return {
        "form": form,
        "people": people[:12],
        "selected_ids": [person.pk for person in people],
        "static_pools": TalentPool.objects.filter(kind=TalentPool.Kind.STATIC).order_by("name"),
    }


@require_POST
@permission_required("candidates.change_talentpool", raise_exception=True)
def save_smart_pool(request):
    """Save the search whose filters come with the request as a smart pool."""
    form = SmartPoolForm(request.POST)
    search = CandidateSearchForm(request.POST)
    if not (form.is_valid() and search.is_valid()):
        return render(
            request,
            "candidates/list.html#smart-status",
            {"smart_form": form, "search_form": search},
            status=422,
        )
    pool = services.create_smart_pool(
        name=form.cleaned_data["name"], query=search.to_query(), by=request.user
    )
    if not request.htmx:
        return redirect(pool)
    return render(request, "candidates/list.html#smart-status", {"saved_pool": pool})


@permission_required("candidates.merge_candidates", raise_exception=True)
def merge_pick(request, pk):
    """The "Merge with…" page: find the other record by name or email (possible duplicates are offered first)."""
    candidate = selectors.get_candidate(pk)
    form = MergeSearchForm(request.GET)
    valid = form.is_valid()
    text = form.cleaned_data["q"] if valid else ""
    return render(
        request,
        "candidates/merge_pick.html",
        {
            "candidate": candidate,
            "form": form,
            "text": text,
            "matches": selectors.merge_choices(candidate, text),
            "duplicates": selectors.possible_duplicates(candidate),
        },
        status=400 if not valid and over_bounds(form) else 200,
    )


@permission_required("candidates.merge_candidates", raise_exception=True)
def merge_confirm(request, pk, other_pk):
    """Both records side by side with the values the merge keeps; POST merges the other into this one."""
    primary = get_object_or_404(Candidate, pk=pk)
    duplicate = get_object_or_404(Candidate, pk=other_pk)
    try:
        check_mergeable(primary=primary, duplicate=duplicate)
        if request.method == "POST":
            merge_candidates(primary=primary, duplicate=duplicate, by=request.user)
            messages.success(request, f"Merged {duplicate.full_name} (#{duplicate.pk}) into this record.")
            return redirect(primary)
    except ValidationError as error:
        return render(
            request,
            "candidates/merge_confirm.html",
            {"primary": primary, "duplicate": duplicate, "error": " ".join(error.messages)},
            status=422,
        )
    return render(
        request,
        "candidates/merge_confirm.html",
        {
            "primary": primary,
            "duplicate": duplicate,
            "rows": selectors.merge_preview(primary, duplicate),
            "moves": selectors.merge_moves(duplicate),
        },
    )


def _privacy_page(request, policy_form=None, status=200):
    policy = PrivacyPolicy.current()
    if policy_form is None:
        policy_form = PrivacyPolicyForm(
            initial={"retention_days": policy.retention_days, "notice_due_days": policy.notice_due_days}
        )
    notices = Paginator(selectors.notices_due(policy), 25)
    retention = Paginator(selectors.retention_due(policy), 25)
    return render(
        request,
        "candidates/privacy.html",
        {
            "policy": policy,
            "policy_form": policy_form,
            "now": timezone.now(),
            "notices": notices.get_page(request.GET.get("notices_page")),
            "retention": retention.get_page(request.GET.get("retention_page")),
        },
        status=status,
    )


@permission_required("candidates.review_privacy", raise_exception=True)
def privacy(request):
    """Sourced people whose privacy notice is due, and people past the retention period, for review."""
    return _privacy_page(request)


@require_POST
@permission_required("candidates.change_privacypolicy", raise_exception=True)
def privacy_policy(request):
    form = PrivacyPolicyForm(request.POST)
    if not form.is_valid():
        return _privacy_page(request, policy_form=form, status=422)
    update_privacy_policy(**form.cleaned_data, by=request.user)
    messages.success(request, "Privacy settings saved.")
    return redirect("candidates:privacy")


def _back(request, default: str):
    """Where a form asked to go back to (a page of this site only), else the default page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@require_POST
@permission_required("candidates.review_privacy", raise_exception=True)
def privacy_notice_sent(request, pk):
    candidate = selectors.get_candidate(pk)
    mark_privacy_notice_sent(candidate=candidate, by=request.user)
    messages.success(request, f"Privacy notice to {candidate.full_name} recorded as sent.")
    return _back(request, "candidates:privacy")


@require_POST
@permission_required("candidates.review_privacy", raise_exception=True)
def privacy_keep(request, pk):
    candidate = selectors.get_candidate(pk)
    keep_after_retention_review(candidate=candidate, by=request.user)
    messages.success(request, f"Kept {candidate.full_name}; the retention period starts again today.")
    return _back(request, "candidates:privacy")


@permission_required("candidates.erase_candidate", raise_exception=True)
def candidate_erase(request, pk):
    """Confirm, then erase (anonymise) a person on request. Admins only."""
    candidate = selectors.get_candidate(pk)
    if request.method == "POST":
        erase_candidate(candidate=candidate, by=request.user)
        messages.success(request, "Erased. The record is anonymised and kept out of outreach.")
        return redirect("candidates:privacy")
    return render(request, "candidates/erase_confirm.html", {"candidate": candidate})


@permission_required("candidates.add_candidate", raise_exception=True)
def candidate_create(request):
    form = CandidateForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        custom_fields = form.custom_values()
        data = form.cleaned_data
        skills = data.pop("skills")
        candidate = services.create_candidate(
            by=request.user, skills=skills, custom_fields=custom_fields, **data
        )
        messages.success(request, f"{candidate.full_name} added.")
        return redirect(candidate)
    return render(
        request, "candidates/form.html", {"form": form, "duplicate": getattr(form, "duplicate", None)}
    )


@permission_required("candidates.change_candidate", raise_exception=True)
def candidate_edit(request, pk):
    candidate = selectors.get_candidate(pk)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        custom_fields = form.custom_values()
        data = form.cleaned_data
        skills = data.pop("skills")
        services.update_candidate(
            candidate=candidate, by=request.user, skills=skills, custom_fields=custom_fields, **data
        )
        messages.success(request, "Saved.")
        return redirect(candidate)
    return render(
        request,
        "candidates/form.html",
        {"form": form, "candidate": candidate, "duplicate": getattr(form, "duplicate", None)},
    )


@require_POST
@permission_required("candidates.change_candidate", raise_exception=True)
def add_note(request, pk):
    candidate = selectors.get_candidate(pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            candidate=candidate,
            body=form.cleaned_data["body"],
            by=request.user,
            shareable=form.cleaned_data["shareable"],
        )
        form = NoteForm()
    status = 200 if not form.errors else 422
    return render(
        request,
        "candidates/_profile.html#timeline",
        {"candidate": candidate, "timeline": selectors.timeline(candidate), "note_form": form},
        status=status,
    )


@permission_required("candidates.view_talentpool", raise_exception=True)
def pool_list(request):
    return render(request, "candidates/pools.html", {"pools": selectors.pools_with_counts()})


@permission_required("candidates.view_talentpool", raise_exception=True)
def pool_detail(request, pk):
    """A pool's members with the search filters: for a smart pool, its saved search AND the page's filters."""
    pool = selectors.get_pool(pk)
    return _search_page(
        request,
        "candidates/pool.html",
        {**request.GET.dict(), "pool": pool.pk},
        pool=pool,
        saved_search=describe_filters(pool.query) if pool.kind == TalentPool.Kind.SMART else [],
    )


@permission_required("candidates.change_talentpool", raise_exception=True)
def pool_edit(request, pk):
    """Rename a pool or change its description; admins also find Delete here."""
    pool = get_object_or_404(TalentPool, pk=pk)
    form = PoolForm(request.POST or None, pool=pool)
    if request.method == "POST" and form.is_valid():
        services.update_pool(pool=pool, **form.cleaned_data)
        messages.success(request, f"Pool saved as {pool.name}.")
        return redirect(pool)
    return render(request, "candidates/pool_form.html", {"pool": pool, "form": form})


@require_POST
@permission_required("candidates.delete_talentpool", raise_exception=True)
def pool_delete(request, pk):
    pool = get_object_or_404(TalentPool, pk=pk)
    name = pool.name
    services.delete_pool(pool=pool, by=request.user)
    messages.success(request, f"Pool {name} deleted. Its people are still in Longlist.")
    return redirect("candidates:pools")


@require_POST
@permission_required("candidates.change_talentpool", raise_exception=True)
def pool_remove_member(request, pk, candidate_pk):
    pool = get_object_or_404(TalentPool, pk=pk, kind=TalentPool.Kind.STATIC)
    candidate = get_object_or_404(Candidate, pk=candidate_pk)
    services.remove_from_pool(pool=pool, candidates=[candidate], by=request.user)
    if not request.htmx:
        messages.success(request, f"{candidate.full_name} removed from {pool.name}.")
        return redirect(pool)
    return HttpResponse("")


@permission_required("candidates.add_referral", raise_exception=True)
def referral_create(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.submit_referral(referrer=request.user, **form.cleaned_data)
        except services.AlreadyReferred as already:
            referral = already.referral
            messages.info(
                request,
                f"You already referred {referral.referred_name}: their status is “{referral.get_status_display()}”.",
            )
            return redirect("candidates:my_referrals")
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, f"Thank you! We will let you know how it goes with {referral.referred_name}."
            )
            return redirect("candidates:my_referrals")
    return render(
        request, "candidates/referral_form.html", {"form": form}, status=422 if form.errors else 200
    )


@permission_required("candidates.add_referral", raise_exception=True)
def my_referrals(request):
    return render(
        request, "candidates/my_referrals.html", {"referrals": selectors.referrals_by(request.user)}
    )


@permission_required("candidates.manage_referrals", raise_exception=True)
def referral_inbox(request):
    return render(
        request,
        "candidates/referrals.html",
        {"referrals": selectors.referral_inbox(), "status_choices": Referral.Status.choices},
    )


@require_POST
@permission_required("candidates.manage_referrals", raise_exception=True)
def referral_status(request, pk):
    referral = get_object_or_404(Referral, pk=pk)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        services.set_referral_status(referral=referral, status=form.cleaned_data["status"], by=request.user)
    return render(
        request,
        "candidates/referrals.html#referral-row",
        {"referral": referral, "status_choices": Referral.Status.choices},
        status=200 if form.is_valid() else 422,
    )


@permission_required("candidates.add_candidate", raise_exception=True)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job, preview = create_import(
            upload=data["file"],
            source=data["source"],
            pool=data["pool"],
            pool_name=data["new_pool_name"],
            by=request.user,
        )
        if not preview.error:
            return redirect("candidates:import_job", job.pk)
        form.add_error("file", preview.error)
    return render(
        request,
        "candidates/import.html",
        {"form": form, "recent": selectors.recent_imports()},
        status=422 if form.errors else 200,
    )


@permission_required("candidates.add_candidate", raise_exception=True)
def import_job(request, pk):
    """The preview of an upload waiting for confirmation, else the import's progress (polled) and summary."""
    job = get_object_or_404(ImportJob.objects.select_related("pool"), pk=pk)
    if job.status == ImportJob.Status.PREVIEW:
        preview = preview_import(job)
        context = {"job": job, "preview": preview, "column_rows": column_choices(job, preview)}
        return render(request, "candidates/import.html", context)
    template = "candidates/import.html#progress" if request.htmx else "candidates/import.html"
    return render(request, template, {"job": job})


@require_POST
@permission_required("candidates.add_candidate", raise_exception=True)
def import_columns(request, pk):
    """The preview's column choices: each column (header) filled into a custom field, left out, or as named."""
    job = get_object_or_404(ImportJob, pk=pk)
    headers, targets = request.POST.getlist("header"), request.POST.getlist("target")
    try:
        map_import_columns(job=job, column_map=dict(zip(headers, targets, strict=False)), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Columns mapped. Check the preview again."))
    return redirect("candidates:import_job", job.pk)


@require_POST
@permission_required("candidates.add_candidate", raise_exception=True)
def import_start(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    start_import(job)
    return redirect("candidates:import_job", job.pk)


@require_POST
@permission_required("candidates.change_candidate", raise_exception=True)
def resume_upload(request, pk):
    candidate = selectors.get_candidate(pk)
    form = ResumeForm(request.POST, request.FILES)
    if form.is_valid():
        resume = resume_uploads.attach_resume(
            candidate=candidate, upload=form.cleaned_data["file"], by=request.user
        )
        messages.success(
            request, f"Résumé {resume.original_name} added; its text will be searchable shortly."
        )
    else:
        messages.error(request, "Résumé not added: " + " ".join(form.errors.get("file", [])))
    return redirect(candidate)


@require_GET
@permission_required("candidates.view_candidate", raise_exception=True)
def resume_download(request, pk, resume_id):
    """The résumé file, always as a download (never shown inline), under a name made safe."""
    candidate = selectors.get_candidate(pk)
    resume = get_object_or_404(Resume, pk=resume_id, candidate=candidate)
    try:
        return resumes.download_response(resume)
    except resumes.ResumeFileMissing as missing:
        messages.error(request, str(missing))
        return redirect(candidate)
