"""Validation settings, read from a small TOML file (format documented in the packaged
default ``perf_xl/data/rules.toml``):

    [budget]       year = 2024
    [spend_plan]   floor = [25, 50, 75, 100]  or  floor = { "6月底" = 40 }
    [indicators]   satisfaction_floor = 80, smaller_is_better = ["等待时长"]
    [rules]        PT111 = false

A user file overrides the packaged default key by key. Mistakes (unknown keys, wrong types,
unknown rule codes) raise PerfXLError naming the file and the key.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..errors import PerfXLError
from ..lifecycle.config import DEVIATION_MODES, MONITOR_KEYS, RATE_MODES, SELFEVAL_KEYS, LifecycleConfig
from ..model import CHECKPOINTS

DEFAULT_SATISFACTION_FLOOR = Decimal(80)


@dataclass(frozen=True)
class RuleConfig:
    year: int | None = None  # budget year; None = Department.year
    # PT305 floor per checkpoint (cumulative %), None = no floor for that checkpoint.
    progress_floor: tuple[Decimal | None, ...] = (None,) * len(CHECKPOINTS)
    satisfaction_floor: Decimal = DEFAULT_SATISFACTION_FLOOR
    smaller_is_better: tuple[str, ...] = ()  # extra words, added to the built-in ones
    enabled: Mapping[str, bool] = field(default_factory=dict)
    source: str = "默认配置"
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)  # [monitor], [selfeval]

    def is_enabled(self, code: str) -> bool:
        return self.enabled.get(code, True)

    def budget_year(self, department_year: int | None) -> int | None:
        return self.year if self.year is not None else department_year


def default_config() -> RuleConfig:
    """The packaged default, perf_xl/data/rules.toml — which states RuleConfig's own
    defaults (tests/rules/test_config.py holds the two equal), so no command parses TOML
    (tomllib costs ~7 ms of start-up) unless it is given a file."""
    return RuleConfig()


def packaged_config() -> RuleConfig:
    """perf_xl/data/rules.toml as parsed (for the test that it states the defaults)."""
    from importlib import resources

    text = (resources.files("perf_xl") / "data" / "rules.toml").read_text(encoding="utf-8")
    return parse_config(_toml().loads(text), RuleConfig(), source="默认配置")


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def load_config(path: str | Path | None = None) -> RuleConfig:
    """The default configuration, overridden by the TOML file at ``path`` if given."""
    base = default_config()
    if path is None:
        return base
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PerfXLError(f"无法读取校验配置文件：{exc.strerror or exc}", path=str(p)) from None
    tomllib = _toml()
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PerfXLError("校验配置文件不是 UTF-8 文本", path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PerfXLError(f"校验配置文件不是有效的 TOML：{exc}", path=str(p)) from None
    return parse_config(data, base, source=str(p))


_SECTIONS = {
    "budget": {"year"},
    "spend_plan": {"floor"},
    "indicators": {"satisfaction_floor", "smaller_is_better"},
    "rules": None,  # any rule code
    "monitor": set(MONITOR_KEYS),
    "selfeval": set(SELFEVAL_KEYS),
}


def parse_config(data: Mapping[str, Any], base: RuleConfig, *, source: str) -> RuleConfig:
    """Overlay the parsed TOML ``data`` on ``base``."""

    def fail(message: str) -> PerfXLError:
        return PerfXLError(message, path=source)

    _check_sections(data, fail)
    cfg = replace(base, source=source)
    budget = data.get("budget", {})
    if "year" in budget:
        year = budget["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
            raise fail(f"[budget] year 应为四位年份，实际为 {year!r}")
        cfg = replace(cfg, year=year)

    plan = data.get("spend_plan", {})
    if "floor" in plan:
        cfg = replace(cfg, progress_floor=_floor(plan["floor"], fail))

    ind = data.get("indicators", {})
    if "satisfaction_floor" in ind:
        cfg = replace(cfg, satisfaction_floor=_percent(ind["satisfaction_floor"],
                                                       "[indicators] satisfaction_floor", fail))
    if "smaller_is_better" in ind:
        words = ind["smaller_is_better"]
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip()
                                                  for w in words):
            raise fail("[indicators] smaller_is_better 应为非空字符串的列表，如 [\"等待时长\"]")
        merged = tuple(dict.fromkeys([*base.smaller_is_better, *(w.strip() for w in words)]))
        cfg = replace(cfg, smaller_is_better=merged)

    if "monitor" in data or "selfeval" in data:
        cfg = replace(cfg, lifecycle=_lifecycle(data.get("monitor", {}), data.get("selfeval", {}),
                                                base.lifecycle, fail))
    if data.get("rules"):
        cfg = replace(cfg, enabled=_enabled(data["rules"], base.enabled, fail))
    return cfg


def _check_sections(data: Mapping[str, Any], fail: Any) -> None:
    """Every section and key known (a misspelt one is refused, not ignored)."""
    for section, value in data.items():
        if section not in _SECTIONS:
            raise fail(f"未知的配置节 [{section}]，可用：" + "、".join(f"[{s}]" for s in _SECTIONS))
        if not isinstance(value, Mapping):
            raise fail(f"[{section}] 应是一个配置节")
        allowed = _SECTIONS[section]
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    raise fail(f"[{section}] 中没有「{key}」这一项，可用："
                               + "、".join(sorted(allowed)))


def _enabled(rules: Mapping[str, Any], base: Mapping[str, bool], fail: Any) -> dict[str, bool]:
    """[rules]: PT codes switched on or off over ``base``."""
    from .registry import catalogue

    known = {r.code for r in catalogue()}
    enabled = dict(base)
    for code, on in rules.items():
        if code not in known:
            raise fail(f"[rules] 中的「{code}」不是已知的规则编号"
                       "（perf-xl rules 列出全部规则）")
        if not isinstance(on, bool):
            raise fail(f"[rules] {code} 应为 true 或 false，实际为 {on!r}")
        enabled[code] = on
    return enabled


def _percent(value: Any, key: str, fail: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise fail(f"{key} 应为 0–100 之间的数，实际为 {value!r}")
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        raise fail(f"{key} 应为 0–100 之间的数，实际为 {value!r}") from None
    if not Decimal(0) <= number <= Decimal(100):
        raise fail(f"{key} 应在 0–100 之间，实际为 {value!r}")
    return number


def _floor(value: Any, fail: Any) -> tuple[Decimal | None, ...]:
    if isinstance(value, list):
        if len(value) != len(CHECKPOINTS):
            raise fail("[spend_plan] floor 应写 4 个数（3月底、6月底、10月底、12月底），"
                       f"实际 {len(value)} 个")
        return tuple(_percent(v, f"[spend_plan] floor 的「{cp}」", fail)
                     for v, cp in zip(value, CHECKPOINTS, strict=True))
    if isinstance(value, Mapping):
        floors: list[Decimal | None] = [None] * len(CHECKPOINTS)
        for key, v in value.items():
            cp = "".join(str(key).split())
            if cp not in CHECKPOINTS:
                raise fail(f"[spend_plan] floor 中的「{key}」不是时点，应为 "
                           + "、".join(CHECKPOINTS))
            floors[CHECKPOINTS.index(cp)] = _percent(v, f"[spend_plan] floor 的「{cp}」", fail)
        return tuple(floors)
    raise fail("[spend_plan] floor 应为 4 个数的列表或 {\"6月底\" = 40} 形式的表")


def _number(value: Any, key: str, fail: Any, *, top: Decimal | None = None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(f"{key} 应为数字，实际为 {value!r}")
    number = Decimal(str(value))
    if number < 0 or (top is not None and number > top):
        raise fail(f"{key} 应在 0–{top} 之间，实际为 {value!r}" if top is not None
                   else f"{key} 不应为负数，实际为 {value!r}")
    return number


def _lifecycle(monitor: Mapping[str, Any], selfeval: Mapping[str, Any], base: LifecycleConfig,
               fail: Any) -> LifecycleConfig:
    """[monitor] and [selfeval]: thresholds, weights, grade bands, the 偏差原因 requirement
    and the way rates are compared (see perf_xl/data/rules.toml)."""
    changes: dict[str, Any] = {}
    for key, value in monitor.items():
        where = f"[monitor] {key}"
        if key == "rates":
            if value not in RATE_MODES:
                raise fail(f"{where} 应为 " + " 或 ".join(f'"{m}"' for m in RATE_MODES)
                           + f"，实际为 {value!r}")
            changes["rates"] = value
        elif key == "deviation_required":
            if value not in DEVIATION_MODES:
                raise fail(f"{where} 应为 " + " 或 ".join(f'"{m}"' for m in DEVIATION_MODES)
                           + f"，实际为 {value!r}")
            changes["deviation_required"] = value
        else:
            changes[MONITOR_KEYS[key]] = _number(value, where, fail)
    for key, value in selfeval.items():
        where = f"[selfeval] {key}"
        if key == "grade_bands":
            bands = _bands(value, 3, where, fail)
            changes.update(grade_excellent=bands[0], grade_good=bands[1], grade_pass=bands[2])
        elif key == "qualitative_bands":
            bands = _bands(value, 2, where, fail, top=Decimal(100))
            changes.update(qualitative_achieved=bands[0], qualitative_partly=bands[1])
        else:
            changes[SELFEVAL_KEYS[key]] = _number(value, where, fail)
    out = replace(base, **changes)
    for low, high, what in (("budget_red_below", "budget_yellow_below", "预算灯"),
                            ("indicator_red_below", "indicator_yellow_below", "指标灯")):
        if getattr(out, low) > getattr(out, high):
            raise fail(f"[monitor] {low} 不应大于 {high}（{what}：红灯低于 ≤ 黄灯低于）")
    if out.execution_weight <= 0 or out.indicator_total <= 0:
        raise fail("[selfeval] 预算执行分值与指标分值都应大于 0")
    return out


def _bands(value: Any, n: int, where: str, fail: Any, top: Decimal | None = None
           ) -> tuple[Decimal, ...]:
    if not isinstance(value, list) or len(value) != n:
        raise fail(f"{where} 应写 {n} 个由高到低的数，如 " + ("[90, 80, 60]" if n == 3 else "[80, 60]"))
    bands = tuple(_number(v, where, fail, top=top) for v in value)
    if any(a <= b for a, b in pairwise(bands)):
        raise fail(f"{where} 应由高到低排列，实际为 {value!r}")
    return bands
