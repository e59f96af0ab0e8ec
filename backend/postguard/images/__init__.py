"""Image analysis for attachments: personal metadata, barcodes and the text in
the picture, each finding mapped to where it is. Pure of Flask.

analysis = analyze_image(data, scanner, locale="en-GB", budget_ms=4000)
analysis.findings[0]["type"], analysis.findings[0]["box"]
"""

import logging

from .analyze import ImageAnalysis
from .analyze import analyze_image
from .load import ImageError
from .ocr import ocr_status

# Pillow's debug log quotes metadata values (an EXIF Artist, a serial number):
# it stays off wherever images are analysed, even with debug logging on.
logging.getLogger("PIL").setLevel(logging.INFO)

__all__ = ["ImageAnalysis", "ImageError", "analyze_image", "ocr_status"]
