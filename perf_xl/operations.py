"""The operations, each one function from grids (what a workbook holds) to a Patch.

The CLI runs them on a file (FileAdapter: part-level, workbook/editor.py), the buttons on the open workbook
(perf_xl.excel: xlwings); neither the rules nor the operations know which adapter applies
the patch. A workbook adapter exposes ``sheet_names``, ``grid(name)``, ``apply(patch)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .conventions import review_wording
from .model import Department
from .vocabulary import ERROR, SEVERITY_KEYS, WARNING, severity_counts, status_of
from .workbook import layout as L
from .workbook.grid import Grid
from .workbook.patch import Formula, Mark, Patch
from .workbook.read import LayoutProblem, ReadResult, department_from_grids, require_master

if TYPE_CHECKING:
    from .rules import Finding, RuleConfig
    from .spendplan import FillResult


class Workbook(Protocol):
    @property
    def sheet_names(self) -> list[str]: ...

    def grid(self, name: str) -> Grid: ...

    def apply(self, patch: Patch) -> None: ...


def read_book(book: Workbook, only_sheet: str | None = None) -> ReadResult:
    """The model of an open workbook (all project sheets, or just ``only_sheet``)."""
    names = book.sheet_names
    wanted = [n for n in names if n in (L.DEPARTMENT_SHEET, only_sheet)] if only_sheet else names
    grids = {n: book.grid(n) for n in wanted if n not in (L.XLWINGS_CONF_SHEET, L.CODES_SHEET)}
    result = require_master(department_from_grids(names, grids), getattr(book, "path", None))
    result.formulas = {n: g.formulas for n, g in grids.items()}  # (found when first looked at)
    if only_sheet:  # (the other sheets' placements stay as an earlier read found them)
        book.placements = {**getattr(book, "placements", {}), **result.placements}
        if only_sheet not in result.placements:
            book.placements.pop(only_sheet, None)
    else:
        book.placements = result.placements  # the adapter moves every patch to the cells found
    return result


# -- fill --------------------------------------------------------------------------------------
@dataclass
class FillOutcome:
    patch: Patch
    results: list[FillResult]
    message: str  # "已填充 13 个项目的支出计划，1 处冲突"
    details: list[str] = field(default_factory=list)


def fill(dept: Department, profile: str | None = None, overwrite: bool = False,
         formulas: Mapping[str, Mapping[str, str]] | None = None, lifecycle=None) -> FillOutcome:
    """The spend plan filled; ``formulas`` (sheet -> cell -> formula, from ReadResult) keep
    a formula in a plan cell from being taken for an empty cell. The patch also gives the
    formulas that follow the plan — each project's 计划金额 (B8:E8) and, when the workbook
    has one, the 汇总 figures of the plan — their new values (a reader that does not
    recalculate sees them; Excel recalculates on opening anyway), and so do the monitoring
    block's figures that follow the plan on a sheet with a monitoring month (``lifecycle``:
    the LifecycleConfig its formulas read, perf_xl.workbook.track.workbook_params)."""
    from .spendplan import fill_department, fill_summary

    results = fill_department(dept, profile=profile, overwrite=overwrite, formulas=formulas)
    patch = Patch()
    details = []
    changed = False
    for project, result in zip(dept.projects, results, strict=True):
        for cell, value in result.patch(fraction=True).items():
            patch.set(project.sheet or "", cell, value)
        for change in result.changes:  # the model follows: the 汇总 is computed from it
            while len(project.plan) <= change.index:
                project.plan.append(None)
            project.plan[change.index] = change.new
            project.invalid.pop(change.key, None)
            changed = True
        if result.changes and formulas is not None:
            _plan_amounts(patch, project, formulas.get(project.sheet or "") or {})
            _track_plan(patch, project, formulas.get(project.sheet or "") or {}, lifecycle)
        details.extend(f"「{project.sheet}」{line}" for line in result.lines())
    if changed and formulas is not None and L.SUMMARY_SHEET in formulas:
        _summary_plan_figures(patch, dept, formulas[L.SUMMARY_SHEET])
    return FillOutcome(patch, results, fill_summary(results), details)


def _plan_amounts(patch: Patch, project, formulas: Mapping[str, str]) -> None:
    """B8:E8 (=ROUND(预算数 × %, 2)) with the values of the new plan, where the sheet still
    holds the tool's formula."""
    from .conventions import planned_spend
    from .workbook import formulas as F

    for i, cell in enumerate(L.PLAN_AMOUNTS):
        text = F.plan_amount(i)
        if formulas.get(cell) != text:
            continue  # the user's own formula (or value) stays as it is
        pct = project.plan[i] if i < len(project.plan) else None
        value = planned_spend(project.budget, pct) if pct is not None and project.budget is not None else ""
        patch.set(project.sheet or "", cell, Formula(text, value))


