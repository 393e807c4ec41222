"""The summary that leaves the building: totals by funding line (and by department), and
the project list, from one or more Department models and, optionally, the findings.

Figures are exact: amounts stay ``Decimal`` (万元) from the model to the rows; the
DataFrames keep them in object columns unless ``as_float=True`` is asked for at the end.
The plain accessors (:func:`summarize`, :attr:`Summary.by_line`, :attr:`Summary.projects` …,
lists of dicts) need no pandas; pandas is imported only by the ``*_frame`` functions.

Conventions (the 汇总 sheet's native formulas follow the same ones):
* planned cumulative spend of a project at a checkpoint = ROUND(预算数 × 计划% / 100, 2),
  as the project sheet's 累计支出 row computes it; the line totals sum those;
* a missing (or non-numeric) plan value counts as 0 and the project is counted in
  计划不完整项目数 and named in the notes; a missing 预算数 counts as 0 and is noted;
* a finding is counted once, on the project it names (by ``sheet`` when given, else by
  ``project_code``, with ``unit_index`` or ``unit_code`` narrowing it to a department); findings that name
  no known project are not in the table (合计 = the sum of the rows) and are noted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from .conventions import (
    LEVEL1_GROUPS,
    NO_FUNDING_LINE,
    OTHER_GROUP,
    ZERO,
    carried_levels,
    compact,
    cost_indicator_value,
    funding_line_label,
    funding_line_order,
    level1_group,
    planned_spend,
    review_wording,
)
from .errors import PerfXLError
from .model import CHECKPOINTS, Department, Project
from .vocabulary import (
    ERROR_LABEL,
    NOT_VALIDATED,
    SEVERITIES,
    TOTAL_LABEL,
    WARNING_LABEL,
    severity_label,
    status_of,
)

__all__ = [  # the definitions the summary follows, re-exported for its callers
    "NO_FUNDING_LINE",
    "SEVERITIES",
    "TOTAL_LABEL",
    "Summary",
    "Summing",
    "cost_indicator_value",
    "funding_line_label",
    "planned_spend",
    "project_frame",
    "summarize",
    "summary_frame",
    "unit_frame",
    "unit_label",
]

SPEND_COLUMNS: tuple[str, ...] = tuple(f"{cp}累计支出" for cp in CHECKPOINTS)
INDICATOR_COLUMNS: tuple[str, ...] = (
    "指标数", *(f"{g}指标数" for g in (*LEVEL1_GROUPS, OTHER_GROUP)),
)
INCOMPLETE_COLUMN = "计划不完整项目数"
METRIC_COLUMNS: tuple[str, ...] = (
    "项目数", "预算数", "财政资金", "其他资金", *SPEND_COLUMNS, *INDICATOR_COLUMNS,
    *SEVERITIES, INCOMPLETE_COLUMN,
)
LINE_COLUMNS: tuple[str, ...] = ("资金来源", *METRIC_COLUMNS)
UNIT_COLUMNS: tuple[str, ...] = ("单位", *METRIC_COLUMNS)
UNIT_LINE_COLUMNS: tuple[str, ...] = ("单位", "资金来源", *METRIC_COLUMNS)
PROJECT_COLUMNS: tuple[str, ...] = (
    "序号", "资金来源", "项目编码", "项目名称", "预算数", *CHECKPOINTS, "成本指标",
    "校验状态", "审核意见",
)
MONEY_COLUMNS: tuple[str, ...] = ("预算数", "财政资金", "其他资金", *SPEND_COLUMNS)
_NOTE_NAMES = 10  # projects named in one note before "等"


def unit_label(dept: Department, index: int = 0) -> str:
    return " ".join(x for x in (dept.unit_code.strip(), dept.unit_name.strip()) if x) or (
        f"单位{index + 1}"
    )


def level1_counts(project: Project) -> dict[str, int]:
    """指标数 and the count of each 一级指标 group (blank cells carried on)."""
    counts = dict.fromkeys(INDICATOR_COLUMNS, 0)
    for _ind, level1, _level2 in carried_levels(project.indicators):
        counts[f"{level1_group(level1)}指标数"] += 1
        counts["指标数"] += 1
    return counts


@dataclass
class _Facts:
    """One project's contribution to every table."""

    unit_index: int
    unit: str
    project: Project
    line: str
    spend: list[Decimal]
    missing: list[str]  # checkpoints without a numeric plan value
    counts: dict[str, int]
    severities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    reviewed: list[tuple[str, str]] = field(default_factory=list)  # (severity, category)

    def status(self, validated: bool) -> str:
        if not validated:
            return NOT_VALIDATED
        return status_of(self.severities[ERROR_LABEL], self.severities[WARNING_LABEL])


