"""Patients' photos: their headers checked when the form is validated, decoded and re-encoded only
once everything else has passed, stored with the request, deleted with it.

Nothing a patient sent is stored as sent (images.uploads): each photo is decoded, turned the
right way up, converted to sRGB and written again without any metadata, with a thumbnail, under a
random name in the private store (STORAGES["patient_photos"]). The files are written inside the
request's transaction and removed again if it fails; a file left behind all the same (a process
killed between the write and the commit) is removed by the daily clean-up (delete_orphan_files).
"""

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from consultations.choices import Pose
from consultations.storage import photo_storage
from images import uploads as images

logger = logging.getLogger(__name__)

THUMBNAIL_EDGE = 320
# What the stored files are: our own encoding, whatever the patient sent.
FORMAT = "JPEG"
EXTENSION = ".jpg"
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
# A file in the store with no photo row, older than this, was left by a failed submission.
ORPHAN_AGE = timedelta(days=1)
# The names PhotoFiles gives (the storage may add a suffix to a clash): the clean-up touches no other file.
STORED_NAME = re.compile(r"[0-9a-f]{32}(-thumbnail)?(_[A-Za-z0-9]{7})?\.jpg")


@dataclass(frozen=True)
class PoseGuide:
    pose: Pose
    instruction: str
    drawing: str
    drawing_alt: str

    @property
    def field_name(self):
        return "photo_" + self.pose.value.replace("-", "_")


GUIDES = (
    PoseGuide(
        Pose.REST,
        _("Relax your face and look straight at the camera."),
        "img/poses/rest.svg",
        _("A face at rest, looking straight ahead."),
    ),
    PoseGuide(
        Pose.EYEBROWS,
        _("Raise your eyebrows as high as you can, as if surprised."),
        "img/poses/eyebrows.svg",
        _("A face with both eyebrows raised high and lines across the forehead."),
    ),
    PoseGuide(
        Pose.EYES_GENTLE,
        _("Close your eyes softly, as if asleep."),
        "img/poses/eyes-gentle.svg",
        _("A face with the eyes softly closed."),
    ),
    PoseGuide(
        Pose.EYES_TIGHT,
        _("Squeeze your eyes shut as tightly as you can."),
        "img/poses/eyes-tight.svg",
        _("A face with the eyes squeezed shut and creases beside them."),
    ),
    PoseGuide(
        Pose.SMILE,
        _("Give your biggest smile, showing your teeth."),
        "img/poses/smile.svg",
        _("A face with a wide smile showing the teeth."),
    ),
    PoseGuide(
        Pose.PUCKER,
        _("Push your lips forward, as if to whistle or kiss."),
        "img/poses/pucker.svg",
        _("A face with the lips pushed forward in a small circle."),
    ),
)
FIELD_NAMES = tuple(guide.field_name for guide in GUIDES)


class CheckedPhoto:
    """An upload whose header passed every check (images.uploads.open_header): nothing decoded yet.

    What the form holds until its other answers, its tokens and the rate limit have all passed;
    only then is it decoded and re-encoded (`prepare`), which is the costly part.
    """

    def __init__(self, upload, pose):
        self.upload = upload
        self.pose = pose

    @cached_property
    def digest(self):
        """Of the file as sent, so that the same photos sent twice make the same request."""
        digest = hashlib.sha256()
        self.upload.seek(0)
        for chunk in self.upload.chunks():
            digest.update(chunk)
        return digest.hexdigest()


def limits():
    """The most a patient's photo may be, read from the settings here only: the header check, the
    decode and the form's "up to 10 MB each" then never disagree (tests change the settings, so
    they are read on each call)."""
    return {"max_bytes": settings.CLINIC_PHOTO_MAX_BYTES, "max_pixels": settings.CLINIC_PHOTO_MAX_PIXELS}


