"""Fixtures for the image analysers: the service's own scanner and Tesseract.

Tests that read text need Tesseract (Debian's tesseract-ocr). They skip only
on a dev box without it; with ``CI`` set they fail instead (scripts/test
installs it), like the PostgreSQL and Firefox suites.
"""

from __future__ import annotations

import os

import pytest

from postguard.engine import Engine
from postguard.images import ocr_status
from postguard.paragraph_cache import DraftScanner


@pytest.fixture(scope="session")
def scanner():
    return DraftScanner(Engine.load())


@pytest.fixture(scope="session")
def tesseract():
    status = ocr_status()
    if not status["available"]:
        if os.environ.get("CI"):
            pytest.fail("Tesseract is required in CI: `tesseract` did not run")
        pytest.skip("no Tesseract here; scripts/test installs it (tesseract-ocr)")
    return status
