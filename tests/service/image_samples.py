"""Image files for the image endpoint's tests, drawn at test time (imported by
name, like service_support). Text is drawn in Pillow's own scalable sans-serif
font, GPS written with Pillow's Exif API; nothing binary is checked in."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

CARD = "4111 1111 1111 1111"
# A word that no rule finds and that must never leave the service.
CANARY_WORD = "Zqxwvkjhtrplm"
# Where the GPS sample says it was taken (the Eiffel Tower): as EXIF rationals,
# and the decimal digits that must never show up anywhere.
GPS_LAT = (48.0, 51.0, 29.6)
GPS_LON = (2.0, 17.0, 40.2)
GPS_DIGITS = ("48.858", "2.294", "29.6", "40.2")
OWNER = "Quentin Zebulon Marchetti"
SERIAL = "SN7749201QX"


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def screenshot(*lines: str, size=(1280, 800), fmt: str = "PNG") -> bytes:
    """A white, screenshot-like picture with ``lines`` in 28 px sans-serif."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    for n, line in enumerate(lines):
        draw.text((60, 60 + 60 * n), line, fill="black", font=font)
    return _encode(image, fmt)


def photo(size=(1024, 768), seed: int = 7) -> Image.Image:
    """A photo-like picture: smooth colour blocks, no text, no code."""
    rng = random.Random(seed)
    small = Image.new("RGB", (16, 12))
    small.putdata(
        [tuple(rng.randrange(40, 220) for _ in range(3)) for _ in range(16 * 12)]
    )
    return small.resize(size, Image.Resampling.BICUBIC)


def clean_jpeg() -> bytes:
    return _encode(photo(), "JPEG", quality=85)


def gps_jpeg() -> bytes:
    """A photo whose EXIF records where it was taken."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: GPS_LAT, 3: "E", 4: GPS_LON}
    return _encode(photo(), "JPEG", quality=85, exif=exif)


def owned_jpeg() -> bytes:
    """A photo with GPS, its owner's name and the camera's serial number."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: GPS_LAT, 3: "E", 4: GPS_LON}
    exif[0x013B] = OWNER  # Artist
    exif[0x8769] = {0xA430: OWNER, 0xA431: SERIAL}  # CameraOwnerName, BodySerial
    return _encode(photo(), "JPEG", quality=85, exif=exif)


def truncated_jpeg() -> bytes:
    data = clean_jpeg()
    return data[: len(data) // 2]


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG that claims 50,000 x 50,000 pixels (2.5 gigapixels) in a few bytes:
    its header is all a decoder needs to refuse it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * 64
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * 4))
        + _chunk(b"IEND", b"")
    )


def padded_png(total: int) -> bytes:
    """A small, valid PNG of exactly ``total`` bytes: a private ancillary chunk
    (which decoders skip) carries the padding."""
    image = _encode(photo((320, 200)), "PNG")
    head, rest = image[:33], image[33:]  # the signature and IHDR, then the rest
    padding = total - len(image) - 12
    return head + _chunk(b"prVt", b"\x00" * padding) + rest
