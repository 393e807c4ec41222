"""The words, colours and tolerances every output shares — one place, imported everywhere.

Severities have a key (``error`` / ``warning`` / ``info``: findings, JSON, marks) and a
Chinese label (错误 / 警告 / 提示: every sheet, file and message); each has the fill and
font colour of the cells that show it (marks, 校验状态, the bureau's 级别 column). Nothing
here imports anything of perf_xl: the model, the rules, the workbook package and the
sinks all sit above it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_KEYS: tuple[str, ...] = (ERROR, WARNING, INFO)
SEVERITY_LABELS: dict[str, str] = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
# The labels, worst first: the columns of every count by severity.
SEVERITIES: tuple[str, ...] = tuple(SEVERITY_LABELS.values())
ERROR_LABEL, WARNING_LABEL, INFO_LABEL = SEVERITIES
# Mildest first: a severity's rank (the worst of several marks on one cell shows).
SEVERITY_RANK: dict[str, int] = {key: rank for rank, key in enumerate(reversed(SEVERITY_KEYS))}
STATUS_OK = "通过"  # 校验状态 of a project without errors or warnings
NOT_VALIDATED = "未校验"  # 校验状态 before any validation
TOTAL_LABEL = "合计"  # the last row of every table


def severity_label(raw: object) -> str | None:
    """错误/警告/提示 for a key or a label (any case, spaces around); None if neither."""
    text = str(raw if raw is not None else "").strip()
    if text in SEVERITY_LABELS.values():
        return text
    return SEVERITY_LABELS.get(text.lower())


def severity_counts(severities: Iterable[str], unit: str = "处") -> str:
    """"错误 3 处，警告 1 处，提示 0 处": the count of each severity key, worst first."""
    counts = Counter(severities)
    return "，".join(f"{SEVERITY_LABELS[k]} {counts[k]} {unit}" for k in SEVERITY_KEYS)


def status_of(errors: int, warnings: int) -> str:
    """A project's 校验状态 from its counts: 错误, 警告 or 通过."""
    return ERROR_LABEL if errors else WARNING_LABEL if warnings else STATUS_OK


# (fill, font) as RGB hex without "#", by severity key and by label; 通过 is green.
_COLORS = {ERROR: ("FFC7CE", "9C0006"), WARNING: ("FFEB9C", "9C5700"), INFO: ("DDEBF7", "1F4E79")}
SEVERITY_FILL: dict[str, str] = {k: fill for k, (fill, _) in _COLORS.items()}
SEVERITY_FONT: dict[str, str] = {k: font for k, (_, font) in _COLORS.items()}
OK_FILL, OK_FONT = "C6EFCE", "006100"
# 错误/警告/提示/通过 -> (fill, font)
STATUS_COLORS: dict[str, tuple[str, str]] = {
    **{SEVERITY_LABELS[k]: v for k, v in _COLORS.items()}, STATUS_OK: (OK_FILL, OK_FONT),
}

# Money: 万元 with two decimals; two amounts within half a cent are equal.
MONEY_TOLERANCE = Decimal("0.005")
CENT = Decimal("0.01")
MONEY_FORMAT = "#,##0.00"
