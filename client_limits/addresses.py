"""Who a request comes from: its address, without trusting headers a client can forge, and keyed digests."""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


def _trusted_networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.CLINIC_TRUSTED_PROXIES]


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request):
    """REMOTE_ADDR, unless that is a trusted proxy: then the right-most untrusted X-Forwarded-For entry.

    Entries to the left of the first untrusted one were written by the client itself, so a
    client cannot escape a limit by sending the header.
    """
    trusted = _trusted_networks()

    def is_trusted(address):
        return any(address in network for network in trusted)

    remote = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")  # noqa: S104
    if not is_trusted(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            # A garbled hop: nothing to its left can be believed, so the last good hop is the client.
            break
        if not is_trusted(address):
            return str(address)
        remote = address
    return str(remote)


def keyed_hash(value, purpose):
    """A digest that identifies a value without storing it and cannot be reversed by brute force offline."""
    return salted_hmac(f"clinic.{purpose}", value, algorithm="sha256").hexdigest()
