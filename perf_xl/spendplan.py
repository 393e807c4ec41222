"""The spend plan (资金支出计划): profiles, plans from a monthly schedule, and the fill operation.

Pure Python, no workbook library. Percentages are cumulative, in the model's units
(``Decimal('25')`` means 25%). The fill never touches a workbook: it returns a
:class:`FillResult` — the cells to set (from ``layout.cell_of("plan.N")``) and the
conflicts — which the file adapter (part by part), the live adapter (xlwings) or :func:`apply`
(the model) carries out. Nothing is changed silently:

* only empty checkpoints are filled unless ``overwrite``;
* a written value that differs from the profile is a conflict (left as it is) unless
  ``overwrite``; with ``overwrite`` every replaced value, and every lowered one, is listed;
* a filled value never makes the plan go down: when the profile's value is below an
  earlier written value (or above a later one) the nearest value that keeps the plan
  cumulative is used, and a note says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from . import numbers
from .conventions import CUSTOM_PROFILE, DEFAULT_PROFILE, PROFILE_NAMES, PROFILES
from .errors import PerfXLError
from .model import CHECKPOINTS, Department, Project, decimal_text
from .vocabulary import CENT, MONEY_TOLERANCE
from .workbook.layout import PLAN_PROFILE, cell_of

HUNDRED = Decimal(100)
_ONE_OFF = "一次性"

_MONTH_OF = {cp: int(cp[: -len("月底")]) for cp in CHECKPOINTS}  # "3月底" -> 3
_ONE_OFF_AT = re.compile(r"^一次性[（(]?(\d{1,2})(?:月底?)?[)）]?$")


def pct_text(value: Decimal | str | None) -> str:
    """ "25%", "83.33%"; text a user typed is quoted as written; None -> "空"."""
    if value is None:
        return "空"
    if isinstance(value, str):
        return f"「{value}」"
    return decimal_text(value) + "%"


def checkpoint_index(at: object) -> int:
    """0-based index of a checkpoint given as "6月底", "6 月底", "6" or 6 (the month);
    PerfXLError otherwise."""
    text = "".join(str(at).split())
    month = text[: -len("月底")] if text.endswith("月底") else text.rstrip("月")
    for i, cp in enumerate(CHECKPOINTS):
        if month == str(_MONTH_OF[cp]):
            return i
    raise PerfXLError(f"无法识别的支出时点「{at}」，应为 {'、'.join(CHECKPOINTS)} 之一")


def _one_off_name(index: int) -> str:
    return _ONE_OFF if CHECKPOINTS[index] == "10月底" else f"{_ONE_OFF}（{CHECKPOINTS[index]}）"


def canonical_profile(name: str) -> str:
    """The PROFILES key a typed name means (spaces, half-width brackets and
    "一次性（10月底）" accepted); PerfXLError when it names no profile."""
    text = "".join(str(name).split()).replace("(", "（").replace(")", "）")
    if text in PROFILES:
        return text
    m = _ONE_OFF_AT.match(text)
    if m:
        return _one_off_name(checkpoint_index(m.group(1)))
    raise PerfXLError(f"无法识别的支出计划模板「{name}」，可选：{'、'.join(PROFILE_NAMES)}")


def profile_plan(name: str, *, at: object = None) -> list[Decimal]:
    """The four cumulative percentages of a profile. ``at`` (一次性 only) is the checkpoint
    from which everything is spent: "6月底" or the month 6."""
    key = canonical_profile(name)
    if at is not None:
        if not key.startswith(_ONE_OFF):
            raise PerfXLError(f"只有「{_ONE_OFF}」模板可以指定支出时点，「{key}」不能")
        key = _one_off_name(checkpoint_index(at))
    return list(PROFILES[key])


# -- a plan from a monthly schedule --------------------------------------------------------
def _number(value: object, what: str, *, empty_is_zero: bool = True) -> Decimal:
    """A non-negative amount from a Decimal, int, float or text ("1,200.50"); None or ""
    is 0. ``what`` names it in the Chinese message."""
    if value is None and empty_is_zero:
        return Decimal(0)
    if isinstance(value, bool) or value is None:
        raise PerfXLError(f"{what}「{value}」不是数字")
    if isinstance(value, str) and value.strip() == "" and empty_is_zero:
        return Decimal(0)
    try:
        # The one reader of numbers: separators, full-width digits; NaN / infinity refused.
        number = numbers.parse_amount(value, "万元", what=what)  # type: ignore[arg-type]
    except numbers.NumberError:
        raise PerfXLError(f"{what}「{value}」不是数字") from None
    if number < 0:
        raise PerfXLError(f"{what}为负数（{decimal_text(number)}）")
    return number


def plan_from_monthly(
    amounts: Sequence[object], budget: Decimal | float | int | str | None = None
) -> tuple[list[Decimal], list[str]]:
    """12 planned monthly payments (万元; empty = 0) -> the cumulative % at 3/6/10/12月底
    of the schedule's total, rounded half-up to two decimals, 12月底 exactly 100.

    When ``budget`` is given and the schedule's total differs from it (beyond 0.005 万元)
    the difference is reported in the notes (the percentages still refer to the schedule).
    """
    if isinstance(amounts, (str, bytes)) or len(amounts) != 12:
        count = "文本" if isinstance(amounts, (str, bytes)) else f"{len(amounts)} 个数"
        raise PerfXLError(f"月度支出计划应为 12 个月的金额，实际为{count}")
    values = [_number(v, f"{m} 月的计划支出") for m, v in enumerate(amounts, start=1)]
    total = sum(values, Decimal(0))
    if total == 0:
        raise PerfXLError("月度支出计划合计为 0，无法计算累计支出比例")
    plan: list[Decimal] = []
    for cp in CHECKPOINTS:
        spent = sum(values[: _MONTH_OF[cp]], Decimal(0))
        plan.append((spent * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP))
    plan[-1] = Decimal("100.00")  # already so (the whole schedule); stated, not left to rounding
    notes: list[str] = []
    if budget is not None:
        target = _number(budget, "预算数", empty_is_zero=False)
        diff = total - target
        if abs(diff) > MONEY_TOLERANCE:
            side = "少于" if diff < 0 else "多于"
            notes.append(
                f"月度支出计划合计 {decimal_text(total)} 万元，{side}预算数 "
                f"{decimal_text(target)} 万元（相差 {decimal_text(abs(diff))} 万元）；"
                "累计支出比例按月度计划合计计算"
            )
    return plan, notes


# -- the fill operation --------------------------------------------------------------------
@dataclass(frozen=True)
class CellChange:
    """One checkpoint to set. ``new`` is in percent (25 = 25%); ``old`` is what the
    model held: None (empty), a number, or the text of a cell that was not a number."""

    index: int
    checkpoint: str
    cell: str
    old: Decimal | str | None
    new: Decimal

    @property
    def key(self) -> str:
        return f"plan.{self.index}"

    @property
    def fraction(self) -> Decimal:
        """The value a %-formatted cell stores (the sheet's =ROUND($C$4*B7,2) needs it)."""
        return self.new / HUNDRED

    @property
    def overwrites(self) -> bool:
        return self.old is not None

    @property
    def lowers(self) -> bool:
        return isinstance(self.old, Decimal) and self.new < self.old


@dataclass(frozen=True)
class Conflict:
    """A written checkpoint that differs from the profile and was left as it is."""

    index: int
    checkpoint: str
    cell: str
    old: Decimal | str  # the user's value (text when it is not a number)
    new: Decimal  # what the profile would have written
    message: str


@dataclass
class FillResult:
    """What filling one project would change; apply it with :func:`apply` or an adapter."""

    project_code: str
    project_name: str
    seq: int
    sheet: str | None
    profile: str  # the PROFILES key used, or 自定义
    profile_source: str  # "argument" | "sheet" | "default"
    target: list[Decimal]  # the profile's four values
    overwrite: bool = False
    changes: list[CellChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str | None = None  # set by fill_department when the project could not be filled

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def patch(self, *, fraction: bool = True) -> dict[str, Decimal]:
        """Cell address -> value to write. With ``fraction`` (default) the value a
        %-formatted cell holds (0.25); without it the percent number (25)."""
        return {c.cell: (c.fraction if fraction else c.new) for c in self.changes}

    @property
    def label(self) -> str:
        return f"{self.seq} {self.project_name}".strip()

    def lines(self) -> list[str]:
        """Chinese lines for a report or a message box."""
        out: list[str] = []
        if self.problem:
            return [f"{self.label}：{self.problem}"]
        for c in self.changes:
            verb = (
                "填入" if c.old is None
                else f"由 {pct_text(c.old)} {'调低' if c.lowers else '改'}为"
            )
            out.append(f"{self.label}：{c.checkpoint}（{c.cell}）{verb} {pct_text(c.new)}")
        out.extend(f"{self.label}：{c.message}" for c in self.conflicts)
        out.extend(f"{self.label}：{n}" for n in self.notes)
        return out


def custom_plan(values: Sequence[object]) -> list[Decimal]:
    """Four cumulative percentages given by hand (or by :func:`plan_from_monthly`),
    checked: each within 0–100, never decreasing, 12月底 = 100."""
    if isinstance(values, (str, bytes)) or len(values) != len(CHECKPOINTS):
        names = "、".join(CHECKPOINTS)
        raise PerfXLError(f"自定义支出计划应为 {len(CHECKPOINTS)} 个百分比（{names}）")
    plan = [
        _number(v, f"自定义支出计划 {cp}", empty_is_zero=False)
        for cp, v in zip(CHECKPOINTS, values, strict=True)
    ]
    if any(v > HUNDRED for v in plan):
        raise PerfXLError("自定义支出计划的百分比不能超过 100")
    if any(b < a for a, b in pairwise(plan)):
        raise PerfXLError("自定义支出计划是累计比例，不能逐期减少")
    if plan[-1] != HUNDRED:
        raise PerfXLError(
            f"自定义支出计划 {CHECKPOINTS[-1]} 应为 100%，实际为 {pct_text(plan[-1])}"
        )
    return plan


def _resolve(profile: str | Sequence[object] | None, project: Project):
    """(name, source, four values) of the profile to use."""
    if profile is not None and not isinstance(profile, str):
        return CUSTOM_PROFILE, "argument", custom_plan(profile)
    if profile is not None and profile.strip():
        return canonical_profile(profile), "argument", profile_plan(profile)
    chosen = (project.plan_profile or "").strip()
    if chosen:
        try:
            name = canonical_profile(chosen)
        except PerfXLError as exc:
            raise PerfXLError(
                exc.message, sheet=project.sheet, cell=PLAN_PROFILE.cell, line=project.line
            ) from None
        return name, "sheet", profile_plan(name)
    return DEFAULT_PROFILE, "default", profile_plan(DEFAULT_PROFILE)


def _old_value(project: Project, index: int) -> Decimal | str | None:
    value = project.plan[index] if index < len(project.plan) else None
    if value is None:
        return project.invalid.get(f"plan.{index}")  # a cell holding text is not empty
    return value


def fill_plan(
    project: Project,
    profile: str | Sequence[object] | None = None,
    overwrite: bool = False,
    formulas: Mapping[str, str] | None = None,
) -> FillResult:
    """What filling ``project``'s spend plan would change. The profile is the argument,
    else the project's 支出计划模板 (``plan_profile``), else 序时进度. A list of four
    percentages (e.g. from :func:`plan_from_monthly`) is a custom profile.
    ``formulas`` (cell -> formula text) are the project sheet's formula cells: a formula
    counts as written even where the file holds no result for it.
    Does not modify ``project``."""
    name, source, target = _resolve(profile, project)
    result = FillResult(
        project_code=project.code,
        project_name=project.name,
        seq=project.seq,
        sheet=project.sheet,
        profile=name,
        profile_source=source,
        target=list(target),
        overwrite=overwrite,
    )
    formulas = formulas if formulas is not None else {}  # (a lazy map: no truth test)
    olds = _written(project, formulas)
    final: list[Decimal | None] = [v if isinstance(v, Decimal) else None for v in olds]
    _fill_written(result, olds, final, formulas)
    _fill_empty(result, olds, final)
    result.changes.sort(key=lambda c: c.index)
    return result


def _written(project: Project, formulas: Mapping[str, str]) -> list[Decimal | str | None]:
    """What each checkpoint holds: a number, text, a formula's text (or "（公式）"), or None."""
    olds = [_old_value(project, i) for i in range(len(CHECKPOINTS))]
    for i in range(len(CHECKPOINTS)):
        if olds[i] is None and formulas.get(cell_of(f"plan.{i}")) is not None:
            olds[i] = formulas[cell_of(f"plan.{i}")] or "（公式）"
    return olds


def _fill_written(result: FillResult, olds: list[Decimal | str | None], final: list[Decimal | None],
                  formulas: Mapping[str, str]) -> None:
    """Written checkpoints that differ from the profile: changed with ``overwrite`` (and
    ``final`` updated), else a conflict saying why the cell is kept."""
    name = result.profile
    for i, (cp, old, new) in enumerate(zip(CHECKPOINTS, olds, result.target, strict=True)):
        cell = cell_of(f"plan.{i}")
        if old is None:
            continue  # decided by _fill_empty, once the kept values are known
        if isinstance(old, Decimal) and old == new:
            continue
        if result.overwrite:
            result.changes.append(CellChange(i, cp, cell, old, new))
            final[i] = new  # listed (and counted when lowered) by lines() and fill_summary
            continue
        formula = formulas.get(cell)
        what = ("是公式" if formula is not None else "不是数字") if isinstance(old, str) else (
            "是公式，结果与模板不同" if formula is not None else "与模板不同")
        result.conflicts.append(
            Conflict(
                i, cp, cell, old, new,
                f"{cp}（{cell}）已填 {pct_text(old)}，模板「{name}」为 {pct_text(new)}，"
                f"{what}，未改动（如需按模板覆盖：perf-xl fill --overwrite）",
            )
        )


def _fill_empty(result: FillResult, olds: list[Decimal | str | None], final: list[Decimal | None]) -> None:
    """Empty checkpoints: the profile's value, kept between the neighbouring values so the
    plan stays cumulative (a fill must not create a decreasing plan)."""
    name = result.profile
    for i, (cp, old, new) in enumerate(zip(CHECKPOINTS, olds, result.target, strict=True)):
        if old is not None:
            continue
        value = _kept_between(final, i, new)
        cell = cell_of(f"plan.{i}")
        if value > HUNDRED or value < 0:
            # Keeping the plan cumulative would need an impossible value (a 3000% typed
            # before it): never written, the user must correct the value they typed.
            result.conflicts.append(
                Conflict(
                    i, cp, cell, "", new,
                    f"{cp}（{cell}）为空；为使累计进度不减需填入 {pct_text(value)}，"
                    f"累计进度不能超过 100%（也不能为负），未填写：请先改正已填写的进度",
                )
            )
            continue
        if value != new:
            result.notes.append(
                f"{cp} 按模板「{name}」应为 {pct_text(new)}，"
                f"为使累计进度不减，填入 {pct_text(value)}"
            )
        result.changes.append(CellChange(i, cp, cell, None, value))
        final[i] = value


def _kept_between(final: list[Decimal | None], i: int, value: Decimal) -> Decimal:
    """``value`` raised to the largest value before checkpoint ``i`` and lowered to the
    smallest after it (when those two do not contradict each other)."""
    low = max((v for v in final[:i] if v is not None), default=None)
    high = min((v for v in final[i + 1:] if v is not None), default=None)
    if low is not None and value < low:
        value = low
    if high is not None and value > high and (low is None or high >= low):
        value = high
    return value


def fill_department(
    dept: Department,
    profile: str | Sequence[object] | None = None,
    overwrite: bool = False,
    formulas: Mapping[str, Mapping[str, str]] | None = None,
) -> list[FillResult]:
    """:func:`fill_plan` for every project. A project whose 支出计划模板 cell names no
    profile is not filled; its result carries the ``problem`` (the others go on)."""
    # A bad argument concerns every project: fail at once, not once per project.
    if isinstance(profile, str) and profile.strip():
        canonical_profile(profile)
    elif profile is not None and not isinstance(profile, str):
        profile = custom_plan(profile)
    results: list[FillResult] = []
    for project in dept.projects:
        try:
            results.append(fill_plan(project, profile, overwrite,
                                     (formulas or {}).get(project.sheet or "")))
        except PerfXLError as exc:
            results.append(
                FillResult(
                    project_code=project.code,
                    project_name=project.name,
                    seq=project.seq,
                    sheet=project.sheet,
                    profile=project.plan_profile,
                    profile_source="sheet",
                    target=[],
                    overwrite=overwrite,
                    problem=f"{exc.message}（{PLAN_PROFILE.cell}），未填充",
                )
            )
    return results


def fill_summary(results: Iterable[FillResult]) -> str:
    """One sentence for the message box: "已填充 13 个项目的支出计划，1 处冲突".
    A 冲突 is a project with at least one conflicting checkpoint (its lines list them)."""
    results = list(results)
    filled = sum(1 for r in results if r.changes)
    conflicts = sum(1 for r in results if r.conflicts)
    problems = sum(1 for r in results if r.problem)
    replaced = sum(1 for r in results for c in r.changes if c.overwrites)
    lowered = sum(1 for r in results for c in r.changes if c.lowers)
    parts = [f"已填充 {filled} 个项目的支出计划" if filled else "没有需要填充的支出计划"]
    if conflicts or not filled:
        parts.append(f"{conflicts} 处冲突")
    if replaced:
        extra = f"（其中调低 {lowered} 处）" if lowered else ""
        parts.append(f"覆盖原有数值 {replaced} 处{extra}")
    if problems:
        parts.append(f"{problems} 个项目的支出计划模板无法识别")
    return "，".join(parts)


def apply(result: FillResult, project: Project) -> None:
    """Carry out ``result`` on the model. Refuses a result made for another project or
    from values that have changed since (a stale patch would overwrite silently)."""
    if result.project_code != project.code or result.seq != project.seq:
        raise PerfXLError(
            f"支出计划填充结果属于项目「{result.label}」，不能用于「{project.seq} {project.name}」"
        )
    for c in result.changes:
        if _old_value(project, c.index) != c.old:
            raise PerfXLError(
                f"{c.checkpoint} 的数值已变为 {pct_text(_old_value(project, c.index))}"
                f"（填充时为 {pct_text(c.old)}），请重新填充",
                sheet=project.sheet,
                cell=c.cell,
            )
    while len(project.plan) < len(CHECKPOINTS):
        project.plan.append(None)
    for c in result.changes:
        project.plan[c.index] = c.new
        project.invalid.pop(c.key, None)
