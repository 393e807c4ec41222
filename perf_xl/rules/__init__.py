"""The validation engine: every rule of the catalogue (docs/validation.md) as one small
registered function.

    from perf_xl.rules import validate, load_config
    findings = validate(department, load_config("rules.toml"))

Rules work on the model alone (no workbook library). ``catalogue()`` lists them;
``make_finding`` builds a finding for a rule raised elsewhere (PT502 by the workbook reader).
"""

from __future__ import annotations

_LOADED = False


def load_rules() -> None:
    """Import the rule modules once (registering every rule)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import (  # noqa: F401
        amounts,
        indicators,
        lifecycle,
        spendplan,
        structure,
        systemchecks,
        workbook,
    )


from .config import RuleConfig, default_config, load_config  # noqa: E402
from .engine import sheet_names, validate  # noqa: E402
from .finding import Finding, Hit, make_finding  # noqa: E402
from .registry import CATALOGUE, CATEGORIES, Rule, catalogue, get_rule, markdown_table, rule  # noqa: E402

__all__ = [
    "CATALOGUE",
    "CATEGORIES",
    "Finding",
    "Hit",
    "Rule",
    "RuleConfig",
    "catalogue",
    "default_config",
    "get_rule",
    "load_config",
    "load_rules",
    "make_finding",
    "markdown_table",
    "rule",
    "sheet_names",
    "validate",
]
