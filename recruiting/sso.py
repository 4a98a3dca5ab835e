"""Single sign-on through OpenID Connect (mozilla-django-oidc), and the local password sign-in beside it.

The provider is configured from the environment: an issuer whose discovery document gives the endpoints, or the
endpoints themselves. The authorization code flow runs with state, nonce and PKCE; the ID token's signature
(the provider's JWKS), issuer, audience and expiry are checked. A person is found again by the token's issuer
and subject (SingleSignOnIdentity); on a first sign-in an existing account with the same, verified, email is
linked, else a user is created. Their role comes from a claim through the admins' mapping
(SingleSignOnSettings) on every sign-in. Nothing here runs at import or on an ordinary request: the provider is
only asked when someone signs in."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from candidates.roles import ADMIN, ALL_ROLES, remember_group_names

from .models import SingleSignOnIdentity, SingleSignOnSettings

logger = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
CLOCK_SKEW_SECONDS = 60


class ProviderUnavailable(Exception):
    """The discovery document could not be read (or does not match the issuer)."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def is_enabled() -> bool:
    return bool(
        settings.OIDC_RP_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    )


def _discovery(issuer: str) -> dict[str, Any]:
    key = f"oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration",
                timeout=settings.OIDC_TIMEOUT,
                allow_redirects=False,
            )
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(
                f"The OpenID provider's discovery document could not be read: {error}"
            ) from error
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ProviderUnavailable(
                f"The discovery document names another issuer: {document.get('issuer')!r}"
            )
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def provider() -> Provider:
    """The provider's endpoints: each one set in the environment wins over the discovery document's."""
    document = _discovery(settings.OIDC_ISSUER) if settings.OIDC_ISSUER else {}
    return Provider(
        issuer=settings.OIDC_ISSUER,
        authorization_endpoint=settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        or document.get("authorization_endpoint", ""),
        token_endpoint=settings.OIDC_OP_TOKEN_ENDPOINT or document.get("token_endpoint", ""),
        jwks_uri=settings.OIDC_OP_JWKS_ENDPOINT or document.get("jwks_uri", ""),
        userinfo_endpoint=settings.OIDC_OP_USER_ENDPOINT or document.get("userinfo_endpoint", ""),
    )


# --- Roles ------------------------------------------------------------------------------------------------


def claim_values(claims: dict[str, Any], claim: str) -> set[str]:
    """The strings a claim holds: a list of them, or one; a dotted name reads a nested claim."""
    value: Any = claims
    for part in claim.split(".") if claim else []:
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return set()


def roles_after_sign_in(current: set[str], claims: dict[str, Any], sso: SingleSignOnSettings) -> set[str]:
    """The roles a person has once signed in: the roles the mapping names follow the claim (granted when one of
    its values is mapped to them, taken away when not); roles the mapping never names stay as admins set them
    in Longlist. Someone left with no role gets the default role (none: they cannot sign in)."""
    mapping = sso.mapping()
    managed = {role for _, role in mapping}
    values = claim_values(claims, sso.role_claim)
    granted = {role for value, role in mapping if value in values}
    roles = (current - managed) | granted
    if not roles and sso.default_role:
        roles = {sso.default_role}
    return roles


def set_roles(user: User, roles: set[str]) -> None:
    """Give exactly these roles; an Admin gets the Django admin site too (is_staff), as admins made by hand do."""
    groups = {group.name: group for group in Group.objects.filter(name__in=ALL_ROLES)}
    user.groups.remove(*[group for name, group in groups.items() if name not in roles])
    user.groups.add(*[group for name, group in groups.items() if name in roles])
    is_staff = user.is_superuser or ADMIN in roles
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def current_roles(user: User) -> set[str]:
    return set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))


# --- Backends ---------------------------------------------------------------------------------------------


