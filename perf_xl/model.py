"""The model of a department's 部门预算绩效文本: plain dataclasses, no workbook library.

Amounts are ``Decimal`` in 万元 (a document in 元 is converted on import; ``money_unit``
remembers what the source used). Spend-plan values are cumulative percentages
(``Decimal('25')`` means 25%); a checkpoint the source does not give stays ``None``.
Every item remembers where it came from (``line`` in a text document, ``sheet`` in a
workbook) so findings and errors can point at it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

CHECKPOINTS: tuple[str, ...] = ("3月底", "6月底", "10月底", "12月底")

FUNDING_LINES: tuple[str, ...] = (
    "罚没收入安排",
    "诉讼费收入安排",
    "中央政法纪检监察转移支付",
    "省级基层公检法司转移支付",
    "法院建设补助",
    "本级财政拨款",
)
DEFAULT_FUNDING_LINE = "本级财政拨款"

# Name fragment -> funding line; the first fragment found in a project name wins.
_FUNDING_MARKERS: tuple[tuple[str, str], ...] = (
    ("罚没安排", "罚没收入安排"),
    ("罚没收入", "罚没收入安排"),
    ("诉讼费安排", "诉讼费收入安排"),
    ("诉讼费收入", "诉讼费收入安排"),
    ("中央政法纪检监察转移支付", "中央政法纪检监察转移支付"),
    ("省级基层公检法司转移支付", "省级基层公检法司转移支付"),
    ("法院建设补助", "法院建设补助"),
)


def funding_line_for(name: str) -> str:
    """The funding line (资金来源) a project's name implies."""
    compact = "".join(name.split())
    for marker, line in _FUNDING_MARKERS:
        if marker in compact:
            return line
    return DEFAULT_FUNDING_LINE


@dataclass
class Indicator:
    """One row of the indicator table (三级指标 with its parents)."""

    level1: str  # 一级指标
    level2: str  # 二级指标
    level3: str  # 三级指标
    description: str = ""  # 绩效指标描述
    value: str = ""  # 指标值, exactly as written
    basis: str = ""  # 指标值确定依据
    line: int | None = None
    track: IndicatorTrack | None = None  # monitoring / self-evaluation (see below)
    # -- 申报表 / multi-year tables (issue 13) --
    mid_value: str = ""  # 中期（实施期）指标值, exactly as written; "" when the table has none


@dataclass
class CostItem:
    """One row of a 申报表's 成本构成 sub-table (成本类别, 成本项目, 金额, 测算依据), as written.
    Not indicators: the rules judge the 成本指标; these rows are kept so no text is lost."""

    category: str = ""  # 成本类别: 经济成本 / 社会成本 / 生态环境成本 …
    item: str = ""  # 成本项目
    amount: str = ""  # 金额, exactly as written (the sub-table's unit)
    basis: str = ""  # 测算依据
    line: int | None = None


@dataclass
class Project:
    """One 项目支出绩效目标表."""

    seq: int
    code: str  # 项目编码
    name: str  # 项目名称
    budget: Decimal | None = None  # 预算数
    fiscal: Decimal | None = None  # 其中：财政资金
    other: Decimal | None = None  # 其他资金
    purpose: str = ""  # 资金用途
    plan: list[Decimal | None] = field(default_factory=lambda: [None] * len(CHECKPOINTS))
    plan_profile: str = ""  # spend-plan profile chosen on the sheet ("" = none)
    goal: str = ""  # 绩效目标
    funding_line: str = DEFAULT_FUNDING_LINE  # 资金来源 (editable)
    unit: str = ""  # the unit line above the table, e.g. "161001 张家口市中级人民法院本级"
    indicators: list[Indicator] = field(default_factory=list)
    # Cells whose text is not a number, by field name ("budget", "plan.0" …): kept so
    # the rules can report them instead of losing them.
    invalid: dict[str, str] = field(default_factory=dict)
    line: int | None = None  # heading line in a text document
    lines: dict[str, int] = field(default_factory=dict)  # field name -> source line
    sheet: str | None = None  # worksheet it was read from / is written to
    track: ProjectTrack | None = None  # monitoring / self-evaluation (see below)
    # -- 申报表 header fields (issue 13); "" when the table does not give them --
    authority: str = ""  # 主管部门（及代码）, e.g. "[161]张家口市中级人民法院"
    implementer: str = ""  # 实施单位
    attribute: str = ""  # 项目属性 (新增项目 / 延续项目 …)
    period: str = ""  # 项目期, e.g. "3年", "2023-2025"
    mid_goal: str = ""  # 中期（实施期）目标
    costs: list[CostItem] = field(default_factory=list)  # the 成本构成 sub-table, when given
    # -- what the source's layout lacks (provenance, not content; issue 13) --
    absent: list[str] = field(default_factory=list)  # field keys the table has no place for
    unread: list[dict[str, Any]] = field(default_factory=list)  # {"line"|"cell", "text"}

    def plan_value(self, checkpoint: str) -> Decimal | None:
        return self.plan[CHECKPOINTS.index(checkpoint)]


# -- the year after the plan: 运行监控 and 绩效自评 (LIFECYCLE.md) -------------------------------
# Kept apart from the target table: a project or indicator without any of these has
# ``track`` None, and JSON written before they existed still loads.
@dataclass
class ProjectTrack:
    """What a unit reports about a project during and after the year."""

    month: int | None = None  # the monitoring month N (3–11)
    executed: Decimal | None = None  # 1–N月执行数 (万元)
    adjusted_budget: Decimal | None = None  # 调整后预算数 (replaces 预算数 when given)
    forecast: Decimal | None = None  # 全年预计执行数
    year_executed: Decimal | None = None  # 全年执行数 (self-evaluation)
    analysis: str = ""  # 偏差原因分析 (self-evaluation)
    measures: str = ""  # 改进措施
    invalid: dict[str, str] = field(default_factory=dict)  # field -> text that is not a number


