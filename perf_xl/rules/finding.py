"""What a rule reports: a ``Hit`` (message + where, from the rule function) becomes a
``Finding`` (code, severity, 审核意见, project, sheet, cell, line) in the engine."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ..model import Project
from .registry import ERROR, SEVERITY_LABELS, get_rule


@dataclass(frozen=True)
class Hit:
    """One thing a rule found. ``field`` is a layout key ("budget", "plan.3", or an indicator
    column such as "value" together with ``indicator``)."""

    message: str
    field: str | None = None
    indicator: int | None = None  # 0-based index into Project.indicators
    project: Project | None = None  # set by department-wide rules
    severity: str | None = None  # overrides the rule's severity (PT403 above 100%)
    category: str | None = None  # overrides the rule's 审核意见 (PT106, PT108)
    found: str | None = None
    expected: str | None = None
    line: int | None = None  # a source line the rule knows itself (PT503, PT505)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | warning | info
    category: str  # 审核意见
    message: str  # Chinese: what was found and what was expected
    project_code: str = ""
    project_seq: int | None = None
    project_name: str = ""
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None  # source line when the model was read from text
    field: str | None = None
    indicator: int | None = None
    found: str | None = None
    expected: str | None = None

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        """ "工作表「01 国家赔偿」F15，第 116 行" — for messages and reports."""
        parts = []
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」" + (f" {self.cell}" if self.cell else ""))
        elif self.cell:
            parts.append(self.cell)
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        return "，".join(parts)

    def to_dict(self) -> dict[str, Any]:
        # Every field is a scalar: a shallow dict equals asdict() at a fraction of its cost
        # (a bureau's consolidation turns 10,000 findings into dicts).
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["severity_label"] = self.severity_label
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def make_finding(code: str, message: str, *, project: Project | None = None,
                 sheet: str | None = None, cell: str | None = None, line: int | None = None,
                 field: str | None = None, indicator: int | None = None,
                 severity: str | None = None, category: str | None = None,
                 found: str | None = None, expected: str | None = None) -> Finding:
    """A finding of rule ``code`` with the catalogue's severity and 审核意见 — for code that
    reports outside the rule engine (the workbook reader's PT502)."""
    entry = get_rule(code)
    return Finding(
        code=code,
        severity=severity or entry.severity,
        category=category or entry.category,
        message=message,
        project_code=project.code if project else "",
        project_seq=project.seq if project else None,
        project_name=project.name if project else "",
        sheet=sheet if sheet is not None else (project.sheet if project else None),
        cell=cell,
        line=line,
        field=field,
        indicator=indicator,
        found=found,
        expected=expected,
    )
