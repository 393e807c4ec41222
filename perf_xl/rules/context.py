"""The run-wide context a rule sees besides the project: configuration and department."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Department
from .config import RuleConfig
from .facts import SMALLER_IS_BETTER


@dataclass
class Context:
    department: Department
    config: RuleConfig
    year: int | None = None  # the budget year in force
    smaller_is_better: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.year = self.config.budget_year(self.department.year)
        self.smaller_is_better = tuple(dict.fromkeys(
            (*SMALLER_IS_BETTER, *self.config.smaller_is_better)))
