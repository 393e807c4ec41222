"""In-place updates (part-level writer) against an openpyxl load + save of the same file.

    python bench/bench_update.py [--projects 1000] [--repeat 3]    (--repeat 10 on a busy machine)

For the example workbook (39 projects) and a synthetic workbook of --projects projects,
side by side, each run as its own process on a fresh copy (wall time, best of --repeat,
and the process's peak memory, ru_maxrss):
- ``perf-xl fill``, ``perf-xl validate --write``, ``perf-xl summary --write``;
- openpyxl ``load_workbook(keep_vba=True)`` + ``save`` of the same file — what every
  in-place update cost before the part-level writer, before any work was done.
Targets (issue 11): at most a tenth of openpyxl's time at 1,000 projects; under 0.3 s as
a process on the example. The processes use compiled bytecode (a private pycache), as an
installed package does. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Built in a process of its own: a child's peak memory counts what it inherits at fork, so
# this process stays small.
BUILD = ("import sys; sys.path.insert(0, 'bench'); from bench_workbook import synthetic;"
         "from perf_xl.importers.text import read_text; from perf_xl.resources import example_path;"
         "from perf_xl.workbook.build import build_workbook; n = int(sys.argv[2]);"
         "build_workbook(read_text(example_path()) if n == 0 else synthetic(n), sys.argv[1])")

OPENPYXL = ("import sys, warnings, openpyxl; warnings.simplefilter('ignore');"
            "wb = openpyxl.load_workbook(sys.argv[1], keep_vba=True); wb.save(sys.argv[1])")
UPDATES = {"fill": ["fill"], "validate --write": ["validate", "--write"],
           "summary --write": ["summary", "--write"]}


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MiB) of one process (CPU and memory from
    wait4: the process and the children it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{args}: exit {code}: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of one process."""
    took, _cpu, peak = timed(args, env)
    return took, peak


def best_timed(args_for, src: Path, work: Path, env, repeat: int) -> tuple[float, float, float]:
    """The fastest of ``repeat`` runs on fresh copies (wall, its CPU), and the largest peak."""
    runs = []
    for _ in range(repeat):
        copy = work / ("copy" + src.suffix)
        shutil.copy(src, copy)
        runs.append(timed(args_for(copy), env))
    wall, cpu, _m = min(runs)
    return wall, cpu, max(m for _t, _c, m in runs)


def best(args_for, src: Path, work: Path, env, repeat: int) -> tuple[float, float]:
    wall, _cpu, peak = best_timed(args_for, src, work, env, repeat)
    return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="perfxl-bench-update-"))
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        books = {"example (39 projects)": work / "example.xlsm",
                 f"{args.projects} projects": work / "big.xlsm"}
        run([sys.executable, "-c", BUILD, str(books["example (39 projects)"]), "0"], env)
        t = time.perf_counter()
        run([sys.executable, "-c", BUILD, str(books[f"{args.projects} projects"]), str(args.projects)], env)
        print(f"(built the {args.projects}-project workbook in {time.perf_counter() - t:.1f} s, "
              f"{books[f'{args.projects} projects'].stat().st_size / 2**20:.1f} MB)")
        run([sys.executable, "-m", "perf_xl", "rules"], env)  # compile the bytecode once
        perf_xl = [sys.executable, "-m", "perf_xl"]
        # What every process below pays before perf_xl runs (this machine's site-packages
        # .pth files included), and the lightest command: the floor under the figures.
        bare = min(run([sys.executable, "-c", "pass"], env)[0] for _ in range(max(args.repeat, 5)))
        helped = min(run([*perf_xl, "--help"], env)[0] for _ in range(max(args.repeat, 5)))
        print(f"\n  {'python -c pass':24} {bare:7.2f} s   (interpreter start-up)")
        print(f"  {'perf-xl --help':24} {helped:7.2f} s")
        for label, src in books.items():
            repeat = args.repeat if src.stat().st_size < 2**20 else 1
            print(f"\n{label}:")
            opx_t, opx_m = best(lambda p: [sys.executable, "-c", OPENPYXL, str(p)], src, work, env, repeat)
            print(f"  {'openpyxl load + save':24} {opx_t:7.2f} s  {opx_m:6.0f} MiB peak")
            for name, argv in UPDATES.items():
                t, m = best(lambda p, argv=argv: [*perf_xl, argv[0], str(p), *argv[1:]], src, work,
                            env, repeat)
                print(f"  {'perf-xl ' + name:24} {t:7.2f} s  {m:6.0f} MiB peak"
                      f"   {t / opx_t:5.1%} of openpyxl")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
