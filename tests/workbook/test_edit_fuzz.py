"""Issue 12: hypothesis edits a workbook as users do — rows and columns inserted and deleted
anywhere, cells merged, sheets renamed and added, text, formulas and huge numbers typed into
the cells the tool owns — and the reader never raises, and never gives a complete total (what
``export`` reports with exit 0) that disagrees with a recount of the cells.

The edits work on the grids python-calamine gives (what every reader sees), so thousands of
workbooks are checked in seconds; the same edits made in LibreOffice are in
test_user_edits_lo.py.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf_xl.operations import findings_of, validate_patch
from perf_xl.summary import summarize
from perf_xl.workbook import layout as L
from perf_xl.workbook.grid import Grid, compact, load_grids
from perf_xl.workbook.placement import place_patch
from perf_xl.workbook.read import department_from_grids, incomplete_note


@pytest.fixture(scope="module")
def base(sample_book):
    names, grids = load_grids(sample_book)
    return names, {n: [list(r) for r in g.raw] for n, g in grids.items()}, {n: g.merges for n, g in grids.items()}


def _width(rows):
    return max((len(r) for r in rows), default=0)


ORIGIN: dict[str, str] = {}  # the project sheets of the current example: name now -> name built


def apply(names, rows_of, merges_of, edit):
    kind = edit[0]
    projects = [n for n in names if n not in L.FIXED_SHEETS]
    if not projects:
        return names
    name = projects[edit[1] % len(projects)]
    rows, merges = rows_of[name], merges_of[name]
    if kind == "insert_rows":
        at, n = 1 + edit[2] % (len(rows) + 1), 1 + edit[3] % 3
        for _ in range(n):
            rows.insert(at - 1, [""] * _width(rows))
        merges_of[name] = [(r1 + n if r1 >= at else r1, c1, r2 + n if r2 >= at else r2, c2) for r1, c1, r2, c2 in merges]
    elif kind == "delete_rows":
        at, n = 1 + edit[2] % max(len(rows), 1), 1 + edit[3] % 2
        del rows[at - 1:at - 1 + n]
        merges_of[name] = [(r1 - n if r1 > at else r1, c1, r2 - n if r2 >= at else r2, c2)
                           for r1, c1, r2, c2 in merges if not (at <= r1 < at + n) and r2 - n >= r1]
    elif kind == "insert_cols":
        at = 1 + edit[2] % (_width(rows) + 1)
        for r in rows:
            r.insert(min(at - 1, len(r)), "")
        merges_of[name] = [(r1, c1 + 1 if c1 >= at else c1, r2, c2 + 1 if c2 >= at else c2) for r1, c1, r2, c2 in merges]
    elif kind == "delete_cols":
        at = 1 + edit[2] % max(_width(rows), 1)
        for r in rows:
            if at - 1 < len(r):
                del r[at - 1]
        merges_of[name] = [(r1, c1 - 1 if c1 > at else c1, r2, c2 - 1 if c2 >= at else c2)
                           for r1, c1, r2, c2 in merges if c1 != at and c2 - 1 >= c1]
    elif kind == "merge":
        r1, c1 = 1 + edit[2] % 15, 1 + edit[3] % 8
        r2, c2 = r1 + edit[4] % 2, c1 + 1
        for r in range(r1, r2 + 1):  # a merge keeps only the first cell's value
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and r <= len(rows) and c <= len(rows[r - 1]):
                    rows[r - 1][c - 1] = ""
        merges_of[name] = [*merges, (r1, c1, r2, c2)]
    elif kind == "type":
        field = [*L.PROJECT_FIELDS][edit[2] % len(L.PROJECT_FIELDS)]
        r, c = L.split_a1(field.cell)
        if r <= len(rows):
            line = rows[r - 1]
            line.extend([""] * (c - len(line)))
            line[c - 1] = edit[5]
    elif kind == "rename":
        new = f"改名{edit[2]}"
        if new not in rows_of and name in ORIGIN:
            ORIGIN[new] = ORIGIN.pop(name)
            rows_of[new] = rows_of.pop(name)
            merges_of[new] = merges_of.pop(name)
            names = [new if n == name else n for n in names]
    elif kind == "add_sheet":
        new = f"{edit[2] % 100:02d} 我的笔记"
        if new not in rows_of:
            rows_of[new] = [["项目编码", "预算数", edit[5]], ["资金来源", 500, ""]]
            merges_of[new] = []
            names = [*names, new]
    return names


VALUES = st.one_of(
    st.text(max_size=8), st.sampled_from(["NaN", "Infinity", "-inf", "=SUM(C4:C9)", "=1/0", "1e400", "十万"]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-10**30, max_value=10**30),
    st.just(1e308), st.booleans())
EDITS = st.tuples(
    st.sampled_from(["insert_rows", "delete_rows", "insert_cols", "delete_cols", "merge", "type", "rename",
                     "add_sheet"]),
    st.integers(0, 10), st.integers(0, 80), st.integers(0, 20), st.integers(0, 3), VALUES)


def _number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


ANCHORS = {compact(t) for t in (*L.ROW_ANCHORS.values(), *L.COL_ANCHORS.values())}


def recognisable(grid) -> bool:
    """A project sheet still recognisable as one: its marker, or most of its captions."""
    texts = {compact(v) for row in grid.raw[:L.CAPTION_WINDOW[0]] for v in row[:L.CAPTION_WINDOW[1]]
             if isinstance(v, str)}
    return any(t.startswith(compact(L.MARKER_PREFIX)) for t in texts) or len(texts & ANCHORS) >= 6


def recount(names, grids, projects) -> Decimal:
    """预算数 of every project sheet the builder made (renamed or not) that can still be
    recognised, found as a person would: the cell right of the caption 预算数."""
    total = Decimal(0)
    for name in names:
        grid = grids.get(name)
        if grid is None or name not in projects or not recognisable(grid):
            continue
        # 预算数 stands in its caption's row, in the column the table's header calls 三级指标
        # (the sheet's third column), wherever inserted rows and columns put those
        row_of, col_of = grid.find("预算数", *L.CAPTION_WINDOW), grid.find("三级指标", *L.CAPTION_WINDOW)
        if row_of and col_of:
            n = _number(grid.at(L.split_a1(row_of)[0], L.split_a1(col_of)[1]))
            if n is not None and abs(n) <= Decimal("1e12"):
                total += n
    return total


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
def test_edited_workbooks_never_crash_nor_miscount(base, edits):
    names, raw, merges = base
    rows_of = {n: [list(r) for r in rows] for n, rows in raw.items()}
    merges_of = {n: list(m or []) for n, m in merges.items()}
    ORIGIN.clear()
    ORIGIN.update({n: n for n in names if n not in L.FIXED_SHEETS})
    for edit in edits:
        names = apply(names, rows_of, merges_of, edit)
    grids = {n: Grid(n, rows_of[n], merges=merges_of[n]) for n in names if n in rows_of}
    read = department_from_grids(names, grids)
    findings = findings_of(read)
    summarize(read.department, [f.to_dict() for f in findings])
    # the writers' patches, moved to the cells found, name real cells of the sheets they edit
    patch = validate_patch(read, findings, only_sheet="-")  # (no 校验结果 sheet: the cells only)
    for (sheet, ref), _value in place_patch(patch, read.placements).values.items():
        assert sheet in grids and L.split_a1(ref)[0] >= 1, (sheet, ref)
    if incomplete_note(read.problems) is None:  # export would say nothing is left out …
        # … so the total must be what the cells hold (projects with an unreadable budget
        # count as 0 in both, and carry their PT202)
        assert read.department.total_budget == recount(names, grids, set(ORIGIN)), edits
