"""Photos kept across a form shown again, so that the patient does not attach them again.

A browser cannot be sent files back. When the form comes back for another answer's mistake, each
photo that passed its checks is held (HeldPhoto: the file as sent, in the private photo store) and
the page carries a signed id for it in place of the file. The id is signed with the form's own
token and expires with the form: a page of another visitor, an edited id or an old one finds
nothing. The photo joins the request when the form is sent; it is deleted when the patient removes
it, when the request is stored, or by the daily clean-up once its form has expired.

Holding costs a file write, no decoding: the photo is decoded, like any other, only once the whole
form has passed (consultations/views.py, _send).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from consultations.models import HeldPhoto
from consultations.photos import delete_files
from consultations.storage import photo_storage
from images.uploads import display_name

logger = logging.getLogger(__name__)

SALT = "consultations.held-photo:"
# Under the photo store, apart from the requests' photos (whose clean-up lists only the top level).
DIRECTORY = "held"


@dataclass(frozen=True)
class Shown:
    """What the page shows for a held photo: its name, and the signed id the form sends back."""

    name: str
    signed_id: str


def _salt(token_hash):
    # The form's token in the salt: an id signed for one form is refused on any other.
    return SALT + token_hash


def max_age():
    """A hold lasts as long as its form: a form older than this is refused anyway (form_tokens)."""
    return settings.CLINIC_CONSULTATION_FORM_MAX_AGE


def signed_id(held, token_hash):
    return signing.dumps(str(held.pk), salt=_salt(token_hash), compress=False)


def shown(held, token_hash):
    return Shown(name=held.name, signed_id=signed_id(held, token_hash))


def find(value, token_hash, pose):
    """The photo held for this form and pose under the signed id `value`, or None (forged, foreign, expired)."""
    try:
        pk = uuid.UUID(signing.loads(value or "", salt=_salt(token_hash), max_age=max_age()))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return HeldPhoto.objects.filter(pk=pk, pose=pose).first()


def hold(upload, pose, token_hash):
    """Keep an upload whose header passed its checks for this form; the HeldPhoto."""
    storage = photo_storage()
    upload.seek(0)
    # A random name of ours; the patient's file name is kept only to be shown back to them.
    name = storage.save(f"{DIRECTORY}/{uuid.uuid4().hex}.upload", upload)
    held = HeldPhoto(pose=pose, form_token=token_hash, name=display_name(upload), file=name)
    try:
        with transaction.atomic():
            # One per pose and form: a photo chosen in place of a held one replaces it.
            for earlier in HeldPhoto.objects.filter(form_token=token_hash, pose=pose):
                earlier.delete()
            held.save()
    except Exception:
        delete_files([name])
        raise
    upload.seek(0)
    return held


def as_upload(held):
    """The held file as an upload, for the form to check and, once everything passed, decode."""
    storage = photo_storage()
    return UploadedFile(
        file=storage.open(held.file.name, "rb"),
        name=held.name,
        content_type="application/octet-stream",
        size=storage.size(held.file.name),
    )


def remove(held):
    """Removed by the patient, replaced, or sent with the request: the row now, its file after commit."""
    held.delete()


def delete_expired(now=None):
    """Holds of forms that have expired (abandoned); how many. Part of the daily clean-up."""
    cutoff = (now or timezone.now()) - timedelta(seconds=max_age())
    expired = list(HeldPhoto.objects.filter(created_at__lt=cutoff))
    for held in expired:
        held.delete()
    if expired:
        logger.info("Deleted %d photos held for forms never sent", len(expired))
    return len(expired)


def delete_file_of(sender, instance, **kwargs):
    """post_delete of a HeldPhoto: its file goes once the deletion is committed (never if it rolls back)."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: delete_files([name]), robust=True)
