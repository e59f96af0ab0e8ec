"""Opening images: formats from the bytes, the bomb guard, and a clear answer
for every bad file."""

import io

import pytest
from image_fixtures import animated_gif
from image_fixtures import encode
from image_fixtures import heic_with_gps
from image_fixtures import photo
from image_fixtures import png_bomb
from image_fixtures import truncated_jpeg
from PIL import Image

from postguard.images import ImageError
from postguard.images import analyze_image
from postguard.images.load import MESSAGES
from postguard.images.load import frame_numbers
from postguard.images.load import open_image
from postguard.images.load import sniff


def small(fmt: str, **options) -> bytes:
    return encode(photo((64, 48)), fmt, **options)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("JPEG", "jpeg"),
        ("PNG", "png"),
        ("GIF", "gif"),
        ("WEBP", "webp"),
        ("TIFF", "tiff"),
        ("BMP", "bmp"),
    ],
)
def test_the_format_comes_from_the_bytes(fmt, name):
    loaded = open_image(small(fmt))
    assert loaded.format == name and loaded.size == (64, 48)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # A text file someone named shot.png: the name is never looked at.
        (b"card 4111 1111 1111 1111 in a text file\n", "not_an_image"),
        (b"", "not_an_image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not_an_image"),
        # An MP4 shares HEIF's box layout but is a film.
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "not_an_image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "unsupported_format"),
        (b"\xff\x0a\xfa\x7f\x01\x00", "unsupported_format"),  # JPEG XL
        (b"8BPS\x00\x01" + b"\x00" * 30, "unsupported_format"),  # Photoshop
    ],
)
def test_files_that_are_not_images_we_check(data, code):
    with pytest.raises(ImageError) as caught:
        open_image(data)
    assert caught.value.code == code
    assert caught.value.message == MESSAGES[code]


def test_a_truncated_jpeg_is_corrupt_not_half_checked(scanner):
    with pytest.raises(ImageError) as caught:
        analyze_image(truncated_jpeg(), scanner)
    assert caught.value.code == "corrupt_image"


def test_a_broken_png_is_corrupt():
    data = bytearray(small("PNG"))
    data[40:60] = b"\x00" * 20
    with pytest.raises(ImageError) as caught:
        open_image(bytes(data))
    assert caught.value.code == "corrupt_image"


def test_a_50000_pixel_square_png_is_refused_before_it_is_drawn(scanner):
    bomb = png_bomb()
    assert len(bomb) < 200  # the header only: nothing of 2.5 gigapixels exists
    with pytest.raises(ImageError) as caught:
        analyze_image(bomb, scanner)
    assert caught.value.code == "too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's guard stays on


def test_just_past_the_guard_is_refused_too():
    # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns.
    side = int(Image.MAX_IMAGE_PIXELS**0.5) + 10
    with pytest.raises(ImageError) as caught:
        open_image(png_bomb(side, side))
    assert caught.value.code == "too_many_pixels"


def test_an_animation_gets_its_first_frame_and_a_bounded_spread():
    assert frame_numbers(1) == [0]
    assert frame_numbers(5) == [0, 1, 2, 3, 4]
    many = frame_numbers(200)
    assert many[0] == 0 and many[-1] == 199 and len(many) == 8
    loaded = open_image(animated_gif(3))
    assert loaded.format == "gif" and loaded.frames == 3


def test_heic_opens_with_its_exif():
    loaded = open_image(heic_with_gps())
    assert loaded.format == "heif" and loaded.size == (640, 480)
    assert loaded.image.getexif().get_ifd(0x8825)


def test_the_size_is_as_shown_after_the_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # turned 90 degrees: a portrait taken holding the phone
    loaded = open_image(encode(photo((80, 40)), "JPEG", exif=exif))
    assert loaded.size == (40, 80)


def test_sniffing_never_needs_more_than_the_first_bytes():
    assert sniff(small("PNG")[:32]) == "png"
    assert sniff(io.BytesIO(small("JPEG")).read(3)) == "jpeg"
