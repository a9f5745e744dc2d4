"""The site's own middleware: a request id, a header Django has no setting for, and the page's language.

Their places in settings.MIDDLEWARE matter. The request id comes first of all, so every response
carries it (static files, cached pages and error pages too). SecurityMiddleware, the CORP header and Django's CSP
middleware come first, above WhiteNoise, so that static files, pages answered from the cache, error
pages and the admin all leave with the same security headers. The page cache comes right after
WhiteNoise (static files never wait on Redis) and before everything else, right after the page's
language, which is part of the cached page's key.
"""

import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_from_path

# nginx's $request_id: 32 hexadecimal digits. Anything else a client sends is replaced.
REQUEST_ID = re.compile(r"[0-9a-f]{32}")


class RequestIdMiddleware:
    """`X-Request-ID` on every response: the proxy's id when it sent one, else a new one.

    gunicorn's access log writes it on each request's line (gunicorn.conf.py), nginx's log the same
    id, and an error report (clinic_site.error_reports) names it, so the three can be matched
    without any of them holding a query string or a patient's detail.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get("X-Request-ID", "")
        request.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request.request_id
        return response


class CrossOriginResourcePolicyMiddleware:
    """`Cross-Origin-Resource-Policy: same-origin` on every response: no other site may embed ours.

    Nothing of ours is meant to be loaded by another origin (no public API, no hot-linked images).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class LanguageFromAddressMiddleware:
    """The page's language is the one its address names (/es/…), and English everywhere else.

    Never the browser's Accept-Language or a cookie, as Django's LocaleMiddleware may use: a patient
    on an English address stays there, the admin stays in English, and every address has one page
    for every visitor, so the page cache and proxies need no `Vary: Accept-Language` (which
    LocaleMiddleware adds to every unprefixed page). The public pages' URL patterns match the
    prefix of the language activated here (clinic_site/urls.py, i18n_patterns).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the thread (a server's, a test's) gets its language back afterwards.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