class RolesOnlyPermissions:
    """Roles (django-rules predicates, candidates/roles.py) are Longlist's only permissions: Django's per-user
    and per-group permission tables are not read. A rules check that says no would otherwise fall through to
    them, two queries on every page. The signed-in user comes with their roles, in one query, unless
    deactivated since (mozilla-django-oidc's own get_user skips that check)."""

    user_can_authenticate: Callable[[Any], bool]  # ModelBackend's: the backends below are ModelBackends

    def get_user(self, user_id):
        rows = list(get_user_model().objects.filter(pk=user_id).annotate(group_name=F("groups__name")))
        if not rows:
            return None
        user = rows[0]  # a row per group: the same user, each with one of its group names
        remember_group_names(user, (row.group_name for row in rows if row.group_name is not None))
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()


class LocalPasswordBackend(RolesOnlyPermissions, ModelBackend):
    """Django's username and password, refused (as a failed sign-in, which django-axes counts) when LOCAL_LOGIN
    is off, except for a superuser, so the first admin can always get in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.LOCAL_LOGIN and not user.is_superuser:
            return None
        return user


class OpenIDConnectBackend(RolesOnlyPermissions, OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with the provider's endpoints read when someone signs in, the ID token's
    issuer and audience checked as well as its signature, and people found by issuer and subject."""

    def __init__(self, *args, **kwargs):
        # The base class reads every endpoint here; Django makes a backend for each request's session user.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider().jwks_uri

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    def authenticate(self, request, **kwargs):
        """Only the provider's callback (with a code and a state) is ours. Any refusal (a bad signature, nonce,
        issuer or audience, an unreachable provider, no role) is a failed sign-in: None, which Django reports
        to django-axes like a wrong password."""
        if request is None or not is_enabled() or "code" not in request.GET or "state" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (
            SuspiciousOperation,
            ProviderUnavailable,
            requests.RequestException,
            jwt.PyJWTError,
            ValueError,  # an answer that is not JSON
            KeyError,  # a JWKS key without a kid, a token answer without an id_token
        ) as error:
            logger.warning("Single sign-on refused: %s", error)
            return None

    def _verify_jws(self, payload, key):
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"The ID token is signed with {algorithm!r}, not {self.OIDC_RP_SIGN_ALGO!r}."
            )
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER or None,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token was refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the user info endpoint's added when the provider has one (for the same
        subject)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info is about another subject than the ID token.")
            claims.update({name: value for name, value in info.items() if name not in ("iss", "aud")})
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub") and claims.get("iss"))

    def filter_users_by_claims(self, claims):
        """The user this provider's subject signs in as; on a first sign-in, the one account holding the same
        email, if the provider says it verified that email."""
        identity = SingleSignOnIdentity.objects.filter(issuer=claims["iss"], subject=claims["sub"]).first()
        if identity is not None:
            return self.UserModel.objects.filter(pk=identity.user_id)
        email = claims.get("email")
        if email and claims.get("email_verified") is True:
            return self.UserModel.objects.filter(email__iexact=email)
        return self.UserModel.objects.none()

    def _username(self, claims: dict[str, Any]) -> str:
        wanted = (claims.get("preferred_username") or claims.get("email") or f"sso-{claims['sub']}")[:140]
        username, n = wanted, 1
        while self.UserModel.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{wanted}-{n}"
        return username

    @transaction.atomic
    def create_user(self, claims):
        roles = roles_after_sign_in(set(), claims, SingleSignOnSettings.current())
        if not roles:
            raise SuspiciousOperation(
                "No Longlist role is mapped for this person, and there is no default role."
            )
        user = self.UserModel.objects.create_user(
            self._username(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )  # no password: this person signs in through the provider
        SingleSignOnIdentity.objects.create(user=user, issuer=claims["iss"], subject=claims["sub"])
        set_roles(user, roles)
        return user

    @transaction.atomic
    def update_user(self, user, claims):
        roles = roles_after_sign_in(current_roles(user), claims, SingleSignOnSettings.current())
        if not roles and not user.is_superuser:
            raise SuspiciousOperation(
                "No Longlist role is mapped for this person, and there is no default role."
            )
        identity, created = SingleSignOnIdentity.objects.get_or_create(
            issuer=claims["iss"], subject=claims["sub"], defaults={"user": user}
        )
        if not created:
            SingleSignOnIdentity.objects.filter(pk=identity.pk).update(last_sign_in_at=timezone.now())
        set_roles(user, roles)
        return user