def _facts_of(dept: Department, index: int) -> list[_Facts]:
    unit = unit_label(dept, index)
    out = []
    for p in dept.projects:
        plan = list(p.plan) + [None] * (len(CHECKPOINTS) - len(p.plan))
        out.append(
            _Facts(
                unit_index=index,
                unit=unit,
                project=p,
                line=funding_line_label(p),
                spend=[planned_spend(p.budget, v) for v in plan[: len(CHECKPOINTS)]],
                missing=[cp for cp, v in zip(CHECKPOINTS, plan, strict=False) if v is None],
                counts=level1_counts(p),
            )
        )
    return out


def _severity(finding: Mapping[str, Any]) -> str:
    raw = str(finding.get("severity", "")).strip()
    sev = severity_label(raw)
    if sev is None:
        raise PerfXLError(
            f"校验结果 {finding.get('code', '')} 的级别「{raw}」无法识别，"
            "应为 错误/警告/提示（error/warning/info）"
        )
    return sev


def _attach(facts: list[_Facts], depts: list[Department], findings: list[Mapping[str, Any]]) -> list[int]:
    """Count each finding on its project; return the positions of those naming no known project."""
    # Most precise key first: (unit, sheet, code), then looser ones; the first project
    # of a key wins (a code on two sheets, PT103, is told apart by the sheet).
    index: dict[tuple, _Facts] = {}
    for f in facts:
        code, sheet, unit = compact(f.project.code), f.project.sheet or "", f.unit_index
        for key in (
            ("usc", unit, sheet, code), ("us", unit, sheet), ("uc", unit, code),
            ("sc", sheet, code), ("c", code), ("s", sheet),
        ):
            index.setdefault(key, f)
    units_by_code: dict[str, list[int]] = {}
    for i, d in enumerate(depts):
        units_by_code.setdefault(d.unit_code.strip(), []).append(i)
    unassigned = []
    for position, finding in enumerate(findings):
        sev = _severity(finding)
        code = compact(finding.get("project_code"))
        sheet = str(finding.get("sheet") or "")
        unit_code = str(finding.get("unit_code") or "").strip()
        unit_index = finding.get("unit_index")
        units: list[int] | None = None
        if isinstance(unit_index, int) and not isinstance(unit_index, bool):
            # The department by position: several inputs may share a unit code (a file
            # sent twice, copies in the bureau's folder); the position never is ambiguous.
            units = [unit_index]
        elif unit_code:
            units = units_by_code.get(unit_code, [])
        if units is not None:
            keys = [k for u in units for k in (("usc", u, sheet, code), ("us", u, sheet), ("uc", u, code))]
        else:
            keys = [("sc", sheet, code), ("c", code), ("s", sheet)]
        if not (code or sheet):
            keys = []  # names no project (a department-wide finding)
        elif not code:
            keys = [k for k in keys if k[0] in ("us", "s")]
        elif not sheet:
            keys = [k for k in keys if k[0] not in ("us", "s")]
        target = next((index[k] for k in keys if k in index), None)
        if target is None:
            unassigned.append(position)
            continue
        target.severities[sev] += 1
        target.reviewed.append((sev, str(finding.get("category") or "")))
    return unassigned


def _empty_metrics() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(METRIC_COLUMNS, 0)
    for col in MONEY_COLUMNS:
        row[col] = ZERO
    return row


