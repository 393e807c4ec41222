"""Worksheet functions (UDFs) for Excel through xlwings: the module named in the workbook's
``xlwings.conf`` sheet (``UDF Modules = perf_xl.excel.udfs``); 首页「更新 Python 函数」
(ImportPythonUDFs) imports them.

Each function is a thin wrapper over the core the CLI uses (rules.row, the grid reader and
the rule engine, spendplan, values), so a cell says what ``perf-xl validate`` says.

Array-friendly: every argument may be one cell or a range. Ranges arrive as 2-D lists
(``ndim=2``); arguments broadcast against each other like Excel's own array arithmetic
(a 1×1 or a single row/column is repeated), and the result is a 2-D list of the same
shape. Empty cells give "". On Linux and macOS without Excel the xlwings decorators return
the plain function, so these are ordinary Python functions that tests call directly.

When something fails the cell says so in a short Chinese text, never a traceback: a PT_*
cell shows 「需启用 Python」 when the functions were never imported (the formula's IFERROR
catches #NAME?), 「Python 出错：…」 when Python raised (``_safe`` below) or could not be
reached at all (PerfXL.bas routes the wrapper's Err.Description through PerfXLUdfError).

No parameter or return annotations here: xlwings reads annotations as converters.
"""

from __future__ import annotations

import functools

import xlwings as xw

from ..errors import PerfXLError
from ..model import CHECKPOINTS
from ..workbook.grid import cell_text

CATEGORY = "perf_xl"
ERROR_SHAPE = "参数区域的行数或列数不一致"
PYTHON_ERROR = "Python 出错："  # also built by PerfXLUdfError in macros/PerfXL.bas
MAX_ERROR = 80


