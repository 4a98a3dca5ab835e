from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from candidates.links import url_around_id, url_of
from candidates.roles import has_role_perm, role_names
from outreach import selectors as outreach_selectors

# The sidebar, grouped by task: (group heading or "" for none, [(label, url name, permission that shows it)]).
SETTINGS_AREA = "settings"  # the navigation's Settings link shows when the user may open one settings page

NAVIGATION = [
    ("", [(_("Home"), "home", None)]),
    (
        _("Find"),
        [
            (_("Candidates"), "candidates:list", "candidates.view_candidate"),
            (_("Talent pools"), "candidates:pools", "candidates.view_talentpool"),
        ],
    ),
    (
        _("Engage"),
        [
            (_("Sequences"), "outreach:sequences", "outreach.view_sequence"),
            (_("My tasks"), "outreach:tasks", "outreach.view_task_queue"),
            (_("Replies"), "outreach:replies", "outreach.view_reply"),
        ],
    ),
    (
        _("Hire"),
        [
            (_("Requisitions"), "pipelines:requisitions", "pipelines.list_requisitions"),
            (_("Talent board"), "pipelines:talent_board", "pipelines.view_board"),
            (_("Decisions waiting"), "pipelines:decisions", "pipelines.view_board"),
            (_("My meetings"), "outreach:meetings", "outreach.host_meetings"),
            (_("Referrals inbox"), "candidates:referrals", "candidates.manage_referrals"),
        ],
    ),
    (
        _("Insights"),
        [
            (_("Reports"), "reports", "recruiting.view_reports"),
            (_("Forecast"), "pipelines:forecast", "pipelines.view_forecast"),
        ],
    ),
    (
        _("Referrals"),
        [
            (_("Refer someone"), "candidates:referral_create", "candidates.add_referral"),
            (_("My referrals"), "candidates:my_referrals", "candidates.add_referral"),
        ],
    ),
    (_("Settings"), [(_("Settings"), "settings", SETTINGS_AREA)]),
]

# What higher apps can do with a set of candidates, offered on lower apps' pages (candidate search, a pool, the
# forecast) that name no higher app: the url takes `?candidates=<id>,<id>` or `?pool=<id>`.
# (label, short label, url name, permission that shows it, offered for a pool and on a profile too)
CANDIDATE_ACTIONS = [
    (_("Enroll in a sequence"), _("Enroll"), "outreach:enroll", "outreach.add_enrollment", True),
    (_("Add to a role"), _("Add to role"), "pipelines:add_to_role", "pipelines.add_to_requisition", True),
    # Selections only: a pool is a sequence's audience, and the profile has its own "Write email".
    (_("Email the selected people"), _("Email"), "outreach:bulk_email", "outreach.send_email", False),
]

