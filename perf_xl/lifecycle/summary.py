"""The bureau's view of monitoring and self-evaluation across units: per unit and per
funding line, the projects by light (budget light against 序时进度, and the indicator light),
and the average self-evaluation score and the grade distribution — for the departments whose
workbooks carry them (a monitoring month, a 全年执行数)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..model import Department
from .config import LifecycleConfig
from .evaluate import MONITOR, SELFEVAL, evaluate_project, month_of
from .grades import GRADES
from .lights import LIGHTS, round2


def _blank() -> dict[str, Any]:
    return {"monitored": 0, "month": None, "months": [], "budget_lights": dict.fromkeys(LIGHTS, 0),
            "lights": dict.fromkeys(LIGHTS, 0), "evaluated": 0, "scores": [],
            "grades": dict.fromkeys(GRADES, 0)}


def _finish(acc: dict[str, Any]) -> dict[str, Any]:
    scores = acc.pop("scores")
    acc["average_score"] = float(round2(sum(scores, Decimal(0)) / len(scores))) if scores else None
    return acc


def lifecycle_summary(depts: Sequence[Department], labels: Sequence[str],
                      cfg: LifecycleConfig | None = None) -> dict[str, Any] | None:
    """{"by_unit": [...], "by_line": [...], "total": {...}} or None when no workbook carries
    monitoring or self-evaluation figures. ``month``: the first monitoring month met,
    ``months``: every one (sorted; units may monitor at different months)."""
    cfg = cfg or LifecycleConfig()
    by_unit: list[tuple[str, dict[str, Any]]] = []
    by_line: dict[str, dict[str, Any]] = {}
    total = _blank()
    seen = False
    for dept, label in zip(depts, labels, strict=True):
        month = month_of(dept, None)
        unit = _blank()
        by_unit.append((label, unit))  # one row per file, even when two share a name
        for p in dept.projects:
            t = p.track
            if t is None:
                continue
            line = by_line.setdefault(p.funding_line or "", _blank())
            accs = (unit, line, total)
            for acc in accs:
                acc["month"] = acc["month"] or month
            if month and t.executed is not None:
                seen = True
                r = evaluate_project(p, MONITOR, month, cfg)
                for acc in accs:
                    if month not in acc["months"]:
                        acc["months"] = sorted([*acc["months"], month])
                    acc["monitored"] += 1
                    if r.budget_light:
                        acc["budget_lights"][r.budget_light] += 1
                    if r.light:
                        acc["lights"][r.light] += 1
            if t.year_executed is not None:
                r = evaluate_project(p, SELFEVAL, 12, cfg)
                if r.total is not None and r.grade:
                    seen = True
                    for acc in accs:
                        acc["evaluated"] += 1
                        acc["scores"].append(r.total)
                        acc["grades"][r.grade] += 1
    if not seen:
        return None
    return {"by_unit": [{"单位": k, **_finish(v)} for k, v in by_unit],
            "by_line": [{"资金来源": k, **_finish(v)} for k, v in by_line.items()],
            "total": _finish(total)}
