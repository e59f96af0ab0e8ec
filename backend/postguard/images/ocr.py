"""Text in the image: Tesseract (through pytesseract) reads word boxes; the
words are put back together in reading order, one line per line and a blank
line between blocks, and each word remembers its box so a finding's
[start, end) maps back to the union of its words' boxes.

Nothing read here is logged or put in an error: exceptions say only what went
wrong (missing, timed out, failed).
"""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass

import pytesseract
from PIL import Image
from PIL import ImageOps
from PIL import ImageStat

from .findings import box_of

# Tesseract reads text best at a cap height of ~20-40 px: small screenshots are
# enlarged, big photos reduced (which also keeps a 12-megapixel photo in budget).
UPSCALE_BELOW = 1400  # longest side, px
MAX_OCR_PIXELS = 4_000_000
DARK_MEAN = 110  # mean grey level below which the picture is "dark mode"
# BCP-47 language -> Tesseract's traineddata name, used when installed.
TESSERACT_LANGS = {
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "it": "ita",
    "nl": "nld",
    "pt": "por",
    "pl": "pol",
    "sv": "swe",
    "da": "dan",
    "fi": "fin",
}
_VERSION = re.compile(r"tesseract\s+v?(\d+(?:\.\d+)*)", re.I)


class OcrUnavailable(Exception):
    """Tesseract is not installed (or not runnable)."""


class OcrTimeout(Exception):
    """Tesseract ran out of the time it was given."""


class OcrFailed(Exception):
    """Tesseract ran but failed."""


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    box: tuple[float, float, float, float]  # left, top, right, bottom (image px)


@dataclass(frozen=True)
class ReadText:
    text: str
    words: tuple[Word, ...]
    width: int
    height: int

    def box_for(self, start: int, end: int) -> dict | None:
        """The union box of the words that [start, end) touches."""
        boxes = [w.box for w in self.words if w.start < end and start < w.end]
        if not boxes:
            return None
        return box_of(
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
            self.width,
            self.height,
        )


_status_lock = threading.Lock()
_status_cache: dict[str, dict] = {}


def ocr_status() -> dict:
    """``{"available", "engine", "languages"}`` for the Tesseract that
    pytesseract would run; asked once per command path, then cached."""
    command = str(pytesseract.pytesseract.tesseract_cmd)
    with _status_lock:
        cached = _status_cache.get(command)
    if cached is not None:
        return dict(cached)
    status: dict = {"available": False, "engine": None, "languages": []}
    try:
        version = subprocess.run(
            [command, "--version"], capture_output=True, timeout=10, check=False
        )
        langs = subprocess.run(
            [command, "--list-langs"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        pass
    else:
        found = _VERSION.search(version.stdout.decode("utf-8", "replace"))
        names = [
            line.strip()
            for line in langs.stdout.decode("utf-8", "replace").splitlines()[1:]
            if re.fullmatch(r"[A-Za-z0-9_+\-]+", line.strip())
        ]
        if version.returncode == 0 and found and names:
            status = {
                "available": True,
                "engine": f"tesseract {found.group(1)}",
                "languages": sorted(n for n in names if n != "osd"),
            }
    with _status_lock:
        _status_cache[command] = status
    return dict(status)


def languages_for(locale: str | None, installed: list[str]) -> str:
    """English, plus the locale's language when its data is installed."""
    wanted = ["eng"] if "eng" in installed or not installed else [installed[0]]
    language = (locale or "").replace("_", "-").split("-")[0].lower()
    extra = TESSERACT_LANGS.get(language)
    if extra and extra in installed and extra not in wanted:
        wanted.append(extra)
    return "+".join(wanted)


def prepared(frame: Image.Image) -> tuple[Image.Image, float]:
    """A grey, dark-on-light, suitably sized copy, and its scale factor."""
    gray = frame.convert("L")
    if ImageStat.Stat(gray).mean[0] < DARK_MEAN:
        gray = ImageOps.invert(gray)
    width, height = gray.size
    scale = 1.0
    if max(width, height) < UPSCALE_BELOW:
        scale = 2.0
    if width * height * scale * scale > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / (width * height)) ** 0.5
    if scale != 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = gray.resize(size, Image.Resampling.BICUBIC)
    return gray, scale


def read_text(frame: Image.Image, *, timeout_s: float, lang: str = "eng") -> ReadText:
    """The frame's text with word boxes in the frame's pixels."""
    image, scale = prepared(frame)
    try:
        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=max(timeout_s, 0.01),
        )
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout from None
        raise OcrFailed from None
    except (pytesseract.TesseractError, OSError, ValueError):
        raise OcrFailed from None
    return assemble(data, scale, frame.size)


def assemble(data: dict, scale: float, size: tuple[int, int]) -> ReadText:
    """Text and word offsets from image_to_data's columns (reading order)."""
    parts: list[str] = []
    words: list[Word] = []
    length = 0
    last_block = last_line = None
    for i, raw in enumerate(data["text"]):
        word = (raw or "").strip()
        if not word or int(float(data["conf"][i])) < 0:
            continue
        block = (data["page_num"][i], data["block_num"][i])
        line = (*block, data["par_num"][i], data["line_num"][i])
        if parts:
            gap = "\n" if block == last_block else "\n\n"
            gap = " " if line == last_line else gap
            parts.append(gap)
            length += len(gap)
        left, top = data["left"][i] / scale, data["top"][i] / scale
        right = (data["left"][i] + data["width"][i]) / scale
        bottom = (data["top"][i] + data["height"][i]) / scale
        words.append(Word(length, length + len(word), (left, top, right, bottom)))
        parts.append(word)
        length += len(word)
        last_block, last_line = block, line
    return ReadText("".join(parts), tuple(words), size[0], size[1])
