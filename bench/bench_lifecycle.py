"""Time monitoring and self-evaluation of a synthetic 1,000-project workbook, each as a
whole process with an execution file and the in-place write:

    perf-xl monitor big.xlsm --month 6 --actuals 1-6月.csv --write
    perf-xl selfeval big.xlsm --actuals 全年.csv --write

    python bench/bench_lifecycle.py [--projects 1000] [--repeat 3] [--workbook built.xlsm]

Each command runs as its own process on a fresh copy of the workbook, once in each of
--repeat rounds (wall time, the fastest round; the CPU time of that run, all its threads;
the peak memory, ru_maxrss; every round's wall time),
with compiled bytecode as an installed package has it, and the load average before and after
(the machine's other work slows the wall time). Target (issue 15): < 3 s each. Prints
figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_update import BUILD, run, timed  # noqa: E402
from bench_workbook import synthetic  # noqa: E402

from perf_xl.lifecycle.config import LifecycleConfig  # noqa: E402
from perf_xl.lifecycle.judge import judge_project  # noqa: E402
from perf_xl.rules.facts import ProjectFacts  # noqa: E402


def actuals(dept, path: Path, phase: str) -> int:
    cfg = LifecycleConfig()
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["序号", "三级指标", "执行数", "执行情况" if phase == "monitor" else "实际完成值"])
        for k, p in enumerate(dept.projects):
            share = Decimal("0.45") if phase == "monitor" else Decimal("0.97")
            w.writerow([p.seq, "", str(((p.budget or Decimal(0)) * share).quantize(Decimal("0.01"))), ""])
            rows += 1
            seen = set()
            for j in judge_project(ProjectFacts(p), cfg):
                if j.target is None or j.name in seen:
                    continue
                seen.add(j.name)
                w.writerow([p.seq, j.name, "", str(j.target * Decimal("0.5" if (k % 3) else "0.9"))])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workbook", type=Path, help="a workbook built before from the same "
                        "synthetic department (--projects), instead of building one")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="perfxl-bench-lifecycle-"))
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        big = work / "big.xlsm"
        start = time.perf_counter()
        if args.workbook:
            shutil.copy(args.workbook, big)
        else:
            run([sys.executable, "-c", BUILD, str(big), str(args.projects)], env)  # (its own process)
        t_build = time.perf_counter() - start
        dept = synthetic(args.projects)
        m6, ye = work / "m6.csv", work / "ye.csv"
        n_m6, n_ye = actuals(dept, m6, "monitor"), actuals(dept, ye, "selfeval")
        size = big.stat().st_size / 2**20
        perf_xl = [sys.executable, "-m", "perf_xl"]
        print(f"{args.projects} projects ({size:.1f} MB, built in {t_build:.1f} s); execution files of "
              f"{n_m6} and {n_ye} rows")
        runs = {
            "monitor --month 6 --actuals --write": lambda p: [*perf_xl, "monitor", str(p), "--month", "6",
                                                             "--actuals", str(m6), "--write"],
            "selfeval --actuals --write": lambda p: [*perf_xl, "selfeval", str(p), "--actuals", str(ye),
                                                    "--write"],
            "monitor (read only, JSON)": lambda p: [*perf_xl, "monitor", str(p), "--month", "6", "--format", "json"],
        }
        print(f"  (load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores)")
        # Round by round, each command once a round (on a fresh copy), so that a slow spell of
        # the machine (a busy neighbour, a lower clock) falls on every command alike, not on
        # all the runs of one; each command's fastest run is printed, all of them after it.
        def on_a_copy(argv) -> tuple[float, float, float]:
            copy = work / "copy.xlsm"
            shutil.copy(big, copy)
            return timed(argv(copy), env)

        took: dict[str, list[tuple[float, float, float]]] = {label: [] for label in runs}
        for argv in runs.values():  # (once untimed: each command compiles its bytecode)
            on_a_copy(argv)
        for _round in range(args.repeat):
            for label, argv in runs.items():
                took[label].append(on_a_copy(argv))
        for label, times in took.items():
            t, cpu, _m = min(times)
            m = max(peak for _t, _c, peak in times)
            target = "" if "read only" in label else "; target < 3 s"
            every = " ".join(f"{w:.2f}" for w, _c, _p in times)
            print(f"  {label:38} {t:6.2f} s  (CPU {cpu:5.2f} s)  {m:6.0f} MiB peak  (process{target}; "
                  f"each round: {every})")
        print(f"  (load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
