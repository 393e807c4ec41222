"""Read a 部门预算绩效文本 Word document (.docx) into the model.

Reads what ``perf_xl.sinks.docx`` writes and the usual hand-made 绩效目标表 as well:
merged cells (a merged cell's text is taken once, not once per grid column it spans),
labels with stray spaces or colons, "单位：元" lines (amounts are converted to 万元), a
table without the 资金支出计划 rows, no 指标值确定依据 column, 一级指标 written only on the
first row of its group, a table continued in a second table.

Errors follow the text importer: bad input raises ``PerfXLError`` with a Chinese message
naming the file and the table/row; a cell that is not a number is kept in
``Project.invalid`` for the rules to report, not raised.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import docx_layout as L
from ..errors import ImportError_, PerfXLError
from ..model import CHECKPOINTS, Department, Indicator, Measure, Project, SubGoal, funding_line_for
from ..numbers import amount_or_invalid, percent_or_invalid
from . import costs
from .text import NO_TABLE_MESSAGE, year_from_titles

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(path: str | os.PathLike[str]) -> Department:
    """The department a 绩效文本 .docx describes."""
    src = Path(path)
    doc = _open(src)
    reader = _Reader(str(src))
    reader.walk(doc.element.body)
    dept = reader.finish()
    _apply_meta(dept, _read_meta(doc))
    return dept


# -- opening the container ---------------------------------------------------------------


def _open(src: Path) -> Any:
    from ..workbook.safety import check_docx_package, read_regular_file

    data = read_regular_file(src, ImportError_)
    if not data:
        raise ImportError_("文件是空的（0 字节）", path=str(src))
    if data.startswith(_OLE_MAGIC):
        # An OOXML file with an open password is an OLE container holding EncryptionInfo
        # and EncryptedPackage streams; any other OLE file here is a Word 97-2003 .doc.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ImportError_(
                "文档设置了打开密码（已加密），无法读取。请在 Word/WPS 中打开，"
                "取消密码后另存为 .docx 再导入",
                path=str(src),
            )
        raise ImportError_(
            "这是旧版 Word 97-2003 文档（.doc），不是 .docx。请在 Word/WPS 中另存为 .docx 再导入",
            path=str(src),
        )
    if not data.startswith(b"PK"):
        raise ImportError_(
            "不是有效的 Word 文档（.docx）：文件内容不是 Office 文档格式，"
            "可能是其他类型的文件改了扩展名",
            path=str(src),
        )
    check_docx_package(io.BytesIO(data), src)  # a zip bomb is refused before it inflates
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "content type" in str(exc):
            raise ImportError_(
                "这不是 Word 文档（可能是 Excel 或 PowerPoint 文件改了扩展名）", path=str(src)
            ) from None
        raise _corrupt(src) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        EOFError,
        etree.XMLSyntaxError,
        PackageNotFoundError,
        NotImplementedError,
    ):
        raise _corrupt(src) from None


def _corrupt(src: Path) -> PerfXLError:
    return ImportError_(
        "Word 文档已损坏或不完整，无法打开（可尝试在 Word/WPS 中打开并另存为 .docx）",
        path=str(src),
    )


# -- text of XML elements ----------------------------------------------------------------


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_TAGS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}


def _para_text(p: Any) -> str:
    """The text of a paragraph, with what Word puts inside it (hyperlinks, insertions, text
    boxes) but not deleted text, field codes, or the VML copy of a text box."""
    out: list[str] = []
    stack = [p]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in _TEXT_TAGS:
            out.append(el.text or "" if _TEXT_TAGS[tag] is None else _TEXT_TAGS[tag])
        elif tag != _MC_FALLBACK:
            stack.extend(reversed(el))
    return "".join(out)


def _cell_paragraphs(tc: Any) -> Iterator[Any]:
    for child in tc:
        if child.tag == f"{_W}p":
            yield child
        elif child.tag == f"{_W}sdt":  # a content control wrapping paragraphs
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from (p for p in content if p.tag == f"{_W}p")


def _cell_text(tc: Any) -> str:
    return "\n".join(_para_text(p) for p in _cell_paragraphs(tc)).strip()


def _key(text: str) -> str:
    """A label normalised for matching: no spaces, ASCII brackets and colon, no trailing colon."""
    k = re.sub(r"\s+", "", text)
    k = k.translate(str.maketrans("（）：％", "():%"))
    return k.rstrip(":")


# -- the table grid ----------------------------------------------------------------------


@dataclass
class _GCell:
    origin: int  # the same number for every grid position of one (merged) cell
    text: str
    start: int
    end: int  # exclusive grid column


def _grid(tbl: Any) -> list[list[_GCell]]:
    """The table as rows of logical cells: a horizontally merged cell appears once; a
    vertically merged cell appears in each row it covers, with the text of its first row
    and the same ``origin``."""
    rows: list[list[_GCell]] = []
    above: dict[int, _GCell] = {}
    counter = 0
    for tr in tbl.iterchildren(f"{_W}tr"):
        col = 0
        trpr = tr.find(f"{_W}trPr")
        if trpr is not None:
            before = trpr.find(f"{_W}gridBefore")
            if before is not None:
                col = int(before.get(f"{_W}val", "0") or 0)
        row: list[_GCell] = []
        here: dict[int, _GCell] = {}
        for tc in tr.iterchildren(f"{_W}tc"):
            span, vmerge = 1, None
            tcpr = tc.find(f"{_W}tcPr")
            if tcpr is not None:
                gs = tcpr.find(f"{_W}gridSpan")
                if gs is not None:
                    span = max(1, int(gs.get(f"{_W}val", "1") or 1))
                vm = tcpr.find(f"{_W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{_W}val", "continue")
            top = above.get(col)
            if vmerge == "continue" and top is not None:
                cell = _GCell(top.origin, top.text, col, col + span)
            else:
                counter += 1
                cell = _GCell(counter, _cell_text(tc), col, col + span)
            row.append(cell)
            for c in range(col, col + span):
                here[c] = cell
            col += span
        rows.append(row)
        above = here
    return rows


def _at(row: list[_GCell], col: int) -> _GCell | None:
    for cell in row:
        if cell.start <= col < cell.end:
            return cell
    return None


# -- labels ------------------------------------------------------------------------------

_FIELD_LABELS: dict[str, str] = {}
for _field, _labels in {
    "code": ("项目编码", "项目编号", "项目代码"),
    "name": ("项目名称",),
    "budget": (
        "预算数",
        "项目预算数",
        "年度预算数",
        "预算金额",
        "预算资金",
        "资金总额",
        "年度资金总额",
        "年度本级预算金额",
        "年度预算金额",
    ),
    "fiscal": ("其中:财政资金", "其中财政资金", "财政资金", "财政拨款", "其中:财政拨款"),
    "other": ("其他资金", "其中:其他资金"),
    "purpose": ("资金用途", "项目资金用途", "主要用途"),
    # The national 申报表 header (issue 13).
    "authority": ("主管部门", "主管部门及代码"),
    "implementer": ("实施单位",),
    "attribute": ("项目属性",),
    "period": ("项目期",),
}.items():
    for _label in _labels:
        _FIELD_LABELS[_label] = _field
_GOAL_LABELS = {"绩效目标", "年度绩效目标", "项目绩效目标", "年度目标", "项目年度绩效目标", "年度总体目标"}
_MID_GOAL_LABELS = {"实施期目标", "中期目标", "中期(实施期)目标", "实施期绩效目标", "长期目标"}
_SKIP_ROWS = {"备注", "说明", "填报说明", "填表人", "填报人", "联系人", "联系电话"}
_CHECKPOINT_RE = re.compile(r"^(3|6|10|12)月(?:底|末)$")
_UNIT_SUFFIX_RE = re.compile(r"^(.*?)\((万元|元)\)$")
_MONEY_LINE_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)\s*$")
# A unit line without a table title above it: "161001 某某法院本级", "单位名称：…".
_UNIT_LINE_RE = re.compile(r"^(\d{6}\s*\S|(单位名称|预算单位|填报单位|部门名称)\s*[:：])")


def _field_label(text: str) -> tuple[str | None, str | None]:
    """(field, money unit named in the label) for a label cell such as "预算数（万元）"."""
    k = _key(text)
    unit = None
    m = _UNIT_SUFFIX_RE.match(k)
    if m:
        k, unit = m.group(1), m.group(2)
    return _FIELD_LABELS.get(k), unit


def _checkpoint(text: str) -> int | None:
    m = _CHECKPOINT_RE.match(_key(text))
    return CHECKPOINTS.index(f"{m.group(1)}月底") if m else None


def _section(text: str) -> str | None:
    k = _key(text)
    if k.startswith("预算规模"):
        return "block"
    if k.startswith("资金支出计划") or k.startswith("支出计划"):
        return "plan"
    if k in _GOAL_LABELS:
        return "goal"
    if k in _MID_GOAL_LABELS:
        return "mid_goal"
    return None


def _indicator_field(text: str) -> str | None:
    k = _key(text).replace("*", "")
    if k in ("计算符号", "符号", "运算符"):
        return "operator"
    if k in ("计量单位", "度量单位"):
        return "unit"
    if "中期" in k or "实施期" in k:
        return "mid_value" if "指标值" in k or "目标值" in k else None
    if k.startswith("指标值说明") or "评分标准" in k:
        return "basis"
    if k.startswith(("备注", "说明")) or "指标解释" in k:
        return "description"
    if k.startswith("一级指标"):
        return "level1"
    if k.startswith("二级指标"):
        return "level2"
    if k.startswith("三级指标"):
        return "level3"
    if "依据" in k:
        return "basis"
    if "描述" in k or k in ("指标内容", "指标解释", "指标说明"):
        return "description"
    if k.startswith("指标值") or k in ("目标值", "年度指标值", "年度目标值", "年度指标值及单位"):
        return "value"
    return None


# The second row of a two-row header: "*符号 | *值 | 计量单位" under 指标值, or "年度 | 中期".
_SUB_COLUMNS = {
    "符号": "operator", "计算符号": "operator", "运算符": "operator", "值": "value",
    "指标值": "value", "计量单位": "unit", "单位": "unit", "度量单位": "unit", "年度": "value",
    "年度指标值": "value", "中期": "mid_value", "实施期": "mid_value", "中期指标值": "mid_value",
    "实施期指标值": "mid_value", "中期(实施期)": "mid_value",
}  # fmt: skip
_OPERATOR_CODES = {"1": "≥", "2": "＞", "3": "＝", "4": "＜", "5": "≤", "6": "定性"}


def combine_value(operator: str, value: str, unit: str) -> str:
    """The 指标值 of split columns: 计算符号 + 指标值 + 计量单位 ("≥", "90", "%" -> "≥90%");
    "定性" or no operator keeps the value as written (shared with the 一体化 reader)."""
    op = "".join(operator.split())
    op = _OPERATOR_CODES.get(op, op)
    value, unit = value.strip(), unit.strip()
    if not value:
        return ""
    if op == "定性":
        return value
    if not op:
        return value + (unit if unit and not value.endswith(unit) else "")
    return f"{op}{value}{unit}"


# -- the reader --------------------------------------------------------------------------


@dataclass
class _Pending:
    """Paragraphs seen since the last table: a table title, the unit line, 单位."""

    seq: int | None = None
    title_name: str = ""
    unit: str = ""
    money_unit: str | None = None


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.dept = Department()
        self.state = "cover"
        self.cover: list[str] = []
        self.overall: list[str] = []
        self.pending = _Pending()
        self.tables = 0
        self.money_units: list[str] = []

    # body walk
    def walk(self, body: Any) -> None:
        for el in body:
            if el.tag == f"{_W}p":
                self.paragraph(_para_text(el))
            elif el.tag == f"{_W}tbl":
                self.table(el)
            elif el.tag == f"{_W}sdt":
                content = el.find(f"{_W}sdtContent")
                if content is not None:
                    self.walk(content)

    def paragraph(self, raw: str) -> None:
        text = raw.strip()
        if not text:
            return
        k = _key(text)
        m = L.TABLE_TITLE_RE.match(text.replace("\n", ""))
        if m:
            self.state = "part2"
            self.pending = _Pending(seq=int(m.group(1)), title_name=m.group(2).strip())
            return
        if k.startswith(L.PART2) or k == L.PART2_TITLE:
            self.state = "part2"
            return
        if k.startswith(L.PART1) or k == L.PART1_TITLE:
            self.state = "part1"
            return
        if self.state in ("cover", "part2") and self._unit_lines(text):
            return
        heading = re.sub(r"^[一二三四五六七八九十]+[、.．]", "", k)
        if heading in ("总体绩效目标", "部门总体绩效目标") and self.state != "part2":
            self.state = "overall"
            return
        if heading == "分项绩效目标" and self.state != "part2":
            self.state = "subgoals"
            return
        if heading == "工作保障措施" and self.state != "part2":
            self.state = "measures"
            return
        handler = getattr(self, f"_p_{self.state}", None)
        if handler is not None:
            handler(text)

    def _p_cover(self, text: str) -> None:
        self.cover.append(text)

    def _p_overall(self, text: str) -> None:
        self.overall.append(text)

    def _p_subgoals(self, text: str) -> None:
        goals = self.dept.sub_goals
        m = L.CN_ITEM_RE.match(text)
        if m:
            rest = m.group(2).strip()
            label_m = re.search(r"(绩效目标|绩效指标)\s*[:：]", rest)
            goal = SubGoal(title=rest, label="", target="")
            if label_m:  # "（一）案件审判 绩效目标：…" on one line
                goal.title = rest[: label_m.start()].strip().rstrip("。：:，,")
                goal.label = label_m.group(1)
                goal.target = rest[label_m.end() :].strip()
            goals.append(goal)
            return
        m = re.match(r"^(绩效目标|绩效指标)\s*[:：]\s*(.*)$", text, re.S)
        if not goals:
            goals.append(SubGoal(title="", label="", target=""))
        goal = goals[-1]
        if m and not goal.label and not goal.target:
            goal.label, goal.target = m.group(1), m.group(2).strip()
        else:
            goal.target = f"{goal.target}\n{text}" if goal.target else text

    def _p_measures(self, text: str) -> None:
        m = L.CN_ITEM_RE.match(text)
        if m:
            rest = m.group(2).strip()
            title, _, body = rest.partition("。")
            self.dept.measures.append(Measure(title=title.strip(), text=body.strip()))
            return
        if not self.dept.measures:
            self.dept.measures.append(Measure(title="", text=text))
            return
        measure = self.dept.measures[-1]
        measure.text = f"{measure.text}\n{text}" if measure.text else text

    def _p_part1(self, text: str) -> None:
        pass  # text between the part heading and its first section: nothing to keep

    def _unit_lines(self, text: str) -> bool:
        """Take a "单位：万元" line and the unit line above a table; True when consumed."""
        pend = self.pending
        m = _MONEY_LINE_RE.search(text)
        if m:
            pend.money_unit = m.group(1)
            text = text[: m.start()].strip()
            if not text:
                return True
        if pend.seq is not None and self.state == "part2":  # after "N.…绩效目标表"
            if not pend.unit:
                pend.unit = text
                return True
            return bool(m)
        if _UNIT_LINE_RE.match(text):
            pend.unit = text
            return True
        return bool(m)

    # tables
    def table(self, tbl: Any) -> None:
        self.tables += 1
        rows = _grid(tbl)
        parsed = _TableParser(rows, self.tables, self.path).parse(self.pending.money_unit or "万元")
        pend, self.pending = self.pending, _Pending()
        if parsed is None:
            return
        project, has_head, money_unit = parsed
        projects = self.dept.projects
        if has_head:  # a table of Part 1 (部门整体 indicators) does not end Part 1
            self.state = "part2"
        if not has_head:
            if projects and project.indicators:  # the indicator table continued
                projects[-1].indicators.extend(project.indicators)
            return
        if not project.name:
            project.name = pend.title_name  # still empty: PT104 reports it
        if pend.seq is not None:
            project.seq = pend.seq
        else:
            project.seq = projects[-1].seq + 1 if projects else 1
        project.unit = pend.unit
        project.funding_line = funding_line_for(project.name)
        self.money_units.append(money_unit)
        projects.append(project)

    def finish(self) -> Department:
        dept = self.dept
        if self.tables == 0:
            raise ImportError_(
                "文档中没有表格：找不到项目绩效目标表"
                "（绩效目标表必须是 Word 表格，不能是文字或图片）。" + NO_TABLE_MESSAGE,
                path=self.path,
            )
        if not dept.projects:
            raise ImportError_(
                f"文档中有 {self.tables} 个表格，但没有一个是项目绩效目标表"
                "（缺少「项目名称」「预算数」「一级指标」等栏目）。" + NO_TABLE_MESSAGE,
                path=self.path,
            )
        self._cover()
        dept.overall_goal = "\n".join(self.overall)
        first_unit = dept.projects[0].unit
        m = re.match(r"^(\d{6})\s", first_unit)
        if m:
            dept.unit_code = m.group(1)
        dept.money_unit = "元" if "元" in self.money_units else "万元"
        return dept

    def _cover(self) -> None:
        dept = self.dept
        title_at = None
        for i, line in enumerate(self.cover):
            if "绩效文本" in line or re.search(r"\d{4}\s*年.*(预算|绩效)", line):
                title_at = i
                break
        if title_at is None:
            dept.year = year_from_titles(self.cover)  # "（2023年度）" under a table title
            return
        dept.title = self.cover[title_at].replace("\n", "")
        m = re.search(r"(\d{4})\s*年", dept.title)
        dept.year = int(m.group(1)) if m else year_from_titles(self.cover)
        for line in self.cover[:title_at]:
            if re.fullmatch(r"[(（]\s*草案\s*[)）]", line):
                continue
            dept.unit_name = line
            break
        for line in self.cover[title_at + 1 :]:
            k = _key(line)
            if k.endswith("编制") and not dept.compiled_by:
                dept.compiled_by = line
            elif k.endswith("审核") and not dept.reviewed_by:
                dept.reviewed_by = line


@dataclass
class _Head:
    """What the rows above the indicator table gave (one project's header)."""

    money_unit: str
    raw: dict[str, str] = field(default_factory=dict)
    purpose: list[str] = field(default_factory=list)
    goal: list[str] = field(default_factory=list)
    mid_goal: list[str] = field(default_factory=list)
    plan_header: list[tuple[int, int, int]] | None = None
    plan_raw: dict[int, str] = field(default_factory=dict)
    plan_seen: bool = False
    goal_columns: list[tuple[int, int, str]] | None = None  # a two-row 实施期目标 | 年度目标
    has_head: bool = False
    section: str | None = None


class _TableParser:
    """One Word table: the rows above the indicator header (project fields, spend plan,
    goals) and the indicator rows. Nothing in it refuses the document: a cell that is
    not a number is kept in ``Project.invalid``, a field the table lacks stays empty."""

    def __init__(self, rows: list[list[_GCell]], index: int, path: str) -> None:
        self.rows = rows
        self.index = index
        self.path = path

    def parse(self, money_unit: str) -> tuple[Project, bool, str] | None:
        head = _Head(money_unit)
        header_at = None
        self.costs: list[costs.CostItem] = []
        self.cost_table: costs.CostTable | None = None
        for r, row in enumerate(self.rows):
            if not row:
                continue
            texts = [c.text for c in row]
            if self._is_indicator_header(texts):
                header_at = r
                break
            if self._cost_row(row, r):
                continue
            self._head_row(row, texts, head)
        if not head.has_head and header_at is None:
            return None
        project = self._project(head)
        if header_at is not None:
            self.cost_table = None
            project.indicators = self._indicators(header_at, project)
        project.costs = self.costs
        return project, head.has_head, head.money_unit

    def _cost_row(self, row: list[_GCell], r: int) -> bool:
        """True when the row belongs to a 成本构成 sub-table (importers/costs.py): from its
        caption to the indicator header or the end of the table."""
        cells = [""] * max(c.end for c in row)
        for c in row:
            cells[c.start] = c.text
        if self.cost_table is not None and _FOOTER_RE.match(_key(next((t for t in cells if t), ""))):
            self.cost_table = None  # the template's footer ends the sub-table
        if self.cost_table is None:
            label = next((col for col, text in enumerate(cells) if text), 0)
            if not costs.is_title(cells[label]):
                return False
            self.cost_table = costs.CostTable(cells, label)
            if self.cost_table.columns is not None or not any(cells[label + 1:]):
                return True
        item, _stray = self.cost_table.take(cells, r + 1)
        if item is not None:
            item.line = None  # a Word table has no line numbers
            self.costs.append(item)
        return True

    # -- rows above the indicator table -----------------------------------------
    def _head_row(self, row: list[_GCell], texts: list[str], head: _Head) -> None:
        for t in texts:
            m = _MONEY_LINE_RE.search(t)
            if m and len(_key(t)) <= 8:  # a "单位：元" cell inside the table
                head.money_unit = m.group(1)
        if head.goal_columns is not None:
            columns, head.goal_columns = head.goal_columns, None
            if not any(_field_label(t)[0] or _section(t) for t in texts):
                self._goal_texts(row, columns, head)
                return
        goal_labels = [(c.start, c.end, sec) for c in row if (sec := _section(c.text)) in
                       ("goal", "mid_goal")]
        if len(goal_labels) >= 2 and all(_section(c.text) or not c.text or
                                         _key(c.text) == "总体目标" for c in row):
            head.goal_columns = goal_labels  # "总体目标 | 实施期目标 | 年度目标", texts below
            return
        first = row[0]
        sec = _section(first.text)
        if sec:
            head.section, rest = sec, row[1:]
        elif first.text == "":
            rest = row[1:]
        elif _checkpoint(first.text) is not None:
            head.section, rest = "plan", row
        else:
            head.section, rest = None, row
        labels = [_field_label(c.text) for c in rest]
        if any(f for f, _ in labels):
            self._labelled_cells(rest, labels, head)
        elif head.section == "block":
            head.purpose.extend(c.text for c in rest if c.text)
        elif head.section == "goal":
            head.goal.extend(c.text for c in rest if c.text)
        elif head.section == "mid_goal":
            head.mid_goal.extend(c.text for c in rest if c.text)
        elif head.section == "plan":
            head.plan_seen = True
            self._plan_cells(rest, head)

    @staticmethod
    def _labelled_cells(rest: list[_GCell], labels: list[tuple[str | None, str | None]],
                        head: _Head) -> None:
        i = 0
        while i < len(rest):
            fld, unit = labels[i]
            if not fld:
                i += 1
                continue
            head.has_head = True
            nxt = rest[i + 1] if i + 1 < len(rest) and not labels[i + 1][0] else None
            value = nxt.text if nxt is not None else ""
            if unit and fld in ("budget", "fiscal", "other"):
                head.raw[f"{fld}.unit"] = unit
                head.raw.setdefault("*.unit", unit)  # "资金总额（元）" names the block's unit
            if fld == "purpose":
                if value:
                    head.purpose.append(value)
            elif value or fld not in head.raw:
                head.raw[fld] = value
            i += 2 if nxt is not None else 1

    @staticmethod
    def _goal_texts(row: list[_GCell], columns: list[tuple[int, int, str]], head: _Head) -> None:
        for cell in row:
            if not cell.text:
                continue
            kind = next((k for start, end, k in columns if start <= cell.start < end), None)
            if kind is None:  # under the "总体目标" label itself: the nearest column right of it
                kind = next((k for start, _end, k in columns if start >= cell.start), None)
            if kind == "goal":
                head.goal.append(cell.text)
            elif kind == "mid_goal":
                head.mid_goal.append(cell.text)

    @staticmethod
    def _plan_cells(rest: list[_GCell], head: _Head) -> None:
        cps = [_checkpoint(c.text) for c in rest]
        if any(cp is not None for cp in cps):
            if all(cp is not None or not c.text for cp, c in zip(cps, rest, strict=True)):
                head.plan_header = [(c.start, c.end, cp) for cp, c in zip(cps, rest, strict=True)
                                    if cp is not None]
            else:  # "12月底 | 100%" pairs
                for j, cp in enumerate(cps):
                    if cp is not None and j + 1 < len(rest) and cps[j + 1] is None:
                        head.plan_raw[cp] = rest[j + 1].text
        elif head.plan_header:
            used: set[int] = set()
            for start, end, cp in head.plan_header:
                cell = next((c for c in rest if start <= c.start < end), None) or _at(rest, start)
                if cell is not None and cell.origin not in used:
                    used.add(cell.origin)
                    head.plan_raw[cp] = cell.text
                else:
                    head.plan_raw.setdefault(cp, "")
            head.plan_header = None

    def _project(self, head: _Head) -> Project:
        raw = head.raw
        project = Project(seq=0, code=raw.get("code", ""), name=raw.get("name", ""))
        for fld in ("authority", "implementer", "attribute", "period"):
            setattr(project, fld, raw.get(fld, ""))
        unit = head.money_unit
        for fld in ("budget", "fiscal", "other"):
            value = amount_or_invalid(raw.get(fld, ""), fld, project.invalid,
                                      raw.get(f"{fld}.unit", raw.get("*.unit", unit)))
            setattr(project, fld, value)
        if any(raw.get(f"{f}.unit") == "元" for f in ("budget", "fiscal", "other")):
            head.money_unit = "元"
        for cp, text in head.plan_raw.items():
            project.plan[cp] = percent_or_invalid(text, f"plan.{cp}", project.invalid)
        if not head.plan_seen and not head.plan_raw:
            project.absent.append("plan")
        project.purpose = "\n".join(head.purpose)
        project.goal = "\n".join(head.goal)
        project.mid_goal = "\n".join(head.mid_goal)
        return project

    # -- the indicator table ------------------------------------------------------
    @staticmethod
    def _is_indicator_header(texts: list[str]) -> bool:
        fields = {_indicator_field(t) for t in texts}
        return "level1" in fields and ("level3" in fields or "level2" in fields)

    def _columns(self, header_at: int) -> tuple[list[tuple[int, str]], int]:
        """(grid column, field) of the indicator columns, and the first data row: a second
        header row ("*符号 | *值 | 计量单位", "年度 | 中期") refines the 指标值 column."""
        header = self.rows[header_at]
        columns = [(c.start, f) for c in header if (f := _indicator_field(c.text))]
        first = header_at + 1
        sub = self.rows[first] if first < len(self.rows) else []
        merged = {c.origin for c in header}  # header cells merged down into this row
        named = [(c, _SUB_COLUMNS.get(_key(c.text).replace("*", ""))) for c in sub
                 if c.text and c.origin not in merged]
        if named and all(k for _, k in named):
            starts = {c.start for c, _ in named}
            columns = [(start, f) for start, f in columns if start not in starts or f in
                       ("level1", "level2", "level3")]
            columns += [(c.start, k) for c, k in named if k]
            first += 1
        seen: set[str] = set()
        unique = []
        for start, f in sorted(columns):
            if f not in seen:  # a second "说明" column: the first one is kept
                seen.add(f)
                unique.append((start, f))
        return unique, first

    def _indicators(self, header_at: int, project: Project) -> list[Indicator]:
        columns, first = self._columns(header_at)
        if "basis" not in {f for _, f in columns}:
            project.absent.append("basis")
        keys = [_key(c.text) for c in self.rows[header_at]]
        out: list[Indicator] = []
        level1 = ""
        for r, row in enumerate(self.rows[first:], first):
            if not row or [_key(c.text) for c in row] == keys:  # a repeated header row
                continue
            if self._cost_row(row, r):  # a 成本构成 sub-table below the indicators
                continue
            if _key(row[0].text) in _SKIP_ROWS or _FOOTER_RE.match(_key(row[0].text)):
                continue
            values = self._row_values(row, columns)
            if values.get("level1"):
                level1 = values["level1"]
            value = combine_value(values.get("operator", ""), values.get("value", ""),
                                  values.get("unit", ""))
            rest = (values.get("level3"), values.get("description"), value,
                    values.get("mid_value"), values.get("basis"))
            if not any(rest):
                continue  # a group's name alone, or an empty 二级 row of the template
            out.append(
                Indicator(
                    level1=values.get("level1") or level1,  # 一级指标 written once per group
                    level2=values.get("level2", ""),
                    level3=values.get("level3", ""),
                    description=values.get("description", ""),
                    value=value,
                    basis=values.get("basis", ""),
                    mid_value=values.get("mid_value", ""),
                )
            )
        return out

    @staticmethod
    def _row_values(row: list[_GCell], columns: list[tuple[int, str]]) -> dict[str, str]:
        values: dict[str, str] = {}
        used: set[int] = set()
        for start, fld in columns:
            cell = _at(row, start)
            if cell is None or cell.origin in used:
                values.setdefault(fld, "")
                continue
            used.add(cell.origin)
            values[fld] = cell.text
        return values


_FOOTER_RE = re.compile(r"^(备注|注|填报说明|填表说明)[:：]")


# -- hidden metadata ---------------------------------------------------------------------


def _read_meta(doc: Any) -> dict[str, Any] | None:
    from lxml import etree

    for rel in doc.part.rels.values():
        if not rel.reltype.endswith("/customXml") or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            continue
        if root.tag == f"{{{L.META_NS}}}{L.META_ROOT}":
            try:
                meta = json.loads(root.text or "")
            except ValueError:
                return None
            return meta if isinstance(meta, dict) and meta.get("version") == 1 else None
    return None


def _apply_meta(dept: Department, meta: dict[str, Any] | None) -> None:
    """Restore the fields the printed document does not show. Printed text always wins:
    metadata only fills what the page cannot say, so an edit made in Word is kept."""
    if not meta:
        return
    title = meta.get("title") or ""
    year = meta.get("year")
    if dept.title == (title or L.default_title(year)):
        dept.title, dept.year = title, year
    dept.unit_code = str(meta.get("unit_code") or dept.unit_code)
    dept.money_unit = str(meta.get("money_unit") or dept.money_unit)
    metas = [m for m in meta.get("projects", []) if isinstance(m, dict)]
    for i, project in enumerate(dept.projects):
        m = metas[i] if i < len(metas) else None
        ident = (project.code, project.name)
        if m is None or (m.get("code"), m.get("name")) != ident:
            m = next((x for x in metas if (x.get("code"), x.get("name")) == ident), None)
        if m is None:
            continue
        project.plan_profile = str(m.get("plan_profile") or "")
        project.funding_line = str(m.get("funding_line") or project.funding_line)
        for k, v in (m.get("invalid") or {}).items():
            project.invalid.setdefault(str(k), str(v))