def _safe(fn):
    """The UDF, answering 「Python 出错：…」 (one line) instead of raising: xlwings would
    turn the exception into a COM error whose text is a whole traceback. Innermost
    decorator, so xlwings reads the real signature (functools.wraps keeps ``__wrapped__``)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PerfXLError as exc:
            return _error_text(exc.describe())
        except Exception as exc:  # a bug or an odd argument: say it in the cell, short
            return _error_text(f"{type(exc).__name__}: {exc}")

    return run


def _error_text(detail):
    text = PYTHON_ERROR + " ".join(str(detail).split())
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR - 1] + "…"


# -- broadcasting ------------------------------------------------------------------------------
def _matrix(x):
    """A range as rows (a 1-D list is one row); None for a single value."""
    if isinstance(x, (list, tuple)):
        if not x:
            return [[None]]
        if isinstance(x[0], (list, tuple)):
            return [list(r) if r else [None] for r in x]
        return [list(x)]
    return None


def _broadcast(fn, *args, spread=False):
    """``fn`` on every cell position of the (broadcast) arguments.

    With ``spread`` each call returns a list that is laid out along the row (PT_PLAN's
    four checkpoints, PT_PARSE's three parts)."""
    mats = [_matrix(a) for a in args]
    if all(m is None for m in mats):
        out = fn(*args)
        return [out] if spread else out
    mats = [m if m is not None else [[a]] for m, a in zip(mats, args, strict=True)]
    rows = max(len(m) for m in mats)
    cols = max(len(m[0]) for m in mats)
    if any(len(m) not in (1, rows) or any(len(r) not in (1, cols) for r in m) for m in mats):
        return ERROR_SHAPE
    result = []
    for r in range(rows):
        line = []
        for c in range(cols):
            cell = [m[r if len(m) > 1 else 0][c if len(m[0]) > 1 else 0] for m in mats]
            value = fn(*cell)
            if spread:
                line.extend(value)
            else:
                line.append(value)
        result.append(line)
    return result


def _first(x):
    """The top-left value of a range (arguments that are meant as one cell)."""
    m = _matrix(x)
    return x if m is None else m[0][0]


def _join(messages):
    return "；".join(messages)


# -- 项目编码 -----------------------------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("code", ndim=2, doc="项目编码单元格（可为区域）")
@_safe
def PT_CODE_CHECK(code):
    """项目编码校验：正确时为「正确」，否则说明错在哪里（与 perf-xl validate 的 PT101/PT102 相同）。"""
    from ..rules.row import check_code

    def one(value):
        text = cell_text(value)
        if not text:
            return ""
        return _join(message for _sev, message in check_code(text)) or "正确"

    return _broadcast(one, code)


# -- one indicator row -------------------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("level1", ndim=2, doc="一级指标")
@xw.arg("level2", ndim=2, doc="二级指标")
@xw.arg("level3", ndim=2, doc="三级指标")
@xw.arg("value", ndim=2, doc="指标值")
@xw.arg("budget", ndim=2, doc="预算数（万元），如 $C$4")
@xw.arg("description", ndim=2, doc="绩效指标描述（可省略）")
@_safe
def PT_CHECK(level1, level2, level3, value, budget, description=None):
    """一行指标的校验结果：没有问题为空，否则为问题说明（以「；」分隔），与 perf-xl validate 相同。

    Given whole columns (A12:A51, …) the rows are read as one table, as the validator reads
    the sheet: a blank 一级/二级指标 carries the name of the row above."""
    from ..rules.row import check_rows

    mats = [_matrix(a) for a in (level1, level2, level3, value, description)]
    budgets = _matrix(budget)
    column = (all(m is not None and len(m[0]) == 1 for m in mats[:4])
              and len({len(m) for m in mats[:4]}) == 1
              and (mats[4] is None or (len(mats[4]) == len(mats[0]) and len(mats[4][0]) == 1))
              and (budgets is None or (len(budgets) == 1 and len(budgets[0]) == 1)))
    if column and len(mats[0]) > 1:
        # A table: one pass with the validator's carry-down of 一级/二级指标.
        n = len(mats[0])
        texts = [[cell_text(m[r][0]) if m is not None else "" for m in mats] for r in range(n)]
        rows = [(r, t) for r, t in enumerate(texts) if any(t)]
        results = check_rows([tuple(t) for _r, t in rows], _budget(_first(budget)))
        out = [[""] for _ in range(n)]
        for (r, t), messages in zip(rows, results, strict=True):
            out[r][0] = _join(messages) if t[3] else ""
        return out

    def one(l1, l2, l3, val, bud, desc):
        text = cell_text(val)
        if not text:
            return ""
        [messages] = check_rows([(cell_text(l1), cell_text(l2), cell_text(l3), text,
                                  cell_text(desc))], _budget(bud))
        return _join(messages)

    return _broadcast(one, level1, level2, level3, value, budget, description)


def _budget(value):
    from ..workbook.read import money_value

    return money_value(value)


# -- a whole project sheet ---------------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("grid", ndim=2, doc="项目表 A1:G51")
@xw.arg("year", doc="预算年度（可省略），如 '部门整体'!$B$5")
@_safe
def PT_FINDINGS_COUNT(grid, year=None):
    """项目表的问题数：与 perf-xl validate 对该表报告的条数相同（错误、警告、提示合计）。

    Rules that need other sheets are left out: PT103 (the same code on two sheets), and
    PT111 (a prior-year code) unless the budget year is given."""
    from ..model import Department
    from ..rules import validate
    from ..workbook.grid import Grid
    from ..workbook.read import project_from_grid

    rows = _matrix(grid) or [[grid]]
    project, problems = project_from_grid(Grid("", rows))
    if project is None:
        return len(problems)
    return len(validate(Department(year=_year(_first(year)), projects=[project])))


def _year(value):
    text = cell_text(value)
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2200 else None


# -- spend-plan profiles -----------------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg("profile", ndim=2, doc="支出计划模板：序时进度、按月均衡、一次性、一次性（6月底）…")
@xw.arg("checkpoint", ndim=2, doc="时点：3月底 / 6月底 / 10月底 / 12月底（或月份 3、6、10、12）；省略则四个时点")
@_safe
def PT_PLAN(profile, checkpoint=None):
    """支出计划模板的累计支出进度（0.25 即 25%，与项目表的百分比单元格相同）：
    给出时点为一个数，省略时点为一行四个数（3月底、6月底、10月底、12月底）。"""
    from ..spendplan import HUNDRED, checkpoint_index, profile_plan

    def values(name):
        return [float(v / HUNDRED) for v in profile_plan(name)]

    if checkpoint is None:
        def four(name):
            if not cell_text(name):
                return [""] * len(CHECKPOINTS)
            try:
                return values(cell_text(name))
            except PerfXLError as exc:
                return [exc.message] + [""] * (len(CHECKPOINTS) - 1)

        return _broadcast(four, profile, spread=True)

    def one(name, at):
        if not cell_text(name) or not cell_text(at):
            return ""
        try:
            return values(cell_text(name))[checkpoint_index(cell_text(at))]
        except PerfXLError as exc:
            return exc.message

    return _broadcast(one, profile, checkpoint)


# -- an indicator value ------------------------------------------------------------------------
PARTS = {"operator": 0, "运算符": 0, "1": 0, "number": 1, "数值": 1, "2": 1, "unit": 2, "单位": 2,
         "3": 2}


@xw.func(category=CATEGORY)
@xw.arg("value", ndim=2, doc="指标值，如 ≥90%、≤100万元、20台")
@xw.arg("part", ndim=2, doc="运算符 / 数值 / 单位（或 1 / 2 / 3）；省略则一行三项")
@_safe
def PT_PARSE(value, part=None):
    """指标值的运算符、数值和单位（单位已规范，「百分比」为「%」；没写运算符为「＝」）。
    定性目标（如「持续影响」）与无法识别的值：数值与单位为空。"""
    from ..values import parse_value

    def parts(text):
        v = parse_value(text)
        if not v.is_quantity or v.number is None:
            return [v.operator or "", "", ""]
        return [v.operator or "", float(v.number), v.unit]

    if part is None:
        def three(cell):
            text = cell_text(cell)
            return parts(text) if text else ["", "", ""]

        return _broadcast(three, value, spread=True)

    def one(cell, which):
        text = cell_text(cell)
        key = cell_text(which).lower()
        if key not in PARTS:
            return f"无法识别的部分「{cell_text(which)}」，应为 运算符、数值 或 单位"
        return parts(text)[PARTS[key]] if text else ""

    return _broadcast(one, value, part)


UDFS = ("PT_CODE_CHECK", "PT_CHECK", "PT_FINDINGS_COUNT", "PT_PLAN", "PT_PARSE")
