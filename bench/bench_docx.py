"""Time the 绩效文本 Word export (and reading it back) for a document the size of the
real one: 39 project tables. Target: export under 3 s.

    python bench/bench_docx.py [--runs 5] [--keep out.docx]

Uses the real example, read by the text importer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perf_xl.importers.docx import read_docx
from perf_xl.importers.text import read_text
from perf_xl.resources import example_path
from perf_xl.sinks.docx import write_docx


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="also save the last export here")
    args = ap.parse_args()

    dept = read_text(example_path())
    indicators = sum(len(p.indicators) for p in dept.projects)
    print(f"model: the example: {len(dept.projects)} projects, {indicators} indicators")
    writes, reads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "绩效文本.docx"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            write_docx(dept, out)
            writes.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            back = read_docx(out)
            reads.append(time.perf_counter() - t0)
        size = out.stat().st_size
        if args.keep:
            Path(args.keep).write_bytes(out.read_bytes())
    same = back.content() == dept.content()
    print(f"export .docx: median {statistics.median(writes):.3f} s, max {max(writes):.3f} s "
          f"over {args.runs} runs ({size / 1024:.0f} KiB)  target < 3 s: "
          f"{'OK' if max(writes) < 3 else 'TOO SLOW'}")  # fmt: skip
    print(f"read .docx:   median {statistics.median(reads):.3f} s, max {max(reads):.3f} s")
    print(f"round trip equal: {same}")
    return 0 if same and max(writes) < 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