def _track_plan(patch: Patch, project, formulas: Mapping[str, str], lifecycle) -> None:
    """The monitoring block's 计划进度 and 对计划的预算灯 with the values of the new plan."""
    from .workbook.track import plan_figures

    if project.track is None or not project.track.month:
        return
    for cell, value in plan_figures(project, formulas, lifecycle or _default_lifecycle()).items():
        patch.set(project.sheet or "", cell, value)


def _default_lifecycle():
    from .lifecycle.config import LifecycleConfig

    return LifecycleConfig()


_PLAN_FIGURES = ("（%）", "（万元）", "计划支出")


def _summary_plan_figures(patch: Patch, dept: Department, formulas: Mapping[str, str]) -> None:
    """The 汇总 cells that show the plan, with their new values: the cells of the sheet
    as the summary would now be written whose formula is the one the sheet holds (a 汇总
    of another layout, or edited by hand, keeps what it has)."""
    from .summary import summarize
    from .workbook.owned_sheets import LINE_COLUMNS, LIST_COLUMNS, summary_sheet

    spec = summary_sheet(dept, summarize(dept))
    where = {cell.ref: cell.value for cell in spec.cells}
    # The two tables' header rows: the line table's (资金来源 …) and the list's (序号 …).
    heads = sorted(L.split_a1(ref)[0] for ref, value in where.items()
                   if _column(ref) == "A" and value in (LINE_COLUMNS[0], LIST_COLUMNS[0]))
    for cell in spec.cells:
        if not isinstance(cell.value, Formula):
            continue
        row = L.split_a1(cell.ref)[0]
        head = max((h for h in heads if h < row), default=None)
        caption = where.get(f"{_column(cell.ref)}{head}") if head else None
        if (isinstance(caption, str) and caption.endswith(_PLAN_FIGURES)
                and formulas.get(cell.ref) == cell.value.text):
            patch.set(L.SUMMARY_SHEET, cell.ref, cell.value)


def _column(ref: str) -> str:
    return ref.rstrip("0123456789")


# -- validate ----------------------------------------------------------------------------------
def layout_findings(problems: list[LayoutProblem]) -> list[Finding]:
    """PT502 findings for sheets whose layout a user broke."""
    from .rules.finding import make_finding

    return [make_finding(p.code, p.message, sheet=p.sheet, cell=p.cell) for p in problems]


def findings_of(read: ReadResult, config: RuleConfig | None = None) -> list[Finding]:
    from .rules import validate

    return layout_findings(read.problems) + validate(read.department, config)


def validate_patch(read: ReadResult, findings: list[Finding], *, source: str = "",
                   only_sheet: str | None = None) -> Patch:
    """校验结果 rebuilt, the offending cells marked, each project's status and counts."""
    from .workbook.owned_sheets import findings_sheet

    patch = Patch(clear_marks=True, clear_marks_in=(only_sheet,) if only_sheet else ())
    if not only_sheet:
        patch.sheets.append(findings_sheet([f.to_dict() for f in findings], source=source))
    # A sheet whose layout broke is not read, so it is not in the model: its cells are not
    # where we would write, and only its PT502 marks go onto it.
    by_sheet: dict[str, list[Finding]] = {}
    for f in findings:
        by_sheet.setdefault(f.sheet or "", []).append(f)
    for sheet in (p.sheet for p in read.department.projects if p.sheet):
        mine = by_sheet.get(sheet, [])
        counts = {s: sum(1 for f in mine if f.severity == s) for s in SEVERITY_KEYS}
        patch.set(sheet, L.STATUS, status_of(counts[ERROR], counts[WARNING]))
        for cell, sev in zip(L.COUNT_CELLS, SEVERITY_KEYS, strict=True):
            patch.set(sheet, cell, counts[sev])
        patch.set(sheet, L.REVIEW_CELL, review_wording((f.severity, f.category) for f in mine))
    for f in findings:
        if f.sheet and f.cell:
            patch.marks.append(Mark(f.sheet, f.cell, f.severity, f"{f.code} {f.message}"))
    return patch


def status_text(findings: list[Finding], dept: Department) -> str:
    return (f"已校验 {len(dept.projects)} 个项目：{severity_counts(f.severity for f in findings)}"
            if findings else f"已校验 {len(dept.projects)} 个项目，未发现问题")


