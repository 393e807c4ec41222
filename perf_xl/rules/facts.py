"""What the rules need to know about a project, computed once per project: indicator rows
with their levels normalised (and carried down where a merged 一级指标 cell left them
blank) and their values parsed; plus the domain vocabularies."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache

from ..model import Indicator, Project
from ..values import MONEY_FACTORS, ParsedValue, parse_value
from ..vocabulary import MONEY_TOLERANCE

TOLERANCE = MONEY_TOLERANCE  # 万元, for every money comparison

# The indicator tree, names without the trailing 指标.
TREE: dict[str, tuple[str, ...]] = {
    "产出": ("数量", "质量", "时效", "成本"),
    "效益": ("经济效益", "社会效益", "生态效益", "可持续影响"),
    # The national template's name for the satisfaction second level is accepted too.
    "满意度": ("服务对象满意度", "社会公众或服务对象满意度", "社会公众满意度"),
    "成本": ("经济成本", "社会成本", "生态环境成本"),  # some provinces: 成本 as first level
}
REQUIRED_LEVEL1 = ("产出", "效益", "满意度")
OUTPUT_LEVEL2 = TREE["产出"]
COST_LEVEL2 = frozenset({"成本", *TREE["成本"]})

# A cost indicator whose name says it is the whole project's cost.
TOTAL_COST_WORDS = ("总", "预算", "控制数", "合计", "全部")
# … and one that is a unit cost (per person, per month, a standard rate).
UNIT_COST_WORDS = ("人均", "每", "单价", "单位成本", "标准", "平均", "/人", "/月", "/年")
# Cost indicators where bigger is better (savings).
COST_LARGER_IS_BETTER = ("节约", "节支", "节省", "节余", "降低", "下降", "压减", "减少")
# Indicators where smaller is better: "≤" is the right direction for them.
SMALLER_IS_BETTER = (
    "天数", "时长", "用时", "时间", "时限", "周期", "下降率", "降低率", "投诉", "差错", "错误",
    "误差", "失误", "事故", "发案", "超支", "结余", "偏差", "故障", "延误", "逾期", "超期",
    "超审限", "积案", "未结", "违规", "违纪", "违法", "不合格", "返工", "退回", "发回", "改判",
    "上访", "信访", "缺陷", "隐患", "风险", "损失", "伤亡", "死亡", "闲置", "空置", "能耗",
    "排放", "污染", "成本", "费用", "负担", "流失", "差评", "遗漏", "漏洞", "漏报", "次品",
)
# Units of duration: "≤30 天", "≤48 小时" are naturally upper bounds.
DURATION_UNITS = frozenset({"天", "日", "小时", "分钟", "秒", "周", "月", "个月", "年", "工作日",
                            "个工作日", "个小时", "季度", "个季度"})
# Rates that may exceed 100%.
GROWTH_WORDS = ("增长", "增幅", "增加", "提高", "提升", "同比", "环比", "超额")
# Count units for PT208 (a quantity in the project name).
COUNT_UNITS = ("台套", "台", "辆", "套", "件", "个", "批", "部", "架", "艘", "处", "所", "座",
               "名", "项", "场", "本", "册", "张", "块", "栋", "间", "盏", "株", "颗", "组")


@lru_cache(maxsize=1024)
def base_name(name: str) -> str:
    """ "社会效益指标 " -> "社会效益"; "服务对象满意度" -> "服务对象满意度"."""
    text = "".join(unicodedata.normalize("NFKC", name or "").split())
    return text[:-2] if text.endswith("指标") and len(text) > 2 else text


@lru_cache(maxsize=8192)  # the same level names and captions on every project
def compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class Row:
    index: int  # 0-based position in Project.indicators (the layout's indicator index)
    indicator: Indicator
    level1: str  # base name, carried down when the cell was blank
    level2: str
    level1_written: bool  # the cell itself had a name
    level2_written: bool
    value: ParsedValue

    @property
    def name(self) -> str:
        return self.indicator.level3.strip() or self.indicator.description.strip() or \
            f"第 {self.index + 1} 条指标"

    @cached_property
    def words(self) -> str:
        """三级指标 + 描述, compacted: what keyword tests look at."""
        return compact(self.indicator.level3) + "|" + compact(self.indicator.description)

    @property
    def is_cost(self) -> bool:
        return self.level1 == "成本" or (self.level1 == "产出" and self.level2 in COST_LEVEL2)

    @property
    def is_satisfaction(self) -> bool:
        return self.level1 == "满意度" or "满意度" in self.level2 or \
            "满意" in compact(self.indicator.level3)

    @cached_property
    def amount(self) -> Decimal | None:
        """The value in 万元 when it is money: "≤100 万元", "3000 元", also "0.5 万元/人"."""
        v = self.value
        if v.is_money:
            return v.amount_wan()
        if v.is_quantity and v.number is not None and "/" in v.unit:
            head = v.unit.split("/", 1)[0]
            if head in MONEY_FACTORS:
                return v.number * MONEY_FACTORS[head]
        return None

    @cached_property
    def cost_kind(self) -> str | None:
        """For a money cost indicator: "total", "unit" or "part"; None otherwise."""
        if not self.is_cost or self.amount is None:
            return None
        if not self.value.is_money:
            return "unit"  # a per-something unit: 万元/人
        name = compact(self.indicator.level3)
        desc = compact(self.indicator.description)
        for text in (name, desc):
            if any(w in text for w in TOTAL_COST_WORDS) and not any(
                    w in text for w in UNIT_COST_WORDS):
                return "total"
            if any(w in text for w in UNIT_COST_WORDS):
                return "unit"
        return "part"


class ProjectFacts:
    """A project plus its indicator rows, normalised once for all rules."""

    __slots__ = ("project", "rows")

    def __init__(self, project: Project) -> None:
        self.project = project
        rows: list[Row] = []
        l1 = l2 = ""
        for i, ind in enumerate(project.indicators):
            w1, w2 = base_name(ind.level1), base_name(ind.level2)
            if w1:
                if w1 != l1:
                    l2 = ""  # a new 一级 group; the same name repeated keeps its 二级
                l1 = w1
            if w2:
                l2 = w2
            rows.append(Row(i, ind, l1, l2, bool(w1), bool(w2), parse_value(ind.value)))
        self.rows = rows

    def rows_of(self, level1: str) -> list[Row]:
        return [r for r in self.rows if r.level1 == level1]
