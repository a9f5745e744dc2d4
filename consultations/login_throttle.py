"""Failed staff sign-ins are counted in the database; past the limit, sign-in is refused for a while.

A stopgap until staff sign-in has a second factor. Counting per account stops guessing one
password from many addresses; counting per address stops trying many accounts from one.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from consultations.client_address import client_address, keyed_hash
from consultations.models import LoginFailure


def _keys(request, username):
    address = client_address(request) if request is not None else "unknown"
    return keyed_hash((username or "").casefold(), "login-user"), keyed_hash(address, "login-address")


def _recent():
    since = timezone.now() - timedelta(seconds=settings.CLINIC_LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(at__gte=since)


def is_throttled(request, username):
    username_key, address_key = _keys(request, username)
    recent = _recent()
    limit = settings.CLINIC_LOGIN_FAILURE_LIMIT
    return recent.filter(username_key=username_key).count() >= limit or (
        recent.filter(address_key=address_key).count() >= limit
    )


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if is_throttled(request, username):
            # PermissionDenied stops every backend, and Django still reports the failure.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@receiver(user_login_failed)
def record_failure(sender, credentials, request=None, **kwargs):
    username_key, address_key = _keys(request, credentials.get("username", ""))
    LoginFailure.objects.create(username_key=username_key, address_key=address_key)
    # Old rows are of no further use.
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    username_key, address_key = _keys(request, user.get_username())
    LoginFailure.objects.filter(Q(username_key=username_key)).delete()
