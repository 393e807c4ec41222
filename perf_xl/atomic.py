"""Atomic file replacement: write a temporary file beside the target, then os.replace.

On any error the temporary file is removed and the original is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import PerfXLError


@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path``."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise PerfXLError(f"输出目录不存在：{folder}", path=str(target))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise PerfXLError(f"无法写入文件：{exc.strerror or exc}", path=str(target)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
        except OSError as exc:  # the disk is full, the folder went away …
            raise PerfXLError(f"无法写入文件：{exc.strerror or exc}", path=str(target)) from exc
        try:
            # Keep the original's permissions; a new file gets the usual ones (umask).
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, target)
        except PermissionError as exc:
            raise PerfXLError("无法写入文件：它可能正被 Excel/WPS/Word 打开，请关闭后重试"
                              f"（{exc.strerror}）", path=str(target)) from exc
        except OSError as exc:
            raise PerfXLError(f"无法写入文件：{exc.strerror or exc}", path=str(target)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(path: str | Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_target(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
