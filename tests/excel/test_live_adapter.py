"""The live adapter (xlwings) and the file adapter (openpyxl) apply the same patch with the
same observable result; the live one reads each sheet once and writes in blocks."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from support.fake_xlwings import FakeBook
from support.snapshots import OWNED, book_state, differences, file_state

from perf_xl.excel.live import NOTE_PREFIX, LiveAdapter, blocks, project_merges, rectangles
from perf_xl.operations import read_book
from perf_xl.workbook import layout as L
from perf_xl.workbook.file_adapter import FileAdapter
from perf_xl.workbook.patch import Formula, Link, Mark, Patch, SheetSpec


def _pair(example_book, tmp_path, prepare=None):
    for d in ("live", "file"):
        (tmp_path / d).mkdir()
        shutil.copy(example_book, tmp_path / d / "book.xlsm")
    if prepare:  # the same user edits in both, before either adapter runs
        for d in ("live", "file"):
            wb = openpyxl.load_workbook(tmp_path / d / "book.xlsm", keep_vba=True)
            prepare(wb)
            wb.save(tmp_path / d / "book.xlsm")
    return FakeBook.from_file(tmp_path / "live" / "book.xlsm"), tmp_path / "file" / "book.xlsm"


def _apply_both(fake, path, patch):
    LiveAdapter(fake).apply(patch)
    on_file = FileAdapter(path)
    on_file.apply(patch)
    on_file.save()
    styled = (*OWNED, *(s.name for s in patch.sheets))
    diff = differences(book_state(fake, styled), file_state(path, styled))
    assert not diff, "\n".join(diff[:30])


def test_both_adapters_read_the_same_model(example_book):
    fake = FakeBook.from_file(example_book)
    live, on_file = read_book(LiveAdapter(fake)), read_book(FileAdapter(example_book))
    assert live.department.to_dict() == on_file.department.to_dict()
    assert live.problems == on_file.problems == []
    assert all(s.reads == 1 for s in fake.sheets if s.name not in (L.CODES_SHEET, L.XLWINGS_CONF_SHEET))


def test_a_grid_starts_at_a1_when_the_used_range_does_not(example_book):
    fake = FakeBook.from_file(example_book)
    sheet = fake.sheets.add("稀疏", after=fake.sheets[0])
    sheet.range("C4").value = [[1.5, "x"], [None, "y"]]
    assert sheet.used_range.address == "$C$4:$D$5"
    grid = LiveAdapter(fake).grid("稀疏")
    assert grid.get("C4") == 1.5 and grid.get("D5") == "y" and grid.get("A1") is None
    assert grid.height == 5 and len(grid.rows[0]) == 4


def test_the_same_patch_gives_the_same_workbook(example_book, tmp_path):
    def prepare(wb):
        ws = wb["03 综合事务经费"]
        ws["F14"].comment = Comment("用户自己的批注", "张三")

    fake, path = _pair(example_book, tmp_path, prepare)
    first = "01 国家赔偿"
    patch = Patch(clear_marks=True)
    patch.set(first, "B7", Decimal("0.25"))  # a Decimal: a float in Excel
    patch.set(first, "C7", Decimal("0.5"))
    patch.set(first, L.STATUS, "错误")  # the top-left cell of E10:G10
    patch.set(first, "J4", 3)
    patch.set(first, "J5", True)
    patch.set(first, "J6", None)
    patch.set(first, L.REVIEW_CELL, "=不是公式")  # text that looks like a formula stays text
    patch.set(first, "K60", Formula("=1+1", 2))
    patch.set(first, "K61", Link("跳到汇总", L.SUMMARY_SHEET, "A5"))
    patch.marks += [
        Mark(first, "C4", "error", "PT202 预算数不对"),
        Mark(first, "C4", "warning", "PT204 第二条"),  # two on one cell: one note, last colour
        Mark("03 综合事务经费", "F14", "warning", "PT404 用户有批注"),  # the user's note stays
        Mark(first, "E12", "error", "在合并单元格中"),  # inside D12:E12: not marked
        Mark("没有这张表", "A1", "error", "跳过"),
    ]
    spec = SheetSpec("新的表", widths={"A": 12, "C": 30}, heights={1: 28}, merges=["A1:C1"],
                     print_area="A1:C3", repeat_row=2, freeze="A3")
    spec.put("A1", "标题", "title")
    spec.put("A2", "金额", "head")
    spec.put("B2", Decimal("12.5"), "money")
    spec.put("C2", Formula("=B2*2", 25), "money")
    spec.put("A3", Link("01", first, "B3"), "link")
    spec.put("B3", 0.25, "percent")
    patch.sheets.append(spec)
    _apply_both(fake, path, patch)
    # And the marks are ours: a second clear removes them and only them.
    clear = Patch(clear_marks=True)
    _apply_both(fake, path, clear)
    assert [n.text for s in fake.sheets for n in s.notes] == ["用户自己的批注"]


def test_clearing_marks_on_some_sheets_only(example_book, tmp_path):
    fake, path = _pair(example_book, tmp_path)
    a, b = "01 国家赔偿", "02 破产案件费用专项资金"
    _apply_both(fake, path, Patch(marks=[Mark(a, "C4", "error", "甲"), Mark(b, "C4", "info", "乙")]))
    _apply_both(fake, path, Patch(clear_marks=True, clear_marks_in=(b,)))
    assert fake.sheets[a].range("C4").note.text == NOTE_PREFIX + "甲"
    assert fake.sheets[b].range("C4").note is None
    # The tool labels keep the blue they share with the "info" mark.
    assert fake.sheets[b].range("I1").color == (0xDD, 0xEB, 0xF7)


def test_patch_extend_keeps_the_narrowest_clear():
    p = Patch()
    p.extend(Patch(clear_marks=True, clear_marks_in=("a",)))
    assert p.clear_marks and p.clear_marks_in == ("a",)
    p.extend(Patch(clear_marks=True, clear_marks_in=("b",)))
    assert p.clear_marks_in == ("a", "b")
    p.extend(Patch(clear_marks=True))
    assert p.clear_marks_in == ()


def test_a_project_sheet_patch_is_written_in_few_blocks(example_book):
    fake = FakeBook.from_file(example_book)
    sheet = "04 综合业务经费"
    patch = Patch()
    for row in range(L.IND_FIRST_ROW, L.IND_LAST_ROW + 1):  # the whole indicator table
        for c in L.IND_COLUMNS:
            patch.set(sheet, f"{c.col}{row}", None)
    LiveAdapter(fake).apply(patch)
    assert fake.sheets[sheet].writes == 1  # D:E merges fully inside: one block A12:G51


# -- grouping --------------------------------------------------------------------------------------
cells_st = st.sets(st.tuples(st.integers(1, 12), st.integers(1, 8)), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(cells_st)
def test_rectangles_cover_exactly_the_cells(cells):
    boxes = rectangles(cells)
    covered = [(r, c) for b in boxes for r in range(b[0], b[2] + 1) for c in range(b[1], b[3] + 1)]
    assert sorted(covered) == sorted(cells)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 20), st.integers(1, 10)), min_size=1, max_size=40))
def test_blocks_never_cut_a_merged_area_and_write_every_cell(cells):
    merges = project_merges()
    values = {c: f"{c}" for c in cells}
    written = {}
    for box, rows in blocks(values, merges):
        for m in merges:
            overlaps = not (m[2] < box[0] or m[0] > box[2] or m[3] < box[1] or m[1] > box[3])
            inside = box[0] <= m[0] and m[2] <= box[2] and box[1] <= m[1] and m[3] <= box[3]
            assert not overlaps or inside or ((box[0], box[1]) == (box[2], box[3]) == (m[0], m[1]))
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                written[(box[0] + i, box[1] + j)] = v
    inner = {(r, c) for m in merges for r in range(m[0], m[2] + 1) for c in range(m[1], m[3] + 1)
             if (r, c) != (m[0], m[1])}
    for cell, v in values.items():
        if cell not in inner:
            assert written[cell] == v
    assert all(v is None or k in values for k, v in written.items())
