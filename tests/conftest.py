import pytest

from tests.factories import AdminFactory, EmployeeFactory, HiringManagerFactory, RecruiterFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests need no collectstatic: serve static names as they are."""
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
