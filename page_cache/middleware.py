from django.conf import settings

from page_cache import cache as page_cache


class CachedPageMiddleware:
    """Answer a public page from the page cache before sessions, CSRF, auth, URLs and the view.

    A page marked by `page_cache.cached_page` is stored here on its way out, with the headers the
    rest of the stack gave it, and sent back as it was for later requests; the middleware above
    (SecurityMiddleware, CSP, CORP) adds its headers to both. Only GET and HEAD requests without a
    session cookie are served or stored: a session means staff, who see drafts and always get a
    fresh page. A visitor who is not signed in but still holds a session cookie simply gets the
    page rendered, as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        # The Host header is checked against ALLOWED_HOSTS here as on every other path (400 if not).
        request.get_host()
        key = page_cache.page_key(request)
        generation, entry = page_cache.cached_entry(key)
        if entry is not None:
            return page_cache.stored_response(request, entry)
        # Read before rendering: an edit committed meanwhile makes this page stale at once.
        generation = generation or page_cache.current_generation()
        response = self.get_response(request)
        if generation is not None and getattr(response, "is_public_page", False) and not response.cookies:
            page_cache.store_page(key, generation, response)
        return response