def _add(row: dict[str, Any], f: _Facts) -> None:
    p = f.project
    row["项目数"] += 1
    row["预算数"] += p.budget if p.budget is not None else ZERO
    row["财政资金"] += p.fiscal if p.fiscal is not None else ZERO
    row["其他资金"] += p.other if p.other is not None else ZERO
    for col, amount in zip(SPEND_COLUMNS, f.spend, strict=True):
        row[col] += amount
    for col, n in f.counts.items():
        row[col] += n
    for sev, n in f.severities.items():
        row[sev] += n
    if f.missing:
        row[INCOMPLETE_COLUMN] += 1


def _total_of(rows: list[dict[str, Any]], head: dict[str, Any]) -> dict[str, Any]:
    total = {**head, **_empty_metrics()}
    for row in rows:
        for col in METRIC_COLUMNS:
            total[col] += row[col]
    return total


def _names(facts: list[_Facts], multi: bool) -> str:
    def one(f: _Facts) -> str:
        who = f"{f.project.seq} {f.project.name}"
        return f"{f.unit}：{who}" if multi else who

    text = "；".join(one(f) for f in facts[:_NOTE_NAMES])
    return text + ("等" if len(facts) > _NOTE_NAMES else "")


@dataclass
class Summary:
    """Every table as a list of dicts (columns in the order of the *_COLUMNS tuples);
    the last row of ``by_line``, ``by_unit`` and ``by_unit_line`` is the 合计 row. A row of
    ``projects`` also holds the project's own figures under the keys of METRIC_COLUMNS
    (财政资金, …累计支出, …指标数, 错误/警告/提示) and its 工作表."""

    by_line: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    by_unit_line: list[dict[str, Any]]
    notes: list[str]
    unassigned_findings: list[Mapping[str, Any]]
    multi: bool  # more than one department: show by_unit, and the project list has 单位
    # 错误/警告/提示 -> every finding given, the ones that name no project too
    findings_by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    # What summarize() of one department, its findings tagged unit_index 0, counted from:
    # Summing.add takes it over for a department summed where it was read (a consolidation's
    # worker) instead of counting it again. Each project's facts, the positions of the
    # findings that name no project, and how many findings there were.
    facts: list[_Facts] | None = field(default=None, repr=False, compare=False)
    unassigned_at: list[int] | None = field(default=None, repr=False, compare=False)
    counted: int = field(default=-1, repr=False, compare=False)

    @property
    def total(self) -> dict[str, Any]:
        return self.by_line[-1]

    @property
    def project_columns(self) -> tuple[str, ...]:
        return ("单位", *PROJECT_COLUMNS) if self.multi else PROJECT_COLUMNS

    def frame(self, table: str = "by_line", *, as_float: bool = False):
        """One table as a pandas DataFrame: by_line | projects | by_unit | by_unit_line."""
        columns = {
            "by_line": LINE_COLUMNS,
            "projects": self.project_columns,
            "by_unit": UNIT_COLUMNS,
            "by_unit_line": UNIT_LINE_COLUMNS,
        }
        if table not in columns:
            raise ValueError(f"unknown table {table!r}")
        return _frame(getattr(self, table), columns[table], as_float)

    def frames(self, *, as_float: bool = False) -> dict[str, Any]:
        names = ["by_line", "projects"] + (["by_unit", "by_unit_line"] if self.multi else [])
        return {n: self.frame(n, as_float=as_float) for n in names}


def _departments(departments: Department | Iterable[Department]) -> list[Department]:
    if isinstance(departments, Department):
        return [departments]
    depts = list(departments)
    if not all(isinstance(d, Department) for d in depts):
        raise TypeError("summarize() takes Department models")
    return depts


def summarize(
    departments: Department | Iterable[Department],
    findings: Iterable[Mapping[str, Any]] | None = None,
    *,
    all_lines: bool = False,
) -> Summary:
    """The summary of one or more departments. ``findings``: dicts with code, severity
    (错误/警告/提示 or error/warning/info), project_code, category and optionally sheet and
    unit_code or unit_index (the position of its department in ``departments``, which wins
    over unit_code); None means not validated (校验状态 未校验). ``all_lines`` lists every
    standard funding line even without projects."""
    depts = _departments(departments)
    facts = [f for i, d in enumerate(depts) for f in _facts_of(d, i)]
    validated = findings is not None
    given = list(findings) if findings is not None else []
    at = _attach(facts, depts, given) if findings is not None else []
    summary = _summary(depts, facts, [given[i] for i in at], validated, all_lines)
    if validated and len(depts) == 1 and all(f.get("unit_index") == 0 for f in given):
        # counted as Summing.add counts a department (by unit_index): it may take these over
        summary.facts, summary.unassigned_at, summary.counted = facts, at, len(given)
    return summary


