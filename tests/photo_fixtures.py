"""Images made in the tests for the photo part of the consultation form, and a look at the photo store."""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# Where a camera JPEG says it was taken, and by what: none of it may survive our re-encoding.
CAMERA_MAKE = "Examplecam"
CAMERA_MODEL = "EX-1"
MAKER_NOTE = b"examplecam maker note serial 0042"
COMMENT = b"Ada Example, 12 Home Street"
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.0),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (79.0, 58.0, 56.0),
}
RED, BLUE = (220, 20, 20), (20, 20, 220)


def camera_jpeg(width=400, height=200):
    """A phone photo held sideways: stored as width x height, red on the left and blue on the right,
    with the EXIF flag "rotate 90° clockwise to display" (orientation 6), GPS, camera and maker notes.

    Shown the right way up it is height x width, red on top and blue below.
    """
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.MakerNote: MAKER_NOTE}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif, comment=COMMENT)
    return buffer.getvalue()


def plain_png(size=(300, 300), color=(200, 180, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def huge_png(width=8000, height=6000):
    """48 megapixels of nothing: a few kilobytes on the wire, 144 MB once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (width, height), 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def oversized_jpeg(size=11 * 1024 * 1024, size_px=(300, 300)):
    """A real JPEG padded to `size` bytes, 11 MB by default (decoders ignore what follows the image)."""
    data = plain_jpeg(size_px)
    return data + b"\0" * (size - len(data))


def heic(size=(300, 200), color=RED):
    """What an iPhone saves (HEIC), written with pillow-heif's encoder."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="HEIF", quality=80)
    return buffer.getvalue()


def plain_jpeg(size=(300, 300), color=(120, 140, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def animated_gif():
    # Frames that differ (the GIF writer merges identical ones into one still picture).
    frames = [Image.new("RGB", (40, 40), color) for color in (RED, BLUE, (20, 200, 20))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="10"/></svg>'
TEXT = b"Dear doctor, this is not a photo at all.\n"


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files():
    """Every file in the photo store, by name."""
    root = Path(settings.CLINIC_PHOTO_ROOT)
    return {path.name for path in root.iterdir()} if root.exists() else set()


def open_stored(name):
    return Image.open(Path(settings.CLINIC_PHOTO_ROOT) / name)
