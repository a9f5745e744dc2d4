"""Whole-page caching for the public content pages, shared by every server process.

A rendered page is stored under a key that includes a "generation" token. Any save of content
(conditions, treatments, the practice identity) replaces the token, so every process stops using
older pages at once and no visitor sees a page older than the last edit. Responses carry an ETag
made from the page itself and the release, and `Cache-Control: no-cache`, so browsers and proxies
revalidate every time and get a 304 while the page is unchanged.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "pages:generation"


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate_pages():
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def _key(request):
    # Content pages ignore query strings, so they are not part of the key either.
    return f"pages:{settings.CLINIC_RELEASE}:{current_generation()}:{get_language()}:{request.path}"


def _etag(content):
    digest = hashlib.sha256(settings.CLINIC_RELEASE.encode() + b"\0" + content).hexdigest()
    return f'"{digest[:32]}"'


def _is_shareable(response):
    cache_control = response.get("Cache-Control", "")
    return response.status_code == 200 and "private" not in cache_control and "no-store" not in cache_control


def _respond(entry):
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    patch_cache_control(response, no_cache=True)
    return response


def cached_page(view):
    """Serve a GET from the shared page cache, rendering and storing it on a miss.

    A view marks a response as not shareable (a staff preview of a draft) with Cache-Control
    private or no-store; such a response is passed through untouched.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _key(request)
        entry = cache.get(key)
        if entry is not None:
            return _respond(entry)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if not _is_shareable(response):
            return response
        entry = {
            "content": response.content,
            "content_type": response["Content-Type"],
            "etag": _etag(response.content),
        }
        cache.set(key, entry, timeout=settings.CLINIC_PAGE_CACHE_SECONDS)
        return _respond(entry)

    return wrapper


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _content_changed(sender, instance=None, action="post", **kwargs):
    if action.startswith("post") and getattr(type(instance), "invalidates_pages", False):
        invalidate_pages()
        # Again after commit: a page rendered from the old rows while the transaction was open
        # must not survive under the new generation.
        transaction.on_commit(invalidate_pages)
