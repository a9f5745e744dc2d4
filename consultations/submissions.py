"""Turning a valid form into exactly one stored request, with its notices queued alongside."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic_site.privacy import NOTICE_VERSION
from consultations import rate_limit
from consultations.choices import Status
from consultations.models import ConsultationRequest
from consultations.photos import FIELD_NAMES as PHOTO_FIELDS
from consultations.photos import PhotoFiles
from consultations.references import new_reference
from consultations.tasks import owe_notices

# Fields whose values make two requests "the same request" when they arrive close together.
FINGERPRINT_FIELDS = (
    "for_whom",
    "name",
    "email",
    "phone",
    "preferred_contact",
    "best_time",
    "bothers",
    "concern",
    "onset",
    "treatments",
    "patient_type",
    "message",
    "heard_from",
)


class RateLimited(Exception):
    pass


class TokenUsed(Exception):
    """The form's token already made a request with other answers: one token, one request."""


def fingerprint(cleaned):
    content = {field: cleaned.get(field) for field in FINGERPRINT_FIELDS}
    content["name"] = content["name"].casefold()
    content["email"] = content["email"].casefold()
    content["treatments"] = sorted(set(content["treatments"]))
    # The same answers with other photos are another request. Only when photos came, so that
    # requests without photos keep the fingerprints they always had.
    if photos := {name: photo.digest for name in PHOTO_FIELDS if (photo := cleaned.get(name))}:
        content["photos"] = photos
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def existing_for_token(token_hash):
    return ConsultationRequest.objects.filter(form_token=token_hash).first()


def submit(form, token_hash, client_address, spam=False):
    """The request this form created: a new one, or the one it duplicates. RateLimited if over the limit."""
    cleaned = form.cleaned_data
    digest = fingerprint(cleaned)
    now = timezone.now()
    for _attempt in range(3):
        try:
            # The photo files are written in the transaction and removed again if it fails.
            with PhotoFiles() as photo_files, transaction.atomic():
                duplicate = ConsultationRequest.objects.filter(
                    fingerprint=digest,
                    created_at__gte=now - timedelta(seconds=settings.CLINIC_CONSULTATION_DUPLICATE_WINDOW),
                ).first()
                if duplicate is not None:
                    return duplicate
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
                photo_files.save(consultation, form.prepared_photos)
                if not spam:
                    # Same transaction: the task rows commit with the request, or neither does.
                    owe_notices(consultation, now)
                return consultation
        except IntegrityError:
            # The same form sent twice at once (a double click): the other submission won.
            existing = existing_for_token(token_hash)
            if existing is not None:
                if existing.fingerprint != digest:
                    raise TokenUsed from None
                return existing
            # Otherwise a reference clash, vanishingly rare: try again with a new one.
    raise RuntimeError("Could not store the consultation request after three attempts.")
