"""The link in an e-mail offering an earlier time, to claim it without signing in.

As booking.links: signed, for this one purpose (its own salt: a link to move or cancel a visit is
no claim, nor the other way round), naming only numbers (the offer and the version of the
patient's visit, no patient detail), expiring, and dead once the patient's visit changes.
"""

from django.core import signing
from django.urls import reverse

from booking import links
from booking.links import MAX_AGE

SALT = "consultations.waitlist.claim"


class LinkRefused(Exception):
    """Forged, expired, or for another purpose."""


def token(offer):
    return signing.dumps([offer.pk, offer.entry.booking.sequence], salt=SALT)


def url(offer):
    return reverse("consultations:claim_earlier_time", args=[token(offer)])


def read(value):
    """(offer id, the visit's version) from a claim link; LinkRefused if it is not one."""
    try:
        offer_pk, sequence = signing.loads(value, salt=SALT, max_age=MAX_AGE)
        return int(offer_pk), int(sequence)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkRefused from error


def join_url(booking):
    """The page to ask for (or stop asking for) an earlier time: a booking link (booking.links)."""
    return reverse("consultations:waitlist", args=[links.token(booking, "waitlist")])
