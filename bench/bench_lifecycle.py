"""Time monitoring and self-evaluation of a synthetic 1,000-project workbook, each as a
whole process with an execution file and the in-place write:

    perf-xl monitor big.xlsm --month 6 --actuals 1-6月.csv --write
    perf-xl selfeval big.xlsm --actuals 全年.csv --write

    python bench/bench_lifecycle.py [--projects 1000]

Target (issue 15): < 3 s each. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_workbook import process, synthetic  # noqa: E402

from perf_xl.lifecycle.config import LifecycleConfig  # noqa: E402
from perf_xl.lifecycle.judge import judge_project  # noqa: E402
from perf_xl.rules.facts import ProjectFacts  # noqa: E402
from perf_xl.workbook.build import build_workbook  # noqa: E402


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.xlsm"
        dept = synthetic(args.projects)
        start = time.perf_counter()
        build_workbook(dept, big)
        t_build = time.perf_counter() - start
        m6, ye = Path(tmp) / "m6.csv", Path(tmp) / "ye.csv"
        n_m6, n_ye = actuals(dept, m6, "monitor"), actuals(dept, ye, "selfeval")
        size = big.stat().st_size / 2**20
        t_monitor = statistics.median(
            process("monitor", str(big), "--month", "6", "--actuals", str(m6), "--write")
            for _ in range(args.repeat))
        t_selfeval = statistics.median(
            process("selfeval", str(big), "--actuals", str(ye), "--write") for _ in range(args.repeat))
        t_monitor_read = statistics.median(process("monitor", str(big), "--format", "json")
                                           for _ in range(args.repeat))
    print(f"{args.projects} projects ({size:.1f} MB, built in {t_build:.1f} s); execution files of "
          f"{n_m6} and {n_ye} rows")
    print(f"monitor --month 6 --actuals --write: {t_monitor:.2f} s (process; target < 3 s)")
    print(f"selfeval --actuals --write:          {t_selfeval:.2f} s (process; target < 3 s)")
    print(f"monitor (read only, JSON):           {t_monitor_read:.2f} s (process)")


if __name__ == "__main__":
    main()
