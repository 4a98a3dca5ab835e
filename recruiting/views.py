from django.shortcuts import render

from candidates import selectors as candidate_selectors
from candidates.roles import is_employee, is_hiring_manager, is_recruiting_team
from outreach import selectors as outreach_selectors
from pipelines import selectors as pipeline_selectors


def home(request):
    """The dashboard: what this person has to look at today, by role."""
    user = request.user
    context = {"my_referrals": candidate_selectors.referrals_by(user)[:5]}
    if is_recruiting_team(user):
        context.update(
            team=True,
            candidates=candidate_selectors.candidate_counts(),
            requisitions=pipeline_selectors.requisition_counts(),
            touches_due_today=outreach_selectors.touches_due_today(),
            tasks=outreach_selectors.task_queue(user),
            live_requisitions=pipeline_selectors.requisitions_for(user).live()[:8],
            new_referrals=candidate_selectors.referral_inbox().filter(status="new")[:5],
        )
    if is_hiring_manager(user):
        context.update(
            manager=True,
            my_requisitions=pipeline_selectors.requisitions_for(user),
            shortlist_waiting=pipeline_selectors.shortlists_waiting_for(user)[:20],
        )
    context["employee_only"] = is_employee(user) and not (context.get("team") or context.get("manager"))
    return render(request, "recruiting/home.html", context)
