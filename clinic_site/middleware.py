"""The site's own middleware: a request id, and a header Django has no setting for.

Their places in settings.MIDDLEWARE matter. The request id comes first of all, so every response
carries it (static files, cached pages and error pages too). SecurityMiddleware, the CORP header and Django's CSP
middleware come first, above WhiteNoise, so that static files, pages answered from the cache, error
pages and the admin all leave with the same security headers. The page cache comes right after
WhiteNoise (static files never wait on Redis) and before everything else.
"""

import re
import uuid

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
