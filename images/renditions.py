"""Renditions of an image shown on public pages, made once when the image is uploaded or loaded.

Each width is written as AVIF, WebP and a JPEG fallback; pages offer them with <picture> and
srcset, and the browser takes the smallest that fills its slot. Names are the hash of the bytes,
so a name never changes meaning and may be cached for a year (images.serving).
"""

import copy
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from images import uploads as images

# Widths in pixels; a source narrower than the last one gets its own width instead of wider ones.
WIDTHS = (320, 640, 960, 1280)
# Best first: the order of <source> elements. JPEG is the fallback every browser reads.
FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}
CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg"}


def storage():
    return storages["public_images"]


def widths_for(source_width):
    """WIDTHS below the source's width, and the source's own width (capped): never wider than the source."""
    return sorted({width for width in WIDTHS if width < source_width} | {min(source_width, WIDTHS[-1])})


def file_name(data, width, extension):
    return f"{hashlib.sha256(data).hexdigest()[:20]}-{width}w.{extension}"


def url(name):
    """Always a path on this site, whatever the storage (the CSP allows same-origin images only)."""
    return settings.CLINIC_PUBLIC_IMAGES_URL + name


def make(image):
    """Write the renditions of a checked image (images.uploads.open_checked).

    Returns the upright image's (width, height) and the renditions as dicts with format (the
    file extension), width, height and name, smallest first.
    """
    prepared = images.srgb_upright(image)
    made = []
    for width in widths_for(prepared.width):
        scaled = images.scale_to_width(prepared, width)
        for extension, format in FORMATS.items():
            data = images.encode(scaled, format=format)
            name = file_name(data, scaled.width, extension)
            if not storage().exists(name):
                name = storage().save(name, ContentFile(data))
            made.append({"format": extension, "width": scaled.width, "height": scaled.height, "name": name})
    return prepared.size, made


def delete_after_commit(names, still_used):
    """Delete these files once the transaction commits, except those still_used() names.

    After commit, so that a rolled-back delete or replacement leaves the page with its files.
    """

    def delete():
        for name in set(names) - still_used():
            storage().delete(name)

    if names:
        transaction.on_commit(delete)


def source_label(path):
    """How an image made from a shipped file records it: the file's name and a digest of its bytes."""
    path = Path(path)
    return f"{path.name} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"


# Shipped files (demo portraits, page illustrations) are loaded by `load_content`, which the tests
# run for every test that needs content: a file's renditions depend on its bytes alone, so one
# process makes them once (and again only if a file has gone from the storage).
_made_from_files = {}


def make_from_file(path):
    """make() for a file that ships with the code: its source label, size and renditions."""
    path = Path(path)
    label = source_label(path)
    made = _made_from_files.get(label)
    if made is None or not all(storage().exists(rendition["name"]) for rendition in made[1]):
        made = make(images.open_checked(ContentFile(path.read_bytes(), name=path.name)))
        _made_from_files[label] = made
    return label, copy.deepcopy(made)
