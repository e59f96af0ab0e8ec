"""Write a file so that a crash leaves either the old or the new one, never a mix."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def write_atomic(path: str | Path, data: bytes, mode: int = 0o644) -> None:
    """Temp file in the same folder, fsync, rename over ``path``, fsync the folder."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(
        dir=path.parent, prefix=_temp_prefix(path), suffix=TEMP_SUFFIX
    )
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def remove_leftovers(path: str | Path) -> int:
    """Delete the temp files of writes to ``path`` that a crash (kill -9, power
    loss) cut short; returns how many. Call it before this process writes
    ``path``: a writer running at the same time would lose its temp file."""
    path = Path(path)
    prefix = _temp_prefix(path)
    removed = 0
    try:
        entries = list(os.scandir(path.parent))
    except FileNotFoundError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # gone already, or not ours to delete: writes still work
    return removed
