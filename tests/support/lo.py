"""LibreOffice as the test client: run lo_probe.py with the interpreter that has UNO.

Tests that need it call ``require_lo()``: it skips when LibreOffice is missing, except with
PERF_XL_REQUIRE_LO=1 (CI), where a missing LibreOffice is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("lo_probe.py")
UNO_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")


def _uno_python() -> str | None:
    for candidate in UNO_PYTHONS:
        if Path(candidate).exists():
            ok = subprocess.run([candidate, "-c", "import uno"], capture_output=True)
            if ok.returncode == 0:
                return candidate
    return None


def _missing(message: str) -> None:
    if os.environ.get("PERF_XL_REQUIRE_LO") == "1":
        pytest.fail(message + " and PERF_XL_REQUIRE_LO=1")
    pytest.skip(message)


def require_tools(*tools: str) -> None:
    """Skip when a LibreOffice/poppler tool is missing — fail instead with PERF_XL_REQUIRE_LO=1."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        _missing(f"needs {', '.join(missing)}")


def require_lo() -> str:
    """The Python interpreter that can drive LibreOffice, or skip/fail the test."""
    python = _uno_python()
    soffice = shutil.which("soffice")
    if python and soffice:
        return python
    missing = "soffice" if not soffice else "python3-uno"
    _missing(f"LibreOffice is needed for this test ({missing} not found)")
    raise AssertionError("unreachable")


def probe(files: list[dict], timeout: int = 300) -> list[dict]:
    """Open each file in LibreOffice (one office process for all) and report what it sees."""
    python = require_lo()
    with tempfile.TemporaryDirectory(prefix="perfxl-probe-") as tmp:
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([python, str(PROBE), str(request)], capture_output=True,
                              text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"lo_probe failed: {done.stderr[-2000:]}")
    results = json.loads(done.stdout)["results"]
    for r in results:
        assert r.get("loaded"), f"LibreOffice could not load {r['path']}: {r.get('exception')}"
    return results


def convert(path: Path, fmt: str, outdir: Path, timeout: int = 180) -> Path:
    """soffice --convert-to, with a profile of its own."""
    require_lo()
    profile = tempfile.mkdtemp(prefix="perfxl-lo-profile-")
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(outdir), str(path)],
                       capture_output=True, timeout=timeout, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / (path.stem + "." + fmt.split(":")[0])
    assert out.exists(), f"LibreOffice did not convert {path} to {fmt}"
    return out
