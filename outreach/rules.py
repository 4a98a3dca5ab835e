import rules

from candidates.roles import add_model_perms, is_admin, is_hiring_manager, is_recruiting_team

rules.add_perm("outreach", is_admin)
# Admins configure nurture cadences; recruiters read them and enroll people.
add_model_perms("outreach", ["sequence", "step"], view=is_recruiting_team, change=is_admin)
add_model_perms(
    "outreach",
    ["enrollment", "enrollmentbatch", "touch", "engagementevent"],
    view=is_recruiting_team,
    change=is_recruiting_team,
)
# Replies and planned-role campaigns: the recruiting team handles them; admins delete.
add_model_perms(
    "outreach", ["reply", "plannedrolecampaign"], view=is_recruiting_team, change=is_recruiting_team
)
# Turn-down emails: admins write the templates; the recruiting team sees them (and picks one on a board).
add_model_perms("outreach", ["rejectiontemplate", "rejectionemail"], view=is_recruiting_team, change=is_admin)
# Topic names: admins give them; everyone on the team sees them.
add_model_perms("outreach", ["topic"], view=is_recruiting_team, change=is_admin)
rules.add_perm("outreach.view_preferences", is_recruiting_team)
rules.add_perm("outreach.view_task_queue", is_recruiting_team)
rules.add_perm("outreach.complete_task", is_recruiting_team)
rules.add_perm("outreach.view_dispatcher", is_admin)


@rules.predicate
def is_meeting_host(user, meeting):
    return meeting is not None and any(row.user_id == user.id for row in meeting.host_rows.all())


# Meetings: admins define the types; the recruiting team and hiring managers (interviewers) set their own hours
# and host; a meeting is seen and changed by the recruiting team and its own hosts.
add_model_perms("outreach", ["meetingtype"], view=is_recruiting_team, change=is_admin)
rules.add_perm("outreach.host_meetings", is_recruiting_team | is_hiring_manager)
rules.add_perm("outreach.view_meeting", is_recruiting_team | is_meeting_host)
rules.add_perm("outreach.change_meeting", is_recruiting_team | is_meeting_host)
rules.add_perm("outreach.send_booking_link", is_recruiting_team)
rules.add_perm("outreach.schedule_meeting", is_recruiting_team)


@rules.predicate
def wrote_email(user, touch) -> bool:
    return touch is not None and user.pk in (touch.created_by_id, touch.sender_id)


# The outbox: the recruiting team writes emails (one-off, replies, bulk); each cancels their own, admins any.
rules.add_perm("outreach.send_email", is_recruiting_team)
rules.add_perm("outreach.cancel_email", is_admin | (is_recruiting_team & wrote_email))
