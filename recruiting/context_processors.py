from django.urls import reverse

from candidates.roles import role_names
from outreach import selectors as outreach_selectors

# The sidebar, grouped by task: (group heading or "" for none, [(label, url name, permission that shows it)]).
NAVIGATION = [
    ("", [("Home", "home", None)]),
    (
        "Find",
        [
            ("Candidates", "candidates:list", "candidates.view_candidate"),
            ("Talent pools", "candidates:pools", "candidates.view_talentpool"),
        ],
    ),
    (
        "Engage",
        [
            ("Sequences", "outreach:sequences", "outreach.view_sequence"),
            ("My tasks", "outreach:tasks", "outreach.view_task_queue"),
            ("Replies", "outreach:replies", "outreach.view_reply"),
        ],
    ),
    (
        "Hire",
        [
            ("Requisitions", "pipelines:requisitions", "pipelines.list_requisitions"),
            ("Talent board", "pipelines:talent_board", "pipelines.view_board"),
            ("Decisions waiting", "pipelines:decisions", "pipelines.view_board"),
            ("My meetings", "outreach:meetings", "outreach.host_meetings"),
            ("Referrals inbox", "candidates:referrals", "candidates.manage_referrals"),
        ],
    ),
    (
        "Insights",
        [
            ("Reports", "reports", "recruiting.view_reports"),
            ("Forecast", "pipelines:forecast", "pipelines.view_forecast"),
        ],
    ),
    (
        "Referrals",
        [
            ("Refer someone", "candidates:referral_create", "candidates.add_referral"),
            ("My referrals", "candidates:my_referrals", "candidates.add_referral"),
        ],
    ),
    (
        "Settings",
        [
            ("Privacy", "candidates:privacy", "candidates.view_candidate"),
            ("Careers page", "pipelines:careers_settings", "pipelines.change_careerssettings"),
            ("Rejection emails", "outreach:rejection_templates", "outreach.change_rejectiontemplate"),
            ("My availability", "outreach:availability", "outreach.host_meetings"),
            ("Meeting types", "outreach:meeting_types", "outreach.view_meetingtype"),
            ("Dispatcher", "outreach:dispatcher", "outreach.view_dispatcher"),
        ],
    ),
]

# What higher apps can do with a set of candidates, offered on lower apps' pages (candidate search, a pool, the
# forecast) that name no higher app: the url takes `?candidates=<id>,<id>` or `?pool=<id>`.
# (label, short label, url name, permission that shows it, offered for a pool and on a profile too)
CANDIDATE_ACTIONS = [
    ("Enroll in a sequence", "Enroll", "outreach:enroll", "outreach.add_enrollment", True),
    ("Add to a role", "Add to role", "pipelines:add_to_role", "pipelines.add_to_requisition", True),
    # Selections only: a pool is a sequence's audience, and the profile has its own "Write email".
    ("Email the selected people", "Email", "outreach:bulk_email", "outreach.send_email", False),
]

# What higher apps can do with one card, offered in a board card's menu (pipelines, which names no higher app):
# (label, url name taking one id, whose id: "card" or "candidate", permission that shows it)
CARD_ACTIONS = [
    ("Schedule a call or interview", "outreach:card_schedule", "card", "outreach.schedule_meeting"),
    ("Send booking link", "outreach:booking_link_send", "candidate", "outreach.send_booking_link"),
]
_ID = 987654321  # an id no url contains otherwise: the url around it is what the menu puts the real id into


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for group, links in NAVIGATION:
        for label, url_name, perm in links:
            if perm is None or user.has_perm(perm):
                url = reverse(url_name)
                current = request.path == url if url == "/" else request.path.startswith(url)
                items.append({"group": group, "label": label, "url": url, "current": current})
    return {"nav_items": items, "user_roles": role_names(user)}


def rejection_templates(request):
    """The rejection emails (outreach) offered in a board's turn-down menu (pipelines), whose template names
    no higher app: a function, so only the menu that lists them runs the query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("pipelines.move_card"):
        return {}
    return {"rejection_templates": outreach_selectors.rejection_templates}


def candidate_actions(request):
    """The actions above, and `answer_replies` for the timeline's "Reply" on a candidate's reply (it opens the
    profile with ?reply=<id>, where recruiting puts outreach's reply form)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict = {
        "candidate_actions": [
            {"label": label, "short_label": short_label, "url": reverse(url_name), "for_one": for_one}
            for label, short_label, url_name, perm, for_one in CANDIDATE_ACTIONS
            if user.has_perm(perm)
        ]
    }
    if user.has_perm("outreach.send_email"):
        context["answer_replies"] = True
    return context


def card_actions(request):
    """CARD_ACTIONS the user may take, each as the url before and after the id (`before`, `of`, `after`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actions = []
    for label, url_name, of, perm in CARD_ACTIONS:
        if user.has_perm(perm):
            before, after = reverse(url_name, args=[_ID]).split(str(_ID))
            actions.append({"label": label, "before": before, "of": of, "after": after})
    return {"card_actions": actions}