class Summing:
    """:func:`summarize` of departments that arrive one by one (a consolidation sums each
    file as it comes in, so little is left to do after the last): ``add`` each department
    with its findings, in order, then ``result()``. The same Summary as
    ``summarize(departments, findings)`` where each finding carries its department's
    ``unit_index`` (tests/test_summary.py)."""

    def __init__(self) -> None:
        self.depts: list[Department] = []
        self.facts: list[_Facts] = []
        self.unassigned: list[Mapping[str, Any]] = []
        # each department's project rows from its own summary (None: made from the facts)
        self.rows: list[list[dict[str, Any]]] | None = []

    def add(self, dept: Department, findings: Iterable[Mapping[str, Any]], own: Summary | None = None) -> None:
        """The next department; its findings name it by ``unit_index`` (its position).
        ``own``: ``summarize(dept, findings)`` with each finding's unit_index 0, when the
        caller has it (a worker made it): its counts are taken over, not made again."""
        index = len(self.depts)
        self.depts.append(dept)
        mine = list(findings)
        if any(f.get("unit_index") != index for f in mine):
            raise ValueError("each finding must carry its department's unit_index")
        if own is not None and own.facts is not None and own.counted == len(mine) and (
                len(own.facts) == len(dept.projects) == len(own.projects)) and all(
                f.project is p for f, p in zip(own.facts, dept.projects, strict=True)):
            # The same counts: a department's findings only ever name its own projects.
            unit = unit_label(dept, index)
            self.facts += [replace(f, unit_index=index, unit=unit) for f in own.facts]
            self.unassigned += [mine[i] for i in own.unassigned_at or ()]
            if self.rows is not None:
                self.rows.append(own.projects)
            return
        facts = _facts_of(dept, index)
        self.facts += facts
        self.unassigned += [mine[i] for i in _attach(facts, self.depts, mine)]
        self.rows = None

    def result(self) -> Summary:
        rows = None
        if self.rows is not None:
            multi = len(self.depts) > 1
            rows = []
            units = [unit_label(d, i) for i, d in enumerate(self.depts)]
            for unit, mine in zip(units, self.rows, strict=True):
                for row in mine:
                    row = {"单位": unit, **row} if multi else dict(row)
                    row["序号"] = len(rows) + 1
                    rows.append(row)
        return _summary(self.depts, self.facts, self.unassigned, True, False, rows)


def _summary(depts: list[Department], facts: list[_Facts], unassigned: list[Mapping[str, Any]],
             validated: bool, all_lines: bool, projects: list[dict[str, Any]] | None = None) -> Summary:
    multi = len(depts) > 1
    by_line = _by_line(facts, all_lines)
    by_unit, by_unit_line = _by_unit(facts, depts)
    if projects is None:
        projects = [_project_row(n, f, multi, validated) for n, f in enumerate(facts, start=1)]
    notes = _notes(facts, unassigned, multi)
    by_severity = {sev: by_line[-1][sev] for sev in SEVERITIES}
    for finding in unassigned:
        by_severity[_severity(finding)] += 1
    return Summary(by_line, projects, by_unit, by_unit_line, notes, unassigned, multi, by_severity)


def _by_line(facts: list[_Facts], all_lines: bool) -> list[dict[str, Any]]:
    """One row per funding line (in funding_line_order), the 合计 row last."""
    lines = funding_line_order((f.line for f in facts), all_lines)
    line_rows = {x: {"资金来源": x, **_empty_metrics()} for x in lines}
    for f in facts:
        _add(line_rows[f.line], f)
    by_line = list(line_rows.values())
    by_line.append(_total_of(by_line, {"资金来源": TOTAL_LABEL}))
    return by_line


