"""The monitoring / self-evaluation block of a project sheet (layout.TRACK_*): read it into
the model, and the patch that writes what monitor / selfeval --write changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import Department, IndicatorTrack, Project, ProjectTrack, decimal_text
from . import layout as L
from .grid import Grid, _as_text, compact
from .patch import Patch
from .placement import Placement, moved_value

_HEADER = compact(L.TRACK_COLUMNS[0].caption)
_IND_COLS = tuple(L.col_index(c.col) for c in L.IND_COLUMNS)
_INPUT_COLS = tuple((k, L.col_index(L.TRACK_COLUMN[k].col)) for k in L.TRACK_INPUT_KEYS)
_NUMBER_KEYS = {"weight", "score"}


def has_block(grid: Grid, placement: Placement | None = None) -> bool:
    ref = f"{L.TRACK_COLUMNS[0].col}{L.IND_HEADER_ROW}"
    return compact(grid.text(placement.cell(ref) if placement else ref)) == _HEADER


def indicator_rows(grid: Grid) -> list[int]:
    """The sheet rows of the indicators, as the reader finds them (non-empty rows)."""
    found = getattr(grid, "_indicator_rows", None)  # (asked for by the reader and each patch)
    if found is not None and found[0] == grid.height:
        return list(found[1])
    rows = []
    for row in range(L.IND_FIRST_ROW, min(L.IND_LAST_ROW, grid.height) + 1):
        cells = grid.row_values(row, _IND_COLS)
        if any(v is not None and _as_text(v) for v in cells):
            rows.append(row)
    grid._indicator_rows = (grid.height, tuple(rows))  # type: ignore[attr-defined]
    return rows


def _layout_rows(project: Project) -> list[int]:
    """The layout rows of a project's indicators (the patch is moved to the sheet's rows
    by placement.place_patch when the sheet's table moved or has gaps)."""
    return [L.indicator_row(i) for i in range(len(project.indicators))]


def read_track(grid: Grid, project: Project, placement: Placement | None = None) -> None:
    """Fill ``project.track`` and its indicators' tracks from the block (left None when the
    sheet has no block or the officer typed nothing); ``placement``: where the sheet's
    fields are (rows or columns a user inserted)."""
    if not has_block(grid, placement):
        return
    from .read import _money

    at = placement.cell if placement is not None else (lambda ref: ref)
    t = ProjectTrack()
    month = grid.get(at(L.TRACK_MONTH.cell))
    if month is not None:
        if isinstance(month, (int, float)) and not isinstance(month, bool) and float(month).is_integer():
            t.month = int(month)
        else:
            t.invalid["month"] = _as_text(month)
    for f in (L.TRACK_ADJUSTED, L.TRACK_EXECUTED, L.TRACK_FORECAST, L.TRACK_YEAR_EXECUTED):
        key = f.key.removeprefix("track.")
        setattr(t, key, _money(grid.get(at(f.cell)), key, t.invalid))
    t.analysis = grid.text(at(L.TRACK_ANALYSIS.cell))
    t.measures = grid.text(at(L.TRACK_MEASURES.cell))
    if t != ProjectTrack():
        project.track = t
    rows = placement.indicator_rows if placement is not None else indicator_rows(grid)
    cols = [placement.col(c) if placement is not None else c for _k, c in _INPUT_COLS]
    for ind, row in zip(project.indicators, rows, strict=False):
        values = grid.row_values(row, cols)
        if all(v is None for v in values):
            continue
        it = IndicatorTrack()
        for (key, _col), value in zip(_INPUT_COLS, values, strict=True):
            if value is None:
                continue
            if key in _NUMBER_KEYS:
                setattr(it, key, _money(value, key, it.invalid))
            else:
                setattr(it, key, _as_text(value))
        ind.track = it


