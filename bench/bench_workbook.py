"""Time the workbook: build and read-back of the example and of a synthetic 1,000-project
workbook, and `perf-xl validate` (whole process) on both.

    python bench/bench_workbook.py [--projects 1000]

Targets (issues 3 and 4): example build < 3 s (process); 1,000 projects built < 30 s and
read back < 10 s; validate the example < 1.5 s and the 1,000-project workbook < 8 s
(whole process). Issue 12: ``perf-xl validate`` of the 1,000-project workbook within 1.5×
python-calamine reading every sheet of it, both whole processes, alternating, with their
CPU time and peak memory; validate parses a large workbook's sheets with two threads, so it
is also timed with one (PERF_XL_PARSE_THREADS=1). The processes use compiled bytecode (a
private pycache), as an installed package does. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perf_xl.importers.text import read_text  # noqa: E402
from perf_xl.model import Department  # noqa: E402
from perf_xl.resources import example_path  # noqa: E402
from perf_xl.workbook.build import build_workbook  # noqa: E402
from perf_xl.workbook.read import read_workbook  # noqa: E402

# The measured processes compile their bytecode once into a private cache (this
# environment may set PYTHONDONTWRITEBYTECODE; an installed package has its .pyc files).
_PYCACHE = tempfile.mkdtemp(prefix="perfxl-bench-pyc-")
ENV = {**os.environ, "PYTHONPYCACHEPREFIX": _PYCACHE, "PYTHONPATH": str(ROOT)}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def synthetic(n: int) -> Department:
    """n projects cycled from the example's, with varied codes, names and amounts."""
    base = read_text(example_path())
    dept = copy.deepcopy(base)
    dept.projects = []
    for i in range(n):
        p = copy.deepcopy(base.projects[i % len(base.projects)])
        p.seq = i + 1
        p.name = f"{p.name}（第{i // len(base.projects) + 1}批）"
        if p.budget is not None:
            p.budget = p.budget + Decimal(i % 97) / 100
            p.fiscal = p.budget
        p.sheet = None
        dept.projects.append(p)
    return dept


def process(*args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "perf_xl", *args], cwd=ROOT, capture_output=True, env=ENV)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return took


# A small launcher: times a command and reads its peak RSS and CPU time (measured from a
# large parent, a child's ru_maxrss would count the memory it shares with it until exec).
MEASURED = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
took = time.perf_counter() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"took": took, "rc": rc, "maxrss": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime}))
"""
_CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def measured(*cmd: str, env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """(seconds, peak memory in KiB, CPU seconds) of a whole process."""
    import json

    done = subprocess.run([sys.executable, "-c", MEASURED, *cmd], cwd=ROOT, capture_output=True, text=True,
                          env={**ENV, **(env or {})})
    data = json.loads(done.stdout)
    if data["rc"] not in (0, 1):
        raise SystemExit(f"{cmd} failed")
    return data["took"], data["maxrss"], data["cpu"]


def side_by_side(path: Path, rounds: int = 5) -> None:
    """`perf-xl validate` against python-calamine reading every sheet, alternating, one
    process each (issue 12: within 1.5×). Wall time is what the target is about; the CPU
    time shows what another busy process on the machine did to it."""
    measured(sys.executable, "-m", "perf_xl", "validate", str(path))  # compile the bytecode once
    cal, val, one = [], [], []
    for _ in range(rounds):
        cal.append(measured(sys.executable, "-c", _CALAMINE, str(path)))
        val.append(measured(sys.executable, "-m", "perf_xl", "validate", str(path)))
        # validate parses a large workbook's sheets with two threads; with one, for comparison
        one.append(measured(sys.executable, "-m", "perf_xl", "validate", str(path),
                            env={"PERF_XL_PARSE_THREADS": "1"}))
    c, v = min(t for t, _m, _c in cal), min(t for t, _m, _c in val)
    c_cpu, v_cpu = min(x for _t, _m, x in cal), min(x for _t, _m, x in val)
    o, o_cpu = min(t for t, _m, _c in one), min(x for _t, _m, x in one)
    ratios = sorted(b[0] / a[0] for a, b in zip(cal, val, strict=True))
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores: above ~1 another process competes)")
    print(f"validate vs calamine ({path.name}): perf-xl validate {v:.2f} s, calamine reading every sheet "
          f"{c:.2f} s (both whole processes, best of {rounds}) → {v / c:.2f}× (target ≤ 1.5×: "
          f"{'met' if v <= 1.5 * c else 'NOT met'}); per round "
          + " ".join(f"{r:.2f}" for r in ratios)
          + f"; CPU {v_cpu:.2f} s vs {c_cpu:.2f} s → {v_cpu / c_cpu:.2f}×; peak memory validate "
          f"{max(m for _, m, _c in val) / 1024:.0f} MiB, calamine {max(m for _, m, _c in cal) / 1024:.0f} MiB")
    print(f"validate parsing with one thread (PERF_XL_PARSE_THREADS=1): {o:.2f} s → {o / c:.2f}×, "
          f"CPU {o_cpu:.2f} s → {o_cpu / c_cpu:.2f}×")


def timed(fn, repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--only-validate", metavar="XLSM", help="just the side-by-side validate/calamine timing")
    args = parser.parse_args()
    if args.only_validate:
        side_by_side(Path(args.only_validate))
        return
    with tempfile.TemporaryDirectory() as tmp:
        example = Path(tmp) / "example.xlsm"
        big = Path(tmp) / "big.xlsm"
        t_build = statistics.median(process("build", str(example_path()), "-o", str(example), "--force")
                                    for _ in range(3))
        t_read = timed(lambda: read_workbook(example), 5)
        t_validate = statistics.median(process("validate", str(example)) for _ in range(3))
        dept = synthetic(args.projects)
        t_big_build = timed(lambda: build_workbook(dept, big))
        t_big_read = timed(lambda: read_workbook(big))
        t_big_validate = process("validate", str(big))
        size = big.stat().st_size / 2**20
        side_by_side(big)
    print(f"example (39 projects): build {t_build:.2f} s (process; target < 3 s), "
          f"read back {t_read * 1000:.0f} ms, validate {t_validate:.2f} s (process; target < 1.5 s)")
    print(f"{args.projects} projects ({size:.1f} MB): build {t_big_build:.1f} s (target < 30 s), "
          f"read back {t_big_read:.2f} s (target < 10 s), validate {t_big_validate:.2f} s "
          f"(process; target < 8 s)")


if __name__ == "__main__":
    main()
