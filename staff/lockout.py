"""django-axes hooks: the client address follows the site's trusted-proxy rule; a clear lockout page."""

import math

from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from client_limits.addresses import client_address


def client_ip(request):
    # The same address the consultation form's rate limit uses, so a forged X-Forwarded-For
    # cannot spread one attacker's guesses over many addresses.
    return client_address(request)


def lockout_response(request, original_response=None, credentials=None):
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    context = {**admin.site.each_context(request), "title": _("Sign-in paused"), "minutes": minutes}
    return render(request, "staff/locked_out.html", context, status=429)
