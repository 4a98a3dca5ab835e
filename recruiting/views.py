import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates import selectors as candidate_selectors
from candidates.custom_fields import active_fields, shown_values
from candidates.export import safe_cell
from candidates.forms import NoteForm
from candidates.models import CustomField
from candidates.roles import is_admin, is_employee, is_hiring_manager, is_recruiting_team
from outreach import selectors as outreach_selectors
from pipelines import selectors as pipeline_selectors

from . import reports, selectors, services
from .context_processors import settings_pages_for
from .forms import InsightSettingsForm, ReportFilterForm, UserLanguageForm
from .models import InsightSettings
from .reports import deliverability
from .reports.common import ReportFilters, Tabular


def home(request):
    """The dashboard: what this person has to look at today, by role. One section per item."""
    user = request.user
    now = timezone.now()
    context = {"my_referrals": candidate_selectors.referrals_by(user)[:5]}
    if is_recruiting_team(user):
        insight_settings = InsightSettings.current()
        context.update(
            team=True,
            insight_settings=insight_settings,
            candidates=candidate_selectors.candidate_counts(),
            requisitions=pipeline_selectors.requisition_counts(),
            touches_due_today=outreach_selectors.touches_due_today(),
            tasks=outreach_selectors.task_queue(user),
            replies=selectors.replies_waiting(user),
            decisions=pipeline_selectors.decisions_waiting(user),
            warming_up=selectors.warming_up(user, now),
            snoozed=selectors.snoozed_coming_back(user, timezone.localdate(now)),
            gone_quiet=selectors.gone_quiet(user, now, insight_settings),
            low_coverage=selectors.low_coverage_planned_roles(timezone.localdate(now)),
            live_requisitions=pipeline_selectors.requisitions_for(user).live()[:8],
            new_referrals=candidate_selectors.referral_inbox().filter(status="new")[:5],
        )
    if is_admin(user):
        sent = outreach_selectors.sending_rates(until=now)
        context.update(
            sequence_alerts=selectors.sequence_alerts(sent, context["insight_settings"]),
            deliverability=deliverability.rates(sent, settings=context["insight_settings"]),
            failed_touches=selectors.failed_touches(now),
        )
    if is_hiring_manager(user):
        context.update(
            manager=True,
            my_requisitions=pipeline_selectors.requisitions_for(user),
            shortlist_waiting=pipeline_selectors.shortlists_waiting_for(user)[:20],
        )
    context["employee_only"] = is_employee(user) and not (context.get("team") or context.get("manager"))
    return render(request, "recruiting/home.html", context)


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_profile(request, pk):
    """The candidate's own sections, with the boards they are on and the sequences they are in."""
    candidate = candidate_selectors.get_candidate(pk)
    context = {
        "candidate": candidate,
        "timeline": candidate_selectors.timeline(candidate),
        "note_form": NoteForm(),
        "duplicates": candidate_selectors.possible_duplicates(candidate),
        "notice_due_at": candidate_selectors.notice_due_at(candidate),
        "cards": pipeline_selectors.candidate_cards(candidate),
        "enrollments": outreach_selectors.candidate_enrollments(candidate),
        "to_resume": outreach_selectors.nurture_to_resume(candidate),
        "meetings": outreach_selectors.meetings_of_candidate(candidate)[:10],
        "now": timezone.now(),
        "reply_to": outreach_selectors.reply_to_answer(candidate, request.GET.get("reply", "")),
        "custom_values": shown_values(
            active_fields(CustomField.AppliesTo.CANDIDATE), candidate.custom_fields
        ),
    }
    return render(request, "recruiting/profile.html", context)


def _csv_response(name: str, report: Tabular, filters: ReportFilters) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{filters.date_from:%Y-%m-%d}-to-{filters.date_to:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8
    header, rows = report.table()
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([safe_cell("" if value is None else value) for value in row] for row in rows)
    return response


def _reports_page(request, settings_form=None, status: int = 200):
    form = ReportFilterForm(request.GET, today=timezone.localdate())
    export = request.GET.get("export", "")
    if export and export not in reports.REPORTS:
        return HttpResponseBadRequest("Unknown report to export.")
    context = {"form": form, "settings_form": settings_form}
    if form.is_valid():
        filters = form.filters()
        if export:
            return _csv_response(export, reports.REPORTS[export](filters), filters)
        query = form.data.copy()  # the filters with the dates used, for the export links
        query.pop("export", None)
        context.update(reports.all_reports(filters), filters=filters, query=query.urlencode())
        health = context["deliverability"]
        context["deliverability_groups"] = [("By sender", health.senders), ("By sequence", health.sequences)]
    else:
        status = 422
    if request.user.has_perm("recruiting.change_insightsettings") and settings_form is None:
        context["settings_form"] = InsightSettingsForm(instance=InsightSettings.current())
    template = "recruiting/reports.html#results" if request.htmx else "recruiting/reports.html"
    return render(request, template, context, status=status)


@permission_required("recruiting.view_reports", raise_exception=True)
def reports_page(request):
    """The reports, filtered by the query string; `?export=<report>` downloads one report's table as CSV."""
    return _reports_page(request)


@require_POST
@permission_required("recruiting.change_insightsettings", raise_exception=True)
def insight_settings(request):
    form = InsightSettingsForm(request.POST, instance=InsightSettings.current())
    if not form.is_valid():
        return _reports_page(request, settings_form=form, status=422)
    services.update_insight_settings(**form.cleaned_data)
    messages.success(request, "Insight settings saved.")
    return redirect("reports")


def settings_area(request):
    """The one Settings area: every page that configures Longlist which this user may open, by topic."""
    sections = settings_pages_for(request.user)
    if not sections:
        raise PermissionDenied
    return render(request, "recruiting/settings.html", {"sections": sections})


@require_http_methods(["GET", "POST"])
def my_language(request):
    """Any signed-in user's own language for Longlist's pages (blank: the browser's)."""
    form = UserLanguageForm(request.POST or None, initial={"language": services.user_language(request.user)})
    if request.method == "POST" and form.is_valid():
        services.update_user_language(
            user=request.user, language=form.cleaned_data["language"], session=request.session
        )
        translation.activate(form.cleaned_data["language"] or translation.get_language_from_request(request))
        messages.success(request, _("Your language is saved."))
        return redirect("my_language")
    return render(request, "recruiting/my_language.html", {"form": form}, status=422 if form.errors else 200)


def bad_request(request, exception):
    """The 400 page (handler400): a BadRequest's own message, such as a filter over its bounds, is shown; other
    400s (a suspicious host or header) stay generic."""
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)
