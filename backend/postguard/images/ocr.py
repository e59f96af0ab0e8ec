"""Text in the image: Tesseract (through pytesseract) reads word boxes; the
words are put back together in reading order, one line per line and a blank
line between blocks, and each word remembers its box so a finding's
[start, end) maps back to the union of its words' boxes.

The frames of an animation are stacked into one picture, so Tesseract starts
once. Tesseract runs as a subprocess (pytesseract), which a timeout can kill
and which does not hold up the service's gevent loop; pytesseract hands it the
picture in a temporary file, deleted at once, written as uncompressed PGM (a
4-megapixel PNG took 1.2 s to write).

Nothing read here is logged or put in an error: exceptions say only what went
wrong (missing, timed out, failed).
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass

import pytesseract
from PIL import Image
from PIL import ImageOps
from PIL import ImageStat

from .findings import box_of

# Tesseract's OpenMP threads cost more than they give here: on two cores a
# screenshot took 2.7 s with them and 1.1 s without. An admin's own value wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Tesseract splits and joins digit groups of small screen fonts ("4111 1111"
# read as "41111111") unless they are enlarged: screen-sized pictures are read
# at 1.5x (2x when small), which got 14-36 px fonts right where 1x failed below
# 24 px. Photos are reduced to 3 megapixels (noise costs Tesseract time).
SCREEN_SIDE = 2000  # longest side, px, up to which a picture counts as a screen
SMALL_SIDE = 1000
MAX_PHOTO_PIXELS = 3_000_000
MAX_SHEET_PIXELS = 8_000_000
FRAME_GAP = 24  # px of white between stacked frames
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
    width: int  # of one frame
    height: int
    pitch: float = 0.0  # px from one stacked frame's top to the next one's

    def box_for(self, start: int, end: int) -> dict | None:
        """The union box of the words that [start, end) touches, in the pixels
        of the frame the first of them is in."""
        boxes = [w.box for w in self.words if w.start < end and start < w.end]
        if not boxes:
            return None
        top = min(b[1] for b in boxes)
        shift = (top // self.pitch) * self.pitch if self.pitch else 0.0
        return box_of(
            min(b[0] for b in boxes),
            top - shift,
            max(b[2] for b in boxes),
            max(b[3] for b in boxes) - shift,
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


def _dark_on_light(frame: Image.Image) -> Image.Image:
    gray = frame.convert("L")
    if ImageStat.Stat(gray).mean[0] < DARK_MEAN:  # dark mode
        gray = ImageOps.invert(gray)
    return gray


def scale_for(frame_size: tuple[int, int], frames: int = 1) -> float:
    """How much to enlarge (or reduce) each frame before Tesseract reads it."""
    width, height = frame_size
    pixels = width * height * frames
    if max(frame_size) < SMALL_SIDE:
        scale = 2.0
    elif max(frame_size) <= SCREEN_SIDE:
        scale = 1.5
    else:
        scale = min(1.0, (MAX_PHOTO_PIXELS / pixels) ** 0.5)
    if pixels * scale * scale > MAX_SHEET_PIXELS:
        scale = (MAX_SHEET_PIXELS / pixels) ** 0.5
    return scale


def prepared(frames: list[Image.Image]) -> tuple[Image.Image, float, float]:
    """One grey, dark-on-light picture to read: the frame resized by
    ``scale_for``, or the frames one under the other; its scale and the pitch
    (px between stacked frames' tops, in the frames' own pixels; 0 for one).

    Stacked frames each get their own contrast stretch: with Tesseract's one
    threshold for the sheet, frames whose background differed were lost
    (measured on a GIF whose frames change colour); binarising them instead
    joined digit groups ("1111 1111" read as "11111111")."""
    width, height = frames[0].size
    scale = scale_for((width, height), len(frames))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    grays = []
    for frame in frames:
        gray = _dark_on_light(frame)
        if scale != 1.0:
            gray = gray.resize(size, Image.Resampling.BICUBIC)
        if len(frames) > 1:
            gray = ImageOps.autocontrast(gray, cutoff=1)
        grays.append(gray)
    if len(grays) == 1:
        sheet, pitch = grays[0], 0.0
    else:
        gap = round(FRAME_GAP * scale)
        sheet = Image.new("L", (size[0], (size[1] + gap) * len(grays) - gap), 255)
        for number, gray in enumerate(grays):
            sheet.paste(gray, (0, number * (size[1] + gap)))
        pitch = (size[1] + gap) / scale
    sheet.format = "PPM"  # what pytesseract writes for Tesseract: PGM, fast
    return sheet, scale, pitch


def read_text(
    frames: list[Image.Image], *, timeout_s: float, lang: str = "eng"
) -> ReadText:
    """The frames' text (frames of one size, stacked) with word boxes in the
    frames' pixels."""
    image, scale, pitch = prepared(frames)
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
    return assemble(data, scale, frames[0].size, pitch)


def assemble(
    data: dict, scale: float, size: tuple[int, int], pitch: float = 0.0
) -> ReadText:
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
    return ReadText("".join(parts), tuple(words), size[0], size[1], pitch)
