"""Open an image from its bytes: the format is sniffed from the bytes (never a
file name), Pillow's decompression-bomb guard stays on, and every failure is an
``ImageError`` with a fixed code and wording (never the image's content).

A truncated or damaged file is ``corrupt_image``: Pillow is not asked to fill in
what is missing, so nothing is ever analysed from half a picture and called
complete.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image
from PIL import ImageOps
from PIL import UnidentifiedImageError

try:  # HEIC/HEIF (iPhone photos): pillow-heif registers a Pillow plugin
    import pillow_heif
except ImportError:  # pragma: no cover - a dependency, but the service still runs
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

# Our format name -> Pillow's, for formats we analyse.
PIL_FORMATS = {
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
    "tiff": "TIFF",
    "bmp": "BMP",
    "heif": "HEIF",
    "avif": "AVIF",
}
# Frames past the first that an animation gets analysed for (evenly spread).
MAX_EXTRA_FRAMES = 7

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

MESSAGES = {
    "not_an_image": "The file is not an image.",
    "unsupported_format": "This image format cannot be checked.",
    "corrupt_image": "The image is damaged or incomplete and cannot be checked.",
    "too_many_pixels": "The image has too many pixels to be checked safely.",
}


class ImageError(Exception):
    """An image that cannot be analysed; ``code`` says why in a word."""

    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES[code])
        self.code = code
        self.message = MESSAGES[code]


def sniff(data: bytes) -> str | None:
    """Our format name from the first bytes; "other" for an image format we do
    not analyse; None when the bytes are no image we know."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM" and len(data) > 26:
        return "bmp"
    if head[4:8] == b"ftyp":
        brands = {head[8:12], *(head[i : i + 4] for i in range(16, 32, 4))}
        if brands & _AVIF_BRANDS:
            return "avif"
        if brands & _HEIF_BRANDS:
            return "heif" if pillow_heif is not None else "other"
        return None  # an MP4 or a QuickTime film
    if _other_image(head):
        return "other"
    return None


def _other_image(head: bytes) -> bool:
    """Image formats we recognise but do not analyse (so the answer is
    unsupported_format, not not_an_image)."""
    starts = (
        b"\xff\x0a",  # JPEG XL codestream
        b"\x00\x00\x00\x0cJXL ",  # JPEG XL container
        b"\x00\x00\x00\x0cjP  ",  # JPEG 2000
        b"8BPS",  # Photoshop
        b"\x00\x00\x01\x00",  # Windows icon
        b"II\xbc",  # JPEG XR
    )
    if head.startswith(starts):
        return True
    text = head.lstrip().lower()
    return text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"svg" in text)


@dataclass
class Loaded:
    image: Image.Image  # the first frame, as Pillow opened it (metadata intact)
    format: str
    frames: int

    @property
    def size(self) -> tuple[int, int]:
        """Width and height as shown, after the EXIF orientation."""
        width, height = self.image.size
        if self.orientation in (5, 6, 7, 8):
            return height, width
        return width, height

    @property
    def orientation(self) -> int:
        try:
            return int(self.image.getexif().get(0x0112, 1))
        except (TypeError, ValueError):
            return 1


def open_image(data: bytes) -> Loaded:
    """Open and fully decode the first frame, or raise ImageError."""
    kind = sniff(data)
    if kind is None:
        raise ImageError("not_an_image")
    if kind == "other":
        raise ImageError("unsupported_format")
    with warnings.catch_warnings():
        # Past MAX_IMAGE_PIXELS Pillow only warns (past twice that it raises):
        # both are refused here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]])
            _check_pixels(image)
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageError("too_many_pixels") from None
        except UnidentifiedImageError:
            raise ImageError("corrupt_image") from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error):
            raise ImageError("corrupt_image") from None
    frames = int(getattr(image, "n_frames", 1) or 1)
    return Loaded(image, kind, frames)


def _check_pixels(image: Image.Image) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageError("corrupt_image")
    if limit is not None and width * height > limit:
        raise ImageError("too_many_pixels")


def frame_numbers(frames: int) -> list[int]:
    """The frames analysed: the first and at most MAX_EXTRA_FRAMES more, spread
    evenly over the animation."""
    if frames <= 1 + MAX_EXTRA_FRAMES:
        return list(range(frames))
    step = (frames - 1) / MAX_EXTRA_FRAMES
    return [0, *sorted({round(step * i) for i in range(1, MAX_EXTRA_FRAMES + 1)})]


def shown_frames(loaded: Loaded, numbers: list[int]) -> Iterator[Image.Image]:
    """Each frame asked for, as RGB and turned as the EXIF orientation says; a
    frame that fails to decode raises ImageError("corrupt_image")."""
    image = loaded.image
    for number in numbers:
        try:
            if loaded.frames > 1:  # an earlier pass may have left it elsewhere
                image.seek(number)
                image.load()
            frame = image.convert("RGB") if image.mode != "RGB" else image.copy()
        except (OSError, ValueError, EOFError):
            raise ImageError("corrupt_image") from None
        if loaded.orientation != 1:
            frame = ImageOps.exif_transpose(frame) or frame
        yield frame
