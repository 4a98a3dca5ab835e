import rules

from candidates.roles import add_model_perms, is_admin, is_hiring_manager, is_recruiting_team


@rules.predicate
def is_requisition_manager(user, requisition):
    return requisition is not None and requisition.hiring_manager_id == user.id


@rules.predicate
def is_shortlist_review_manager(user, review):
    requisition = review.card.pipeline.requisition if review is not None else None
    return requisition is not None and requisition.hiring_manager_id == user.id


@rules.predicate
def is_review_requisition_manager(user, review):
    return review is not None and review.requisition.hiring_manager_id == user.id


rules.add_perm("pipelines", is_admin)
add_model_perms(
    "pipelines",
    ["pipeline", "card", "stagechange"],
    view=is_recruiting_team,
    change=is_recruiting_team,
)
add_model_perms("pipelines", ["stage"], view=is_recruiting_team, change=is_admin)  # stages: admins only
add_model_perms(
    "pipelines",
    ["talentreview"],
    view=is_recruiting_team | is_review_requisition_manager,
    change=is_admin | is_review_requisition_manager,
)
add_model_perms("pipelines", ["forecastsettings"], view=is_recruiting_team, change=is_admin)
add_model_perms(
    "pipelines",
    ["requisition"],
    view=is_recruiting_team | is_requisition_manager,
    change=is_recruiting_team,
)
add_model_perms(
    "pipelines",
    ["shortlistreview"],
    view=is_recruiting_team | is_shortlist_review_manager,
    change=is_admin | is_shortlist_review_manager,
)

rules.add_perm("pipelines.view_board", is_recruiting_team)
rules.add_perm("pipelines.view_suggestions", is_recruiting_team)  # rediscovery: never hiring managers
rules.add_perm("pipelines.move_card", is_recruiting_team)
rules.add_perm(
    "pipelines.add_to_requisition", is_recruiting_team
)  # "Add to role", from every page and the API
rules.add_perm("pipelines.edit_stages", is_admin)
rules.add_perm("pipelines.view_shortlist", is_recruiting_team | is_requisition_manager)
rules.add_perm("pipelines.review_shortlist", is_requisition_manager)
# Structured feedback: the recruiting team keeps each role's criteria and reads all feedback; the role's
# manager (and any recruiter who interviewed) gives theirs.
rules.add_perm("pipelines.give_feedback", is_recruiting_team | is_requisition_manager)
rules.add_perm("pipelines.view_all_feedback", is_recruiting_team)
rules.add_perm("pipelines.edit_criteria", is_recruiting_team)
rules.add_perm("pipelines.list_requisitions", is_recruiting_team | is_hiring_manager)
rules.add_perm("pipelines.review_talent", is_requisition_manager)  # talent review of planned roles
rules.add_perm("pipelines.view_forecast", is_recruiting_team)
rules.add_perm("pipelines.publish_requisition", is_admin)  # on the public careers page
# Careers page: admins set the branding; the recruiting team reads applications (made by visitors only).
add_model_perms("pipelines", ["careerssettings"], view=is_admin, change=is_admin)
add_model_perms("pipelines", ["application"], view=is_recruiting_team, change=is_admin)
