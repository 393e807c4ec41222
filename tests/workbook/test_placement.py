"""Issue 12: rows and columns a user inserts move the map for every block of a project sheet
(the official table, the tool columns, 一级指标（续）, the monitoring block M–AD, the 申报表
fields AF–AI), and every writer's patch lands in the moved cells, never in the inserted ones.

Grid-level and fast: the edits are made on the values python-calamine reads (what every
reader sees); the same edits made in LibreOffice, and the writes into the saved file, are in
test_user_edits_lo.py.
"""

from __future__ import annotations

import pytest

from perf_xl.operations import findings_of, summary_patch, validate_patch
from perf_xl.workbook import layout as L
from perf_xl.workbook.grid import Grid, load_grids
from perf_xl.workbook.placement import place_formula, place_patch
from perf_xl.workbook.read import department_from_grids

ROWS, COLS = 2, 1  # inserted at the top, and before column C


@pytest.fixture(scope="module")
def loaded(sample_book):
    names, grids = load_grids(sample_book)
    return names, {n: [list(r) for r in g.raw] for n, g in grids.items()}


def _edited(loaded, sheet: str):
    names, raw = loaded
    rows_of = {n: [list(r) for r in rows] for n, rows in raw.items()}
    rows = rows_of[sheet]
    for r in rows:
        r.insert(2, "")  # a column before C
    width = max(len(r) for r in rows)
    for _ in range(ROWS):
        rows.insert(0, [""] * width)
    return names, {n: Grid(n, rows_of[n], merges=[]) for n in names}


def _moved(ref: str) -> str:
    r, c = L.split_a1(ref)
    return L.a1(r + ROWS, c + COLS if c >= 3 else c)


def _project_sheets(names):
    return [n for n in names if n not in L.FIXED_SHEETS]


def test_every_block_moves_with_inserted_rows_and_columns(loaded):
    names, _ = loaded
    sheet = _project_sheets(names)[1]
    names, grids = _edited(loaded, sheet)
    read = department_from_grids(names, grids)
    original = department_from_grids(*loaded[:1], {n: Grid(n, r) for n, r in loaded[1].items()})
    assert not [p for p in read.problems if p.fatal]
    a = next(p for p in original.department.projects if p.sheet == sheet)
    b = next(p for p in read.department.projects if p.sheet == sheet)
    assert (b.code, b.budget, b.plan, b.indicators, b.authority, b.track) == (
        a.code, a.budget, a.plan, a.indicators, a.authority, a.track)
    placement = read.placements[sheet]
    for ref in (L.CODE.cell, L.STATUS, L.REVIEW_CELL, f"{L.IND_GROUP_COLUMN.col}12", L.TRACK_MONTH.cell,
                f"{L.TRACK_COLUMN['target'].col}13", L.DECLARATION_FIELDS[0].cell, f"{L.MID_VALUE_COLUMN.col}12",
                L.MARKER_CELL):
        assert placement.cell(ref) == _moved(ref), ref
    assert set(read.placements) == {sheet}  # the untouched sheets write where the layout says


def test_the_writers_patches_land_in_the_moved_cells(loaded):
    names, _ = loaded
    sheet = _project_sheets(names)[1]
    names, grids = _edited(loaded, sheet)
    read = department_from_grids(names, grids)
    findings = findings_of(read)
    patch = validate_patch(read, findings).extend(summary_patch(read.department, [f.to_dict() for f in findings]))
    placed = place_patch(patch, read.placements)
    mine = {ref for (s, ref) in placed.values if s == sheet}
    assert _moved(L.STATUS) in mine and L.STATUS not in mine
    group = L.IND_GROUP_COLUMN.col
    assert _moved(f"{group}12") in mine and f"{group}12" not in mine
    for ref in mine:  # nothing in the inserted rows or the inserted column
        r, c = L.split_a1(ref)
        assert r > ROWS and c != 3, ref
    formula = placed.values[(sheet, _moved(f"{group}13"))].text
    assert formula == place_formula(patch.values[(sheet, f"{group}13")].text, read.placements[sheet], {})
    assert f"{L.col_letter(L.col_index(group) + 1)}{12 + ROWS}" in formula  # the row above, moved
    assert "$D15" in formula and "$C15" not in formula  # 三级指标 moved from C to D
    # the 汇总 sheet counts the moved sheet's column, the others' where the layout says
    summary = next(s for s in placed.sheets if s.name == L.SUMMARY_SHEET)
    texts = " ".join(c.value.text for c in summary.cells if hasattr(c.value, "text"))
    quoted = L.quote_sheet(sheet)
    assert f"{quoted}$M${12 + ROWS}:$M$" in texts and f"{quoted}$L$12" not in texts


