from cryptography.fernet import Fernet
from django.db import connection

from outreach.fields import fernet
from outreach.models import SenderIdentity


def stored_password(identity: SenderIdentity) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT smtp_password FROM outreach_senderidentity WHERE id = %s", [identity.pk])
        return cursor.fetchone()[0]


def make_identity(user, password: str) -> SenderIdentity:
    return SenderIdentity.objects.create(
        user=user, display_name="Riley Recruiter", address="riley@example.com", smtp_password=password
    )


def test_the_database_holds_a_token_and_python_reads_the_password(recruiter):
    identity = make_identity(recruiter, "app-password-1234")

    token = stored_password(identity)
    assert "app-password-1234" not in token
    assert fernet().decrypt(token.encode()) == b"app-password-1234"
    assert SenderIdentity.objects.get(pk=identity.pk).smtp_password == "app-password-1234"


def test_an_empty_password_stays_empty(recruiter):
    identity = make_identity(recruiter, "")

    assert stored_password(identity) == ""
    assert SenderIdentity.objects.get(pk=identity.pk).smtp_password == ""


def test_a_new_key_in_front_still_reads_values_written_with_the_old_one(recruiter, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    identity = make_identity(recruiter, "written-with-the-old-key")

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert SenderIdentity.objects.get(pk=identity.pk).smtp_password == "written-with-the-old-key"


def test_a_value_no_key_opens_reads_as_empty_rather_than_failing(recruiter, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    identity = make_identity(recruiter, "lost-with-its-key")

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert SenderIdentity.objects.get(pk=identity.pk).smtp_password == ""
