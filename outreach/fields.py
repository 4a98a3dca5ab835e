"""A text field stored encrypted (Fernet: AES-128-CBC with an HMAC) for the mail passwords of sender identities
and mailboxes. The keys come from the environment (FIELD_ENCRYPTION_KEYS, newest first, so a new key can be put
in front and old values still read), or are derived from SECRET_KEY when none is set."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"longlist-field-encryption:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes each), e.g. "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


class EncryptedTextField(models.TextField):
    """Holds a secret such as an app password. The database sees only the token; Python sees the text. A value
    that no key opens reads as empty (the user is asked for it again) rather than failing the page."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        return fernet().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            return ""
