"""Damaged files get an ImageError or an analysis, never another exception."""

import random

import pytest
from image_fixtures import WIFI
from image_fixtures import animated_gif
from image_fixtures import code_png
from image_fixtures import encode
from image_fixtures import gps_exif
from image_fixtures import heic_with_gps
from image_fixtures import photo

from postguard.images import ImageAnalysis
from postguard.images import ImageError
from postguard.images import analyze_image


def seeds():
    return {
        "jpeg": encode(photo((160, 120)), "JPEG", exif=gps_exif()),
        "png": code_png(WIFI, scale=3)[0],
        "gif": animated_gif(3),
        "webp": encode(photo((160, 120)), "WEBP", exif=gps_exif()),
        "tiff": encode(photo((64, 48)), "TIFF"),
        "heif": heic_with_gps(),
    }


@pytest.mark.parametrize("kind", ["jpeg", "png", "gif", "webp", "tiff", "heif"])
def test_flipped_and_cut_bytes(scanner, kind):
    original = seeds()[kind]
    rng = random.Random(kind)
    for _ in range(25):
        data = bytearray(original)
        for _ in range(rng.randrange(1, 12)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            del data[rng.randrange(len(data)) :]
        try:
            result = analyze_image(bytes(data), scanner, ocr=False, budget_ms=20_000)
        except ImageError as exc:
            assert exc.code in {
                "not_an_image",
                "unsupported_format",
                "corrupt_image",
                "too_many_pixels",
            }
        else:
            assert isinstance(result, ImageAnalysis)
