"""images.uploads: uploads are checked before decoding and re-encoded from the pixels only."""

import io
import struct
import zlib

import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import Promise
from PIL import ExifTags, Image, ImageCms

from images.uploads import open_checked, reencode, thumbnail

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 180, 60), (30, 60, 220), (240, 220, 20)


def upload(name, data):
    return SimpleUploadedFile(name, data)


def saved(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def upright_pattern(width=40, height=60):
    """Four coloured quarters, as the photo should look: red, green on top; blue, yellow below."""
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    image.paste(RED, (0, 0, half_w, half_h))
    image.paste(GREEN, (half_w, 0, width, half_h))
    image.paste(BLUE, (0, half_h, half_w, height))
    image.paste(YELLOW, (half_w, half_h, width, height))
    return image


def quarter_colours(image):
    width, height = image.size
    image = image.convert("RGB")
    return [
        image.getpixel((x, y))
        for x, y in (
            (width // 4, height // 4),
            (3 * width // 4, height // 4),
            (width // 4, 3 * height // 4),
            (3 * width // 4, 3 * height // 4),
        )
    ]


def close_to(actual, expected, tolerance=24):
    return all(
        abs(a - e) <= tolerance
        for pixel, want in zip(actual, expected, strict=True)
        for a, e in zip(pixel, want, strict=True)
    )


def camera_jpeg():
    """A phone photo lying on its side (EXIF orientation 6) with GPS, camera details, XMP and a comment."""
    stored = upright_pattern().transpose(Image.Transpose.ROTATE_90)  # the camera stores it sideways
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Examplecam"
    exif[ExifTags.Base.Model] = "Pocket 3000"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (40.0, 42.0, 51.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (74.0, 0.0, 21.0),
    }
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.MakerNote] = b"SECRETMAKERNOTE"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return saved(
        stored,
        "JPEG",
        quality=95,
        exif=exif,
        icc_profile=icc,
        comment=b"taken at home",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Home</x:xmpmeta>',
    )


def refusal(name, data, **limits):
    with pytest.raises(ValidationError) as caught:
        open_checked(upload(name, data), **limits)
    error = caught.value
    message = str(error.messages[0])
    assert name in message, message
    return error.code, message


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width, height, idat=None):
    """A valid 1-bit PNG of any size, written row by row so that even 48 megapixels stay a few kB."""
    if idat is None:
        packer = zlib.compressobj(9)
        row = b"\x00" * (1 + (width + 7) // 8)
        idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def test_reencoded_photo_is_upright_and_has_no_metadata():
    original = camera_jpeg()
    assert b"Examplecam" in original and b"SECRETMAKERNOTE" in original  # the test photo does carry them
    image = open_checked(upload("IMG_0042.jpg", original))
    assert image.size == (60, 40)

    data = reencode(image)

    result = Image.open(io.BytesIO(data))
    assert result.format == "JPEG"
    assert result.size == (40, 60)
    assert close_to(quarter_colours(result), [RED, GREEN, BLUE, YELLOW])
    assert len(result.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(result.info)
    for trace in (b"Exif", b"Examplecam", b"Pocket", b"SECRETMAKERNOTE", b"xmpmeta", b"taken at home", b"ICC_PROFILE"):
        assert trace not in data


@pytest.mark.parametrize("format", ["WEBP", "AVIF", "PNG"])
def test_other_output_formats_carry_no_metadata_either(format):
    data = reencode(open_checked(upload("IMG_0042.jpg", camera_jpeg())), format=format)
    result = Image.open(io.BytesIO(data))
    assert result.format == format
    assert result.size == (40, 60)
    assert close_to(quarter_colours(result), [RED, GREEN, BLUE, YELLOW], tolerance=40)
    assert len(result.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp"} & set(result.info)
    for trace in (b"Examplecam", b"SECRETMAKERNOTE", b"xmpmeta"):
        assert trace not in data


def test_long_edge_is_capped_and_small_images_are_not_enlarged():
    big = open_checked(upload("wide.png", saved(upright_pattern(3000, 1000), "PNG")))
    assert Image.open(io.BytesIO(reencode(big, long_edge=2048))).size == (2048, 683)
    small = open_checked(upload("small.png", saved(upright_pattern(300, 200), "PNG")))
    assert Image.open(io.BytesIO(reencode(small, long_edge=2048))).size == (300, 200)
    assert Image.open(io.BytesIO(thumbnail(big, size=320))).size == (320, 107)


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_that_still_covers_the_long_edge():
    # 28 megapixels held sideways (EXIF "rotate 90°"): decoded at half scale, 8 MB of pixels rather than
    # 32, and still more than the 2048 pixels kept on its long edge, so the photo kept is as sharp.
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    data = saved(upright_pattern(6400, 4400), "JPEG", quality=85, exif=exif)
    assert open_checked(upload("IMG_0100.jpg", data)).size == (6400, 4400)
    reduced = open_checked(upload("IMG_0100.jpg", data), long_edge=2048)
    assert reduced.size == (3200, 2200)
    kept = Image.open(io.BytesIO(reencode(reduced, long_edge=2048)))
    assert kept.size == (1408, 2048)  # upright, and as large as the full decode would give
    assert close_to(quarter_colours(kept), [BLUE, RED, YELLOW, GREEN])


def test_transparency_is_flattened_onto_white_for_jpeg_and_kept_for_webp():
    logo = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (0, 0, 10, 20))
    image = open_checked(upload("logo.png", saved(logo, "PNG")))

    jpeg = Image.open(io.BytesIO(reencode(image)))
    assert jpeg.mode == "RGB"
    assert close_to([jpeg.getpixel((15, 10))], [(255, 255, 255)], tolerance=4)
    assert close_to([jpeg.getpixel((4, 10))], [(200, 0, 0)])

    webp = Image.open(io.BytesIO(reencode(image, format="WEBP")))
    assert webp.mode == "RGBA"
    assert webp.getpixel((15, 10))[3] == 0


def test_cmyk_and_sixteen_bit_images_become_ordinary_srgb():
    cmyk = open_checked(upload("print.jpg", saved(Image.new("CMYK", (10, 10), (0, 255, 255, 0)), "JPEG")))
    result = Image.open(io.BytesIO(reencode(cmyk)))
    assert result.mode == "RGB"
    assert close_to([result.getpixel((5, 5))], [(255, 0, 0)], tolerance=30)

    grey = Image.new("I;16", (10, 10), 32768)
    result = Image.open(io.BytesIO(reencode(open_checked(upload("scan.png", saved(grey, "PNG"))))))
    assert 120 <= result.getpixel((5, 5))[0] <= 136  # mid grey, not clipped to white


def test_heic_from_a_phone_is_accepted():
    heif = pillow_heif.from_pillow(upright_pattern(64, 96))
    buffer = io.BytesIO()
    heif.save(buffer, quality=90)
    image = open_checked(upload("IMG_1234.HEIC", buffer.getvalue()))
    assert image.size == (64, 96)
    result = Image.open(io.BytesIO(reencode(image)))
    assert close_to(quarter_colours(result), [RED, GREEN, BLUE, YELLOW], tolerance=40)


def test_camera_jpeg_with_a_preview_picture_is_one_photo_not_an_animation():
    main, preview = upright_pattern(80, 120), upright_pattern(40, 60)
    data = saved(main, "MPO", save_all=True, append_images=[preview])
    image = open_checked(upload("DSC_0001.JPG", data))
    assert image.size == (80, 120)


def test_text_named_jpg_is_not_an_image():
    code, message = refusal("photo.jpg", b"Dear doctor, my face has been drooping since Monday.\n" * 20)
    assert code == "not_image"
    assert "JPEG, PNG, WebP or HEIC" in message


def test_empty_file_is_not_an_image():
    assert refusal("empty.png", b"")[0] == "not_image"


def test_png_over_forty_megapixels_is_refused_from_its_header():
    data = blank_png(8000, 6000)
    assert len(data) < 100_000  # tiny on disk, 48 megapixels once decoded
    code, message = refusal("scan.png", data)
    assert code == "too_many_pixels"
    assert "48 megapixels" in message


def test_pixel_count_is_checked_before_any_decoding():
    # Header says 48 megapixels, data is garbage: decoding it would report damage instead.
    assert refusal("scan.png", blank_png(8000, 6000, idat=b"not zlib at all"))[0] == "too_many_pixels"


@pytest.mark.parametrize("side", [10_000, 100_000])
def test_decompression_bombs_never_decode(side):
    # 100 megapixels trips Pillow's warning, 10 gigapixels its error; both become our refusal,
    # even when the caller's own limit is set above Pillow's.
    data = blank_png(side, side, idat=b"\x78\x9c")
    assert refusal("bomb.png", data, max_pixels=10**12)[0] == "too_many_pixels"


def test_file_over_the_size_limit_is_refused_before_reading_it():
    code, message = refusal("holiday.jpg", b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024))
    assert code == "too_large"
    assert "11.0\xa0MB" in message and "10.0\xa0MB" in message


def test_svg_is_not_accepted():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    code, message = refusal("drawing.svg", svg)
    assert code == "unsupported"
    assert "SVG" in message
    assert refusal("drawing.jpg", svg[22:])[0] == "unsupported"


@pytest.mark.parametrize(("name", "format"), [("still.gif", "GIF"), ("scan.tiff", "TIFF"), ("paint.bmp", "BMP")])
def test_other_image_formats_are_not_accepted(name, format):
    code, message = refusal(name, saved(upright_pattern(), format))
    assert code == "unsupported"
    assert format in message


def animation(format, **options):
    frames = [upright_pattern(), upright_pattern().transpose(Image.Transpose.ROTATE_180)]
    return saved(frames[0], format, save_all=True, append_images=frames[1:], duration=100, loop=0, **options)


@pytest.mark.parametrize(("name", "format"), [("wave.gif", "GIF"), ("wave.png", "PNG"), ("wave.webp", "WEBP")])
def test_animated_images_are_refused(name, format):
    code, message = refusal(name, animation(format))
    assert code == "animated"
    assert "still" in message


def test_truncated_photo_is_damaged():
    data = saved(upright_pattern(400, 300), "JPEG", quality=90)
    code, message = refusal("IMG_0043.jpg", data[: len(data) // 2])
    assert code == "damaged"
    assert "damaged" in message
    assert refusal("IMG_0044.jpg", data[:40])[0] == "damaged"


def test_message_is_translatable_and_names_the_file():
    with pytest.raises(ValidationError) as caught:
        open_checked(upload("notes.jpg", b"hello"))
    # A lazy translation string with the name as a parameter, so translators see one sentence.
    assert caught.value.params["name"] == "notes.jpg"
    assert isinstance(caught.value.message, Promise)


def s15(value):
    return struct.pack(">i", round(value * 65536))


def rgb_profile(red, green, blue):
    """A minimal ICC v2 display profile with the given colorants (D50 XYZ) and gamma 2.2."""
    description = b"test profile\0"
    tags = {
        b"desc": b"desc\0\0\0\0" + struct.pack(">I", len(description)) + description + b"\0" * 12 + b"\0" * 67,
        b"wtpt": b"XYZ \0\0\0\0" + s15(0.9642) + s15(1.0) + s15(0.8249),
        b"rXYZ": b"XYZ \0\0\0\0" + b"".join(s15(v) for v in red),
        b"gXYZ": b"XYZ \0\0\0\0" + b"".join(s15(v) for v in green),
        b"bXYZ": b"XYZ \0\0\0\0" + b"".join(s15(v) for v in blue),
        b"rTRC": b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0",
    }
    tags[b"gTRC"] = tags[b"bTRC"] = tags[b"rTRC"]
    table, data, offset = b"", b"", 128 + 4 + 12 * len(tags)
    for signature, body in tags.items():
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\0" * (-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ " + b"\0" * 12
        + b"acsp" + b"\0" * 24 + struct.pack(">I", 0) + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def test_colours_are_converted_to_srgb_with_the_embedded_profile():
    # A profile whose "red" channel is sRGB's blue colorant and whose "blue" is sRGB's red: pixels
    # stored as (255, 0, 0) under it are blue to the eye, and must be blue once converted to sRGB.
    srgb_red, srgb_green, srgb_blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    swapped = rgb_profile(srgb_blue, srgb_green, srgb_red)
    data = saved(Image.new("RGB", (16, 16), (255, 0, 0)), "PNG", icc_profile=swapped)
    result = Image.open(io.BytesIO(reencode(open_checked(upload("wide-gamut.png", data)))))
    red, green, blue = result.getpixel((8, 8))
    assert blue > 200 and red < 60, (red, green, blue)
    assert "icc_profile" not in result.info
