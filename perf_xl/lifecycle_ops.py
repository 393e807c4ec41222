"""The monitor and selfeval operations, shared by the CLI and the buttons: read (the model
with its monitoring block), apply an actuals file, evaluate, run the PT6xx / PT7xx rules,
and the patch that writes the changes back (through the same Patch interface as fill and
validate, so either workbook writer applies it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PerfXLError
from .lifecycle.evaluate import MONITOR, MONTHS, SELFEVAL, ProjectResult, evaluate, month_of
from .workbook.patch import Patch

if TYPE_CHECKING:
    from .rules import Finding, RuleConfig
    from .workbook.read import ReadResult

YEAR_END = 12


@dataclass
class TrackOutcome:
    phase: str
    month: int
    results: list[ProjectResult]
    findings: list[Finding]
    patch: Patch = field(default_factory=Patch)
    changed: int = 0  # values the actuals file set

    def to_json(self) -> list[dict]:
        by_project: dict[int, list[dict]] = {}
        for f in self.findings:
            by_project.setdefault(f.project_seq or 0, []).append(f.to_dict())
        out = []
        for r in self.results:
            data = r.to_dict()
            data["findings"] = by_project.get(r.project.seq, [])
            out.append(data)
        return out

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    def message(self) -> str:
        from .lifecycle.lights import LIGHT_LABELS

        counts = {k: sum(1 for r in self.results if r.light == k) for k in LIGHT_LABELS}
        lights = "，".join(f"{LIGHT_LABELS[k]} {n} 个" for k, n in counts.items() if n)
        head = (f"{self.month}月运行监控" if self.phase == MONITOR else "绩效自评")
        text = f"{head}：{len(self.results)} 个项目" + (f"（指标灯：{lights}）" if lights else "")
        if self.phase == SELFEVAL:
            totals = [r.total for r in self.results if r.total is not None]
            if totals:
                from .model import decimal_text

                avg = sum(totals) / len(totals)
                text += f"，平均自评得分 {decimal_text(round(avg, 2))}"
        from .vocabulary import severity_counts

        return text + "；" + severity_counts(f.severity for f in self.findings)


def check_month(month: int | None, phase: str) -> int:
    if phase == SELFEVAL:
        return YEAR_END
    if month is None:
        raise PerfXLError("请用 --month 指定监控月份（3–11），或在项目表的「监控月份」单元格填写")
    if month not in MONTHS:
        raise PerfXLError(f"监控月份应为 3–11 之间的整数，实际为 {month}")
    return month


def _in_sheet_order(patch: Patch) -> Patch:
    """The patch's cells in row, column order on each sheet: the writer finds each cell
    looking on from the one before (cells come in that order in a sheet's XML)."""
    from .workbook.layout import split_a1

    patch.values = dict(sorted(patch.values.items(), key=lambda kv: (kv[0][0], split_a1(kv[0][1]))))
    return patch


def run_track(read: ReadResult, phase: str, month: int | None = None,
              config: RuleConfig | None = None, actuals: str | Path | None = None,
              write: bool = False, grid_of=None) -> TrackOutcome:
    """``write``: also the patch that puts the actuals, the month and the helper columns
    into the workbook; ``grid_of`` (sheet name -> Grid of the open workbook) lets it find
    the indicator rows and leave cells that already hold the right value alone."""
    from .lifecycle.actuals import apply_actuals, read_actuals
    from .rules import default_config
    from .rules.lifecycle import lifecycle_findings

    config = config or default_config()
    cfg = config.lifecycle
    dept = read.department
    changes = []
    if actuals is not None:
        found = read_actuals(actuals, dept, phase)
        apply_actuals(found)
        changes = found.changes
    sheet_months = {p.sheet: p.track.month if p.track else None for p in dept.projects}
    month = check_month(month_of(dept, month) if phase == MONITOR else None, phase)
    results = evaluate(dept, phase, month, cfg)
    findings = lifecycle_findings(results, phase, cfg, month, enabled=config.is_enabled)
    outcome = TrackOutcome(phase, month, results, findings, changed=len(changes))
    if write:
        from .workbook import layout as L
        from .workbook.track import block_patch, changes_patch

        patch = changes_patch(changes, grid_of)
        if phase == MONITOR:
            for p in dept.projects:
                if p.sheet and sheet_months.get(p.sheet) != month:
                    patch.set(p.sheet, L.TRACK_MONTH.cell, month)
        months = {p.sheet: month for p in dept.projects if p.sheet} if phase == MONITOR else None
        patch.extend(block_patch(dept, cfg, grid_of, results, months))
        outcome.patch = _in_sheet_order(patch)
    return outcome
