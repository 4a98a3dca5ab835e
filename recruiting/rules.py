import rules

from candidates.roles import add_model_perms, is_admin, is_recruiting_team

rules.add_perm("recruiting", is_admin)  # the app's section of the Django admin site
rules.add_perm("recruiting.view_reports", is_recruiting_team)
add_model_perms("recruiting", ["insightsettings"], view=is_recruiting_team, change=is_admin)
# Outgoing webhooks and single sign-on: admins only.
add_model_perms("recruiting", ["webhookendpoint", "webhookdelivery"], view=is_admin, change=is_admin)
add_model_perms("recruiting", ["singlesignonsettings"], view=is_admin, change=is_admin)
