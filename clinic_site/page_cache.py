"""Whole-page caching for the public content pages, shared by every server process.

A rendered page is stored under a key that includes a "generation" token. Any save of content
(conditions, treatments, the practice identity) moves the generation on, so every process stops
using older pages at once and no visitor sees a page older than the last edit. Responses carry an
ETag made from the page itself and the release, and `Cache-Control: no-cache`, so browsers and
proxies revalidate every time and get a 304 while the page is unchanged.

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
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from clinic_site.models import PageGeneration

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
        generation = current_generation()
        # Content pages ignore query strings, so they are not part of the key either.
        key = f"pages:{settings.CLINIC_RELEASE}:{generation}:{get_language()}:{request.path}"
        entry = _call("get", key) if generation is not None else None
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
        if generation is not None:
            _call("set", key, entry, settings.CLINIC_PAGE_CACHE_SECONDS)
        return _respond(entry)

    return wrapper


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _content_changed(sender, instance=None, action="post", **kwargs):
    if action.startswith("post") and getattr(type(instance), "invalidates_pages", False):
        # In the edit's transaction: the number moves on with the edit, even if Redis is down.
        number = _bump_stored_generation()
        invalidate_pages(number)
        # Again after commit: a page rendered from the old rows while the transaction was open
        # must not survive under the new generation.
        transaction.on_commit(lambda: invalidate_pages(number))
