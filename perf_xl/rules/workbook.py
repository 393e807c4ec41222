"""PT5xx: workbook-wide checks."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import FUNDING_LINES
from .context import Context
from .facts import ProjectFacts
from .finding import Hit
from .registry import ERROR, INFO, OTHER, register, rule


@rule("PT501", INFO, OTHER, "项目没有资金来源",
      reason="没有资金来源的项目无法按资金来源汇总。",
      example="资金来源一栏空白")
def funding_line(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    if not (p.project.funding_line or "").strip():
        yield Hit("项目没有资金来源：请选择 " + "、".join(FUNDING_LINES) + " 之一",
                  "funding_line")


# Raised by the workbook reader (it alone sees cells): a finding made with
# rules.make_finding("PT502", message, sheet=…, cell=…, found=…, expected=…).
register("PT502", ERROR, OTHER, "项目工作表与版式不符（行或列被移动），说明哪个单元格应在何处",
         scope="workbook",
         reason="行或列被移动后，工具无法从约定的单元格读取该表，这张表未被校验。",
         example="在指标表上方插入了一行，「一级指标」表头从 A11 移到了 A12")
