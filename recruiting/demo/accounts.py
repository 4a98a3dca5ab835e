"""The demo's accounts and their public password: seed_demo makes them; the deploy checks look for them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password

from candidates.roles import ADMIN, EMPLOYEE, HIRING_MANAGER, RECRUITER

PASSWORD = "longlist"

USERS = [
    # username, first name, last name, role, is_superuser
    ("admin", "Ada", "Lindqvist", ADMIN, True),
    ("recruiter", "Rosa", "Martinez", RECRUITER, False),
    ("recruiter2", "Tom", "Becker", RECRUITER, False),
    ("manager", "Maya", "Patel", HIRING_MANAGER, False),
    ("manager2", "Jonas", "Weber", HIRING_MANAGER, False),
    ("employee", "Sam", "Okafor", EMPLOYEE, False),
]


def accounts_with_the_demo_password() -> list[str]:
    """Usernames of demo accounts (seed_demo's) that still sign in with the published demo password.

    An operator's own account with a demo name (say `admin` from createsuperuser) and another password is not
    one. Reads only; the hash check does not upgrade or save the stored hash."""
    accounts = get_user_model().objects.filter(username__in=[username for username, *_ in USERS])
    return sorted(user.username for user in accounts if check_password(PASSWORD, user.password))
