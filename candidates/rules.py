import rules

from .roles import add_model_perms, is_admin, is_recruiting_team


@rules.predicate
def is_referrer(user, referral):
    return referral is not None and referral.referrer_id == user.id


rules.add_perm("candidates", is_admin)  # the app's section of the Django admin site
add_model_perms(
    "candidates",
    ["candidate", "talentpool", "poolmembership", "activity", "skill", "importjob"],
    view=is_recruiting_team,
    change=is_recruiting_team,
)
add_model_perms("candidates", ["suppression"], view=is_recruiting_team, change=is_admin)

# Referrals: any staff login refers people; the referrer sees their own, recruiters see all.
rules.add_perm("candidates.view_referral", is_recruiting_team | is_referrer)
rules.add_perm("candidates.add_referral", rules.is_authenticated)
rules.add_perm("candidates.change_referral", is_recruiting_team)
rules.add_perm("candidates.delete_referral", is_admin)
rules.add_perm("candidates.manage_referrals", is_recruiting_team)

rules.add_perm("candidates.erase_candidate", is_admin)
rules.add_perm("candidates.merge_candidates", is_recruiting_team)
add_model_perms("candidates", ["silvermedal"], view=is_recruiting_team, change=is_recruiting_team)
# Privacy: recruiters review the notice and retention lists; admins set the policy (and erase, above).
rules.add_perm("candidates.review_privacy", is_recruiting_team)
add_model_perms("candidates", ["privacypolicy"], view=is_recruiting_team, change=is_admin)
# Résumés in the admin site: a read-only list for admins (the profile and the API check their own rules).
rules.add_perm("candidates.view_resume", is_admin)
# Candidates' requests for a copy of their data: admins see and answer them (the candidate asks by signed links).
add_model_perms("candidates", ["datarequest"], view=is_admin, change=is_admin)
