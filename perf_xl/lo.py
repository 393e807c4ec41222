"""LibreOffice, headless, for conversions (xlsx/docx -> pdf) when it is installed.

Each conversion runs its own soffice with a throw-away profile (-env:UserInstallation), so
it neither waits for nor disturbs a LibreOffice the user has open, and it is killed (with
its whole process group) when it overruns the timeout. The result is moved into place
atomically: a failed conversion leaves no half-written PDF.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import PerfXLError

ENV_SOFFICE = "PERF_XL_SOFFICE"  # an explicit path to soffice wins over the search
DEFAULT_TIMEOUT = 180.0

_CANDIDATES = {
    "win32": (r"C:\Program Files\LibreOffice\program\soffice.exe",
              r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
    "darwin": ("/Applications/LibreOffice.app/Contents/MacOS/soffice",),
}

NOT_INSTALLED = ("未找到 LibreOffice（soffice），无法导出 PDF：请安装 LibreOffice，"
                 f"或用环境变量 {ENV_SOFFICE} 指明 soffice 的位置；也可不加 --pdf 只导出表格")


def find_soffice() -> str | None:
    """The soffice executable: $PERF_XL_SOFFICE, then PATH, then the usual install places."""
    explicit = os.environ.get(ENV_SOFFICE)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES.get(sys.platform, ()):
        if Path(candidate).is_file():
            return candidate
    return None


def require_soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise PerfXLError(NOT_INSTALLED)
    return soffice


def convert(source: str | Path, target: str | Path, fmt: str = "pdf", *,
            timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None) -> Path:
    """Convert ``source`` with ``soffice --headless --convert-to fmt`` into ``target``."""
    source, target = Path(source), Path(target)
    soffice = soffice or require_soffice()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise PerfXLError(f"输出目录不存在：{folder}", path=str(target))
    work = Path(tempfile.mkdtemp(prefix="perfxl-lo-"))
    try:
        profile, outdir = work / "profile", work / "out"
        outdir.mkdir()
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), str(source.resolve())]
        done = _run(cmd, timeout)
        produced = outdir / f"{source.stem}.{fmt.split(':')[0]}"
        if done.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = (done.stderr or done.stdout or "").strip().splitlines()
            raise PerfXLError(
                f"LibreOffice 未能转换为 {fmt.split(':')[0].upper()}（退出码 {done.returncode}）"
                + (f"：{detail[-1]}" if detail else ""), path=str(source))
        from .atomic import atomic_target

        with atomic_target(target) as tmp:  # into place at once: never a half-written PDF
            shutil.copyfile(produced, tmp)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    # A session of its own, so a hung soffice and the helpers it started die together.
    kwargs: dict = {"start_new_session": True} if os.name == "posix" else {
        "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                errors="replace", **kwargs)
    except OSError as exc:
        raise PerfXLError(f"无法启动 LibreOffice（{cmd[0]}）：{exc.strerror or exc}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.communicate()
        raise PerfXLError(f"LibreOffice 转换超时（超过 {timeout:.0f} 秒），已终止") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill(proc: subprocess.Popen) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