def cell_value(value: Any) -> Any:
    """A reported figure as a cell value: numbers stay numbers."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        from ..lifecycle.judge import number

        n = number(value)
        if n is not None:
            return n
    return value


def changes_patch(changes, grid_of=None) -> Patch:
    """The cells an actuals file sets (perf_xl.lifecycle.actuals.Change list)."""
    patch = Patch()
    for c in changes:
        sheet = c.project.sheet or ""
        if c.indicator is None:
            cell = L.TRACK_FIELD_BY_KEY[c.key].cell
        else:  # the layout's row of the indicator (the patch is moved to the sheet's)
            cell = f"{L.TRACK_COLUMN[c.key].col}{L.indicator_row(c.indicator)}"
        patch.set(sheet, cell, cell_value(c.value))
    return patch


def helpers_patch(dept: Department, cfg, grid_of=None, results=None) -> Patch:
    """The helper columns (目标数, 类型, 按序时, 权重组) of every indicator, from its 指标值,
    the row formulas, and the formula parameters on 代码表: what the native formulas judge
    by. With ``grid_of`` (sheet -> Grid) only the helper cells that differ from what the
    sheet holds are written. With ``results`` (perf_xl.lifecycle.evaluate, one per project)
    every row formula goes with the value it gives (a writer leaves a cell that already
    holds both alone); without, only the rows whose formula is missing or another get it."""
    from ..lifecycle.judge import judge_project
    from ..rules.facts import ProjectFacts
    from . import track_formulas as TF
    from .patch import Formula
    from .track_build import result_formulas

    patch = Patch()
    for index, p in enumerate(dept.projects):
        sheet = p.sheet or ""
        grid = grid_of(sheet) if grid_of and sheet else None
        placement = p.__dict__.get("_placement")
        placement = placement if placement is not None and not placement.exact else None
        at = placement.cell if placement is not None else (lambda ref: ref)
        rows = list(_layout_rows(p))
        cached = (result_formulas(results[index], rows)[1]
                  if results and placement is None and results[index].project is p else {})
        for j, row in zip(judge_project(ProjectFacts(p), cfg), rows, strict=False):
            for key, value in helper_values(j).items():
                ref = f"{L.TRACK_COLUMN[key].col}{row}"
                if grid is None or not _same(grid.get(at(ref)), value):
                    patch.set(sheet, ref, value)
            for key, text in TF.row_formulas(row).items():
                ref = f"{L.TRACK_COLUMN[key].col}{row}"
                formula = cached.get(ref)
                if formula is not None and formula.text == text:
                    patch.set(sheet, ref, formula)
                elif grid is None or grid.formulas.get(at(ref)) != moved_value(Formula(text), placement).text:
                    patch.set(sheet, ref, Formula(text))
    params = Patch()
    params_patch(cfg, params)
    codes = grid_of(L.CODES_SHEET) if grid_of else None
    for (sheet, ref), value in params.values.items():
        if codes is None or not _same(codes.get(ref), value):
            patch.set(sheet, ref, value)
    return patch


def results_patch(results, grid_of=None) -> Patch:
    """The block's project figures (执行率, 灯, 得分 …) the results decide, with the values
    their formulas give (what a reader that does not recalculate shows), where the sheet
    holds the tool's formula and shows another value (the row formulas go with
    helpers_patch)."""
    from .track_build import result_formulas

    patch = Patch()
    for r in results:
        sheet = r.project.sheet
        grid = grid_of(sheet) if grid_of and sheet else None
        placement = r.project.__dict__.get("_placement")
        if grid is None or (placement is not None and not placement.exact):
            continue  # (where the formulas are is not known without the sheet, or moved)
        for ref, formula in result_formulas(r, [])[0].items():
            if not _same(grid.get(ref), formula.cached) and grid.formulas.get(ref) == formula.text:
                patch.set(sheet, ref, formula)
    return patch


def _same(current: Any, value: Any) -> bool:
    if value is None or value == "":
        return current is None or current == ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return isinstance(current, (int, float)) and not isinstance(current, bool) and (
            abs(float(current) - float(value)) < 1e-12)
    return current == value


def helper_values(j) -> dict[str, Any]:
    return {"target": j.target, "kind": j.kind or "", "prorate": 1 if j.prorate else 0,
            "group": j.group}


def param_values(cfg) -> list[tuple[str, str, Decimal]]:
    return [(key, caption, getattr(cfg, key)) for key, caption in L.PARAMS]


def params_patch(cfg, patch: Patch) -> None:
    for key, _caption, value in param_values(cfg):
        patch.set(L.CODES_SHEET, L.param_cell(key, qualified=False), value)


def describe(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    return "" if value is None else str(value)
