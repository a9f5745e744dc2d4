"""The site's own middleware: a header Django has no setting for, and the cached-page fast path.

Their places in settings.MIDDLEWARE matter. SecurityMiddleware, the CORP header and Django's CSP
middleware come first, above WhiteNoise, so that static files, pages answered from the cache, error
pages and the admin all leave with the same security headers. The page cache comes right after
WhiteNoise (static files never wait on Redis) and before everything else.
"""


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
