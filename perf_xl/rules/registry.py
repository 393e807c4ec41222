"""The rule catalogue: each rule is one small function registered with its code, severity,
审核意见 category, a Chinese title, the reason the bureau cares and an example of what it
finds. The codes are stable; docs/validation.md lists them (generated: perf-xl rules --format md)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..vocabulary import ERROR as ERROR
from ..vocabulary import INFO as INFO
from ..vocabulary import SEVERITY_KEYS as SEVERITIES
from ..vocabulary import SEVERITY_LABELS as SEVERITY_LABELS
from ..vocabulary import WARNING as WARNING

# The finance bureau's standard review wording (审核意见).
INCOMPLETE = "指标不够完整"
NOT_QUANTIFIED = "指标不够细化、量化"
NOT_RELEVANT = "指标与项目的相关性不够"
VALUE_MISMATCH = "指标与指标值不匹配"
LEVEL1_WRONG = "一级指标类型错误"
LEVEL2_WRONG = "二级指标类型错误"
ADD_OUTPUT = "建议增加明确产出指标"
ADD_BENEFIT = "建议增加明确效益指标"
ADD_SATISFACTION = "建议增加满意度指标"
SPLIT = "建议拆分指标"  # the 11th wording of the 一体化 system's review screen
OTHER = "其他"
CATEGORIES: tuple[str, ...] = (
    INCOMPLETE, NOT_QUANTIFIED, NOT_RELEVANT, VALUE_MISMATCH, LEVEL1_WRONG, LEVEL2_WRONG,
    ADD_OUTPUT, ADD_BENEFIT, ADD_SATISFACTION, SPLIT, OTHER,
)

# project: check(facts, ctx) per project; department: check(all_facts, ctx) once;
# workbook: raised by the workbook reader, no check function here;
# monitor / selfeval: check(result, ctx) per project, run by perf-xl monitor / selfeval only.
SCOPES = ("project", "department", "workbook", "monitor", "selfeval")
VALIDATE_SCOPES = ("project", "department")
_CODE = re.compile(r"^PT\d{3}$")

Check = Callable[..., Iterable[Any]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    category: str
    title: str  # Chinese, one line: what the rule finds
    scope: str = "project"
    check: Check | None = None
    reason: str = ""  # Chinese: why it matters (why the bureau returns such a table)
    example: str = ""  # Chinese: a case the rule reports

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


CATALOGUE: dict[str, Rule] = {}


def register(code: str, severity: str, category: str, title: str, *, scope: str = "project",
             check: Check | None = None, reason: str = "", example: str = "") -> Rule:
    if not _CODE.match(code):
        raise ValueError(f"rule code must look like PT101: {code!r}")
    if code in CATALOGUE:
        raise ValueError(f"rule {code} registered twice")
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: unknown severity {severity!r}")
    if category not in CATEGORIES:
        raise ValueError(f"{code}: category {category!r} is not a 审核意见 wording")
    if scope not in SCOPES:
        raise ValueError(f"{code}: unknown scope {scope!r}")
    if scope != "workbook" and check is None:
        raise ValueError(f"{code}: a {scope} rule needs a check function")
    if not (reason.strip() and example.strip()):
        raise ValueError(f"{code}: a rule needs its reason and an example (docs/validation.md shows them)")
    entry = Rule(code, severity, category, title, scope, check, reason, example)
    CATALOGUE[code] = entry
    return entry


def rule(code: str, severity: str, category: str, title: str, *, reason: str, example: str,
         scope: str = "project") -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule ``code``."""

    def decorate(fn: Check) -> Check:
        register(code, severity, category, title, scope=scope, check=fn, reason=reason,
                 example=example)
        return fn

    return decorate


def catalogue() -> list[Rule]:
    """Every registered rule, by code (importing the rule modules first)."""
    from . import load_rules

    load_rules()
    return [CATALOGUE[c] for c in sorted(CATALOGUE)]


def get_rule(code: str) -> Rule:
    from . import load_rules

    load_rules()
    return CATALOGUE[code]


def markdown_table(rules: Iterable[Rule]) -> str:
    """The catalogue as the Markdown table of docs/validation.md (perf-xl rules --format md)."""

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| 编号 | 级别 | 审核意见 | 规则 | 为什么 | 例 |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.code} | {r.severity_label} | {cell(r.category)} | {cell(r.title)} | "
              f"{cell(r.reason)} | {cell(r.example)} |" for r in rules]
    return "\n".join(lines) + "\n"
