"""The byte-level cell edits of SheetPart give the same sheet as the lxml edits of SheetCells."""

from __future__ import annotations

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
