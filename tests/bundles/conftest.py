"""Fixtures for signed bundles: fresh real Ed25519 keys."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def other_key():
    return Ed25519PrivateKey.generate()
