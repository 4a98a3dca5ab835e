import rules

from candidates.roles import add_model_perms, is_admin, is_hiring_manager, is_recruiter, is_recruiting_team

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


@rules.predicate
def is_own_identity(user, identity) -> bool:
    return identity is None or identity.user_id == user.pk


# Sender identities: each recruiter and admin edits their own; admins edit anyone's.
may_use_identity = is_admin | (is_recruiting_team & is_own_identity)
add_model_perms("outreach", ["senderidentity"], view=may_use_identity, change=may_use_identity)
# SPF, DKIM, DMARC and each identity's bounce and unsubscribe rates.
rules.add_perm("outreach.view_deliverability", is_admin)


@rules.predicate
def owns_mailbox(user, mailbox) -> bool:
    """Their own inbound mailbox (without an object: any mailbox of theirs)."""
    return mailbox is None or (mailbox.owner_id is not None and mailbox.owner_id == user.pk)


# Inbound mailboxes: admins manage the site-wide ones and anyone's; a recruiter manages their own.
rules.add_perm("outreach.view_inboundmailbox", is_recruiting_team)
rules.add_perm("outreach.add_inboundmailbox", is_recruiting_team)
rules.add_perm("outreach.change_inboundmailbox", is_admin | (is_recruiter & owns_mailbox))
rules.add_perm("outreach.delete_inboundmailbox", is_admin | (is_recruiter & owns_mailbox))
rules.add_perm("outreach.view_inboundmessage", is_recruiting_team)
