from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import CandidateForm, NoteForm, ReferralForm, ReferralStatusForm
from .models import Referral, SeekingStatus, Source


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_list(request):
    text = request.GET.get("q", "").strip()
    seeking_status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    results = selectors.search_candidates(text=text, seeking_status=seeking_status, source=source)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": text,
        "status": seeking_status,
        "source": source,
        "status_choices": SeekingStatus.choices,
        "source_choices": Source.choices,
    }
    template = "candidates/list.html#results" if request.htmx else "candidates/list.html"
    return render(request, template, context)


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_detail(request, pk):
    candidate = selectors.get_candidate(pk)
    return render(
        request,
        "candidates/detail.html",
        {"candidate": candidate, "timeline": selectors.timeline(candidate), "note_form": NoteForm()},
    )


@permission_required("candidates.add_candidate", raise_exception=True)
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        skills = data.pop("skills")
        candidate = services.create_candidate(by=request.user, skills=skills, **data)
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
        data = form.cleaned_data
        skills = data.pop("skills")
        services.update_candidate(candidate=candidate, by=request.user, skills=skills, **data)
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
        services.add_note(candidate=candidate, body=form.cleaned_data["body"], by=request.user)
        form = NoteForm()
    status = 200 if not form.errors else 422
    return render(
        request,
        "candidates/detail.html#timeline",
        {"candidate": candidate, "timeline": selectors.timeline(candidate), "note_form": form},
        status=status,
    )


@permission_required("candidates.view_talentpool", raise_exception=True)
def pool_list(request):
    return render(request, "candidates/pools.html", {"pools": selectors.pools_with_counts()})


@permission_required("candidates.view_talentpool", raise_exception=True)
def pool_detail(request, pk):
    pool = get_object_or_404(selectors.pools_with_counts(), pk=pk)
    members = pool.members.filter(erased_at__isnull=True).select_related("owner")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(request, "candidates/pool.html", {"pool": pool, "page": page})


@permission_required("candidates.add_referral", raise_exception=True)
def referral_create(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = services.submit_referral(referrer=request.user, **form.cleaned_data)
        messages.success(request, f"Thank you! We will let you know how it goes with {referral.candidate}.")
        return redirect("candidates:my_referrals")
    return render(request, "candidates/referral_form.html", {"form": form})


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
