"""URLs only the tests use, beside the site's own: a view that fails (the 500 page) and a public
page that sets a cookie (which the page cache must never store)."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from clinic_site.urls import urlpatterns as site_urlpatterns
from page_cache.cache import cached_page


def fails(request):
    raise RuntimeError("a bug in a view")


@cached_page
def sets_a_cookie(request):
    # A CSRF token in a page is a cookie for this visitor alone: such a page must never be shared.
    return HttpResponse(f"<p>{get_token(request)}</p>")


urlpatterns = [
    path("test-only/fails/", fails),
    path("test-only/sets-a-cookie/", sets_a_cookie),
    *site_urlpatterns,
]
