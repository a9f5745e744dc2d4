"""The one-time token each consultation form carries: when it was issued, and a random nonce.

The nonce (hashed) is stored with the request it created, so sending the same form again finds
that request instead of making a second one. The issue time gives the minimum fill time.
"""

import hashlib
import secrets
import time

from django.core import signing

SALT = "consultations.form-token"


class BadToken(Exception):
    pass


class ExpiredToken(BadToken):
    pass


def issue_token():
    return signing.dumps({"n": secrets.token_urlsafe(18), "t": time.time()}, salt=SALT, compress=False)


def read_token(token, max_age):
    """(token hash, seconds since issue) for a genuine token; BadToken or ExpiredToken otherwise."""
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken from error
    if not isinstance(payload, dict):
        raise BadToken
    if not isinstance(payload.get("n"), str) or not isinstance(payload.get("t"), float):
        raise BadToken
    digest = hashlib.sha256(payload["n"].encode()).hexdigest()
    return digest, time.time() - payload["t"]
