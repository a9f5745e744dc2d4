"""Enrolment and the second sign-in step. The password step is the admin's own login page."""

import logging

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import user_passes_test
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from staff import second_factor
from staff.forms import CodeForm

logger = logging.getLogger(__name__)


def _staff(user):
    return user.is_active and user.is_staff


staff_required = user_passes_test(_staff, login_url="admin:login")


def _next_url(request):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _go_to(step, after):
    return redirect(f"{reverse(step)}?{urlencode({REDIRECT_FIELD_NAME: after})}")


def _render(request, template, **context):
    context = {**admin.site.each_context(request), REDIRECT_FIELD_NAME: _next_url(request), **context}
    return render(request, template, context)


@never_cache
@sensitive_post_parameters("code")
@staff_required
def enrol(request):
    """A new staff member (or one whose device was reset) adds an authenticator app."""
    if second_factor.authenticator(request.user):
        return _go_to("staff:verify", _next_url(request))
    device = second_factor.pending_authenticator(request.user)
    form = CodeForm(request.POST or None, check=lambda code: device if device.verify_token(code) else None)
    if form.is_valid():
        second_factor.confirm(device)
        otp_login(request, device)
        codes = second_factor.new_recovery_codes(request.user)
        # Shown once, in this response: the codes are never put in a URL or the session.
        return _render(request, "staff/recovery_codes.html", title=_("Your recovery codes"), codes=codes)
    return _render(
        request,
        "staff/enrol.html",
        title=_("Set up your authenticator app"),
        form=form,
        qr_code=second_factor.qr_code_data_uri(device),
        secret=second_factor.secret_text(device),
    )


@never_cache
@sensitive_post_parameters("code")
@staff_required
def verify(request):
    """The second sign-in step: a code from the app, or a recovery code."""
    if second_factor.is_verified(request.user):
        return redirect(_next_url(request))
    if not second_factor.authenticator(request.user):
        return _go_to("staff:enrol", _next_url(request))
    form = CodeForm(request.POST or None, check=lambda code: second_factor.check_code(request.user, code))
    if form.is_valid():
        otp_login(request, form.device)
        logger.info("Second sign-in step passed by %s with %s.", request.user.get_username(), form.device.name)
        return redirect(_next_url(request))
    if form.is_bound:
        logger.warning("Second sign-in step failed for %s.", request.user.get_username())
    return _render(request, "staff/verify.html", title=_("Enter your sign-in code"), form=form)


@never_cache
@staff_required
def recovery_codes(request):
    """A new set of recovery codes, for a signed-in person who used or lost the old ones."""
    if not second_factor.is_verified(request.user):
        return _go_to("staff:verify", reverse("staff:recovery-codes"))
    if request.method == "POST":
        codes = second_factor.new_recovery_codes(request.user)
        return _render(request, "staff/recovery_codes.html", title=_("Your recovery codes"), codes=codes)
    return _render(request, "staff/new_recovery_codes.html", title=_("New recovery codes"))
