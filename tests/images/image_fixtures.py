"""Fixture images, drawn at test time: nothing binary is checked in.

Text is drawn with Pillow's own scalable font (``ImageFont.load_default(size)``,
a sans-serif shipped inside Pillow >= 10.1), barcodes come from zxing-cpp's
writer, GPS from Pillow's Exif API. Each drawing returns the file's bytes and,
where a test needs it, the rectangle the secret was drawn in.
"""

from __future__ import annotations

import io
import random
import struct
import zlib

import zxingcpp
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter
from PIL import ImageFont

CARD = "4111 1111 1111 1111"
AWS_KEY = "AKIAZ3MHQW7XKCY4PLDE"  # the shape of an AWS access key id; not real
WIFI = "WIFI:T:WPA;S:office;P:Summer2026!;;"
OTPAUTH = "otpauth://totp/ACME:jane?secret=JBSWY3DPEHPK3PXP&issuer=ACME&digits=6"
EPC = (
    "BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\n"
    "DE33100205000001194700\nEUR12.50\n\n\nDonation"
)


def bcbp(frequent_flyer: str = "1234567890") -> str:
    """An IATA BCBP payload (version 6, one leg) built field by field."""
    unique = "1WW6225BAC " + "0085123456003"  # 24 characters
    repeated = (
        "014" + "2345678901" + " " + "0" + "AC " + "AC " + f"{frequent_flyer:<16}"
        "" + " " + "20K" + "Y"
    )  # 42 characters
    variable = f">6{len(unique):02X}{unique}{len(repeated):02X}{repeated}"
    mandatory = (
        "M1" + f"{'DESMARAIS/LUC':<20}" + "E" + "ABC123 " + "YUL" + "FRA" + "AC "
        "0834 " + "226" + "F" + "001A" + "0025 " + "1"
    )
    return f"{mandatory}{len(variable):02X}{variable}"


BCBP = bcbp()
SCREEN = (1280, 800)
PHOTO = (1600, 1200)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def rect(box: tuple[int, int, int, int]) -> dict:
    return {
        "x": box[0],
        "y": box[1],
        "width": box[2] - box[0],
        "height": box[3] - box[1],
    }


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# ---- screenshots --------------------------------------------------------------


def card_png(size: int = 28) -> tuple[bytes, dict]:
    """The acceptance image: "card 4111 1111 1111 1111" in a 28 px sans-serif."""
    image = Image.new("RGB", (720, 120), "white")
    draw = ImageDraw.Draw(image)
    text = f"card {CARD}"
    draw.text((24, 40), text, font=font(size), fill="black")
    return encode(image, "PNG"), rect(draw.textbbox((24, 40), text, font=font(size)))


def screenshot_png(dark: bool = False) -> tuple[bytes, dict[str, dict]]:
    """A dashboard-like screenshot: title bar, sidebar, a terminal panel with an
    AWS key and a support note with a card number."""
    bg, fg, panel = (
        ("#1e1f22", "#e6e6e6", "#2b2d31") if dark else ("white", "#202124", "#f1f3f4")
    )
    image = Image.new("RGB", SCREEN, bg)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SCREEN[0], 56), fill="#3c4043" if not dark else "#111214")
    draw.text((24, 14), "Acme Console - Billing", font=font(24), fill="white")
    draw.rectangle((0, 56, 220, SCREEN[1]), fill=panel)
    for i, item in enumerate(["Overview", "Customers", "Invoices", "Settings"]):
        draw.text((24, 90 + 44 * i), item, font=font(20), fill=fg)
    rects = {}
    lines = [
        ("Deploy notes for the billing job", None),
        (f"export AWS_ACCESS_KEY_ID={AWS_KEY}", "aws"),
        ("export AWS_REGION=eu-west-1", None),
        ("", None),
        ("Customer called about a refund:", None),
        (f"card {CARD} exp 09/27", "card"),
    ]
    y = 100
    for text, name in lines:
        if text:
            draw.text((260, y), text, font=font(24), fill=fg)
            if name:
                rects[name] = rect(draw.textbbox((260, y), text, font=font(24)))
        y += 48
    draw.rectangle((260, 460, 1220, 740), outline="#9aa0a6", width=2)
    draw.text((280, 480), "Revenue this week", font=font(22), fill=fg)
    for i in range(12):
        top = 720 - 18 * (i % 7 + 2)
        draw.rectangle((290 + 70 * i, top, 330 + 70 * i, 720), fill="#4285f4")
    return encode(image, "PNG"), rects


