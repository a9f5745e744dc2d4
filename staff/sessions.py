"""Staff sessions end after CLINIC_SESSION_IDLE_SECONDS idle (Django's session expiry, renewed on every
request) and, however busy, CLINIC_SESSION_MAX_SECONDS after signing in (this module)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SIGNED_IN_AT = "staff_signed_in_at"


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs):
    request.session[SIGNED_IN_AT] = time.time()


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Public pages have no session cookie: leave the session untouched, so they stay cacheable.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or time.time() - signed_in_at > settings.CLINIC_SESSION_MAX_SECONDS:
                logout(request)
        return self.get_response(request)
