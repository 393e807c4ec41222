"""The indicator tree (一级 → 二级) of the 绩效目标表, as the finance bureau defines it.

Some provinces put 成本指标 as a first level with 经济成本/社会成本/生态环境成本 below it; both
forms are accepted. Names may be written with or without the trailing "指标".
"""

from __future__ import annotations

TREE: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}
# The first levels every project must cover (成本指标 as a first level is optional).
REQUIRED_LEVEL1: tuple[str, ...] = ("产出指标", "效益指标", "满意度指标")
OUTPUT_LEVEL2: tuple[str, ...] = TREE["产出指标"]


def canonical(name: str) -> str:
    """ "数量" / "数量指标" / " 数量 指标 " -> "数量指标"."""
    compact = "".join(name.split())
    if compact and not compact.endswith("指标"):
        compact += "指标"
    return compact


def level1_names() -> list[str]:
    return list(TREE)


def level2_names() -> list[str]:
    seen: dict[str, None] = {}
    for children in TREE.values():
        seen.update(dict.fromkeys(children))
    return list(seen)
