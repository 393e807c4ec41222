"""Atomic file replacement: write a temporary file beside the target, then os.replace.

On any error the temporary file is removed and the original is left exactly as it was.

One writer at a time (「锁与并发」):

- :func:`begin_update` is called before a workbook is read for an in-place update. It
  refuses a file another program has open (Excel's ``~$Name.xlsm``, LibreOffice's
  ``.~lock.Name.xlsm#``; ``force`` overrides), a read-only file, a file with several hard
  links and anything that is not a regular file; it takes an inter-process lock (the OS lock,
  perf_xl.oslock, held until the update ends) and records the file's identity (device, inode, size,
  modification time).
- :func:`atomic_target` writes through a symbolic link to its target, holds the same lock
  while it writes, removes temporary files a killed run left behind, and just before
  ``os.replace`` compares the file's identity with the one recorded when it was read: a
  change made meanwhile (another program saved it) is never overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import stat
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PerfXLError

LOCK_TIMEOUT = 30.0  # seconds to wait for another perf-xl updating the same file
_TEMP_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile's names: 8 of these


# -- what is in the way of a write ---------------------------------------------------------
def resolve(path: str | Path) -> Path:
    """The file a write to ``path`` must change: a symbolic link's final target."""
    p = Path(path)
    if p.is_symlink():
        return Path(os.path.realpath(p))
    return p


def office_lock_files(path: str | Path) -> list[Path]:
    """The lock files of an Excel/WPS (``~$Name.xlsm``) or LibreOffice (``.~lock.Name.xlsm#``)
    that has ``path`` open."""
    p = Path(path)
    names = (f"~${p.name}", f".~lock.{p.name}#")
    return [p.with_name(n) for n in names if os.path.lexists(p.with_name(n))]


OPEN_ELSEWHERE = "文件正被其他程序打开（{lock}），请先在该程序中关闭它，或使用 --force 仍然写入"


def check_replaceable(path: str | Path, *, force: bool = False) -> os.stat_result | None:
    """Refuse to replace ``path`` when that would lose something; its stat (None if new)."""
    target = Path(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PerfXLError(f"无法访问文件：{exc.strerror or exc}", path=str(target)) from None
    if stat.S_ISDIR(st.st_mode):
        raise PerfXLError("这是一个文件夹，不能写入", path=str(target))
    if not stat.S_ISREG(st.st_mode):
        raise PerfXLError("这不是普通文件（管道、设备或套接字），不能写入", path=str(target))
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PerfXLError("文件是只读的：请先取消只读属性（或另存一份）再更新", path=str(target))
    if st.st_nlink > 1:
        raise PerfXLError(f"文件有 {st.st_nlink} 个硬链接：替换它会使其他链接仍指向旧内容，"
                          "请先复制为独立文件再更新", path=str(target))
    if not force:
        locks = office_lock_files(target)
        if locks:
            raise PerfXLError(OPEN_ELSEWHERE.format(lock=locks[0].name), path=str(target))
    return st


@dataclass(frozen=True)
class Identity:
    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def identity(path: str | Path) -> Identity | None:
    try:
        return Identity.of(os.stat(path))
    except FileNotFoundError:
        return None


# -- the inter-process lock ------------------------------------------------------------------
def _lock_path(target: Path) -> Path | None:
    """A lock file per workbook in the system's temp folder (not beside the user's file)."""
    folder = Path(tempfile.gettempdir()) / "perf-xl-locks"
    try:
        folder.mkdir(mode=0o1777, exist_ok=True)
    except OSError:
        return None
    # (two checksums of the path, not a cryptographic hash: hashlib's OpenSSL costs every
    # command ~4 ms of start-up, and two paths sharing a lock only wait for each other)
    name = os.path.normcase(os.path.abspath(target)).encode("utf-8")
    key = f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}{len(name):04x}"
    return folder / f"{key}.lock"


class _Lock:
    """The OS lock on one target's lock file (perf_xl.oslock), re-entrant within this process."""

    def __init__(self, target: Path, timeout: float) -> None:
        from .oslock import FileLock

        where = _lock_path(target)
        self._lock = FileLock(str(where)) if where is not None else None
        self.target = target
        self.timeout = timeout

    def acquire(self) -> None:
        if self._lock is None:
            return
        from .oslock import LockTimeout

        try:
            self._lock.acquire(timeout=self.timeout)
        except LockTimeout:
            raise PerfXLError(f"另一个 perf-xl 正在更新此文件，等待 {self.timeout:.0f} 秒后仍未结束，"
                              "请稍后再试", path=str(self.target)) from None
        except OSError:
            self._lock = None  # a lock folder we cannot use: the identity check still holds

    def release(self) -> None:
        # (force: an update's guard took it once, and atomic_target again for each save)
        if self._lock is not None and self._lock.is_locked:
            self._lock.release(force=True)


@dataclass
class UpdateGuard:
    """An update in progress: the lock held and the identity of the file as it was read."""

    path: Path
    target: Path
    identity: Identity | None
    force: bool
    lock: _Lock

    def release(self) -> None:
        _GUARDS.pop(_key(self.target), None)
        self.lock.release()

    def __enter__(self) -> UpdateGuard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_GUARDS: dict[str, UpdateGuard] = {}


def release_all() -> None:
    """End every update of this process (the CLI calls it when a command returns)."""
    for guard in list(_GUARDS.values()):
        guard.release()


def _key(target: Path) -> str:
    return os.path.normcase(os.path.abspath(target))


