import pytest

from tests.factories import AdminFactory, EmployeeFactory, HiringManagerFactory, RecruiterFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests need no collectstatic, and a fast password hasher (PBKDF2 costs ~0.5 s a user)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin-user")


@pytest.fixture
def recruiter(db):
    return RecruiterFactory(username="recruiter-user")


@pytest.fixture
def hiring_manager(db):
    return HiringManagerFactory(username="manager-user")


@pytest.fixture
def employee(db):
    return EmployeeFactory(username="employee-user")


@pytest.fixture
def users_by_role(admin_user, recruiter, hiring_manager, employee):
    return {"admin": admin_user, "recruiter": recruiter, "manager": hiring_manager, "employee": employee}
