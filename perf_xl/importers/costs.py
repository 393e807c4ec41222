"""The 成本构成 sub-table of a 申报表: 成本类别 / 成本项目 / 金额 / 测算依据 rows under a
"成本构成" caption, before or after the indicator table. Read into ``Project.costs`` as
written, never as indicators (the rules judge the 成本指标). The text reader finds the
caption and the end of the sub-table; this module reads its header and rows."""

from __future__ import annotations

import re
import unicodedata

from ..model import CostItem

_TITLE = re.compile(r"(?:项目)?成本(?:构成|测算|明细)(?:表|情况)?(?:\((?:万元|元|千元)\))?:?")
_UNIT = re.compile(r"\((?:万元|元|千元)\)$")
_HEADER_NAMES = {
    "成本类别": "category", "类别": "category", "成本类型": "category", "成本分类": "category",
    "成本项目": "item", "项目": "item", "成本明细": "item", "明细": "item", "成本内容": "item",
    "金额": "amount", "成本金额": "amount", "测算金额": "amount", "数额": "amount",
    "测算依据": "basis", "依据": "basis", "测算依据及说明": "basis", "说明": "basis",
}  # fmt: skip
ORDER = ("category", "item", "amount", "basis")  # the columns when the sub-table has no header


def _key(cell: str) -> str:
    return "".join(unicodedata.normalize("NFKC", cell).split()).strip("*:")


def is_title(cell: str) -> bool:
    """"成本构成", "项目成本构成（万元）", "成本测算："…"""
    return bool(cell) and bool(_TITLE.fullmatch(_key(cell)))


def header_columns(cells: list[str], start: int) -> dict[str, int] | None:
    """kind -> column of a header row (成本类别 | 成本项目 | 金额（万元） | 测算依据) from column
    ``start`` on; None unless every filled cell there is such a name and there are two."""
    columns: dict[str, int] = {}
    for col in range(start, len(cells)):
        cell = cells[col]
        if not cell:
            continue
        kind = _HEADER_NAMES.get(_UNIT.sub("", _key(cell)))
        if kind is None or kind in columns:
            return None
        columns[kind] = col
    return columns if len(columns) >= 2 else None


class CostTable:
    """The sub-table being read: its caption's column and its header (once seen)."""

    def __init__(self, cells: list[str], label_col: int) -> None:
        self.label_col = label_col
        self.columns = header_columns(cells, label_col + 1)
        self.category = ""  # carried down, as a merged 成本类别 cell is

    def take(self, cells: list[str], line: int) -> tuple[CostItem | None, list[str]]:
        """The row as a cost item (None for a header or an empty row) and the cells that
        have no column (for the reader's note)."""
        if self.label_col < len(cells) and is_title(cells[self.label_col]):
            cells = [*cells[: self.label_col], "", *cells[self.label_col + 1:]]  # the merged caption again
        if self.columns is None:
            found = header_columns(cells, self.label_col + 1) or header_columns(cells, 0)
            if found is not None:
                self.columns = found
                return None, []
        columns = self.columns or {k: self.label_col + 1 + i for i, k in enumerate(ORDER)}
        used = set(columns.values())
        stray = [c for col, c in enumerate(cells) if c and col not in used and col != self.label_col]

        def cell(kind: str) -> str:
            col = columns.get(kind)
            return cells[col] if col is not None and col < len(cells) else ""

        if cell("category"):
            self.category = cell("category")
        item, amount, basis = cell("item"), cell("amount"), cell("basis")
        if not (item or amount or basis):
            return None, stray
        return CostItem(self.category, item, amount, basis, line), stray
