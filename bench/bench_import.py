"""Benchmark of the text importer: prints its figures (not a test).

    python bench/bench_import.py [--runs N]

1. In-process import of the bundled example (read + decode + parse), median of N runs.
2. The whole ``python -m perf_xl import <example>`` process, median of several runs.
3. That ``import perf_xl``, ``perf_xl.importers.text`` and a whole ``perf-xl import``
   run load none of pandas / xlwings / openpyxl.
Targets (issue 2): < 50 ms in-process, < 1 s for the process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from perf_xl.importers.text import read_text  # noqa: E402
from perf_xl.resources import example_path  # noqa: E402

HEAVY = ("pandas", "xlwings", "openpyxl")
TARGET_IN_PROCESS_MS = 50.0
TARGET_PROCESS_S = 1.0

_PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def in_process(runs: int) -> tuple[float, float, int]:
    path = example_path()
    dept = read_text(path)  # warm-up (first import of the module, caches)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read_text(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000, len(dept.projects)


def process(runs: int) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "perf_xl", "import", str(example_path())]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"perf-xl import failed: {done.stderr.decode(errors='replace')}")
    return statistics.median(times), min(times)


def bare_python(runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_modules(body: str) -> list[str]:
    code = _PROBE.format(body=body, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="in-process runs (default 200)")
    parser.add_argument("--process-runs", type=int, default=9, help="process runs (default 9)")
    args = parser.parse_args()

    ok = True
    median_ms, min_ms, n = in_process(args.runs)
    good = median_ms < TARGET_IN_PROCESS_MS
    ok &= good
    print(
        f"in-process import of the example ({n} projects), {args.runs} runs: "
        f"median {median_ms:.2f} ms, min {min_ms:.2f} ms "
        f"(target < {TARGET_IN_PROCESS_MS:.0f} ms: {'PASS' if good else 'FAIL'})"
    )

    median_s, min_s = process(args.process_runs)
    base = bare_python(args.process_runs)
    good = median_s < TARGET_PROCESS_S
    ok &= good
    print(
        f"process `python -m perf_xl import <example>`, {args.process_runs} runs: "
        f"median {median_s * 1000:.0f} ms, min {min_s * 1000:.0f} ms "
        f"(bare `python -c pass`: {base * 1000:.0f} ms) "
        f"(target < {TARGET_PROCESS_S:.0f} s: {'PASS' if good else 'FAIL'})"
    )

    probes = {
        "import perf_xl": "import perf_xl",
        "import perf_xl.importers.text": "import perf_xl.importers.text",
        "perf-xl import run (CLI start-up + import + table)": (
            "import io, contextlib\n"
            "from perf_xl.cli import main\n"
            "from perf_xl.resources import example_path\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['import', str(example_path())])"
        ),
    }
    for label, body in probes.items():
        loaded = heavy_modules(body)
        good = not loaded
        ok &= good
        print(
            f"{label}: loads {', '.join(loaded) if loaded else 'none of ' + '/'.join(HEAVY)} "
            f"({'PASS' if good else 'FAIL'})"
        )
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
