"""An inter-process lock on a lock file: the operating system's own, on POSIX.

On POSIX this is ``fcntl.flock`` on an open lock file — the lock the kernel drops when
the process ends, however it ends (a killed perf-xl never leaves the file locked). It is
what filelock's UnixFileLock does; taken directly because importing filelock pulls in
logging, platform and secrets (about a fifth of an update's start-up on the example).
On Windows, where the equivalent (``msvcrt.locking``) has more corners, filelock does it.
"""

from __future__ import annotations

import os
import time


class LockTimeout(Exception):
    """The lock stayed taken for the whole timeout."""


class FileLock:
    """An exclusive lock on ``path`` (created when missing), re-entrant in this process."""

    POLL = 0.05  # seconds between attempts while another process holds it

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0
        self._windows = None
        if os.name == "nt":  # pragma: no cover - Windows only
            from filelock import FileLock as _WindowsLock

            self._windows = _WindowsLock(path)

    @property
    def is_locked(self) -> bool:
        if self._windows is not None:  # pragma: no cover - Windows only
            return self._windows.is_locked
        return self._depth > 0

    def acquire(self, timeout: float) -> None:
        if self._windows is not None:  # pragma: no cover - Windows only
            from filelock import Timeout

            try:
                self._windows.acquire(timeout=timeout)
            except Timeout:
                raise LockTimeout(self.path) from None
            return
        if self._depth:
            self._depth += 1
            return
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(self.path) from None
                    time.sleep(self.POLL)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._depth = fd, 1

    def release(self, force: bool = False) -> None:
        """One release per acquire; ``force``: all of them at once."""
        if self._windows is not None:  # pragma: no cover - Windows only
            self._windows.release(force=force)
            return
        if not self._depth:
            return
        self._depth = 0 if force else self._depth - 1
        if self._depth == 0 and self._fd is not None:
            import fcntl

            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __del__(self) -> None:  # (a lock dropped unreleased is released, as filelock does)
        if self._fd is not None:
            self.release(force=True)
