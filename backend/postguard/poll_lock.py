"""Which of a service's processes polls central: the one holding a lock file.

gunicorn may run several workers of one service, and overlaps old and new ones on
a reload; they share HOME. An exclusive ``flock`` on a file there picks one. The
kernel drops it when its holder exits, however it exits (kill -9 included), so
another worker that tries again takes over.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no gunicorn either, so one process serves
    fcntl = None  # type: ignore[assignment]


class PollLock:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._pid: int | None = None

    def acquire(self) -> bool:
        """True if this process holds the lock, taking it now if it is free.
        Never waits."""
        if self._fd is not None:
            if self._pid == os.getpid():
                return True
            # Inherited across a fork: the parent's lock, not ours. Closing our
            # copy leaves the parent's lock in place.
            os.close(self._fd)
            self._fd = None
        if fcntl is None:
            return True
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._pid = fd, os.getpid()
        # Who polls, for a person (or a test) looking: the file's content only;
        # the lock is the flock.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{self._pid}\n".encode(), 0)
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # the lock drops with its last open descriptor
        self._fd = self._pid = None
