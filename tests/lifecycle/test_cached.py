"""The cached values of the monitoring block: what a reader that does not recalculate
(python-calamine, pandas, the bureau's readers) sees after monitor/selfeval --write and
after a fill that changes the plan of a sheet with a monitoring month — every block cell
equal to what Python computes on the written book, and (LibreOffice) to what the native
formulas give when recalculated."""

from __future__ import annotations

import shutil

import pytest
from python_calamine import CalamineWorkbook
from support.cli import cli
from support.example import example_department
from support.lo import probe

from lifecycle.expect import compare, monitor_cells, selfeval_cells
from perf_xl.lifecycle_ops import run_track
from perf_xl.sources import load
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.read import ReadResult

PLAN_CELLS = (L.track_cell("plan_rate"), L.track_cell("plan_value"), L.PLAN_LIGHT)


def expected(book, month: bool = True) -> dict[str, dict]:
    """Sheet -> cell -> what Python computes for the block, from the book as it is
    (``month``: the sheets carry one; else the monitoring's figures show "")."""
    ev = run_track(ReadResult(load(book).department), "selfeval")
    mon = run_track(ReadResult(load(book).department), "monitor") if month else ev  # (their month)
    want = {}
    for a, b in zip(mon.results, ev.results, strict=True):
        rows = [L.indicator_row(i) for i in range(len(a.indicators))]
        cells = monitor_cells(a, rows)
        if not month:
            cells = dict.fromkeys(cells, "")
        want[a.project.sheet] = {**cells, **selfeval_cells(b, rows)}
    return want


def cached(book, want) -> list[tuple]:
    """The block cells whose cached value differs from ``want``."""
    wb = CalamineWorkbook.from_path(str(book))
    bad = []
    for sheet, cells in want.items():
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        got = {}
        for ref in cells:
            r, c = L.split_a1(ref)
            got[ref] = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None
        bad += compare(got, cells, sheet)
    return bad


def test_write_gives_every_block_formula_its_value(written):
    want = expected(written)
    assert sum(len(c) for c in want.values()) > 1800
    assert cached(written, want) == []


@pytest.fixture(scope="module")
def refilled(written, tmp_path_factory):
    """The written book after fill --overwrite with another spend plan (the month stays)."""
    book = tmp_path_factory.mktemp("refill") / "PerformanceTargets.xlsm"
    shutil.copy(written, book)
    before = {s: {ref: c[ref] for ref in PLAN_CELLS} for s, c in expected(book).items()}
    done = cli("fill", book, "--overwrite", "--profile", "一次性（6月底）")
    assert done.returncode == 0, done.stderr
    return book, before


def test_fill_gives_the_plan_figures_of_the_block_their_new_values(refilled):
    book, before = refilled
    want = expected(book)
    after = {s: {ref: c[ref] for ref in PLAN_CELLS} for s, c in want.items()}
    assert after != before  # not vacuous: the new plan changed them
    changed = sum(1 for s in after for ref in PLAN_CELLS if after[s][ref] != before[s][ref])
    assert changed > 30
    assert cached(book, want) == []  # every block cell, the plan's and the others


def test_fill_without_a_month_leaves_the_block_alone(tmp_path):
    book = tmp_path / "b.xlsm"
    build_workbook(example_department(), book)
    assert cli("fill", book, "--overwrite", "--profile", "一次性（6月底）").returncode == 0
    assert cached(book, expected(book, month=False)) == []


@pytest.mark.lo
def test_libreoffice_recalculates_what_fill_cached(refilled):
    book, _before = refilled
    want = expected(book)
    plan = {s: {ref: c[ref] for ref in PLAN_CELLS} for s, c in want.items()}
    [res] = probe([{"path": str(book), "cells": {s: sorted(c) for s, c in plan.items()}}])
    assert res["errors"] == {}, res["errors"]
    assert [d for s, cells in plan.items() for d in compare(res["values"][s], cells, s)] == []
    shown = {v for s in plan for v in res["values"][s].values() if isinstance(v, str)}
    assert {"红灯", "黄灯"} <= shown  # (the plan has everything spent by 6月底)


def test_the_block_writer_knows_the_row_formulas_order():
    from perf_xl.workbook import track
    from perf_xl.workbook import track_formulas as TF

    assert tuple(TF.row_formulas(L.IND_FIRST_ROW)) == track._ROW_FORMULA_KEYS
