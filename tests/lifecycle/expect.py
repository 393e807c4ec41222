"""What the monitoring / self-evaluation block's native formulas must show, cell by cell,
from Python's results (perf_xl.lifecycle.evaluate)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from perf_xl.lifecycle.evaluate import ProjectResult
from perf_xl.lifecycle.lights import LIGHT_LABELS
from perf_xl.workbook import layout as L


def _v(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _light(value: str | None) -> str:
    return LIGHT_LABELS.get(value or "", "")


def monitor_cells(r: ProjectResult, rows: list[int]) -> dict[str, Any]:
    out = {
        L.track_cell("standard_rate"): _v(r.standard_rate),
        L.track_cell("execution_rate"): _v(r.execution_rate),
        L.track_cell("plan_rate"): _v(r.plan_rate),
        L.track_cell("budget_value"): _v(r.budget_value),
        L.track_cell("plan_value"): _v(r.plan_value),
        L.BUDGET_LIGHT: _light(r.budget_light),
        L.PLAN_LIGHT: _light(r.plan_light),
        L.track_cell("light"): _light(r.light),
    }
    for i, row in zip(r.indicators, rows, strict=True):
        out[f"{L.TRACK_COLUMN['light_value'].col}{row}"] = _v(i.light_value)
        out[f"{L.TRACK_COLUMN['light'].col}{row}"] = _light(i.light)
    return out


def selfeval_cells(r: ProjectResult, rows: list[int]) -> dict[str, Any]:
    out = {
        L.track_cell("year_rate"): _v(r.execution_rate),
        L.track_cell("execution_score"): _v(r.execution_score),
        L.track_cell("indicator_score"): _v(r.indicator_score),
        L.track_cell("total"): _v(r.total),
        L.track_cell("grade"): r.grade or "",
        L.track_cell("year_light"): _light(r.light),
        L.track_cell("ahead"): _v(r.ahead),
        L.track_cell("unspent"): _v(r.unspent),
    }
    for i, row in zip(r.indicators, rows, strict=True):
        out[f"{L.TRACK_COLUMN['eff_weight'].col}{row}"] = _v(i.weight)
        out[f"{L.TRACK_COLUMN['eval_score'].col}{row}"] = _v(i.score)
        out[f"{L.TRACK_COLUMN['year_light'].col}{row}"] = _light(i.light)
    return out


def compare(got: dict[str, Any], want: dict[str, Any], sheet: str) -> list[tuple]:
    """The cells where LibreOffice and Python differ (numbers to 1e-9)."""
    bad = []
    for ref, w in want.items():
        g = got.get(ref)
        if isinstance(w, float):
            if not (isinstance(g, float) and abs(g - w) < 1e-9):
                bad.append((sheet, ref, g, w))
        elif (g if g is not None else "") != w:
            bad.append((sheet, ref, g, w))
    return bad