def clean_screenshot_png() -> bytes:
    image = Image.new("RGB", SCREEN, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SCREEN[0], 56), fill="#3c4043")
    draw.text((24, 14), "Team offsite - agenda", font=font(24), fill="white")
    for i, text in enumerate(
        ["09:00 Coffee and welcome", "10:00 Roadmap review", "12:30 Lunch by the lake"]
    ):
        draw.text((80, 120 + 60 * i), text, font=font(26), fill="#202124")
    return encode(image, "PNG")


# ---- photos -------------------------------------------------------------------


def photo(size: tuple[int, int] = PHOTO, seed: int = 7) -> Image.Image:
    """Something photo-like: a sky-to-ground gradient, soft noise and blobs."""
    rng = random.Random(seed)
    width, height = size
    small = (max(1, width // 8), max(1, height // 8))
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    noise = noise.resize(size, Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(3)
    )
    sky = Image.linear_gradient("L").resize(size)
    base = Image.merge(
        "RGB",
        (
            Image.blend(sky, noise, 0.3),
            Image.blend(sky.transpose(Image.Transpose.FLIP_TOP_BOTTOM), noise, 0.4),
            Image.blend(Image.new("L", size, 170), noise, 0.35),
        ),
    )
    draw = ImageDraw.Draw(base)
    for _ in range(12):
        x, y, r = (
            rng.randrange(width),
            rng.randrange(height),
            rng.randrange(2, max(3, width // 6)),
        )
        shade = tuple(rng.randrange(40, 220) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    return base.filter(ImageFilter.GaussianBlur(2))


def gps_exif(lat=(48, 51, 29.52), lon=(2, 17, 40.2), refs=("N", "E")) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = (
        refs[0],
        tuple(map(float, lat)),
        refs[1],
        tuple(map(float, lon)),
    )
    return exif


def gps_jpeg(size: tuple[int, int] = PHOTO) -> bytes:
    exif = gps_exif()
    exif[0x010F], exif[0x0110] = "Acme", "Phone 12"
    return encode(photo(size), "JPEG", quality=88, exif=exif)


def clean_jpeg(size: tuple[int, int] = PHOTO, seed: int = 7) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Acme", "Phone 12"
    return encode(photo(size, seed), "JPEG", quality=88, exif=exif)


# ---- barcodes -----------------------------------------------------------------


def code_image(text: str, fmt, scale: int = 6) -> Image.Image:
    drawn = zxingcpp.create_barcode(text, fmt).to_image(scale=scale)
    height, width = drawn.shape[:2]
    return Image.frombuffer(
        "L", (width, height), bytes(memoryview(drawn)), "raw", "L", 0, 1
    )


def code_png(
    text: str, fmt=zxingcpp.BarcodeFormat.QRCode, scale: int = 6
) -> tuple[bytes, dict]:
    """A code placed on a photo-like card, as a phone picture of it would be."""
    code = code_image(text, fmt, scale)
    canvas = Image.new(
        "RGB", (max(640, code.width + 160), max(480, code.height + 160)), "#fafafa"
    )
    at = (80, 80)
    canvas.paste(code, at)
    return encode(canvas, "PNG"), rect(
        (at[0], at[1], at[0] + code.width, at[1] + code.height)
    )


# ---- bad input ----------------------------------------------------------------


def truncated_jpeg() -> bytes:
    data = encode(photo((800, 600)), "JPEG", quality=90)
    return data[: len(data) // 2]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body))
    )


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A valid PNG header for a huge grey image: a few dozen bytes, never drawn."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def animated_gif(frames: int = 3, text_frame: int | None = None) -> bytes:
    pictures = []
    for i in range(frames):
        frame = Image.new("RGB", (480, 160), (240, 240 - 10 * (i % 10), 230))
        draw = ImageDraw.Draw(frame)
        text = f"card {CARD}" if i == text_frame else f"frame {i}"
        draw.text((20, 60), text, font=font(28), fill="black")
        pictures.append(frame)
    return encode(
        pictures[0],
        "GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=100,
        loop=0,
    )


def heic_with_gps() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return encode(photo((640, 480)), "HEIF", exif=gps_exif().tobytes(), quality=80)
