"""perf-xl as a process, from this worktree (never the installed script)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perf_xl", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
