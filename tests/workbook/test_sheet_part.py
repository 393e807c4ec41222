"""The byte-level cell edits of SheetPart give the same sheet as the lxml edits of SheetCells."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from lxml import etree

from perf_xl.workbook import layout as L
from perf_xl.workbook.cells import SheetCells
from perf_xl.workbook.editor import Book
from perf_xl.workbook.patch import Formula
from perf_xl.workbook.sheet_part import SheetPart

EDITS = [
    (L.STATUS, "通过"), (L.COUNT_CELLS[0], 3), (L.COUNT_CELLS[1], 0), (L.REVIEW_CELL, "  两端有空格 "),
    (L.PLAN[0].cell, Decimal("0.25")), (L.PLAN[3].cell, None), (L.BUDGET.cell, 12.5),
    ("H4", "新单元格"), ("J9", True), (L.PLAN_AMOUNTS[0], Formula("=ROUND($C$4*B7,2)", 3.13)),
    ("A1", Formula('=IF(E3="","",J1&"."&E3&"绩效目标表")', "1.名称 <&> 绩效目标表")),
    ("Q4", Formula("=1+1")), ("C5", "换行\n第二行"), ("D5", "控制字符\x01"), ("E5", ""),
]


def canon(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


@pytest.mark.parametrize("shared", [True, False])
def test_byte_edits_equal_tree_edits(sample_book, shared):
    book = Book(sample_book)
    part = next(p for n, p in book.sheets.items() if n.startswith("01"))
    data = book.pkg.read(part)
    strings = book.strings if shared else None

    fast = SheetPart(data, part)
    for ref, value in EDITS:
        fast.set(ref, value, strings)
        fast.set_style("C4", 7)
    assert fast.root is None  # every edit stayed in the bytes
    root = etree.fromstring(data)
    cells = SheetCells(root)
    for ref, value in EDITS:
        cells.set(ref, value, strings)
        cells.cell("C4").set("s", "7")
    assert canon(fast.to_bytes()) == canon(etree.tostring(root))
    assert fast.formulas_replaced


def test_what_the_bytes_cannot_hold_goes_to_the_tree(sample_book):
    book = Book(sample_book)
    part = next(p for n, p in book.sheets.items() if n.startswith("01"))
    data = book.pkg.read(part)
    fast = SheetPart(data, part)
    fast.set("ZZ500", 1, None)  # outside the sheet's rows: a new row
    assert fast.root is not None
    root = etree.fromstring(data)
    SheetCells(root).set("ZZ500", 1, None)
    assert canon(fast.to_bytes()) == canon(etree.tostring(root))


def test_an_unchanged_value_leaves_the_part_as_it_was(sample_book):
    book = Book(sample_book)
    part = next(p for n, p in book.sheets.items() if n.startswith("01"))
    data = book.pkg.read(part)
    fast = SheetPart(data, part)
    fast.set(L.PLAN[1].cell, Decimal("0.5"), None)  # (what it holds)
    assert not fast.changed and fast.to_bytes() == data


def test_a_formula_that_is_there_with_its_value_is_left_alone(sample_book):
    book = Book(sample_book)
    part = next(p for n, p in book.sheets.items() if n.startswith("01"))
    data = book.pkg.read(part)
    fast = SheetPart(data, part)
    cell = fast._find("A1")
    text = "=" + html.unescape(re.search(rb"<f>([^<]*)</f>", cell.inner).group(1).decode())
    shown = html.unescape(re.search(rb"<v>([^<]*)</v>", cell.inner).group(1).decode())
    fast.set("A1", Formula(text, shown), None)
    fast.set("A1", Formula(text), None)  # no value given: the one it shows stays
    assert not fast.changed
    fast.set("A1", Formula(text, shown + "！"), None)
    assert fast.changed and shown.encode() + "！".encode() in fast.to_bytes()


def _block_edits(data: bytes) -> list[tuple[str, object]]:
    """What monitor --write makes of an indicator block: numbers into empty cells, and the
    row formulas with new number and text results, some unchanged, one cell twice."""
    from perf_xl.workbook.track_build import row_cells

    edits: list[tuple[str, object]] = [(L.TRACK_EXECUTED.cell, Decimal("180.13")), (L.TRACK_MONTH.cell, 6)]
    for k, row in enumerate(range(L.IND_FIRST_ROW, L.IND_FIRST_ROW + 6)):
        edits.append((f"{L.TRACK_COLUMN['actual'].col}{row}", Decimal(k) / 3))
        for key, ref, text in row_cells(row):
            cached = "红灯" if key.endswith("light") else (Decimal("0.5") * k if k % 2 else 1)
            edits.append((ref, Formula(text, cached)))
    edits.append(edits[3])  # (the same cell again: as written the first time)
    edits.append((edits[4][0], Formula(edits[4][1].text, 0.25)))  # (and changed again)
    return edits


def _general(sheet: SheetPart, monkeypatch) -> None:
    monkeypatch.setattr(sheet, "_quick", lambda ref: None)


@pytest.mark.parametrize("odd", ["", "attribute order", "shared master", "extLst", "prefixed text"])
def test_the_one_pass_edit_gives_the_bytes_of_the_general_one(sample_book, monkeypatch, odd):
    """SheetPart._quick (the one-pass look for a cell written as the builder and Excel write
    it, for a number or a formula) gives byte for byte what the general look (_find) gives,
    and hands every other cell over."""
    book = Book(sample_book)
    part = next(p for n, p in book.sheets.items() if n.startswith("01"))
    data = book.pkg.read(part)
    edits = _block_edits(data)
    ref = f"{L.TRACK_COLUMN['light'].col}{L.IND_FIRST_ROW + 1}"  # (a cell of the edits)
    start = data.index(f'<c r="{ref}"'.encode())
    end = data.index(b"</c>", start) + 4
    cell = data[start:end]
    if odd == "attribute order":  # r after s: not the one-pass form
        cell = re.sub(rb'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"', rb'<c s="\2" r="\1"', cell)
    elif odd == "shared master":
        cell = cell.replace(b"<f>", b'<f t="shared" ref="%s:%s" si="0">' % (ref.encode(), ref.encode()), 1)
    elif odd == "extLst":
        cell = cell.replace(b"</c>", b"<extLst/></c>")
    elif odd == "prefixed text":  # the reference as text inside a formula
        cell = cell.replace(b"<f>", b'<f>" r=""%s"""&amp;' % ref.encode(), 1)
    data = data[:start] + cell + data[end:]
    one_pass, general = SheetPart(data, part), SheetPart(data, part)
    _general(general, monkeypatch)
    calls = []
    quick = one_pass._quick
    monkeypatch.setattr(one_pass, "_quick", lambda r: (found := quick(r)) and (calls.append(r) or found))
    for r, value in edits:
        one_pass.set(r, value, None)
        general.set(r, value, None)
    assert one_pass.to_bytes() == general.to_bytes()
    assert one_pass.formulas_replaced == general.formulas_replaced
    assert (one_pass.root is None and general.root is None) or odd in ("shared master", "extLst")
    if odd not in ("shared master", "extLst"):  # (those turn the part into a tree)
        assert len(calls) > len(edits) // 2  # (the edits went the one-pass way)
    root = etree.fromstring(data)
    cells = SheetCells(root)
    for r, value in edits:
        cells.set(r, value, None)
    assert canon(one_pass.to_bytes()) == canon(etree.tostring(root))


def test_the_one_pass_look_leaves_cells_out_of_order_to_the_row_bounded_one(sample_book):
    """_quick looks on from the cell before, through the rest of the sheet: a cell before
    that one (fill writes its cells in no particular order) is left to _find, which looks
    within the cell's row — else each such cell would cost a scan of the whole sheet."""
    book = Book(sample_book)
    part = next(p for n, p in book.sheets.items() if n.startswith("01"))
    sheet = SheetPart(book.pkg.read(part), part)
    later, earlier = L.PLAN_AMOUNTS[0], L.BUDGET.cell
    assert L.split_a1(earlier) < L.split_a1(later)
    assert sheet._quick(later) is not None
    assert sheet._quick(earlier) is None
    sheet.set(earlier, 12.5, None)
    sheet.set(later, Decimal("3.5"), None)
    assert b"<v>12.5</v>" in sheet.to_bytes() and b"<v>3.5</v>" in sheet.to_bytes()
