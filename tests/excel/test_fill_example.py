"""`perf-xl fill` on the example workbook (as a process): it fills exactly the missing
checkpoints — 12月底 of 12 projects and 10月底 of project 21 — and leaves every written
value as it was."""

from __future__ import annotations

import shutil

from python_calamine import CalamineWorkbook
from support.cli import cli

from perf_xl.model import CHECKPOINTS
from perf_xl.workbook import layout as L

NO_YEAR_END = (3, 7, 13, 15, 18, 20, 22, 30, 31, 32, 34, 36)  # read in the document


def plan_cells(path) -> dict[tuple[int, str], object]:
    """(序号, cell) -> value of every plan cell (B7:E7) of every project sheet."""
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        if name in L.FIXED_SHEETS:
            continue
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        seq = int(name.split()[0])
        for f in L.PLAN:
            r, c = L.split_a1(f.cell)
            value = rows[r - 1][c - 1]
            out[(seq, f.cell)] = None if value == "" else value
    return out


def test_fill_fills_exactly_the_missing_checkpoints(example_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(example_book, path)
    before = plan_cells(path)
    assert len(before) == 39 * len(CHECKPOINTS)
    done = cli("fill", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "已填充 13 个项目的支出计划，1 处冲突"
    after = plan_cells(path)
    empty = {k for k, v in before.items() if v is None}
    year_end, october = L.PLAN[3].cell, L.PLAN[2].cell
    assert empty == {(seq, year_end) for seq in NO_YEAR_END} | {(21, october)}
    # Every written value unchanged, every empty one filled.
    assert {k: v for k, v in after.items() if k not in empty} == {
        k: v for k, v in before.items() if k not in empty}
    assert all(after[(seq, year_end)] == 1.0 for seq in NO_YEAR_END)
    # 21: 25% / 50% / – / 100%, profile 序时进度 -> 75%, between its neighbours.
    assert [before[(21, f.cell)] for f in L.PLAN] == [0.25, 0.5, None, 1.0]
    assert after[(21, october)] == 0.75
    # The conflict: project 27 wrote 50/100/100/100 (front-loaded) against 序时进度.
    conflicts = [line for line in done.stdout.splitlines() if "与模板不同" in line]
    assert conflicts and all(line.startswith("「27 ") for line in conflicts)
    # Filling again finds nothing to fill and leaves the file alone.
    stamp = path.stat().st_mtime_ns
    again = cli("fill", path)
    assert again.stdout.splitlines()[-1] == "没有需要填充的支出计划，1 处冲突（文件未改动）"
    assert path.stat().st_mtime_ns == stamp and plan_cells(path) == after