def test_a_formula_moves_by_its_sheet_and_skips_strings(loaded):
    names, _ = loaded
    sheet = _project_sheets(names)[0]
    names, grids = _edited(loaded, sheet)
    read = department_from_grids(names, grids)
    p = read.placements[sheet]
    assert place_formula('=IF(B7="E10",$C$4*B7,"")', p, {}) == '=IF(B9="E10",$D$6*B9,"")'
    other = L.quote_sheet(sheet)
    assert place_formula(f"=SUM({other}$C$4,'x'!C4,LOG10(C4))", None, read.placements) == (
        f"=SUM({other}$D$6,'x'!C4,LOG10(C4))")
    # a range over the indicator table ends at the table's (moved) last row
    assert place_formula("=COUNTIF($L$12:$L$51,1)", p, {}) == f"=COUNTIF($M${12 + ROWS}:$M${51 + ROWS},1)"


def test_a_table_past_forty_rows_reaches_its_last_row(loaded):
    names, raw = loaded
    sheet = _project_sheets(names)[0]
    rows_of = {n: [list(r) for r in rows] for n, rows in raw.items()}
    rows = rows_of[sheet]
    width = max(len(r) for r in rows)
    for i in range(45):  # 45 indicators typed, 5 rows inserted above the notes line
        r = L.IND_FIRST_ROW + i
        if i >= L.IND_CAPACITY:
            rows.insert(r - 1, [""] * width)
        line = rows[r - 1]
        for col, text in zip("ABCDFG", ("产出指标", "数量指标", f"指标{i}", "说明", "≥1个", "依据"), strict=True):
            line[L.col_index(col) - 1] = text
    grids = {n: Grid(n, rows_of[n]) for n in names}
    read = department_from_grids(names, grids)
    project = next(p for p in read.department.projects if p.sheet == sheet)
    assert len(project.indicators) == 45 and not read.problems
    placed = place_patch(summary_patch(read.department), read.placements)
    group = L.IND_GROUP_COLUMN.col
    assert (sheet, f"{group}56") in placed.values  # the 45th row gets its formula
    summary = next(s for s in placed.sheets if s.name == L.SUMMARY_SHEET)
    texts = " ".join(c.value.text for c in summary.cells if hasattr(c.value, "text"))
    assert f"{L.quote_sheet(sheet)}${group}$12:${group}$56" in texts


def test_monitor_write_lands_in_the_moved_block(loaded):
    from perf_xl.lifecycle_ops import run_track

    names, raw = loaded
    sheet = _project_sheets(names)[1]
    plain = {n: Grid(n, [list(r) for r in rows]) for n, rows in raw.items()}
    before = run_track(department_from_grids(names, plain), "monitor", month=6, write=True, grid_of=plain.get)
    names, grids = _edited(loaded, sheet)
    read = department_from_grids(names, grids)
    after = run_track(read, "monitor", month=6, write=True, grid_of=grids.get)
    placed = place_patch(after.patch, read.placements)
    want = {(s, _moved(ref) if s == sheet else ref): v for (s, ref), v in before.patch.values.items()
            if not hasattr(v, "text")}
    got = {k: v for k, v in placed.values.items() if not hasattr(v, "text")}
    assert got == want and (sheet, _moved(L.TRACK_MONTH.cell)) in got
