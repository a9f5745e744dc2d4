"""Turning a valid form into exactly one stored request, with its notices queued alongside."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking import holding
from client_limits import rate_limit
from consultations import questions, waitlist
from consultations.choices import Status
from consultations.models import ConsultationRequest
from consultations.photos import FIELD_NAMES as PHOTO_FIELDS
from consultations.photos import PhotoFiles
from consultations.request_codes import new_reference
from consultations.tasks import owe_notices
from practice.privacy import NOTICE_VERSION

# Two requests are "the same request" when every answer is the same (and they arrive close together).
FINGERPRINT_FIELDS = questions.NAMES
# Answers added later, left out while unanswered: requests without them keep the fingerprints they
# always had, so a request sent again across an upgrade is still recognised.
LEFT_OUT_WHEN_BLANK = ("child_first_name", "child_age")


class RateLimited(Exception):
    pass


# The time chosen on the form was booked by someone else between the check and the save.
TimeTaken = holding.TimeTaken


class TokenUsed(Exception):
    """The form's token already made a request with other answers: one token, one request."""


def fingerprint(cleaned):
    content = {field: cleaned.get(field) for field in FINGERPRINT_FIELDS}
    content["name"] = content["name"].casefold()
    content["email"] = content["email"].casefold()
    content["treatments"] = sorted(set(content["treatments"]))
    for field in LEFT_OUT_WHEN_BLANK:
        if content[field] in ("", None):
            del content[field]
    if "child_first_name" in content:
        content["child_first_name"] = content["child_first_name"].casefold()
    # The same answers with other photos are another request. Only when photos came, so that
    # requests without photos keep the fingerprints they always had.
    if photos := {name: photo.digest for name in PHOTO_FIELDS if (photo := cleaned.get(name))}:
        content["photos"] = photos
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def earlier_request(token_hash, digest, now=None):
    """The request these answers already made, or None: the one this form token made, or the same
    answers within CLINIC_CONSULTATION_DUPLICATE_WINDOW. TokenUsed if the token made one with other
    answers. The one place duplicates are recognised: asked before any photo is decoded, and again
    by `save` when the database refuses a second request under the same token (a double click)."""
    by_token = ConsultationRequest.objects.filter(form_token=token_hash).first()
    if by_token is not None:
        if by_token.fingerprint != digest:
            raise TokenUsed
        return by_token
    window_start = (now or timezone.now()) - timedelta(seconds=settings.CLINIC_CONSULTATION_DUPLICATE_WINDOW)
    return ConsultationRequest.objects.filter(fingerprint=digest, created_at__gte=window_start).first()


def save(form, token_hash, digest, client_address, spam=False):
    """Store the form's request (decoded photos and owed mail included) in one transaction.

    RateLimited if the client has used its requests for the window; TimeTaken if the time chosen was
    booked by someone else a moment before; TokenUsed if the same form,
    changed, won a race with this one. Otherwise the request: this one, or, when the same form sent
    at the same moment was stored first, that one (the database's unique form token decides).
    """
    now = timezone.now()
    for _attempt in range(3):
        try:
            # The photo files are written in the transaction and removed again if it fails.
            with PhotoFiles() as photo_files, transaction.atomic():
                if not rate_limit.take_slot(client_address):
                    raise RateLimited
                consultation = form.save(commit=False)
                consultation.reference = new_reference()
                consultation.created_at = now
                consultation.status = Status.SPAM if spam else Status.NEW
                consultation.privacy_notice_version = NOTICE_VERSION
                consultation.consented_at = now
                consultation.form_token = token_hash
                consultation.fingerprint = digest
                consultation.save()
                if visit := form.cleaned_data.get("visit"):
                    # In this transaction: no request without its visit, no visit without its request.
                    # TimeTaken (someone else got the time first) undoes both.
                    visit_type, starts_at = visit
                    consultation.booking = holding.book(visit_type, starts_at, closed_dates=form.closed_dates)
                    consultation.save(update_fields=["booking"])
                    if form.cleaned_data.get("waitlist"):
                        waitlist.join(consultation, consultation.booking, now)
                photo_files.save(consultation, form.prepared_photos)
                if not spam:
                    # Same transaction: the task rows commit with the request, or neither does.
                    owe_notices(consultation, now)
                return consultation
        except IntegrityError:
            # The same form sent twice at once (a double click): the other submission won.
            if (earlier := earlier_request(token_hash, digest, now)) is not None:
                return earlier
            # Otherwise a reference clash, vanishingly rare: try again with a new one.
    raise RuntimeError("Could not store the consultation request after three attempts.")
