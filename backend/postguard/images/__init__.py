"""Image analysis for attachments: personal metadata, barcodes and the text in
the picture, each finding mapped to where it is. Pure of Flask.

analysis = analyze_image(data, scanner, locale="en-GB", budget_ms=4000)
analysis.findings[0]["type"], analysis.findings[0]["box"]
"""

from .analyze import ImageAnalysis
from .analyze import analyze_image
from .load import ImageError
from .ocr import ocr_status

__all__ = ["ImageAnalysis", "ImageError", "analyze_image", "ocr_status"]
