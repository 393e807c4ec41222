"""Atomic file replacement: write a temporary file beside the target, then os.replace.

On any error the temporary file is removed and the original is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import WorkbookError


@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path``."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookError(f"目录不存在：{folder}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
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
            raise WorkbookError(
                f"无法写入 {target}：文件可能正被 Excel/WPS 打开，请关闭后重试（{exc.strerror}）"
            ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
