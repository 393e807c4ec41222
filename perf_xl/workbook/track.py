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
# The row formulas' columns, in track_formulas.row_formulas order; where 分值 is among them.
_ROW_FORMULA_KEYS = ("light_value", "light", "eff_weight", "eval_score", "year_light")
_ROW_FORMULA_COLS = tuple(L.col_index(L.TRACK_COLUMN[k].col) for k in _ROW_FORMULA_KEYS)
_WEIGHT_AT = _ROW_FORMULA_KEYS.index("eff_weight")
_HELPER_COLS = tuple(L.col_index(L.TRACK_COLUMN[k].col) for k in L.TRACK_HELPER_KEYS)  # (helper_values order)


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


def block_patch(dept: Department, cfg, grid_of=None, results=None, months=None) -> Patch:
    """The helper columns (目标数, 类型, 按序时, 权重组) of every indicator, from its 指标值,
    the row formulas, and the formula parameters on 代码表: what the native formulas judge
    by. With ``grid_of`` (sheet -> Grid) only the helper cells that differ from what the
    sheet holds are written. Every row formula goes with the value it gives (the monitoring
    at the month the sheet holds — ``months``: sheet -> month after the write — and the
    self-evaluation; ``results``: one per project, reused), where the sheet shows another
    value; a row whose 分值 cell shows another value (its formulas missing) gets them all.
    The project figures (执行率, 灯, 得分 …) likewise, where the sheet still holds the tool's
    formula (read with ``grid_of`` only). On a sheet whose table moved, the row formulas
    are written where missing or another, without values, and the figures are left alone."""
    from ..lifecycle.judge import judge_project
    from ..rules.facts import ProjectFacts
    from . import track_formulas as TF
    from .patch import Formula
    from .track_build import block_formulas, row_cells

    patch = Patch()
    for index, p in enumerate(dept.projects):
        sheet = p.sheet or ""
        grid = grid_of(sheet) if grid_of and sheet else None
        placement = p.__dict__.get("_placement")
        placement = placement if placement is not None and not placement.exact else None
        at = placement.cell if placement is not None else (lambda ref: ref)
        rows = list(_layout_rows(p))
        known = [results[index]] if results and results[index].project is p else []
        if known and known[0].facts is not None:  # (judged already, with this configuration)
            facts, judged = known[0].facts, [i.judged for i in known[0].indicators]
        else:
            facts = ProjectFacts(p)
            judged = judge_project(facts, cfg)
        for j, row in zip(judged, rows, strict=False):
            values = helper_values(j)
            if grid is None:
                shown = [None] * len(values)
            elif placement is None:
                shown = grid.row_values(row, _HELPER_COLS)
            else:
                shown = [grid.get(at(f"{L.TRACK_COLUMN[key].col}{row}")) for key in values]
            for (key, value), now in zip(values.items(), shown, strict=True):
                if grid is None or not _same(now, value):
                    patch.set(sheet, f"{L.TRACK_COLUMN[key].col}{row}", value)
        if placement is not None:
            for row in rows[:len(judged)]:
                for key, text in TF.row_formulas(row).items():
                    ref = f"{L.TRACK_COLUMN[key].col}{row}"
                    if grid is None or grid.formulas.get(at(ref)) != moved_value(Formula(text), placement).text:
                        patch.set(sheet, ref, Formula(text))
            continue
        month = _block_month(p, months)
        if month is False:
            continue  # (a month outside 1–12 on the sheet: what its formulas give is not known)
        figures, by_row = block_formulas(p, cfg, month, known, facts)
        if grid is not None:
            for ref, formula in figures.items():
                if not _same(grid.get(ref), formula.cached) and grid.formulas.get(ref) == formula.text:
                    patch.set(sheet, ref, formula)
        for row in rows[:len(judged)]:
            cells = row_cells(row)
            shown = grid.row_values(row, _ROW_FORMULA_COLS) if grid is not None else None
            everything = shown is None or not _same(shown[_WEIGHT_AT], by_row[cells[_WEIGHT_AT][1]].cached)
            for k, (_key, ref, _text) in enumerate(cells):
                formula = by_row[ref]
                if everything or not _same(shown[k], formula.cached):
                    patch.set(sheet, ref, formula)
    params = Patch()
    params_patch(cfg, params)
    codes = grid_of(L.CODES_SHEET) if grid_of else None
    for (sheet, ref), value in params.values.items():
        if codes is None or not _same(codes.get(ref), value):
            patch.set(sheet, ref, value)
    return patch


def _block_month(project: Project, months) -> int | bool | None:
    """The month the project's sheet holds after the write (None: none, so the monitoring
    formulas give ""); False for a month the formulas would take that is not 1–12."""
    if months is not None and project.sheet in months:
        month = months[project.sheet]
    else:
        t = project.track
        if t is not None and t.invalid.get("month") is not None:
            return None  # (text: ISNUMBER is false, the formulas give "")
        month = t.month if t is not None else None
    if month is None:
        return None
    return month if 1 <= month <= 12 else False


_NUMBERS = (int, float, Decimal)  # (exact classes: a bool is not a number here)


def _same(current: Any, value: Any) -> bool:
    """The cell shows ``value`` (asked for every helper and formula cell of every block)."""
    if value is None or value == "":
        return current is None or current == ""
    if value.__class__ in _NUMBERS:
        return (current.__class__ is float or current.__class__ is int) and (
            abs(float(current) - float(value)) < 1e-12)
    return current == value


def helper_values(j) -> dict[str, Any]:
    """The helper columns of an indicator row, in layout.TRACK_HELPER_KEYS order."""
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


def workbook_params(grid: Grid | None):
    """The parameter table on 代码表 as the native formulas read it (perf_xl.lifecycle.
    LifecycleConfig, the defaults where a cell holds no number)."""
    from dataclasses import replace

    from ..lifecycle.config import LifecycleConfig

    cfg = LifecycleConfig()
    if grid is None:
        return cfg
    found = {}
    for key, _caption in L.PARAMS:
        value = grid.get(L.param_cell(key, qualified=False))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found[key] = Decimal(str(value))
    return replace(cfg, **found)


PLAN_FIGURES = ("plan_rate", "plan_value", "plan_light")


def plan_figures(project: Project, formulas, cfg) -> dict[str, Any]:
    """Layout cell -> formula with its value, for the block's figures that follow the plan
    (计划进度（本单位）, 预算亮灯值（对计划）, 对计划的预算灯), computed from the project's
    plan as it is now, where the sheet (``formulas``: cell -> formula) still holds the tool's
    formula. Nothing when the sheet has no monitoring month (they show "" whatever the plan)
    or its table moved."""
    from .track_build import block_formulas

    placement = project.__dict__.get("_placement")
    month = _block_month(project, None)
    if not month or (placement is not None and not placement.exact):
        return {}
    figures, _rows = block_formulas(project, cfg, month, known=(), facts=None, selfeval=False)
    cells = {L.TRACK_OUTPUT["plan_rate"].cell, L.TRACK_OUTPUT["plan_value"].cell, L.PLAN_LIGHT}
    return {ref: f for ref, f in figures.items() if ref in cells and formulas.get(ref) == f.text}