# What higher apps can do with one card, offered in a board card's menu (pipelines, which names no higher app):
# (label, url name taking one id, whose id: "card" or "candidate", permission that shows it)
CARD_ACTIONS = [
    (_("Schedule a call or interview"), "outreach:card_schedule", "card", "outreach.schedule_meeting"),
    (_("Send booking link"), "outreach:booking_link_send", "candidate", "outreach.send_booking_link"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for group, links in NAVIGATION:
        for label, url_name, perm in links:
            if perm == SETTINGS_AREA and not may_open_settings(user):
                continue
            if perm in (None, SETTINGS_AREA) or has_role_perm(user, perm):
                url = url_of(url_name)
                current = request.path == url if url == "/" else request.path.startswith(url)
                items.append({"group": group, "label": label, "url": url, "current": current})
    return {"nav_items": items, "user_roles": role_names(user)}


def rejection_templates(request):
    """The rejection emails (outreach) offered in a board's turn-down menu (pipelines), whose template names
    no higher app: a function, so only the menu that lists them runs the query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not has_role_perm(user, "pipelines.move_card"):
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
            {
                "label": label,
                "short_label": short_label,
                "url": url_of(url_name),
                "for_one": for_one,
            }
            for label, short_label, url_name, perm, for_one in CANDIDATE_ACTIONS
            if has_role_perm(user, perm)
        ]
    }
    if has_role_perm(user, "outreach.send_email"):
        context["answer_replies"] = True
    return context


def card_actions(request):
    """CARD_ACTIONS the user may take, each as the url before and after the id (`before`, `of`, `after`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actions = []
    for label, url_name, of, perm in CARD_ACTIONS:
        if has_role_perm(user, perm):
            before, after = url_around_id(url_name)
            actions.append({"label": label, "before": before, "of": of, "after": after})
    return {"card_actions": actions}


@dataclass(frozen=True)
class SettingsPage:
    label: str
    url_name: str
    permission: str
    description: str
    anchor: str = ""


# The one Settings area (/settings/): every page that configures Longlist, by topic, each shown to whoever may
# open it. A new settings page is added here, not to the navigation.
SETTINGS_PAGES: list[tuple[str, list[SettingsPage]]] = [
    (
        _("Email and outreach"),
        [
            SettingsPage(
                _("Sending identity"),
                "outreach:identity",
                "outreach.view_senderidentity",
                _(
                    "Who your emails are from: name, address, signature, daily limit, and your own mail server."
                ),
            ),
            SettingsPage(
                _("Rejection emails"),
                "outreach:rejection_templates",
                "outreach.view_rejectiontemplate",
                _("The templates offered when someone is turned down, and the delay before they are sent."),
            ),
            SettingsPage(
                _("Dispatcher"),
                "outreach:dispatcher",
                "outreach.view_dispatcher",
                _("Whether sequence emails are going out: what is due, sending, failed or held."),
            ),
            SettingsPage(
                _("Deliverability"),
                "outreach:deliverability",
                "outreach.view_deliverability",
                _(
                    "SPF, DKIM and DMARC of each sending domain, and each identity's bounce and unsubscribe rates."
                ),
            ),
        ],
    ),
    (
        _("Hiring"),
        [
            SettingsPage(
                _("Careers page"),
                "pipelines:careers_settings",
                "pipelines.change_careerssettings",
                _("Company name, logo and words on the careers page and every page candidates see."),
            ),
            SettingsPage(
                _("Stages of a role"),
                "pipelines:requisitions",
                "pipelines.edit_stages",
                _("Each role has its own stages: open the requisition, then Stages."),
            ),
        ],
    ),
    (
        _("Calls and interviews"),
        [
            SettingsPage(
                _("My availability"),
                "outreach:availability",
                "outreach.host_meetings",
                _(
                    "Your weekly hours, buffers and notice for calls and interviews, and your private calendar feed."
                ),
            ),
            SettingsPage(
                _("Meeting types"),
                "outreach:meeting_types",
                "outreach.view_meetingtype",
                _("What people can book: length, place, who hosts, and where a booked person's card moves."),
            ),
        ],
    ),
    (
        _("Insights"),
        [
            SettingsPage(
                _("Report alerts"),
                "reports",
                "recruiting.change_insightsettings",
                _("When a person counts as stale and which unsubscribe and bounce rates raise an alert."),
                "insight-settings",
            ),
            SettingsPage(
                _("Forecast"),
                "pipelines:forecast",
                "pipelines.change_forecastsettings",
                _("The engagement score that counts as warm and the coverage each role should have."),
                "forecast-settings",
            ),
        ],
    ),
    (
        _("Integrations"),
        [
            SettingsPage(
                _("Single sign-on"),
                "sso_settings",
                "recruiting.change_singlesignonsettings",
                _(
                    "Sign in through your company's identity provider, and which of its groups get which role."
                ),
            ),
            SettingsPage(
                _("Webhooks"),
                "webhooks",
                "recruiting.view_webhookendpoint",
                _(
                    "Tell other systems what happens in Longlist: endpoints, their events and the delivery log."
                ),
            ),
        ],
    ),
    (
        _("People and privacy"),
        [
            SettingsPage(
                _("Custom fields"),
                "candidates:custom_fields",
                "candidates.view_customfield",
                _("The fields your team adds to candidates and requisitions: text, number, date or choices."),
            ),
            SettingsPage(
                _("Privacy"),
                "candidates:privacy",
                "candidates.review_privacy",
                _("The privacy notice, how long people are kept, and who is due a notice or erasure."),
            ),
            SettingsPage(
                _("Data requests"),
                "outreach:data_requests",
                "candidates.view_datarequest",
                _(
                    "Candidates who asked for a copy of their data: status and dates, and answering one by hand."
                ),
            ),
        ],
    ),
]


def may_open_settings(user) -> bool:
    return any(has_role_perm(user, page.permission) for _, pages in SETTINGS_PAGES for page in pages)


def settings_pages_for(user) -> list[tuple[str, list[dict[str, str]]]]:
    """The settings pages `user` may open, by topic, with their links."""
    sections = []
    for topic, pages in SETTINGS_PAGES:
        shown = [
            {
                "label": page.label,
                "url": reverse(page.url_name) + (f"#{page.anchor}" if page.anchor else ""),
                "description": page.description,
            }
            for page in pages
            if user.has_perm(page.permission)
        ]
        if shown:
            sections.append((topic, shown))
    return sections
