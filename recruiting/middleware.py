"""The signed-in user's own language (UserPreferences.language) over the cookie and the browser's.

The language is copied into the session when the user signs in and when they change it (recruiting.services),
so a request costs no query; without a session cookie (candidates, visitors) nothing is read at all and
LocaleMiddleware's choice (the django_language cookie, else Accept-Language) stands.
"""

from django.conf import settings
from django.utils import translation

USER_LANGUAGE_SESSION_KEY = "longlist_user_language"


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            language = request.session.get(USER_LANGUAGE_SESSION_KEY)
            if language in self.known and request.user.is_authenticated:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