# -- summary -----------------------------------------------------------------------------------
def summary_patch(dept: Department, findings: list[Mapping[str, Any]] | None = None,
                  grid_of=None) -> Patch:
    """The 汇总 sheet rebuilt from the summary (live formulas over the project sheets,
    charts), and every project sheet's 一级指标（续） column the formulas count, each with
    the value it computes — from the sheet's cells (``grid_of``: sheet name -> Grid), else
    from the model as the builder does."""
    from .conventions import carried_levels
    from .summary import summarize
    from .workbook import formulas as F
    from .workbook.owned_sheets import summary_sheet

    patch = Patch(sheets=[summary_sheet(dept, summarize(dept, findings))])
    col = L.IND_GROUP_COLUMN.col
    ind_cols = [L.col_index(c.col) for c in L.IND_COLUMNS]
    for p in dept.projects:
        if not p.sheet:
            continue
        last = L.table_last_row(len(p.indicators))  # (a table may have grown past 40 rows)
        grid = grid_of(p.sheet) if grid_of is not None else None
        if grid is not None:  # the layout's rows, read where the sheet has them now
            placement = p.__dict__.get("_placement")
            at_row = placement.row if placement is not None and not placement.exact else (lambda r: r)
            cols = [placement.col(c) for c in ind_cols] if placement is not None else ind_cols
            values = F.level1_carried_values(
                {row: grid.row_values(at_row(row), cols) for row in range(L.IND_FIRST_ROW, last + 1)})
        else:  # the model's rows follow each other from the first
            carried = [level1 for _ind, level1, _ in carried_levels(p.indicators)]
            values = {L.indicator_row(i): carried[i] if i < len(carried) else
                      F.EMPTY_ROW_MARK + (carried[-1] if carried else "") for i in range(last - L.IND_FIRST_ROW + 1)}
        patch.set(p.sheet, f"{col}{L.IND_HEADER_ROW}", L.IND_GROUP_COLUMN.caption)
        for row in range(L.IND_FIRST_ROW, last + 1):
            patch.set(p.sheet, f"{col}{row}", Formula(F.level1_carried(row), values.get(row, "")))
    return patch


# -- a new project sheet -----------------------------------------------------------------------
@dataclass
class NewProject:
    seq: int
    sheet: str  # "40 新项目"
    after: str | None  # the last project sheet (the new one goes right after it)
    template: str | None  # a project sheet whose layout is intact, to copy


NEW_PROJECT_NAME = "新项目"


def new_project(read: ReadResult) -> NewProject:
    """Where a new project sheet goes and what it is called: the next 序号 after every
    project (and every "NN …" sheet name), after the last project sheet."""
    import re

    projects = [p for p in read.department.projects if p.sheet]
    broken = {p.sheet for p in read.problems if p.fatal}
    numbered = [n for n in read.sheets if n not in L.FIXED_SHEETS and re.match(r"^\d{1,4}\s", n)]
    seqs = [p.seq for p in projects] + [int(n.split()[0]) for n in numbered]
    seq = max(seqs, default=0) + 1
    project_sheets = {p.sheet for p in projects} | broken | set(numbered)
    last = next((n for n in reversed(read.sheets) if n in project_sheets), None)
    name = L.project_sheet_name(seq, NEW_PROJECT_NAME, set(read.sheets) | set(L.FIXED_SHEETS))
    template = projects[-1].sheet if projects else None
    return NewProject(seq, name, last, template)


def blank_project_patch(sheet: str, seq: int, rows: int = L.IND_CAPACITY) -> Patch:
    """Empty every input of a copied project sheet (the unit line stays), set its 序号, and
    drop what validate wrote; formulas, formats and buttons stay as copied."""
    patch = Patch(clear_marks=True, clear_marks_in=(sheet,))
    keep = {L.UNIT_LINE.key, L.SEQ.key}
    for f in L.PROJECT_FIELDS:
        if f.key not in keep:
            patch.set(sheet, f.cell, None)
    patch.set(sheet, L.SEQ.cell, seq)
    for cell in (L.STATUS, *L.COUNT_CELLS, L.REVIEW_CELL):
        patch.set(sheet, cell, None)
    for row in range(L.IND_FIRST_ROW, L.table_last_row(rows) + 1):  # (a template's table may be longer)
        for c in L.IND_COLUMNS:
            patch.set(sheet, f"{c.col}{row}", None)
    return patch
