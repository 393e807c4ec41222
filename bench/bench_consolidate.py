"""Speed and memory of ``perf-xl consolidate`` against python-calamine's bare read.

    python bench/bench_consolidate.py [--count 100] [--dir DIR] [--repeat 3] [--openpyxl 10]

Generates COUNT master workbooks of about 40 projects each with build_workbook (the
example's 39 projects under another unit name and code, 38–42 projects, amounts scaled,
valid project codes), plus a corrupt file and an unrelated .xlsx, in a temporary folder
(or DIR, reused when it already holds them). Then, in the same run, times:

* calamine alone: open every file and read every sheet's values (serially, and with one
  process per core for reference);
* consolidate, the whole operation (collect, read, validate, summarize, write 汇总.xlsx):
  in this process with the default worker pool and with --jobs 1, and as a process
  (``python -m perf_xl consolidate DIR -o 汇总.xlsx``, interpreter start-up included);
* openpyxl (read_only, values_only) and pandas.read_excel (engine calamine, every sheet)
  over the first N files, as the alternative readers.

Target (issue 12): consolidation within 1.5× the time calamine takes to read the same files
with the same number of processes — the default pool against calamine on one process per
core, ``--jobs 1`` (one process) against calamine serially — and under 30 s. Prints the
CPU time of each step too (user + system, workers included): on a machine another process
keeps busy the wall times of the parallel steps say little, the CPU times stay. Prints the
peak memory: ru_maxrss of the consolidate process (with its workers) and of this process,
and tracemalloc's peak of the Python heap during an in-process run.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_workbook import MEASURED  # noqa: E402

from perf_xl.consolidate import available_cores, consolidate  # noqa: E402
from perf_xl.importers.text import read_text  # noqa: E402
from perf_xl.model import Department  # noqa: E402
from perf_xl.resources import example_path  # noqa: E402
from perf_xl.rules.projectcode import check_char  # noqa: E402

DISTRICTS = ("桥东区", "桥西区", "宣化区", "下花园区", "万全区", "崇礼区", "张北县", "康保县", "沽源县",
             "尚义县", "蔚县", "阳原县", "怀安县", "怀来县", "涿鹿县", "赤城县")
CENT = Decimal("0.01")


def variant(base: Department, k: int, rng: random.Random) -> Department:
    dept = copy.deepcopy(base)
    district = DISTRICTS[k % len(DISTRICTS)]
    dept.unit_code = f"{162000 + k:06d}"
    dept.unit_name = f"{district}人民法院（第{k + 1}号）"
    projects = dept.projects
    n = rng.randint(38, 42)
    rng.shuffle(projects)
    while len(projects) < n:
        projects.append(copy.deepcopy(rng.choice(base.projects)))
    projects = projects[:n]
    factor = Decimal(rng.randint(50, 200)) / 100
    for seq, p in enumerate(projects, start=1):
        p.seq = seq
        p.sheet = None
        p.name = p.name.replace("市法院", district).replace("市中级人民法院", district + "人民法院")
        if p.budget is not None:
            p.budget = (p.budget * factor).quantize(CENT)
            p.fiscal = p.budget
        code20 = f"{p.code[:9]}{k:05d}{seq:06d}" if len(p.code) >= 9 else f"13070024P{k:05d}{seq:06d}"
        p.code = code20 + (check_char(code20) or "0")
    dept.projects = projects
    return dept


def _build(job: tuple[Department, str]) -> str:
    from perf_xl.workbook.build import build_workbook

    dept, path = job
    build_workbook(dept, path)
    return path


def generate(folder: Path, count: int, seed: int = 2024) -> float:
    """COUNT workbooks + a corrupt file + an unrelated .xlsx; returns the seconds it took."""
    import openpyxl

    wanted = [folder / f"单位{k + 1:03d}.xlsm" for k in range(count)]
    if all(p.exists() for p in wanted) and (folder / "损坏.xlsm").exists():
        return 0.0
    start = time.perf_counter()
    base = read_text(example_path())
    rng = random.Random(seed)
    jobs = [(variant(base, k, rng), str(p)) for k, p in enumerate(wanted)]
    with ProcessPoolExecutor(max_workers=available_cores()) as pool:
        for done, _ in enumerate(pool.map(_build, jobs, chunksize=4), start=1):
            if done % 10 == 0:
                print(f"  生成 {done}/{count}", file=sys.stderr)
    data = wanted[0].read_bytes()
    (folder / "损坏.xlsm").write_bytes(data[: len(data) // 2])
    book = openpyxl.Workbook()
    book.active.append(["无关", "表格"])
    book.active.append([1, 2])
    book.save(folder / "无关.xlsx")
    return time.perf_counter() - start


def _calamine_one(path: str) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    try:
        book = CalamineWorkbook.from_path(path)
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
    except Exception:  # the corrupt and the unrelated file cost what they cost
        pass
    return cells


def calamine_read(files: list[str], workers: int = 1) -> float:
    cpu, start = cpu_now(), time.perf_counter()
    try:
        return _calamine_read(files, workers, start)
    finally:
        key = f"calamine workers={workers}"
        CPU[key] = min(CPU.get(key, 1e9), cpu_now() - cpu)


def _calamine_read(files: list[str], workers: int, start: float) -> float:
    if workers == 1:
        for f in files:
            _calamine_one(f)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_calamine_one, files, chunksize=4))
    return time.perf_counter() - start


def openpyxl_read(files: list[str]) -> float:
    import openpyxl

    start = time.perf_counter()
    for f in files:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
        for ws in book.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        book.close()
    return time.perf_counter() - start


def cpu_now() -> float:
    """CPU seconds (user + system) of this process and of its reaped children (workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


CPU: dict[str, float] = {}


def pandas_read(files: list[str]) -> float:
    import pandas as pd

    start = time.perf_counter()
    for f in files:
        pd.read_excel(f, sheet_name=None, header=None, engine="calamine")
    return time.perf_counter() - start


class _Clock:
    """Seconds spent inside python-calamine (open, parse a sheet, rows to Python) during a
    run: its workbook class is wrapped while the run lasts (perf_xl imports it when it reads)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def timed(self, call, *args, **kwargs):
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start

    def proxy(self, obj, method: str, then=None):
        """``obj`` with calls of ``method`` timed (``then`` wraps what they return)."""
        clock = self

        class Timed:
            def __getattr__(self, name):
                value = getattr(obj, name)
                if name != method:
                    return value

                def call(*args, **kwargs):
                    result = clock.timed(value, *args, **kwargs)
                    return then(result) if then is not None else result
                return call
        return Timed()


# The steps of a consolidation timed apart (where each is looked up when it is called). They
# do not nest: the safety check runs before calamine opens the file, the model after it.
PHASES = (
    ("safety check", "perf_xl.workbook.grid", "read_workbook_file"),
    ("model from the grids", "perf_xl.workbook.read", "department_from_grids"),
    ("rules", "perf_xl.operations", "findings_of"),
    ("each file's sums", "perf_xl.consolidate", "summarize"),
    ("sums of all files", "perf_xl.summary", "Summing.add"),
    ("sums of all files", "perf_xl.summary", "Summing.result"),
    ("bureau file: rows", "perf_xl.sinks.bureau", "BureauBook.add_department"),
    ("bureau file: tables, zip", "perf_xl.sinks.bureau", "BureauBook.finish"),
)
# Inside "model from the grids" (so not added to the steps' sum): what finding the fields by
# their captions costs (issue 12: it must not cost what it buys).
PART_OF_MODEL = "of which finding fields by caption"
SUBPHASES = (
    (PART_OF_MODEL, "perf_xl.workbook.read", "place"),
    (PART_OF_MODEL, "perf_xl.workbook.read", "indicator_rows"),
)


def calamine_share(folder: Path, out: Path) -> tuple[float, float, dict[str, float]]:
    """(whole run, the part inside calamine, seconds of each step of PHASES and SUBPHASES) of
    ``consolidate --jobs 1`` in this process: what the rest costs beside reading, measured in
    the same run and so whatever the machine's speed at the moment."""
    import importlib

    import python_calamine

    clock, real = _Clock(), python_calamine.CalamineWorkbook

    class Wrapped:
        @staticmethod
        def from_path(*args, **kwargs):
            book = clock.timed(real.from_path, *args, **kwargs)
            return clock.proxy(book, "get_sheet_by_name", lambda sheet: clock.proxy(sheet, "to_python"))

    clocks = {label: _Clock() for label, _m, _n in (*PHASES, *SUBPHASES)}
    undo = []
    for label, module, name in (*PHASES, *SUBPHASES):
        owner = importlib.import_module(module)
        attr = name
        if "." in name:
            cls, attr = name.split(".")
            owner = getattr(owner, cls)
        original = getattr(owner, attr)
        undo.append((owner, attr, original))
        setattr(owner, attr, _timing(clocks[label], original))
    python_calamine.CalamineWorkbook = Wrapped
    try:
        start = time.perf_counter()
        consolidate([folder], jobs=1, output=out)
        return time.perf_counter() - start, clock.seconds, {k: c.seconds for k, c in clocks.items()}
    finally:
        python_calamine.CalamineWorkbook = real
        for owner, attr, original in reversed(undo):
            setattr(owner, attr, original)


def _timing(clock: _Clock, function):
    def timed(*args, **kwargs):
        return clock.timed(function, *args, **kwargs)
    return timed


def consolidate_in_process(folder: Path, out: Path, jobs: int | None) -> tuple[float, object]:
    cpu, start = cpu_now(), time.perf_counter()
    result = consolidate([folder], jobs=jobs, output=out)  # the workbook is written as files arrive
    took = time.perf_counter() - start
    CPU[f"consolidate jobs={jobs}"] = min(CPU.get(f"consolidate jobs={jobs}", 1e9), cpu_now() - cpu)
    return took, result




# The measured process compiles its bytecode once into a private cache (this environment
# may set PYTHONDONTWRITEBYTECODE; an installed package has its .pyc files).
_PYCACHE = tempfile.mkdtemp(prefix="perfxl-bench-pyc-")
ENV = {**os.environ, "PYTHONPYCACHEPREFIX": _PYCACHE, "PYTHONPATH": str(ROOT)}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def consolidate_process(folder: Path, out: Path) -> tuple[float, int, int]:
    """Wall time, exit code and peak RSS (KiB, the largest of the process and its workers) of
    ``python -m perf_xl consolidate``; its CPU time (with its workers) goes to CPU["process"]."""
    import json

    done = subprocess.run([sys.executable, "-c", MEASURED, sys.executable, "-m", "perf_xl", "consolidate",
                           str(folder), "-o", str(out)], cwd=ROOT, capture_output=True, text=True, check=True,
                          env=ENV)
    data = json.loads(done.stdout)
    CPU["process"] = min(CPU.get("process", 1e9), data["cpu"])
    return data["took"], data["rc"], data["maxrss"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--dir", help="folder for the workbooks (kept and reused); default: a temporary one")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timing (the best is shown)")
    ap.add_argument("--openpyxl", type=int, default=10,
                    help="files read with openpyxl and with pandas for comparison")
    args = ap.parse_args()

    tmp = None if args.dir else tempfile.TemporaryDirectory(prefix="perfxl-bench-")
    folder = Path(args.dir or tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    outdir = Path(tempfile.mkdtemp(prefix="perfxl-bench-out-"))
    out = outdir / "汇总.xlsx"
    print(f"cores: {available_cores()}   folder: {folder}   load average: {os.getloadavg()[0]:.2f}")
    took = generate(folder, args.count)
    files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".xlsm", ".xlsx"))
    size = sum(os.path.getsize(f) for f in files) / 2**20
    print(f"inputs: {len(files)} files ({args.count} workbooks + 1 corrupt + 1 unrelated), {size:.1f} MiB"
          + (f"; generated in {took:.1f} s" if took else "; reused"))

    # Rounds: each measures everything back to back, so a round that another busy process
    # disturbed shows it (the calamine speed-up on several processes drops) and the ratios
    # within one round compare like with like.
    cores = available_cores()
    subprocess.run([sys.executable, "-m", "perf_xl", "rules"], cwd=ROOT, env=ENV, capture_output=True)  # compile
    rounds = []
    for _ in range(args.repeat):
        r = {"cal": calamine_read(files), "cal_par": calamine_read(files, cores),
             "con": consolidate_in_process(folder, out, None)[0],
             "con1": consolidate_in_process(folder, out, 1)[0]}
        took_p, proc_rc, rss = consolidate_process(folder, out)
        r.update(proc=took_p, rss=rss)
        rounds.append(r)
    cal, cal_all = min(r["cal"] for r in rounds), [r["cal"] for r in rounds]
    cal_par = min(r["cal_par"] for r in rounds)
    con, con_all = min(r["con"] for r in rounds), [r["con"] for r in rounds]
    con1 = min(r["con1"] for r in rounds)
    runs = [(r["proc"], proc_rc, r["rss"]) for r in rounds]
    proc_best = min(r[0] for r in runs)
    proc_rss = max(r[2] for r in runs)
    quiet = max(rounds, key=lambda r: r["cal"] / r["cal_par"])  # the least disturbed round

    _, result = consolidate_in_process(folder, out, 1)
    s = result.summary
    tracemalloc.start()
    consolidate_in_process(folder, out, 1)
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    shares = [calamine_share(folder, out) for _ in range(args.repeat)]
    whole, inside, phases = min(shares, key=lambda s: s[0])

    opx_n = min(args.openpyxl, len(files))
    opx = openpyxl_read(files[:opx_n]) if opx_n else 0.0
    books = [f for f in files if "损坏" not in f and "无关" not in f]
    pdx = pandas_read(books[:opx_n]) if opx_n else 0.0

    print(f"consolidated: {len(result.inputs)} workbooks, {s.total['项目数']} projects, "
          f"{s.total['预算数']:,.2f} 万元, {len(result.findings)} findings; skipped {len(result.skipped)}: "
          + "；".join(f"{e.name}（{e.reason[:30]}…）" for e in result.skipped))
    print()
    print(f"{'step':52s} {'best s':>8s} {'CPU s':>7s}  runs")
    rows = [
        ("calamine alone, serial (open + every sheet)", cal, CPU.get("calamine workers=1"), cal_all),
        (f"calamine alone, {cores} processes", cal_par, CPU.get(f"calamine workers={cores}"), None),
        ("consolidate in-process, default pool (whole op)", con, CPU.get("consolidate jobs=None"), con_all),
        ("consolidate in-process, --jobs 1", con1, CPU.get("consolidate jobs=1"), None),
        ("perf-xl consolidate as a process (with start-up)", proc_best, CPU.get("process"), [r[0] for r in runs]),
        (f"openpyxl read_only, {opx_n} files → ×{len(files) / max(opx_n, 1):.1f}",
         opx * len(files) / max(opx_n, 1), None, None),
        (f"pandas.read_excel (calamine), {opx_n} files → ×{len(files) / max(opx_n, 1):.1f}",
         pdx * len(files) / max(opx_n, 1), None, None),
    ]
    for label, value, cpu, all_runs in rows:
        extra = " ".join(f"{t:.2f}" for t in all_runs) if all_runs else ""
        print(f"{label:52s} {value:8.2f} {cpu if cpu is not None else float('nan'):7.2f}  {extra}")
    print()
    print(f"ratio consolidate / calamine serial read (best of each): in-process {con / cal:.2f}×, as a process "
          f"{proc_best / cal:.2f}×, --jobs 1 {con1 / cal:.2f}×   (under 30 s: "
          f"{'met' if proc_best < 30 else 'NOT met'})")
    def verdict(ratio: float) -> str:
        return "met" if ratio <= 1.5 else "NOT met"

    print(f"same number of processes (issue 12, target ≤ 1.5×): consolidate default pool / calamine on {cores} "
          f"processes {con / cal_par:.2f}× ({verdict(con / cal_par)}), consolidate --jobs 1 (one process, one "
          f"thread) / calamine serial {con1 / cal:.2f}× ({verdict(con1 / cal)}); "
          f"CPU time --jobs 1 / calamine "
          f"serial {CPU.get('consolidate jobs=1', 0) / CPU.get('calamine workers=1', 1):.2f}×, default pool / "
          f"calamine on {cores} processes "
          f"{CPU.get('consolidate jobs=None', 0) / CPU.get(f'calamine workers={cores}', 1):.2f}×")
    # Each round measures both sides back to back: its own ratio compares like with like, where
    # the best of each side may come from rounds minutes apart (this machine's speed swings).
    def per_round(ours: str, theirs: str) -> str:
        ratios = sorted(r[ours] / r[theirs] for r in rounds)
        return " ".join(f"{x:.2f}" for x in ratios) + f" (median {statistics.median(ratios):.2f}×)"

    print(f"the same, round by round: --jobs 1 / calamine serial {per_round('con1', 'cal')}; default pool / "
          f"calamine on {cores} processes {per_round('con', 'cal_par')}; perf-xl consolidate as a process (its "
          f"pool forked from a small process, start-up included) / calamine on {cores} processes "
          f"{per_round('proc', 'cal_par')}")
    print(f"in the least disturbed round (calamine speed-up {quiet['cal'] / quiet['cal_par']:.2f}× on {cores} "
          f"processes): in-process {quiet['con'] / quiet['cal']:.2f}×, "
          f"as a process {quiet['proc'] / quiet['cal']:.2f}×; "
          f"CPU: consolidation {CPU.get('process', 0) / CPU.get('calamine workers=1', 1):.2f}× calamine's")
    print(f"per workbook: calamine {cal / len(files) * 1000:.1f} ms, consolidate --jobs 1 "
          f"{con1 / len(files) * 1000:.1f} ms; openpyxl/calamine {opx / max(opx_n, 1) / (cal / len(files)):.1f}×")
    print(f"where --jobs 1 spends its time (best of {len(shares)}, in this process): {whole:.2f} s, of which "
          f"inside calamine {inside:.2f} s ({inside / whole:.0%}); the rest (safety check, model, rules, sums, "
          f"bureau file) {whole - inside:.2f} s = {(whole - inside) / inside:.2f}× calamine's part "
          f"(a ratio of 1.5× with the same number of processes needs it at most 0.5×, before any cost of the pool)")
    part = phases.pop(PART_OF_MODEL)
    other = whole - inside - sum(phases.values())
    print("  the rest, step by step (× calamine's part): " + "; ".join(
        f"{label} {t:.2f} s ({t / inside:.2f}×)" for label, t in [*phases.items(), ("everything else", other)]))
    print(f"  within the model, finding the fields by their captions (the captions' placement, the indicator "
          f"table's end): {part:.2f} s ({part / inside:.2f}× calamine's part)")
    print(f"peak memory: consolidate process ru_maxrss {proc_rss / 1024:.0f} MiB (largest of it and its workers); "
          f"this bench process (all steps) {self_rss / 1024:.0f} MiB; "
          f"Python heap (tracemalloc, --jobs 1) {heap_peak / 2**20:.0f} MiB")
    speedup = cal / cal_par if cal_par else 0.0
    print(f"load average at the end: {os.getloadavg()[0]:.2f}; calamine speed-up on {cores} processes "
          f"{speedup:.2f}×" + ("" if speedup > 1.5 or cores < 2 or len(files) < 20 else
                               "  ← WARNING: the machine is busy (another process holds a core); the parallel "
                               "wall times are not representative, compare the CPU column"))
    print(f"exit code of the process: {proc_rc} (1: the inputs have error-severity findings / skipped files)")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