@dataclass
class IndicatorTrack:
    """What a unit reports about one indicator: at month N, and after the year."""

    progress: str = ""  # 1–N月执行情况: a number in the target's unit, or a grade
    forecast: str = ""  # 全年预计完成情况
    deviation: str = ""  # 偏差原因 category (经费保障 / 制度保障 / … / 其他)
    reason: str = ""  # 原因说明
    likelihood: str = ""  # 完成目标可能性 (确定能 / 有可能 / 完全不可能)
    remark: str = ""  # 备注
    actual: str = ""  # 实际完成值 (self-evaluation): a number, or a grade
    weight: Decimal | None = None  # 分值 set by the unit (else spread evenly)
    score: Decimal | None = None  # qualitative: the score the unit chose
    invalid: dict[str, str] = field(default_factory=dict)


def track_of(item: Project | Indicator) -> ProjectTrack | IndicatorTrack:
    """The item's track, created empty on first use."""
    if item.track is None:
        item.track = ProjectTrack() if isinstance(item, Project) else IndicatorTrack()
    return item.track


@dataclass
class SubGoal:
    """One 分项绩效目标 of Part 1, e.g. （一）案件审判 — 审限内完成…90%."""

    title: str
    label: str = "绩效目标"  # the label the document used: 绩效目标 or 绩效指标
    target: str = ""
    line: int | None = None


@dataclass
class Measure:
    """One 工作保障措施, e.g. （一）完善制度建设 — 根据国家…"""

    title: str
    text: str = ""
    line: int | None = None


@dataclass
class Department:
    """A department's whole document: Part 1 and the project tables."""

    unit_name: str = ""
    unit_code: str = ""
    year: int | None = None  # budget year
    title: str = ""  # e.g. "2024 年部门预算绩效文本"
    money_unit: str = "万元"  # the unit the source stated its amounts in
    compiled_by: str = ""  # "张家口市中级人民法院编制"
    reviewed_by: str = ""  # "张家口市财政局审核"
    overall_goal: str = ""  # 总体绩效目标, paragraphs separated by "\n"
    sub_goals: list[SubGoal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)

    @property
    def total_budget(self) -> Decimal:
        return sum((p.budget for p in self.projects if p.budget is not None), Decimal(0))

    # -- JSON ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = _encode(asdict(self))
        for project in data["projects"]:  # no track: no key (the JSON of earlier versions)
            if project.get("track") is None:
                project.pop("track", None)
            if not project.get("costs"):
                project.pop("costs", None)
            for ind in project["indicators"]:
                if ind.get("track") is None:
                    ind.pop("track", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Department:
        return _department_from(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Department:
        return cls.from_dict(json.loads(text))

    def content(self) -> dict[str, Any]:
        """The document's content without provenance (lines, sheet names): what must
        survive every round trip through a workbook or a Word file."""
        return _strip(self.to_dict(), _PROVENANCE)


# Decimals travel as strings so no amount is ever rounded through a float.
_DECIMAL_FIELDS = {"budget", "fiscal", "other"}
_TRACK_DECIMALS = {"ProjectTrack": {"executed", "adjusted_budget", "forecast", "year_executed"},
                   "IndicatorTrack": {"weight", "score"}}


def decimal_text(value: Decimal) -> str:
    """Canonical text of an amount: no exponent, no trailing zeros ("100", "42.78")."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


_PROVENANCE = {"line", "lines", "sheet", "absent", "unread"}


def _strip(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip(v, keys) for v in value]
    return value


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _pick(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``data`` that are fields of ``cls`` (unknown keys are ignored)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _project_from(data: dict[str, Any]) -> Project:
    kw = _pick(Project, data)
    for name in _DECIMAL_FIELDS:
        if name in kw:
            kw[name] = _dec(kw[name])
    if "plan" in kw:
        kw["plan"] = [_dec(v) for v in kw["plan"]]
    kw["indicators"] = [_indicator_from(i) for i in data.get("indicators", [])]
    kw["costs"] = [CostItem(**_pick(CostItem, c)) for c in data.get("costs", [])]
    if kw.get("track") is not None:
        kw["track"] = _track_from(ProjectTrack, kw["track"])
    return Project(**kw)


def _indicator_from(data: dict[str, Any]) -> Indicator:
    kw = _pick(Indicator, data)
    if kw.get("track") is not None:
        kw["track"] = _track_from(IndicatorTrack, kw["track"])
    return Indicator(**kw)


def _track_from(cls: type, data: dict[str, Any]):
    kw = _pick(cls, data)
    for name in _TRACK_DECIMALS[cls.__name__] & kw.keys():
        kw[name] = _dec(kw[name])
    return cls(**kw)


def _department_from(data: dict[str, Any]) -> Department:
    kw = _pick(Department, data)
    kw["sub_goals"] = [SubGoal(**_pick(SubGoal, g)) for g in data.get("sub_goals", [])]
    kw["measures"] = [Measure(**_pick(Measure, m)) for m in data.get("measures", [])]
    kw["projects"] = [_project_from(p) for p in data.get("projects", [])]
    return Department(**kw)