def check(uploaded_file, pose):
    """The upload's header checked (size, format, pixels, frames); a ValidationError naming the file if refused."""
    # Not closed: Pillow would close the upload with it, and `prepare` opens it again.
    images.open_header(uploaded_file, **limits())
    return CheckedPhoto(uploaded_file, pose)


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, re-encoded and ready to store: only our bytes, never the upload's."""

    pose: Pose
    digest: str  # of the file as sent, so that the same photos sent twice make the same request
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def prepare(checked):
    """The photo decoded and re-encoded; a ValidationError naming the file if its data is damaged.

    Decoded in JPEG draft mode at no more than the size we keep (images.load_checked), so memory
    stays bounded by what is kept rather than by the camera's resolution.
    """
    digest = checked.digest  # now: closing the image below closes the upload too
    image = images.open_checked(checked.upload, **limits(), long_edge=settings.CLINIC_PHOTO_LONG_EDGE)
    # Turned upright and converted once; the photo and its thumbnail are both drawn from that.
    upright = images.fit(images.srgb_upright(image), settings.CLINIC_PHOTO_LONG_EDGE)
    image.close()
    return PreparedPhoto(
        pose=checked.pose,
        digest=digest,
        image=images.encode(upright, format=FORMAT),
        thumbnail=images.encode(images.fit(upright, THUMBNAIL_EDGE), format=FORMAT),
        width=upright.width,
        height=upright.height,
    )


def thumbnail_size(width, height):
    scale = min(1, THUMBNAIL_EDGE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def content_type(name):
    for extension, value in CONTENT_TYPES.items():
        if name.endswith(extension):
            return value
    return "application/octet-stream"


class PhotoFiles:
    """The files written for one submission, removed again unless the transaction recording them commits.

    Use it outside the transaction, so that a failed commit is seen too:
    `with PhotoFiles() as files, transaction.atomic(): ... files.save(request, photos)`.
    """

    def __init__(self):
        self.names = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            self.discard()
        return False

    def save(self, consultation, photos):
        from consultations.models import Photo

        storage = photo_storage()
        for photo in photos:
            # Server-side names: random, nothing from the patient's file name.
            stem = uuid.uuid4().hex
            image_name = storage.save(stem + EXTENSION, ContentFile(photo.image))
            self.names.append(image_name)
            thumbnail_name = storage.save(f"{stem}-thumbnail{EXTENSION}", ContentFile(photo.thumbnail))
            self.names.append(thumbnail_name)
            Photo.objects.create(
                request=consultation,
                pose=photo.pose,
                image=image_name,
                thumbnail=thumbnail_name,
                width=photo.width,
                height=photo.height,
            )

    def discard(self):
        delete_files(self.names)
        self.names = []


def delete_files(names):
    storage = photo_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # Left for the daily clean-up (delete_orphan_files) rather than failing the caller.
            logger.exception("Could not delete a photo file; the daily clean-up will try again")


def delete_files_of(sender, instance, **kwargs):
    """post_delete of a Photo: its files go once the deletion is committed (never if it rolls back)."""
    names = [field.name for field in (instance.image, instance.thumbnail) if field.name]
    transaction.on_commit(lambda: delete_files(names), robust=True)


def delete_orphan_files(now=None):
    """Delete files in the photo store that no photo refers to, once older than ORPHAN_AGE; how many."""
    from consultations.models import Photo

    storage = photo_storage()
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    try:
        _directories, names = storage.listdir("")
    except FileNotFoundError:
        return 0  # nothing stored yet
    known = set(Photo.objects.values_list("image", flat=True)) | set(Photo.objects.values_list("thumbnail", flat=True))
    orphans = [
        name
        for name in names
        if STORED_NAME.fullmatch(name) and name not in known and storage.get_modified_time(name) < cutoff
    ]
    delete_files(orphans)
    if orphans:
        logger.info("Deleted %d photo files left by failed submissions", len(orphans))
    return len(orphans)
