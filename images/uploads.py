"""Checked decoding and clean re-encoding of uploaded images (patient photos, staff illustrations).

An upload is never stored or served as sent: `open_checked` refuses anything that is not a still
JPEG, PNG, WebP or HEIC/HEIF of sane size, before decoding it where it can, and `reencode` writes a
new file from the pixels only — upright, in sRGB, without EXIF, GPS, maker notes, XMP, comments or
ICC profiles, at a capped size. Each refusal is a ValidationError with its own `code` and a message
a patient can act on, naming the file.
"""

import io
import math
import os
import warnings

import pillow_heif
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# HEIC/HEIF is what iPhones save photos as; Pillow reads it through pillow-heif's opener.
pillow_heif.register_heif_opener()

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

# Pillow's format ids for what we accept. MPO is how Pillow names a camera JPEG that carries a
# second, preview picture; we read its first (main) picture only.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
# How formats we refuse are named to the person who sent one.
FORMAT_NAMES = {"GIF": "GIF", "TIFF": "TIFF", "BMP": "BMP", "DIB": "BMP", "ICO": "ICO", "AVIF": "AVIF", "PSD": "PSD"}

# Encoder settings per output format; quality numbers differ per codec for a similar look.
DEFAULT_QUALITY = {"JPEG": 82, "WEBP": 78, "AVIF": 55}
SAVE_OPTIONS = {
    "JPEG": {"optimize": True, "progressive": True, "subsampling": "4:2:0"},
    "WEBP": {"method": 5},
    "AVIF": {"speed": 6, "subsampling": "4:2:0"},
    "PNG": {"optimize": True},
}
OPAQUE_FORMATS = {"JPEG"}

MESSAGES = {
    "too_large": _("“%(name)s” is too large (%(size)s). Please choose a file smaller than %(limit)s."),
    "not_image": _("“%(name)s” is not an image we can open. Please choose a photo saved as JPEG, PNG, WebP or HEIC."),
    "unsupported": _(
        "“%(name)s” is saved as %(kind)s, which we do not accept. "
        "Please choose a photo saved as JPEG, PNG, WebP or HEIC."
    ),
    "animated": _("“%(name)s” is animated. Please choose a still photo saved as JPEG, PNG, WebP or HEIC."),
    "too_many_pixels": _(
        "“%(name)s” has too many pixels (%(megapixels)s megapixels). "
        "Please choose a smaller photo, up to %(limit)s megapixels."
    ),
    "damaged": _(
        "“%(name)s” seems to be damaged or incomplete. Please save or export it again and choose the new file."
    ),
}


def refuse(code, name, **params):
    return ValidationError(MESSAGES[code], code=code, params={"name": name, **params})


def display_name(uploaded_file):
    name = os.path.basename(getattr(uploaded_file, "name", "") or "") or str(_("the file"))
    return name if len(name) <= 80 else name[:77] + "…"


def file_size(uploaded_file):
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, os.SEEK_END)
        size = uploaded_file.tell()
    return size


