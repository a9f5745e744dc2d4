"""A per-client limit kept in the database, so every server process counts the same hits."""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from client_limits.addresses import keyed_hash
from client_limits.models import RateLimitBucket, RateLimitHit


def prune(now=None):
    """Forget hits older than the window, and clients with none left; the number of clients forgotten."""
    RateLimitHit.objects.filter(at__lt=_window_start(now or timezone.now())).delete()
    deleted, _by_model = RateLimitBucket.objects.filter(hits__isnull=True).delete()
    return deleted


def client_key(address):
    """What one client is counted by: an IPv4 address, or the /64 network of an IPv6 one.

    An IPv6 host usually holds a whole /64 and can pick a new address in it for every request.
    """
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _bucket_key(address, purpose="consultation-rate"):
    return keyed_hash(client_key(address), purpose)


def _window_start(now):
    return now - timedelta(seconds=settings.CLINIC_CONSULTATION_RATE_WINDOW)


def admits(address):
    """Whether a post from this address may be read at all: under the request limit (reads only) and
    under the attempt limit (counts this post). Neither reads the body, so a client over either
    limit makes the server parse nothing, let alone decode photos."""
    return not is_reached(address) and take_attempt(address)


def take_attempt(address):
    """Count one post of the form from this address, whatever becomes of it; False if over the attempt limit.

    Called first, before the CSRF check, the form token or any field is read: the cheapest refusal
    comes before any costly work (reading photos). Counted apart from stored requests, so a patient
    who fixes a few mistakes is not refused, while a client posting without end is, early. A
    refused attempt is not counted: the window passes for a client that stops.
    """
    limit = settings.CLINIC_CONSULTATION_ATTEMPT_LIMIT
    if not settings.CLINIC_CONSULTATION_RATE_LIMIT or not limit:
        return True
    return _take(_bucket_key(address, "consultation-attempt"), limit)


def is_reached(address):
    """Whether this address has already used every slot in the window (reads only; takes none).

    Checked before a form is read, so a client over the limit cannot make the server decode photos
    again and again; take_slot still decides, under its lock, for the request that is stored.
    """
    limit = settings.CLINIC_CONSULTATION_RATE_LIMIT
    if not limit:
        return False
    hits = RateLimitHit.objects.filter(bucket__key=_bucket_key(address), at__gte=_window_start(timezone.now()))
    return hits.count() >= limit


def take_slot(address):
    """Count one submission for this address; False if the limit is already reached.

    Call it inside the transaction that stores the request: the bucket row stays locked until
    that ends, so concurrent submissions from one client are counted one after another, and a
    request that fails to store gives its slot back.
    """
    limit = settings.CLINIC_CONSULTATION_RATE_LIMIT
    if not limit:
        return True
    return _take(_bucket_key(address), limit)


def _take(key, limit):
    now = timezone.now()
    with transaction.atomic():
        # One statement for a new client and a known one alike (INSERT … ON CONFLICT DO NOTHING),
        # then the row is locked: takes for one client are counted one after another.
        RateLimitBucket.objects.bulk_create([RateLimitBucket(key=key)], ignore_conflicts=True)
        bucket = RateLimitBucket.objects.select_for_update().get(key=key)
        # Only hits inside the window count; older ones are deleted by the daily clean-up (prune),
        # not here on every post.
        if bucket.hits.filter(at__gte=_window_start(now)).count() >= limit:
            return False
        RateLimitHit.objects.create(bucket=bucket, at=now)
        return True
