"""The builder's part for the monitoring / self-evaluation block of a project sheet and the
formula parameters on 代码表 (XlsxWriter). Positions from layout.TRACK_*, formulas from
track_formulas."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..lifecycle.config import LifecycleConfig
from ..lifecycle.evaluate import MONITOR, SELFEVAL, evaluate_project
from ..lifecycle.lights import LIGHT_LABELS
from ..model import Project
from . import layout as L
from . import track_formulas as TF
from .patch import Formula
from .track import helper_values, param_values

# Light colours (conditional formats of the light cells): fill, font.
LIGHT_COLORS = {"red": ("#FF7C80", "#7F0000"), "yellow": ("#FFE699", "#7F6000"),
                "green": ("#A9D08E", "#375623"), "blue": ("#9BC2E6", "#1F3864")}
WIDTHS = {"L": 2, "M": 14, "N": 14, "O": 12, "P": 18, "Q": 12, "R": 12, "S": 14, "T": 10,
          "U": 14, "V": 10, "W": 10, "X": 8, "Y": 8, "Z": 8, "AA": 9, "AB": 8, "AC": 7, "AD": 7}


class _Styles:
    def __init__(self, book) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "text_wrap": True,
                "border": 1}
        tool = {**base, "font_color": "#1F4E79", "bg_color": "#DDEBF7"}
        self.title = book.add_format({**base, "border": 0, "bold": True, "font_color": "#1F4E79"})
        self.label = book.add_format({**tool, "bold": True})
        self.input = book.add_format({**base})
        self.input_money = book.add_format({**base, "num_format": "#,##0.00"})
        self.input_center = book.add_format({**base, "align": "center"})
        self.formula = book.add_format({**tool, "align": "center"})
        self.percent = book.add_format({**tool, "align": "center", "num_format": "0.00%"})
        self.number = book.add_format({**tool, "align": "center", "num_format": "0.00"})
        self.helper = book.add_format({**base, "font_color": "#7F7F7F", "bg_color": "#F2F2F2",
                                       "align": "center"})
        self.lights = {k: book.add_format({"bg_color": fill, "font_color": font, "bold": True})
                       for k, (fill, font) in LIGHT_COLORS.items()}


_CACHE: dict[int, _Styles] = {}


def _styles(book) -> _Styles:
    key = id(book)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _Styles(book)
    return _CACHE[key]


def _cached(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_track_block(book, ws, project: Project, cfg: LifecycleConfig, facts=None) -> None:
    """The block right of the tool columns: captions, the officer's cells, native formulas
    (with Python's values cached, so a reader that does not recalculate shows the same),
    helper columns, light colours and drop-downs."""
    s = _styles(book)
    for letter, width in WIDTHS.items():
        idx = L.col_index(letter) - 1
        ws.set_column(idx, idx, width)
    track = project.track
    month = track.month if track and track.month else None
    mon = evaluate_project(project, MONITOR, month, cfg, facts) if month else None
    ev = evaluate_project(project, SELFEVAL, 12, cfg, facts)
    _project_cells(ws, s, project, _project_cached(mon, ev))
    _indicator_cells(ws, s, project, cfg, facts, mon, ev)
    first, last = L.IND_FIRST_ROW, L.table_last_row(len(project.indicators))
    _light_colours(ws, s, first, last)
    _drop_downs(ws, first, last)


def _project_cells(ws, s: _Styles, project: Project, cached: dict[str, Any]) -> None:
    """The title, the project's track fields and its outputs (formulas over the rows)."""
    t = L.TRACK_TITLE
    ws.merge_range(f"{t.cell}:{t.merge_to}", t.text, s.title)
    track = project.track
    for f in L.TRACK_FIELDS:
        row, col = L.split_a1(f.cell)
        ws.write_string(row - 1, col - 2, f.caption, s.label)
        value = getattr(track, f.key.removeprefix("track."), None) if track else None
        fmt = s.input_money if f.kind == "money" else s.input_center if f.kind == "int" else s.input
        if f.merge_to:
            ws.merge_range(f"{f.cell}:{f.merge_to}", "", fmt)
        _write(ws, f.cell, value, fmt)
    formulas = TF.project_formulas()
    for o in L.TRACK_OUTPUTS:
        row, col = L.split_a1(o.label)
        ws.write_string(row - 1, col - 1, o.caption, s.label)
        fmt = s.percent if o.key in ("standard_rate", "execution_rate", "plan_rate", "year_rate") \
            else s.number if o.key in ("budget_value", "plan_value", "execution_score", "indicator_score",
                                       "total", "ahead", "unspent") else s.formula
        _formula(ws, o.cell, formulas[o.key], fmt, cached.get(o.key))
    for key, cell in (("budget_light", L.BUDGET_LIGHT), ("plan_light", L.PLAN_LIGHT)):
        _formula(ws, cell, TF.budget_light("budget_value" if key == "budget_light" else "plan_value"),
                 s.formula, cached.get(key))


def _indicator_cells(ws, s: _Styles, project: Project, cfg: LifecycleConfig, facts, mon, ev) -> None:
    """The column captions and, per table row, the officer's cells; an indicator's row also
    gets its helper values and row formulas."""
    from ..lifecycle.judge import judge_project
    from ..rules.facts import ProjectFacts

    header = L.IND_HEADER_ROW
    for c in L.TRACK_COLUMNS:
        ws.write_string(header - 1, L.col_index(c.col) - 1, c.caption, s.label)
    judged = judge_project(facts or ProjectFacts(project), cfg)
    for index in range(L.table_rows(len(project.indicators))):
        row = L.indicator_row(index)
        ind = project.indicators[index] if index < len(project.indicators) else None
        it = ind.track if ind else None
        for key in L.TRACK_INPUT_KEYS:
            value = getattr(it, key) if it else None
            fmt = s.input_center if key in ("deviation", "likelihood", "weight", "score") else s.input
            _write(ws, f"{L.TRACK_COLUMN[key].col}{row}", _number_or_text(value), fmt)
        if ind is None:
            continue  # formulas and helpers go with an indicator (monitor --write adds them)
        helpers = helper_values(judged[index])
        for key in L.TRACK_HELPER_KEYS:
            _write(ws, f"{L.TRACK_COLUMN[key].col}{row}", helpers.get(key), s.helper)
        rc = _row_cached(mon, ev, index)
        for key, formula in TF.row_formulas(row).items():
            fmt = s.number if key in ("light_value", "eff_weight", "eval_score") else s.formula
            _formula(ws, f"{L.TRACK_COLUMN[key].col}{row}", formula, fmt, rc.get(key))


def _light_colours(ws, s: _Styles, first: int, last: int) -> None:
    """Every light cell (rows first..last and the project's lights) coloured by its word."""
    light_ranges = [f"{L.TRACK_COLUMN[k].col}{first}:{L.TRACK_COLUMN[k].col}{last}"
                    for k in ("light", "year_light")]
    light_ranges += [L.BUDGET_LIGHT, L.PLAN_LIGHT, L.TRACK_OUTPUT["light"].cell,
                     L.TRACK_OUTPUT["year_light"].cell]
    for rng in light_ranges:
        for light, fmt in s.lights.items():
            ws.conditional_format(rng, {"type": "cell", "criteria": "==",
                                        "value": f'"{LIGHT_LABELS[light]}"', "format": fmt})


def _drop_downs(ws, first: int, last: int) -> None:
    """The lists of 偏差原因 and 完成目标可能性, the month's range, the progress/actual hints."""
    dev, lik = L.TRACK_COLUMN["deviation"].col, L.TRACK_COLUMN["likelihood"].col
    ws.data_validation(f"{dev}{first}:{dev}{last}", {
        "validate": "list", "source": list(L.DEVIATION_CATEGORIES), "error_type": "warning",
        "error_title": "偏差原因", "error_message": "请选择：" + "、".join(L.DEVIATION_CATEGORIES)})
    ws.data_validation(f"{lik}{first}:{lik}{last}", {
        "validate": "list", "source": list(L.LIKELIHOODS), "error_type": "warning",
        "error_title": "完成目标可能性", "error_message": "请选择：" + "、".join(L.LIKELIHOODS)})
    ws.data_validation(L.TRACK_MONTH.cell, {
        "validate": "integer", "criteria": "between", "minimum": 3, "maximum": 11,
        "error_type": "warning", "error_title": "监控月份", "error_message": "监控月份为 3–11",
        "input_title": "监控月份", "input_message": "如 6 表示 1–6月"})
    for key in ("progress", "actual"):
        col = L.TRACK_COLUMN[key].col
        ws.data_validation(f"{col}{first}:{col}{last}", {
            "validate": "any", "input_title": L.TRACK_COLUMN[key].caption,
            "input_message": "定量指标填数值（单位同指标值，95 表示 95%）；定性指标填：达成 / 部分达成 / 未达成"})


def _number_or_text(value: Any) -> Any:
    if isinstance(value, str):
        from ..lifecycle.judge import number

        n = number(value)
        return n if n is not None else value
    return value


def _write(ws, ref: str, value: Any, fmt) -> None:
    row, col = L.split_a1(ref)
    if value is None or value == "":
        ws.write_blank(row - 1, col - 1, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row - 1, col - 1, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row - 1, col - 1, float(value), fmt)
    else:
        ws.write_string(row - 1, col - 1, str(value), fmt)


def _formula(ws, ref: str, formula: str, fmt, value: Any) -> None:
    row, col = L.split_a1(ref)
    ws.write_formula(row - 1, col - 1, formula, fmt, _cached(value))


def _label(light: str | None) -> str:
    return LIGHT_LABELS.get(light or "", "")


def _project_cached(mon, ev) -> dict[str, Any]:
    """Output key -> the value its formula gives, from the monitoring (``mon``) and the
    self-evaluation (``ev``) results (either may be None)."""
    out: dict[str, Any] = {}
    if mon is not None:
        out.update(standard_rate=mon.standard_rate, execution_rate=mon.execution_rate,
                   plan_rate=mon.plan_rate, budget_value=mon.budget_value,
                   plan_value=mon.plan_value, light=_label(mon.light),
                   budget_light=_label(mon.budget_light), plan_light=_label(mon.plan_light))
    if ev is not None:
        out.update(year_rate=ev.execution_rate, execution_score=ev.execution_score,
                   indicator_score=ev.indicator_score, total=ev.total, grade=ev.grade or "",
                   year_light=_label(ev.light), ahead=ev.ahead, unspent=ev.unspent)
    return out


def _row_cached(mon, ev, index: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if mon is not None and index < len(mon.indicators):
        i = mon.indicators[index]
        out.update(light_value=i.light_value, light=_label(i.light))
    if ev is not None and index < len(ev.indicators):
        i = ev.indicators[index]
        out.update(eff_weight=i.weight, eval_score=i.score, year_light=_label(i.light))
    return out


_MONITOR_FIGURES = ("standard_rate", "execution_rate", "plan_rate", "budget_value", "plan_value",
                    "light", "budget_light", "plan_light")


def block_formulas(project: Project, cfg: LifecycleConfig, month: int | None, known=(),
                   facts=None, selfeval: bool = True) -> tuple[dict[str, Formula], dict[str, Formula]]:
    """(project figures, indicator rows): layout cell -> formula with the value it gives, for
    every formula of the block — what the builder caches, from the monitoring at ``month``
    (the figures a monitoring decides give "" without one) and the self-evaluation.
    ``known``: results already computed for this project (perf_xl.lifecycle.evaluate),
    reused; ``selfeval=False``: only the monitoring's project figures (no rows). Readers that do not
    recalculate see these values after a --write or a fill."""
    mon = ev = None
    for r in known:
        if r.phase == MONITOR and r.month == month:
            mon = r
        elif r.phase == SELFEVAL:
            ev = r
    if month and mon is None:
        mon = evaluate_project(project, MONITOR, month, cfg, facts)
    if ev is None and selfeval:
        ev = evaluate_project(project, SELFEVAL, 12, cfg, facts)
    cached = _project_cached(mon if month else None, ev)
    figures: dict[str, Formula] = {}
    for key, cell, text in _figure_cells():
        if not selfeval and key not in _MONITOR_FIGURES:
            continue
        value = cached.get(key)
        figures[cell] = Formula(text, "" if value is None else value)
    by_row: dict[str, Formula] = {}
    for index in range(len(project.indicators) if selfeval else 0):
        rc = _row_cached(mon if month else None, ev, index)
        for key, ref, text in row_cells(L.indicator_row(index)):
            value = rc.get(key)
            by_row[ref] = Formula(text, "" if value is None else value)
    return figures, by_row


@lru_cache(maxsize=1)
def _figure_cells() -> tuple[tuple[str, str, str], ...]:
    """(key, cell, formula) of the block's project figures, in the order of the cells in
    the sheet (row, then column): each is looked for in the sheet's bytes from the one
    before, so out of order each look would run on to the sheet's end first."""
    formulas = TF.project_formulas()
    formulas["budget_light"] = TF.budget_light("budget_value")
    formulas["plan_light"] = TF.budget_light("plan_value")
    cells = {"budget_light": L.BUDGET_LIGHT, "plan_light": L.PLAN_LIGHT}
    found = [(key, cells.get(key) or L.TRACK_OUTPUT[key].cell, text) for key, text in formulas.items()]
    return tuple(sorted(found, key=lambda f: L.split_a1(f[1])))


@lru_cache(maxsize=256)
def row_cells(row: int) -> tuple[tuple[str, str, str], ...]:
    """(key, cell, formula) of the row formulas of one indicator row."""
    return tuple((key, f"{L.TRACK_COLUMN[key].col}{row}", text) for key, text in TF.row_formulas(row).items())


def write_params(book, ws, cfg: LifecycleConfig) -> None:
    """The parameter table of the native formulas on 代码表 (G:H)."""
    head = book.add_format({"font_name": "宋体", "font_size": 10, "bold": True, "border": 1,
                            "bg_color": "#D9E1F2"})
    cell = book.add_format({"font_name": "宋体", "font_size": 10, "border": 1})
    col_l, col_v = L.col_index(L.PARAMS_LABEL_COL) - 1, L.col_index(L.PARAMS_VALUE_COL) - 1
    ws.set_column(col_l, col_l, 34)
    ws.set_column(col_v, col_v, 10)
    ws.write_string(0, col_l, "监控与自评参数（由 rules.toml 写入）", head)
    ws.write_string(0, col_v, "值", head)
    for i, (key, caption, value) in enumerate(param_values(cfg)):
        ws.write_string(L.CODES_FIRST_ROW - 1 + i, col_l, caption, cell)
        ws.write_number(L.CODES_FIRST_ROW - 1 + i, col_v, float(value), cell)
        book.define_name(L.param_name(key), "=" + L.param_cell(key))
