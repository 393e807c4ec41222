"""The settings of monitoring (运行监控) and self-evaluation (绩效自评), with the defaults of
LIFECYCLE.md (one vendor's 一体化 rules). Read from the [monitor] and [selfeval] sections of
the rules TOML by perf_xl.rules.config; plain data here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Ways to compare a rate or satisfaction indicator (…率, 满意度, %) at month N.
RATES_DIRECT = "direct"  # the value reached against the annual target (default)
RATES_PRORATE = "prorate"  # like a quantity: against target / 12 × N
RATE_MODES = (RATES_DIRECT, RATES_PRORATE)

# Which lights need a 偏差原因.
DEVIATION_RED_YELLOW = "red_and_yellow"
DEVIATION_RED = "red"
DEVIATION_MODES = (DEVIATION_RED_YELLOW, DEVIATION_RED)


@dataclass(frozen=True)
class LifecycleConfig:
    # Monitoring lights: value < red_below -> red, < yellow_below -> yellow, else green.
    budget_red_below: Decimal = Decimal(60)
    budget_yellow_below: Decimal = Decimal(80)
    indicator_red_below: Decimal = Decimal(60)
    indicator_yellow_below: Decimal = Decimal(80)
    blue_at: Decimal = Decimal(120)  # 完成值 / 年度指标值 × 100 at or above: blue
    plan_gap: Decimal = Decimal(10)  # PT603: points between 执行率 and the unit's own plan
    rates: str = RATES_DIRECT
    deviation_required: str = DEVIATION_RED_YELLOW
    # Self-evaluation.
    execution_weight: Decimal = Decimal(10)
    output_weight: Decimal = Decimal(50)
    benefit_weight: Decimal = Decimal(30)
    satisfaction_weight: Decimal = Decimal(10)
    # Grade bands: total ≥ 优 -> 优, ≥ 良 -> 良, ≥ 中 -> 中, else 差.
    grade_excellent: Decimal = Decimal(90)
    grade_good: Decimal = Decimal(80)
    grade_pass: Decimal = Decimal(60)
    # Qualitative bands, % of the weight: 达成 [achieved, 100], 部分达成 [partly, achieved).
    qualitative_achieved: Decimal = Decimal(80)
    qualitative_partly: Decimal = Decimal(60)
    explain_at: Decimal = Decimal(130)  # PT704: actual / target × 100 at or above needs a reason
    ahead_margin: Decimal = Decimal(5)  # PT705: performance ahead of spending by more than (%)
    unspent_limit: Decimal = Decimal(20)  # PT705: more than this % of the budget unspent

    @property
    def indicator_total(self) -> Decimal:
        return self.output_weight + self.benefit_weight + self.satisfaction_weight

    def group_weight(self, group: str) -> Decimal:
        return {"产出": self.output_weight, "效益": self.benefit_weight,
                "满意度": self.satisfaction_weight}.get(group, Decimal(0))

    def needs_reason(self, light: str) -> bool:
        if self.deviation_required == DEVIATION_RED:
            return light == "red"
        return light in ("red", "yellow")


# TOML key -> attribute, per section (the keys users write).
MONITOR_KEYS: dict[str, str] = {
    "budget_red_below": "budget_red_below",
    "budget_yellow_below": "budget_yellow_below",
    "indicator_red_below": "indicator_red_below",
    "indicator_yellow_below": "indicator_yellow_below",
    "blue_at": "blue_at",
    "plan_gap": "plan_gap",
    "rates": "rates",
    "deviation_required": "deviation_required",
}
SELFEVAL_KEYS: dict[str, str] = {
    "execution_weight": "execution_weight",
    "output_weight": "output_weight",
    "benefit_weight": "benefit_weight",
    "satisfaction_weight": "satisfaction_weight",
    "grade_bands": "",  # [90, 80, 60]
    "qualitative_bands": "",  # [80, 60]
    "explain_at": "explain_at",
    "ahead_margin": "ahead_margin",
    "unspent_limit": "unspent_limit",
}