def _by_unit(facts: list[_Facts], depts: list[Department]
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(one row per department, one per department × funding line), each with its 合计 row."""
    unit_rows = [{"单位": unit_label(d, i), **_empty_metrics()} for i, d in enumerate(depts)]
    unit_line_rows: dict[tuple[int, str], dict[str, Any]] = {}
    per_unit: list[list[_Facts]] = [[] for _ in depts]
    for f in facts:
        _add(unit_rows[f.unit_index], f)
        per_unit[f.unit_index].append(f)
    for i, mine in enumerate(per_unit):
        for x in funding_line_order((f.line for f in mine), False):
            unit_line_rows[(i, x)] = {"单位": unit_label(depts[i], i), "资金来源": x,
                                      **_empty_metrics()}
        for f in mine:
            _add(unit_line_rows[(i, f.line)], f)
    by_unit = [*unit_rows, _total_of(unit_rows, {"单位": TOTAL_LABEL})]
    by_unit_line = list(unit_line_rows.values())
    by_unit_line.append(_total_of(by_unit_line, {"单位": TOTAL_LABEL, "资金来源": ""}))
    return by_unit, by_unit_line


def _project_row(n: int, f: _Facts, multi: bool, validated: bool) -> dict[str, Any]:
    """The project list's row ``n`` (单位 first when several departments)."""
    p = f.project
    plan = list(p.plan) + [None] * (len(CHECKPOINTS) - len(p.plan))
    row: dict[str, Any] = {"单位": f.unit} if multi else {}
    row.update({
        "序号": n,
        "资金来源": f.line,
        "项目编码": p.code,
        "项目名称": p.name,
        "预算数": p.budget,
        **dict(zip(CHECKPOINTS, plan, strict=False)),
        "成本指标": cost_indicator_value(p),
        "校验状态": f.status(validated),
        "审核意见": review_wording(f.reviewed),
        # the figures behind the tables (the 汇总 sheet's list shows them per project)
        "工作表": p.sheet or "",
        "财政资金": p.fiscal,
        "其他资金": p.other,
        **dict(zip(SPEND_COLUMNS, f.spend, strict=True)),
        **f.counts,
        **f.severities,
    })
    return row


def _notes(facts: list[_Facts], unassigned: list[Mapping[str, Any]], multi: bool) -> list[str]:
    notes = []
    incomplete = [f for f in facts if f.missing]
    if incomplete:
        notes.append(
            f"{len(incomplete)} 个项目的资金支出计划不完整，缺失的时点按 0 计入累计支出："
            + _names(incomplete, multi)
        )
    no_budget = [f for f in facts if f.project.budget is None]
    if no_budget:
        notes.append(f"{len(no_budget)} 个项目没有预算数，按 0 计入：" + _names(no_budget, multi))
    if unassigned:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in unassigned:
            counts[_severity(finding)] += 1
        detail = "，".join(f"{k} {v}" for k, v in counts.items() if v)
        notes.append(f"另有 {len(unassigned)} 条校验结果不属于任何项目（{detail}），未计入上表")
    return notes


# -- pandas ---------------------------------------------------------------------------------
def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...], as_float: bool):
    import pandas as pd

    df = pd.DataFrame.from_records(rows, columns=list(columns))
    if as_float:
        for col in df.columns:
            if col in MONEY_COLUMNS or col in CHECKPOINTS:
                df[col] = [float(v) if v is not None else None for v in df[col]]
                df[col] = df[col].astype("float64")
    return df


def summary_frame(departments, findings=None, *, as_float: bool = False, all_lines: bool = False):
    """The summary by funding line (合计 last) as a DataFrame."""
    return summarize(departments, findings, all_lines=all_lines).frame("by_line", as_float=as_float)


def project_frame(departments, findings=None, *, as_float: bool = False):
    """The project list as a DataFrame."""
    return summarize(departments, findings).frame("projects", as_float=as_float)


def unit_frame(departments, findings=None, *, as_float: bool = False):
    """The summary by department (单位, 合计 last) as a DataFrame."""
    return summarize(departments, findings).frame("by_unit", as_float=as_float)