def looks_like(head):
    """What the first bytes say the file is: one of ACCEPTED_AS's values, "SVG", or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
        return "HEIF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) and b"<svg" in head.lower():
        return "SVG"
    return None


def open_checked(uploaded_file, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, long_edge=None):
    """The upload as a fully loaded PIL image, or a ValidationError saying why not.

    Size and pixel count are checked before any pixel is decoded, so an oversized file or a
    decompression bomb (a tiny file claiming billions of pixels) costs nothing. With `long_edge`, a
    JPEG is decoded at a reduced scale no smaller than what fits within it (see `load_checked`).
    """
    image = open_header(uploaded_file, max_bytes=max_bytes, max_pixels=max_pixels)
    return load_checked(image, display_name(uploaded_file), max_pixels=max_pixels, long_edge=long_edge)


def open_header(uploaded_file, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS):
    """The upload opened but not decoded, after every check its header allows; a ValidationError if refused.

    Cheap whatever the file: its size, its first bytes, and the header's format, pixel count and
    frame count. No pixel is decoded (`load_checked` does that); a file damaged after its header
    passes here.
    """
    name = display_name(uploaded_file)
    size = file_size(uploaded_file)
    if size > max_bytes:
        raise refuse("too_large", name, size=filesizeformat(size), limit=filesizeformat(max_bytes))
    uploaded_file.seek(0)
    head = uploaded_file.read(512)
    kind = looks_like(head)
    if kind == "SVG":
        raise refuse("unsupported", name, kind="SVG")
    uploaded_file.seek(0)
    # Pillow warns, rather than refuses, between MAX_IMAGE_PIXELS and twice that; a warning would
    # let the bomb decode, so it is raised as an error here. (Our own limit is usually lower.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(uploaded_file, formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise refuse("too_many_pixels", name, megapixels="?", limit=max_pixels // 1_000_000) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
            raise refused_format(uploaded_file, name, kind) from error
    if ACCEPTED_AS.get(image.format) is None:
        raise refuse("unsupported", name, kind=image.format)
    width, height = image.size
    if width * height > max_pixels:
        megapixels = f"{width * height / 1_000_000:.0f}"
        raise refuse("too_many_pixels", name, megapixels=megapixels, limit=max_pixels // 1_000_000)
    if width < 1 or height < 1:
        raise refuse("damaged", name)
    # A camera JPEG (MPO) holds a preview as a second frame; it is still one photo.
    if image.format != "MPO" and (getattr(image, "is_animated", False) or getattr(image, "n_frames", 1) > 1):
        raise refuse("animated", name)
    return image


def draft_size(size, long_edge):
    """The smallest size, in the image's proportions, that still fills `long_edge` once turned upright."""
    width, height = size
    scale = min(1, long_edge / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def load_checked(image, name, *, max_pixels=MAX_PIXELS, long_edge=None):
    """Decode an image from `open_header`; a ValidationError ("damaged") if its data is broken.

    With `long_edge`, a JPEG is decoded in draft mode: libjpeg scales it by 1/2, 1/4 or 1/8 while
    decoding, to the smallest scale that still covers `long_edge`, so a 40-megapixel photo kept at
    2048 pixels never holds all its pixels in memory (the orientation does not matter: it swaps the
    sides, not the long edge). Other formats have no such scaled decoding; their size is bounded by
    the header's pixel count, checked before.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if long_edge is not None and image.format in ("JPEG", "MPO"):
                image.draft(image.mode, draft_size(image.size, long_edge))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise refuse("too_many_pixels", name, megapixels="?", limit=max_pixels // 1_000_000) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
            # Pillow reports truncated and corrupt data as any of these, depending on the codec.
            raise refuse("damaged", name) from error
    return image


def refused_format(uploaded_file, name, kind):
    """The refusal for a file our decoders would not open: damaged, another image format, or no image."""
    if kind is not None:
        # It starts like a format we accept but does not open: broken or cut short.
        return refuse("damaged", name)
    uploaded_file.seek(0)
    try:
        # Header only, to name the format in the message; nothing is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            other = Image.open(uploaded_file)
    except Exception:  # any failure here means it is not an image at all
        return refuse("not_image", name)
    # An animated GIF is refused as animated: asking for a still photo is the more useful answer.
    if getattr(other, "is_animated", False):
        return refuse("animated", name)
    return refuse("unsupported", name, kind=FORMAT_NAMES.get(other.format, other.format))


def to_8bit(image):
    """16-bit and 32-bit greyscale scaled to 8 bits (a plain convert would clip them to white)."""
    if image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("I", "F"):
        low, high = image.getextrema()
        scale = 255 / (high - low) if high > low else 1
        return image.point(lambda value: (value - low) * scale).convert("L")
    return image


def srgb_upright(image):
    """The image turned the right way up and converted to sRGB, as RGB or RGBA, with no metadata."""
    image = ImageOps.exif_transpose(image)
    image = to_8bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    converted = None
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            working = image if image.mode in ("RGB", "RGBA", "CMYK", "L") else image.convert(mode)
            out_mode = "RGBA" if working.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(
                working,
                source,
                ImageCms.createProfile("sRGB"),
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                outputMode=out_mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            # An unusable profile: the pixels are taken as sRGB, as browsers would show them.
            converted = None
    if converted is None:
        converted = image.convert(mode)
    elif converted.mode != mode:
        converted = converted.convert(mode)
    return without_metadata(converted)


def without_metadata(image):
    """A new image with the same pixels and nothing else (no info: EXIF, XMP, ICC, text, comments)."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def fit(image, long_edge):
    """Scaled down so that its longer side is at most long_edge; never scaled up."""
    width, height = image.size
    if max(width, height) <= long_edge:
        return image
    scale = long_edge / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return without_metadata(image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))


def scale_to_width(image, width):
    """Scaled down to the given width (height in proportion); never scaled up."""
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return without_metadata(image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0))


def flatten(image, background=(255, 255, 255)):
    """Transparent parts painted onto white, for formats without transparency."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    flat = Image.new("RGB", image.size, background)
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def encode(image, *, format="JPEG", quality=None):
    """Bytes of a prepared (srgb_upright) image in the given format, with no metadata."""
    format = format.upper()
    if format in OPAQUE_FORMATS:
        image = flatten(image)
    options = dict(SAVE_OPTIONS.get(format, {}))
    if format in DEFAULT_QUALITY:
        options["quality"] = quality if quality is not None else DEFAULT_QUALITY[format]
    buffer = io.BytesIO()
    without_metadata(image).save(buffer, format=format, **options)
    return buffer.getvalue()


def reencode(image, *, long_edge=2048, format="JPEG", quality=None):
    """A new file from the pixels only: upright, sRGB, no metadata, long edge at most long_edge."""
    return encode(fit(srgb_upright(image), long_edge), format=format, quality=quality)


def thumbnail(image, *, size=320, format="JPEG", quality=None):
    """A small re-encoded copy (for lists in the admin), longer side at most `size` pixels."""
    return reencode(image, long_edge=size, format=format, quality=quality)
