"""Whole-page caching for the public content pages, shared by every server process.

A public page (a view wrapped in `cached_page`) is stored whole, status, headers and body, by
`page_cache.middleware.CachedPageMiddleware`, which sits near the top of the middleware stack and
answers a later request for it before sessions, CSRF, authentication, URL resolution and the view
run: one Redis round trip (MGET of the generation and the page) and the stored bytes. Only
requests without a session cookie are served or stored this way; signed-in staff, the form and the
admin always go through the whole stack.

Each stored page carries the "generation" token it was rendered under, and is served only while
that token is still the current one. Any save of content (conditions, treatments, the practice
identity) moves the generation on, so every process stops using older pages at once and no visitor
sees a page older than the last edit. Responses carry an ETag made from the page itself and the
release, and `Cache-Control: no-cache`, so browsers and proxies revalidate every time and get a 304
while the page is unchanged.

Redis is a cache, not a dependency. If it is down or slow (short socket timeouts in the cache
OPTIONS), pages are rendered without it and edits still save; the failure is logged once per
process, and Redis is left alone for a few seconds before the next try. The generation's number
lives in PostgreSQL (PageGeneration) and is bumped in the edit's own transaction; the token in
Redis is that number plus a random part. When Redis answers again, a process that saw it fail
compares the numbers and starts a new generation if an edit happened meanwhile; a Redis that lost
its data starts from the number in PostgreSQL.
"""

import hashlib
import logging
import secrets
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

from page_cache.models import PageGeneration

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# After a failure, requests skip the cache for this long instead of each waiting on a timeout.
RETRY_AFTER_SECONDS = 5.0


class _Health:
    """Whether this process can reach the cache; shared by its threads."""

    lock = threading.Lock()
    down = False
    retry_at = 0.0


def _call(method, *args):
    """cache.<method>(*args), or None when the cache cannot be reached."""
    if _Health.down and time.monotonic() < _Health.retry_at:
        return None
    try:
        result = getattr(cache, method)(*args)
    except Exception as error:  # any backend's connection or timeout error
        with _Health.lock:
            if not _Health.down:
                logger.warning("Page cache unreachable (%s): serving pages without it", type(error).__name__)
            _Health.down = True
            _Health.retry_at = time.monotonic() + RETRY_AFTER_SECONDS
        return None
    if _Health.down:
        with _Health.lock:
            recovered, _Health.down = _Health.down, False
        if recovered:
            logger.warning("Page cache reachable again")
            _catch_up()
            # Asked again: the answer may have been the generation from before the catch-up.
            return _call(method, *args)
    return result


def _number(token):
    try:
        return int(str(token).split("-", 1)[0])
    except ValueError:
        return -1


def _token(number):
    return f"{number}-{secrets.token_hex(8)}"


def stored_generation():
    return PageGeneration.objects.values_list("value", flat=True).first() or 0


def _catch_up():
    """After an outage: a new generation if content was saved while the cache was unreachable."""
    try:
        number = stored_generation()
    except Exception:  # noqa: BLE001 (the database is down too: the next request tries again)
        logger.exception("Could not read the page generation")
        return
    if _number(_call("get", GENERATION_KEY)) < number:
        _call("set", GENERATION_KEY, _token(number), None)


def current_generation():
    """The generation token, or None when the cache cannot be reached (then nothing is cached)."""
    generation = _call("get", GENERATION_KEY)
    if generation is None and not _Health.down:
        # A new (or emptied) Redis: start from the number the database holds.
        _call("add", GENERATION_KEY, _token(stored_generation()), None)
        generation = _call("get", GENERATION_KEY)
    return generation


def invalidate_pages(number=None):
    """Start a new generation; with no number, the current one's number is kept (tests)."""
    if number is None:
        number = max(_number(_call("get", GENERATION_KEY)), 0)
    _call("set", GENERATION_KEY, _token(number), None)


def _bump_stored_generation():
    generation, _created = PageGeneration.objects.get_or_create(pk=1)
    PageGeneration.objects.filter(pk=generation.pk).update(value=F("value") + 1)
    return stored_generation()


def _etag(content):
    digest = hashlib.sha256(settings.CLINIC_RELEASE.encode() + b"\0" + content).hexdigest()
    return f'"{digest[:32]}"'


def _is_shareable(response):
    cache_control = response.get("Cache-Control", "")
    return response.status_code == 200 and "private" not in cache_control and "no-store" not in cache_control


def cached_page(view):
    """Mark a view's GET answers as the same for every visitor, so the page cache may keep them.

    The page gets its ETag and `Cache-Control: no-cache` here; CachedPageMiddleware stores it. A view
    marks a response as not shareable (a staff preview of a draft) with Cache-Control private or
    no-store; such a response is passed through untouched.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if hasattr(response, "render"):
            response.render()
        if _is_shareable(response):
            response["ETag"] = _etag(response.content)
            patch_cache_control(response, no_cache=True)
            response.is_public_page = True
        return response

    return wrapper


def page_key(request):
    # Content pages ignore query strings, so they are not part of the key either. The language is:
    # set from the address by the middleware above this one (LanguageFromAddressMiddleware), it
    # also keeps a page apart should one address ever serve both languages.
    return f"pages:{settings.CLINIC_RELEASE}:{get_language()}:{request.path}"


def cached_entry(key):
    """(generation token, stored page) in one round trip.

    The page is None unless it was stored under the current generation; both are None when the
    cache cannot be reached, and the generation is None in a new (or emptied) Redis.
    """
    values = _call("get_many", [GENERATION_KEY, key])
    if not values:
        return None, None
    generation, entry = values.get(GENERATION_KEY), values.get(key)
    if entry is None or generation is None or entry["generation"] != generation:
        return generation, None
    return generation, entry


# Headers that belong to one answer, never to a stored page.
_UNSTORED_HEADERS = {"set-cookie", "date"}


def store_page(key, generation, response):
    """Keep a public page as sent, under the generation read before it was rendered."""
    entry = {
        "generation": generation,
        "headers": [(name, value) for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS],
        "content": response.content,
        "etag": response["ETag"],
    }
    _call("set", key, entry, settings.CLINIC_PAGE_CACHE_SECONDS)


def stored_response(request, entry):
    """The stored page, or 304 Not Modified when the browser holds it already (If-None-Match)."""
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    return get_conditional_response(request, etag=entry["etag"], response=response)


def invalidated_by(*models):
    """Drop every cached page whenever one of these models is saved or deleted, or its many-to-many links change.

    Each app names its own models in its AppConfig.ready(), so this module imports none of them.
    """
    for model in models:
        post_save.connect(_content_changed, sender=model, weak=False)
        post_delete.connect(_content_changed, sender=model, weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(_content_changed, sender=field.remote_field.through, weak=False)


def _content_changed(sender, action="post", **kwargs):
    if action.startswith("post"):
        # In the edit's transaction: the number moves on with the edit, even if Redis is down.
        number = _bump_stored_generation()
        invalidate_pages(number)
        # Again after commit: a page rendered from the old rows while the transaction was open
        # must not survive under the new generation.
        transaction.on_commit(lambda: invalidate_pages(number))
