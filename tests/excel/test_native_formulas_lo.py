"""LibreOffice recalculates the native formulas of every project sheet of the example (what
Excel, WPS and LibreOffice show without Python) and they agree with Python computing the
same from the model: planned spend (预算数 × %), the funds check, each indicator's amount in
万元 and the cost check against 预算数. The Python-only cells show the fallback hint."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from support.lo import probe

from perf_xl.rules.facts import TOLERANCE, ProjectFacts
from perf_xl.values import parse_value
from perf_xl.workbook import layout as L
from perf_xl.workbook.formulas import UDF_FALLBACK
from perf_xl.workbook.read import read_workbook

ROWS = range(L.IND_FIRST_ROW, L.IND_LAST_ROW + 1)
AMOUNT, COST, UDF = (c.col for c in L.IND_TOOL_COLUMNS)


def expected(project) -> dict[str, object]:
    """What the sheet's native formulas should show, from the model."""
    out: dict[str, object] = {}
    budget = project.budget
    for k, cell in enumerate(L.PLAN_AMOUNTS):
        pct = project.plan[k]
        out[cell] = "" if pct is None or budget is None else float(
            (budget * pct / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if budget is None:
        out[L.FUNDS_CHECK] = "预算数不是数字"
    else:
        total = (project.fiscal or 0) + (project.other or 0)
        out[L.FUNDS_CHECK] = "一致" if abs(budget - total) < TOLERANCE else "财政资金+其他资金≠预算数"
    rows = ProjectFacts(project).rows
    for row in ROWS:
        i = row - L.IND_FIRST_ROW
        r = rows[i] if i < len(rows) else None
        amount = parse_value(r.indicator.value).amount_wan() if r else None
        out[f"{AMOUNT}{row}"] = "" if amount is None else float(amount)
        check = ""
        if r is not None and r.is_cost and amount is not None and budget is not None:
            if amount > budget + TOLERANCE:
                check = "超出预算数"
            elif abs(amount - budget) < TOLERANCE:
                check = "等于预算数"
        out[f"{COST}{row}"] = check
        out[f"{UDF}{row}"] = UDF_FALLBACK if r is not None and r.indicator.value else ""
    out[L.CODE_CHECK] = out[L.FINDINGS_COUNT] = UDF_FALLBACK
    return out


@pytest.mark.lo
def test_libreoffice_computes_what_python_computes_on_every_project_sheet(example_book, cli_findings):
    dept = read_workbook(example_book).department
    wanted = {p.sheet: expected(p) for p in dept.projects}
    [result] = probe([{"path": str(example_book), "cells": {s: sorted(e) for s, e in wanted.items()}}])
    assert result["errors"] == {}, result["errors"]
    checked = 0
    for sheet, cells in wanted.items():
        got = result["values"][sheet]
        for ref, want in cells.items():
            if isinstance(want, float):
                assert isinstance(got[ref], float) and abs(got[ref] - want) < 1e-9, (sheet, ref, got[ref], want)
            else:
                assert got[ref] == want, (sheet, ref, got[ref], want)
            checked += 1
    assert checked == 39 * (len(L.PLAN_AMOUNTS) + 3 + 3 * L.IND_CAPACITY)
    # The native cost check flags exactly the rows where validate reports PT204.
    over = {(s, int(ref[1:]) - L.IND_FIRST_ROW) for s, cells in wanted.items()
            for ref, v in cells.items() if ref.startswith(COST) and v == "超出预算数"}
    assert over == {(f["sheet"], f["indicator"]) for f in cli_findings if f["code"] == "PT204"}
    assert len(over) == 14
    # Missing checkpoints show no amount (12 without 12月底, one without 10月底).
    assert sum(1 for cells in wanted.values() for c in L.PLAN_AMOUNTS if cells[c] == "") == 13