def begin_update(path: str | Path, *, force: bool = False, timeout: float = LOCK_TIMEOUT) -> UpdateGuard:
    """Before reading ``path`` for an in-place update: refuse what cannot be safely replaced,
    wait for any other perf-xl updating it, and remember its identity. The guard is
    released by ``release()`` (or ``with``), else when the process ends."""
    target = resolve(path)
    existing = _GUARDS.get(_key(target))
    if existing is not None:
        return existing
    check_replaceable(target, force=force)
    lock = _Lock(target, timeout)
    lock.acquire()
    try:
        remove_stale_temps(target)
        st = check_replaceable(target, force=force)  # again: it may have changed while we waited
    except BaseException:
        lock.release()
        raise
    guard = UpdateGuard(Path(path), target, Identity.of(st) if st else None, force, lock)
    _GUARDS[_key(target)] = guard
    return guard


# -- temporary files -------------------------------------------------------------------------
def _temp_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{target.stem}-") + f"[{_TEMP_ALPHABET}]{{8}}" + re.escape(target.suffix) + "$")


def remove_stale_temps(target: Path) -> list[Path]:
    """Temporary files of ``target`` a killed run left (call with the target's lock held:
    no live perf-xl is writing one then)."""
    folder = target.parent if str(target.parent) else Path(".")
    pattern = _temp_pattern(target)
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if pattern.match(name):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed.append(folder / name)
    return removed


# -- the write -------------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_target(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path`` (the
    target of a symbolic link). Refused when the file changed since :func:`begin_update`
    recorded it, or (without a guard) since this call began."""
    target = resolve(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise PerfXLError(f"输出目录不存在：{folder}", path=str(target))
    guard = _GUARDS.get(_key(target))
    lock = guard.lock if guard is not None else _Lock(target, LOCK_TIMEOUT)
    if guard is None:
        check_replaceable(target, force=True)  # office lock files matter for updates only
    lock.acquire()
    try:
        expected = guard.identity if guard is not None else identity(target)
        remove_stale_temps(target)
        with _temporary(target, folder) as tmp:
            failure: PerfXLError | None = None
            try:
                yield tmp
            except PerfXLError:
                raise
            except Exception as exc:
                failure = _write_failure(exc, target)
                if failure is None:
                    raise
                _drop_quietly(exc)
            if failure is not None:
                raise failure
            st = check_replaceable(target, force=True)
            now = Identity.of(st) if st else None
            if now != expected:
                raise PerfXLError("文件在读取之后被其他程序修改或替换了：为不覆盖那次修改，本次结果没有写入，"
                                  "请重新运行", path=str(target))
            _replace(tmp, target, st)
            if guard is not None:
                guard.identity = identity(target)
    finally:
        if guard is None:
            lock.release()


@contextlib.contextmanager
def _temporary(target: Path, folder: Path) -> Iterator[Path]:
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise PerfXLError(f"无法写入文件：{_os_reason(exc)}", path=str(target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _replace(tmp: Path, target: Path, st: os.stat_result | None) -> None:
    try:
        # Keep the original's permissions; a new file gets the usual ones (umask).
        if st is not None:
            os.chmod(tmp, st.st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except PermissionError as exc:
        raise PerfXLError("无法写入文件：它可能正被 Excel/WPS/Word 打开，请关闭后重试"
                          f"（{exc.strerror}）", path=str(target)) from None
    except OSError as exc:
        raise PerfXLError(f"无法写入文件：{_os_reason(exc)}", path=str(target)) from None


_DISK_FULL = (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1))


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        return f"磁盘空间不足（或超过文件大小限制），文件未写入（{exc.strerror}）"
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return str(exc)


def _write_failure(exc: BaseException, target: Path) -> PerfXLError | None:
    """The message for an error while writing the temporary file, or None (a bug: re-raise)."""
    cause: BaseException | None = exc
    # XlsxWriter wraps the OSError (disk full) in its FileCreateError.
    if type(exc).__name__ == "FileCreateError" and exc.args and isinstance(exc.args[0], BaseException):
        cause = exc.args[0]
    elif type(exc).__name__ == "FileCreateError":
        cause = exc.__context__ or exc
    if isinstance(cause, OSError):
        return PerfXLError(f"无法写入文件：{_os_reason(cause)}", path=str(target))
    if isinstance(exc, (zlib.error, zipfile.BadZipFile, EOFError, NotImplementedError)):
        return PerfXLError(f"工作簿已损坏，无法读出其中的部件（{exc}），文件未改动", path=str(target))
    return None


def _drop_quietly(exc: BaseException) -> None:
    """Free what the failed writer left now, and keep quiet the zip files it abandoned:
    a zip writer whose disk filled complains from its __del__ ("Exception ignored in
    ZipFile.__del__") when it is collected, later, perhaps at exit."""
    import traceback

    if not _QUIET:
        previous = sys.unraisablehook

        def hook(info: Any) -> None:
            if isinstance(info.exc_value, (OSError, ValueError)) and "ZipFile" in repr(info.object):
                return  # the message about the failed write was given
            previous(info)

        sys.unraisablehook = hook
        _QUIET.append(previous)
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:  # the exception, its context and cause, and those it wraps
        e = pending.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        traceback.clear_frames(e.__traceback__)
        pending.extend(x for x in (e.__context__, e.__cause__, *e.args) if isinstance(x, BaseException))
    gc.collect()


_QUIET: list[Any] = []


@contextlib.contextmanager
def write_errors(target: str | Path) -> Iterator[None]:
    """Errors of writing a scratch file (disk full …) as the message for ``target``."""
    failure: PerfXLError | None = None
    try:
        yield
    except PerfXLError:
        raise
    except Exception as exc:
        failure = _write_failure(exc, Path(target))
        if failure is None:
            raise
        _drop_quietly(exc)
    if failure is not None:
        raise failure


def write_text(path: str | Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_target(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
