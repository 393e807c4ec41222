"""The self-evaluation grade of a total score: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (bands
configurable; some systems use 80/70/60)."""

from __future__ import annotations

from decimal import Decimal

from .config import LifecycleConfig

EXCELLENT, GOOD, PASS, POOR = "优", "良", "中", "差"
GRADES: tuple[str, ...] = (EXCELLENT, GOOD, PASS, POOR)


def bands(cfg: LifecycleConfig) -> tuple[tuple[Decimal, str], ...]:
    """(lower bound, grade), best first; anything below the last bound is 差."""
    return ((cfg.grade_excellent, EXCELLENT), (cfg.grade_good, GOOD), (cfg.grade_pass, PASS))


def grade(total: Decimal, cfg: LifecycleConfig) -> str:
    for floor, name in bands(cfg):
        if total >= floor:
            return name
    return POOR
