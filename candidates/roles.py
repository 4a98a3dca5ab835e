"""The four roles of Longlist as django-rules predicates. Every app's rules.py builds on these.

The groups themselves are created by a data migration in recruiting/.
"""

import rules
from rest_framework.permissions import DjangoObjectPermissions

ADMIN = "Admin"
RECRUITER = "Recruiter"
HIRING_MANAGER = "Hiring manager"
EMPLOYEE = "Employee"
ALL_ROLES = (ADMIN, RECRUITER, HIRING_MANAGER, EMPLOYEE)


def group_names(user) -> frozenset[str]:
    """The names of the user's groups (their roles), read once per user object. The sign-in backends load them
    with the user, in the same query (recruiting/sso.py), so a page spends no query on roles."""
    names = getattr(user, "_group_names", None)
    if names is None:
        groups = getattr(user, "groups", None)  # an anonymous user's is always empty
        names = user._group_names = frozenset(
            groups.values_list("name", flat=True) if groups is not None else ()
        )
    return names


def remember_group_names(user, names) -> None:
    user._group_names = frozenset(names)


def in_group(name: str) -> rules.Predicate:
    @rules.predicate(f"in_group:{name}")
    def member(user) -> bool:
        return name in group_names(user)

    return member


is_admin = rules.is_superuser | in_group(ADMIN)
is_recruiter = in_group(RECRUITER)
is_hiring_manager = in_group(HIRING_MANAGER)
is_employee = in_group(EMPLOYEE)
# Admins configure the system and may also do everything a recruiter does.
is_recruiting_team = is_admin | is_recruiter


def role_names(user) -> list[str]:
    if not user.is_authenticated:
        return []
    names = [name for name in ALL_ROLES if name in group_names(user)]
    if user.is_superuser and ADMIN not in names:
        names.insert(0, ADMIN)
    return names


# has_role_perm's answers, by (roles, superuser, permission): filled as pages ask, never stale, since a role's
# permissions change only with the code.
_ROLE_PERMISSIONS: dict[tuple[tuple[str, ...], bool, str], bool] = {}


def has_role_perm(user, perm: str) -> bool:
    """user.has_perm(perm) for a permission that roles alone decide (no object, a predicate on roles only),
    remembered per set of roles: the navigation and the action menus ask a few dozen on every page."""
    roles = getattr(user, "_role_key", None)
    if roles is None:  # once a request: the user object is the request's (rules keeps its groups there too)
        roles = user._role_key = (tuple(role_names(user)), user.is_superuser)
    key = (*roles, perm)
    allowed = _ROLE_PERMISSIONS.get(key)
    if allowed is None:
        allowed = _ROLE_PERMISSIONS[key] = user.has_perm(perm)
    return allowed


def add_model_perms(app_label: str, model_names: list[str], view, change, delete=is_admin) -> None:
    """Register view/add/change/delete for each model; used by the admin site and by views alike."""
    for model in model_names:
        rules.add_perm(f"{app_label}.view_{model}", view)
        rules.add_perm(f"{app_label}.add_{model}", change)
        rules.add_perm(f"{app_label}.change_{model}", change)
        rules.add_perm(f"{app_label}.delete_{model}", delete)


class RulesObjectPermissions(DjangoObjectPermissions):
    """DRF permission that asks django-rules: view to read, add/change/delete to write, per object too.

    Objects a user may not view answer 404, as the pages do.
    """

    perms_map = {
        **DjangoObjectPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
