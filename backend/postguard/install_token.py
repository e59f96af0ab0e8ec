"""The per-install token: 256 random bits in a file only the user can read.

Any local process or web page can reach 127.0.0.1, so the extension proves itself
with this token; it is created on the first ``postguard serve`` and shown again by
``postguard token``.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

TOKEN_BYTES = 32


class TokenError(Exception):
    """The token file exists but cannot be used."""


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        # Readable by others: tighten it rather than serve with a shared secret.
        os.chmod(path, 0o600)
    token = path.read_text(encoding="ascii").strip()
    if len(token) < 32:
        raise TokenError(
            f"{path} does not hold a valid token; delete it and run "
            "`postguard serve` again to create a new one"
        )
    return token


def ensure_token(path: str | os.PathLike) -> tuple[str, bool]:
    """Return ``(token, created)``, creating the file (mode 0600) on first use."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        # O_EXCL: two first starts at once must not end up with two tokens.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path), False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return token, True
