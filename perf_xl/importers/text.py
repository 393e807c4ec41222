"""Reader for the text form of a 部门预算绩效文本 (the format of the bundled example).

The text is what comes out of the published Word/PDF document: a cover, Part 1 as
paragraphs (some with markdown ``#`` headings), and one tab-separated
项目支出绩效目标表 per project, each under a heading "N.XXX绩效目标表". The
extraction leaves quirks that this module reads exactly:

* ``<b>`` tags and ``#`` headings; labels broken by spaces ("资金支出计 划（%）");
  half- and full-width colons and brackets; "项目编号" for "项目编码";
* the spend plan written as header/value row pairs in any arrangement: the 12月底
  pair split onto its own line (with or without the label), repeated identical
  pairs, a checkpoint that is simply not there (it stays ``None``);
* an indicator table whose columns come from its header row (指标值确定依据 may be
  absent), 一级/二级指标 given only on the first row of their group, short rows;
* other units' variants: no 资金支出计划 rows, amounts in 元 ("单位：元").

Anything that cannot be read raises :class:`~perf_xl.errors.PerfXLError` naming the
line and what was expected; nothing else escapes (a property test mutates the
example to keep it so).
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..errors import ImportError_
from ..model import (
    CHECKPOINTS,
    Department,
    Indicator,
    Measure,
    Project,
    SubGoal,
    funding_line_for,
)

__all__ = ["parse_text", "read_text"]

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")  # tried in turn; UTF-16 only with its BOM

# --------------------------------------------------------------------------- lexicon
# Labels are compared after _norm(): NFKC (full-width -> half-width) and no whitespace,
# with a trailing "(…)" such as "(%)" or "(万元)" removed.
_FIELD_LABELS: dict[str, str] = {
    "项目编码": "code",
    "项目编号": "code",
    "项目代码": "code",
    "项目名称": "name",
    "预算数": "budget",
    "项目预算数": "budget",
    "年度预算数": "budget",
    "其中:财政资金": "fiscal",
    "其中财政资金": "fiscal",
    "财政资金": "fiscal",
    "其中:财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "其他资金": "other",
    "其中:其他资金": "other",
    "资金用途": "purpose",
    "项目资金用途": "purpose",
    "绩效目标": "goal",
    "年度绩效目标": "goal",
    "项目绩效目标": "goal",
    # Labels that carry no value of their own.
    "预算规模及资金用途": "block",
    "预算规模及用途": "block",
    "资金支出计划": "plan",
    "支出计划": "plan",
}
_FIELD_NAMES = {
    "code": "项目编码",
    "name": "项目名称",
    "budget": "预算数",
    "fiscal": "财政资金",
    "other": "其他资金",
    "purpose": "资金用途",
    "goal": "绩效目标",
}
_AMOUNT_FIELDS = ("budget", "fiscal", "other")

_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "绩效指标描述": "description",
    "指标描述": "description",
    "绩效指标内容": "description",
    "指标内容": "description",
    "指标值": "value",
    "目标值": "value",
    "指标值确定依据": "basis",
    "指标值设定依据": "basis",
    "确定依据": "basis",
    "指标值来源": "basis",
}
_REQUIRED_COLUMNS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "value": "指标值",
}

_LEVEL1 = {"产出", "效益", "满意度", "成本"}
_LEVEL2 = {
    "数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响",
    "服务对象满意度", "经济成本", "社会成本", "生态环境成本",
}  # fmt: skip

# --------------------------------------------------------------------------- patterns
_TAG = re.compile(r"</?(?:b|strong|i|em|u|span|font|p|br|sup|sub)\b[^<>]*>", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_HEADING_NUMBER = re.compile(r"^([0-9０-９]{1,4})\s*[.．、]\s*")
_UNIT_LINE = re.compile(r"^(\d{6,12})\s*([\u4e00-\u9fff].*)$")  # "161001 XX法院本级"
_MONEY_UNIT = re.compile(r"^(?:金额)?单位:(.*)$")
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%?$")
_CHECKPOINT = re.compile(r"^(\d{1,2})月(?:底|末)$")
_NO_VALUE = {"—", "——", "-", "--", "/"}
_CN_NUM = "一二三四五六七八九十"
_NUMBERED = re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[)）]\s*")
_SECTION_PREFIX = re.compile(
    rf"^(?:第?[{_CN_NUM}]+\s*[、.．]|[（(]\s*[{_CN_NUM}]+\s*[)）]|\d+\s*[、.．])\s*"
)
_SUBGOAL_LABEL = re.compile(r"^(绩效目标|绩效指标)\s*[:：]\s*(.*)$")
_YEAR = re.compile(r"(\d{4})\s*年")
_SENTENCE_END = set("。！？!?；;：:…")
_CLOSERS = "”’\"'」』）)】]"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_SECTIONS = {
    "第一部分": "part1",
    "部门整体绩效目标": "part1",
    "总体绩效目标": "overall",
    "总体目标": "overall",
    "分项绩效目标": "sub",
    "工作保障措施": "measures",
    "保障措施": "measures",
    "第二部分": "part2",
    "预算项目绩效目标": "part2",
    "项目绩效目标": "part2",
    "项目支出绩效目标": "part2",
}


@lru_cache(maxsize=4096)  # cells repeat a lot ("质量指标", "≥90%" …)
def _norm(text: str) -> str:
    """Text for comparing labels: width-folded, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _label_kind(cell: str) -> str | None:
    if not cell:
        return None
    key = _norm(cell)
    kind = _FIELD_LABELS.get(key)
    if kind is None and key.endswith(")") and "(" in key:
        kind = _FIELD_LABELS.get(key[: key.rindex("(")])
    return kind


def _level_key(cell: str) -> str:
    key = _norm(cell)
    return key[:-2] if key.endswith("指标") else key


def _clean(line: str) -> str:
    return _TAG.sub("", line) if "<" in line else line


def _quote(text: str, limit: int = 30) -> str:
    text = text if len(text) <= limit else text[:limit] + "…"
    return f"“{text}”"


def _ends_sentence(text: str) -> bool:
    text = text.rstrip().rstrip(_CLOSERS)
    return bool(text) and text[-1] in _SENTENCE_END


def _join(previous: str, more: str) -> str:
    """Append a paragraph; one that a page break cut mid-sentence is glued back on."""
    if not previous:
        return more
    return previous + ("\n" if _ends_sentence(previous) else "") + more


# --------------------------------------------------------------------------- entry points
def read_text(
    path_or_text: str | os.PathLike[str] | bytes, *, source_name: str | None = None
) -> Department:
    """Read a 绩效文本 from a file (a path) or from its text.

    A ``str`` that contains a line break is taken as the document itself; any other
    ``str`` or path-like is a file name. ``bytes`` are the content of a file.
    """
    if isinstance(path_or_text, bytes):
        return parse_text(_decode(path_or_text, source_name), source_name=source_name)
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return parse_text(path_or_text, source_name=source_name)
    path = Path(path_or_text)
    name = source_name or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportError_("找不到这个文件", path=name) from None
    except IsADirectoryError:
        raise ImportError_("这是一个文件夹，不是文本文件", path=name) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ImportError_(f"无法读取文件（{reason}）", path=name) from None
    return parse_text(_decode(data, name), source_name=name)


def _decode(data: bytes, name: str | None) -> str:
    if not data.strip():
        raise ImportError_("文件是空的，没有任何内容", path=name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode": UTF-16 with a byte-order mark (its NUL bytes are text).
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportError_(
                "文件以 UTF-16 标记开头，但内容无法按 UTF-16 读取", path=name
            ) from None
    if b"\x00" in data:
        raise ImportError_(
            "这不是文本文件（含有二进制内容），请提供绩效文本的 .txt 文件", path=name
        )
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_(
        "无法识别文件的文字编码（已尝试 UTF-8、GB18030），这可能不是文本文件", path=name
    )


def parse_text(text: str, source_name: str | None = None) -> Department:
    """Read the text of a 绩效文本 into a :class:`~perf_xl.model.Department`."""
    return _Parser(text, source_name).parse()


# --------------------------------------------------------------------------- parser
class _Line:
    __slots__ = ("_cells", "no", "raw", "text")

    def __init__(self, no: int, raw: str) -> None:
        self.no = no
        self.raw = raw  # tags removed; leading tabs kept (they are empty cells)
        self.text = raw.strip()
        self._cells: list[str] | None = None

    @property
    def cells(self) -> list[str]:
        """The tab-separated cells, stripped (a fresh list each time)."""
        if self._cells is None:
            self._cells = [c.strip() for c in self.raw.split("\t")]
        return list(self._cells)


@dataclass
class _PlanState:
    pending: tuple[list[tuple[int, int]], int] | None = None  # ([(col, checkpoint)], line)
    assigned: dict[int, tuple[Decimal | None, int]] = field(default_factory=dict)
    first_line: int | None = None


class _Parser:
    def __init__(self, text: str, source_name: str | None) -> None:
        self.source = source_name
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text.strip():
            raise self.error("文件是空的，没有任何内容")
        raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if _CONTROL.search(text):
            for no, line_text in enumerate(raw, 1):
                bad = _CONTROL.search(line_text)
                if bad:
                    raise self.error(
                        f"含有控制字符 U+{ord(bad.group()):04X}，这不像文本文件的内容", no
                    )
        self.lines = [_Line(i, _clean(t)) for i, t in enumerate(raw, 1)]
        self.money_unit: str | None = None  # the unit in force (the last 单位 line)
        self.first_money_unit: str | None = None

    def error(self, message: str, line: int | None = None) -> ImportError_:
        return ImportError_(message, path=self.source, line=line)

    # -- whole document ----------------------------------------------------
    def parse(self) -> Department:
        dept = Department()
        headings: list[tuple[int, int | None, str]] = []  # (index, seq, heading name)
        for index, line in enumerate(self.lines):
            found = self._heading(line.text)
            if found:
                headings.append((index, *found))
        first = headings[0][0] if headings else len(self.lines)
        self._parse_front(self.lines[:first], dept)
        if not headings:
            raise self.error(
                "没有找到任何项目绩效目标表（每张表前应有“1.XXX绩效目标表”这样的标题，"
                "表中应有“项目编码”“预算数”和指标表）"
            )
        seq = 0
        for k, (index, number, name) in enumerate(headings):
            end = headings[k + 1][0] if k + 1 < len(headings) else len(self.lines)
            seq = number if number is not None else seq + 1
            project = self._parse_project(self.lines[index], seq, name, self.lines[index + 1 : end])
            dept.projects.append(project)
        first_unit = next((p.unit for p in dept.projects if p.unit), "")
        match = _UNIT_LINE.match(first_unit)
        if match:
            dept.unit_code, dept.unit_name = match.group(1), match.group(2).strip()
        dept.money_unit = self.first_money_unit or "万元"
        return dept

    @staticmethod
    def _heading(text: str) -> tuple[int | None, str] | None:
        """(number, name) when the line is a project heading "N.XXX绩效目标表"; a stray
        tab inside a heading is forgiven."""
        compact = text.replace("\t", "")
        if not compact.endswith("绩效目标表"):
            return None
        body = _MD_HEADING.sub("", compact).strip()
        numbered = _HEADING_NUMBER.match(body)
        if numbered:
            number = int(unicodedata.normalize("NFKC", numbered.group(1)))
            return number, body[numbered.end() : -len("绩效目标表")].strip()
        if compact.startswith("#") and "。" not in body:
            return None, body[: -len("绩效目标表")].strip()
        return None

    # -- cover and Part 1 --------------------------------------------------
    def _parse_front(self, lines: list[_Line], dept: Department) -> None:
        state = "head"
        overall: list[str] = []
        cover: list[str] = []
        sub: SubGoal | None = None
        measure: Measure | None = None
        for line in lines:
            text = line.text
            if not text:
                continue
            if "\t" in text:
                cells = line.cells
                if any(_label_kind(c) == "code" for c in cells):
                    raise self.error("表格前缺少项目标题（应有一行“N.XXX绩效目标表”）", line.no)
                raise self.error(
                    f"这一行有制表符（Tab），但这里应是正文而不是表格：{_quote(text)}", line.no
                )
            heading = _MD_HEADING.sub("", text).strip()
            money = _MONEY_UNIT.match(_norm(heading))
            if money:  # "单位：元" stated once for all the tables below
                self._money_unit(money.group(1), line.no)
                continue
            key = _SECTION_PREFIX.sub("", _norm(heading))
            if key in _SECTIONS:
                state = _SECTIONS[key]
                sub = measure = None
                continue
            if state == "head":
                cover.append(text)
            elif state == "overall":
                if overall and not _ends_sentence(overall[-1]):
                    overall[-1] += heading
                else:
                    overall.append(heading)
            elif state == "sub":
                sub = self._sub_goal_line(line, heading, sub, dept)
            elif state == "measures":
                measure = self._measure_line(line, heading, measure, dept)
            # Text under 第一部分 before its sections, or in the preamble of 第二部分, is
            # prose about the document, not data.
        dept.overall_goal = "\n".join(overall)
        for text in cover:
            if "绩效文本" in text and not dept.title:
                dept.title = text
                year = _YEAR.search(text)
                dept.year = int(year.group(1)) if year else None
            elif text.endswith("编制") and not dept.compiled_by:
                dept.compiled_by = text
            elif text.endswith("审核") and not dept.reviewed_by:
                dept.reviewed_by = text
            elif not dept.unit_name and not text.startswith(("(", "（")):
                dept.unit_name = text  # the cover's first line, unless a unit line says more

    def _sub_goal_line(
        self, line: _Line, text: str, sub: SubGoal | None, dept: Department
    ) -> SubGoal | None:
        numbered = _NUMBERED.match(text)
        if numbered:
            sub = SubGoal(title=text[numbered.end() :].strip(), label="", line=line.no)
            dept.sub_goals.append(sub)
            return sub
        if sub is None:
            raise self.error(
                f"分项绩效目标里的这段文字不属于任何目标（应先有“（一）XXX”标题）：{_quote(text)}",
                line.no,
            )
        labelled = _SUBGOAL_LABEL.match(text)
        if labelled and not sub.target:
            sub.label, sub.target = labelled.group(1), labelled.group(2).strip()
        else:
            sub.target = _join(sub.target, text)
        return sub

    def _measure_line(
        self, line: _Line, text: str, measure: Measure | None, dept: Department
    ) -> Measure | None:
        numbered = _NUMBERED.match(text)
        if numbered:
            body = text[numbered.end() :].strip()
            cut = min(
                (i for i in (body.find("。"), body.find("："), body.find(":")) if i >= 0),
                default=-1,
            )
            if cut >= 0:
                title, rest = body[:cut].strip(), body[cut + 1 :].strip()
            else:
                title, rest = body, ""
            measure = Measure(title=title, text=rest, line=line.no)
            dept.measures.append(measure)
            return measure
        if measure is None:
            raise self.error(
                f"工作保障措施里的这段文字不属于任何措施（应以“（一）”等编号开头）：{_quote(text)}",
                line.no,
            )
        measure.text = _join(measure.text, text)
        return measure

    def _money_unit(self, unit: str, line: int | None) -> str:
        if unit not in ("万元", "元"):
            raise self.error(f"不支持的金额单位{_quote(unit)}（应为“万元”或“元”）", line)
        self.money_unit = unit
        if self.first_money_unit is None:
            self.first_money_unit = unit
        return unit

    # -- one project table -------------------------------------------------
    def _parse_project(
        self, head: _Line, seq: int, heading_name: str, lines: list[_Line]
    ) -> Project:
        return _ProjectReader(self, head, seq, heading_name).read(lines)


class _ProjectReader:
    """Reads the lines between a project heading and the next one."""

    def __init__(self, parser: _Parser, head: _Line, seq: int, heading_name: str) -> None:
        self.p = parser
        self.head = head
        self.project = Project(seq=seq, code="", name="", line=head.no)
        self.heading_name = heading_name
        self.values: dict[str, tuple[str, int]] = {}  # field -> (text as written, line)
        self.plan = _PlanState()
        self.last: str | None = None  # kind of the previous table row

    def error(self, message: str, line: int | None) -> ImportError_:
        return self.p.error(message, line)

    @property
    def title(self) -> str:
        return _quote(f"{self.project.seq}.{self.heading_name}", 24)

    def read(self, lines: list[_Line]) -> Project:
        stage = "pre"
        header: _Header | None = None
        group = _Group()
        last_content = self.head.no
        for line in lines:
            if not line.text.replace("\t", "").strip():
                continue
            last_content = line.no
            if stage == "pre":
                if self._pre_line(line):
                    continue
                stage = "table"
            if stage == "table":
                found = _Header.parse(line, self)
                if found is None:
                    self._table_row(line)
                    continue
                self._finish_table(line.no)
                header, stage = found, "indicators"
                continue
            assert header is not None
            indicator = header.row(line, group, self)
            if indicator is not None:
                self.project.indicators.append(indicator)
        if stage != "indicators":
            if stage == "pre":
                raise self.error(f"项目标题 {self.title} 后面没有表格", self.head.no)
            self._finish_table(last_content)
            raise self.error(
                f"项目 {self.title} 的表格在这里中断：没有指标表（应有“一级指标、二级指标、"
                "三级指标、绩效指标描述、指标值”表头和指标行）",
                last_content,
            )
        assert header is not None
        if not self.project.indicators:
            raise self.error(f"项目 {self.title} 的指标表没有任何指标行", header.line)
        return self.project

    # -- before the table: unit line and 单位 ------------------------------
    def _pre_line(self, line: _Line) -> bool:
        cells = [c for c in line.cells if c]
        if all(self._unit_cell(c, line.no) for c in cells):
            return True
        if len(cells) == 1 and not _label_kind(cells[0]):
            raise self.error(
                f"无法识别的内容 {_quote(cells[0])}（表格前应为单位行，如“161001 XX单位”，"
                "或“单位：万元”）",
                line.no,
            )
        return False

    def _unit_cell(self, cell: str, line: int) -> bool:
        money = _MONEY_UNIT.match(_norm(cell))
        if money:
            self.p._money_unit(money.group(1), line)
            return True
        if _UNIT_LINE.match(cell):
            if self.project.unit and self.project.unit != cell:
                raise self.error(
                    f"单位行 {_quote(cell)} 与上面的 {_quote(self.project.unit)} 不一致", line
                )
            self.project.unit = cell
            return True
        return False

    # -- rows above the indicator table ------------------------------------
    def _table_row(self, line: _Line) -> None:
        cells = line.cells
        nonempty = [c for c in cells if c]
        if len(nonempty) == 1 and (
            _MONEY_UNIT.match(_norm(nonempty[0])) or _UNIT_LINE.match(nonempty[0])
        ):
            raise self.error(f"{_quote(nonempty[0])} 应在表格之前（项目标题之后）", line.no)
        kinds = [_label_kind(c) for c in cells]
        if not any(kinds):
            self._unlabelled_row(line, cells)
            return
        # Split the row at its labels: each label owns the cells up to the next one.
        current: str | None = None
        owned: dict[str | None, list[tuple[int, str]]] = {}
        order: list[str | None] = []
        for col, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
            if kind:
                if kind in owned and kind not in ("block", "plan"):
                    raise self.error(f"这一行有两个{_quote(cell)}", line.no)
                current = kind
                owned.setdefault(kind, [])
                order.append(kind)
                continue
            if cell:
                owned.setdefault(current, []).append((col, cell))
        leading = owned.pop(None, [])
        if leading:
            raise self.error(
                f"无法归属 {_quote(leading[0][1])}：它前面没有标签（如“预算数”“项目名称”）",
                line.no,
            )
        plan_cells: list[tuple[int, str]] = []
        for kind in dict.fromkeys(order):
            cells_of = owned.get(kind, [])
            if kind == "plan":
                plan_cells.extend(cells_of)
                continue
            if kind == "block":
                if cells_of:
                    raise self.error(
                        f"“预算规模及资金用途”后面的 {_quote(cells_of[0][1])} 无法归属"
                        "（应为“预算数”及金额）",
                        line.no,
                    )
                continue
            if len(cells_of) > 1:
                extra = "、".join(_quote(c, 12) for _, c in cells_of)
                raise self.error(
                    f"“{_FIELD_NAMES[kind]}”后面有 {len(cells_of)} 个单元格（{extra}），应只有一个"
                    "（多余的制表符？）",
                    line.no,
                )
            self._set(kind, cells_of[0][1] if cells_of else "", line.no)
        if "plan" in order:
            self._plan_row(line, plan_cells)
            self.last = "plan"
        elif set(order) & set(_AMOUNT_FIELDS):
            self.last = "budget"  # the next unlabelled line may be the 资金用途 text
        else:
            self.last = order[-1]

    def _set(self, kind: str, text: str, line: int) -> None:
        if kind in self.values:
            old, old_line = self.values[kind]
            if old != text:
                raise self.error(
                    f"“{_FIELD_NAMES[kind]}”{_quote(text)} 与第 {old_line} 行的 "
                    f"{_quote(old)} 不一致",
                    line,
                )
            return
        self.values[kind] = (text, line)
        self.last = kind

    def _unlabelled_row(self, line: _Line, cells: list[str]) -> None:
        cols = [(col, c) for col, c in enumerate(cells) if c]
        tokens = [_plan_token(c) for _, c in cols]
        has_checkpoint = any(t[0] == "cp" for t in tokens)
        only_numbers = all(t[0] == "val" for t in tokens)
        if has_checkpoint or self.plan.pending:  # after a plan header come its values
            self._plan_row(line, cols)
            self.last = "plan"
            return
        if len(cols) == 1:
            text = cols[0][1]
            if self.last in ("purpose", "goal"):
                old, old_line = self.values[self.last]
                self.values[self.last] = (_join(old, text), old_line)
                return
            if self.last == "budget" and "purpose" not in self.values:
                self._set("purpose", text, line.no)
                return
        if only_numbers:
            raise self.error(
                "这一行只有数字，无法归属（资金支出计划的数值行前应有"
                "“3月底 6月底 10月底 12月底”表头）",
                line.no,
            )
        raise self.error(
            f"无法归属这一行（{_quote(cols[0][1], 16)}…）：项目编码行与指标表之间应为预算数、"
            "资金用途、资金支出计划和绩效目标；若这是指标行，则缺少“一级指标 二级指标 三级指标"
            " …”表头",
            line.no,
        )

    # -- spend plan --------------------------------------------------------
    def _plan_row(self, line: _Line, cols: list[tuple[int, str]]) -> None:
        plan = self.plan
        if plan.first_line is None:
            plan.first_line = line.no
        checkpoints: list[tuple[int, int]] = []
        values: list[tuple[int, Decimal | None]] = []
        sequence: list[str] = []
        for col, cell in cols:
            kind, value = _plan_token(cell)
            if kind == "text":
                raise self.error(
                    f"资金支出计划里无法识别 {_quote(cell)}（应为 3月底、6月底、10月底、12月底 "
                    "或百分比，如 25%）",
                    line.no,
                )
            if kind == "bad-cp":
                raise self.error(
                    f"{_quote(cell)} 不是资金支出计划的时间点"
                    "（应为 3月底、6月底、10月底 或 12月底）",
                    line.no,
                )
            sequence.append(kind)
            if kind == "cp":
                checkpoints.append((col, value))  # type: ignore[arg-type]
            else:
                values.append((col, value))
        if not sequence:
            return  # a label row alone: "资金支出计划（%）"
        if checkpoints and not values:
            if plan.pending:
                raise self.error(
                    f"第 {plan.pending[1]} 行的资金支出计划表头没有数值行", plan.pending[1]
                )
            plan.pending = (checkpoints, line.no)
            return
        if values and not checkpoints:
            if not plan.pending:
                raise self.error(
                    "资金支出计划的数值前缺少表头（应有“3月底 6月底 10月底 12月底”一行）", line.no
                )
            header, header_line = plan.pending
            plan.pending = None
            self._pair(header, values, header_line, line.no)
            return
        # Header and values in one row: "12 月底 100%" pairs, or all headers then values.
        if plan.pending:
            raise self.error(
                f"第 {plan.pending[1]} 行的资金支出计划表头没有数值行", plan.pending[1]
            )
        alternating = sequence == ["cp", "val"] * (len(sequence) // 2)
        grouped = sequence == ["cp"] * len(checkpoints) + ["val"] * len(values)
        if not (alternating or grouped) or len(checkpoints) != len(values):
            raise self.error(
                "资金支出计划的时间点与数值对不上（应为“3月底 … 12月底”一行、“25% … 100%”一行）",
                line.no,
            )
        self._pair(checkpoints, values, line.no, line.no)

    def _pair(
        self,
        header: list[tuple[int, int]],
        values: list[tuple[int, Decimal | None]],
        header_line: int,
        line: int,
    ) -> None:
        if len(header) == len(values):
            pairs = [(cp, v) for (_, cp), (_, v) in zip(header, values, strict=True)]
        else:
            # Fewer values than checkpoints: place them by column; a checkpoint whose
            # cell is empty stays missing.
            by_col = dict(header)
            if len(values) > len(header) or any(col not in by_col for col, _ in values):
                raise self.error(
                    f"资金支出计划有 {len(values)} 个数值，而第 {header_line} 行的表头有 "
                    f"{len(header)} 个时间点，对不上",
                    line,
                )
            pairs = [(by_col[col], v) for col, v in values]
        for checkpoint, value in pairs:
            if checkpoint in self.plan.assigned:
                old, old_line = self.plan.assigned[checkpoint]
                if old != value:
                    raise self.error(
                        f"资金支出计划 {CHECKPOINTS[checkpoint]} 的数值 {_pct(value)} 与第 "
                        f"{old_line} 行的 {_pct(old)} 不一致",
                        line,
                    )
                continue
            self.plan.assigned[checkpoint] = (value, line)

    def _finish_table(self, line: int) -> None:
        pending = self.plan.pending
        if pending:
            raise self.error(f"第 {pending[1]} 行的资金支出计划表头没有数值行", pending[1])
        project = self.project
        if "code" not in self.values:
            raise self.error(
                f"项目 {self.title} 缺少“项目编码”行（应为“项目编码 <编码> 项目名称 <名称>”）",
                self.head.no,
            )
        if "budget" not in self.values:
            raise self.error(
                f"项目 {self.title} 缺少“预算数”行（应为“预算数 <金额> 其中：财政资金 <金额> "
                "其他资金 <金额>”）",
                self.head.no,
            )
        unit = self.p.money_unit or "万元"
        for kind, (text, no) in self.values.items():
            project.lines[kind] = no
            if kind in _AMOUNT_FIELDS:
                setattr(project, kind, self._amount(kind, text, no, unit))
            else:
                setattr(project, kind, text)
        if not project.name and self.heading_name:
            project.name = self.heading_name
            project.lines["name"] = self.head.no
        for checkpoint, (value, _no) in self.plan.assigned.items():
            project.plan[checkpoint] = value
        if self.plan.first_line is not None:
            project.lines["plan"] = self.plan.first_line
        project.funding_line = funding_line_for(project.name)

    def _amount(self, kind: str, text: str, line: int, unit: str) -> Decimal | None:
        if not text:
            return None
        folded = _norm(text)
        if not _AMOUNT.match(folded):
            raise self.error(
                f"“{_FIELD_NAMES[kind]}”应为数字金额（如 100.00，单位{unit}），"
                f"这里是 {_quote(text)}",
                line,
            )
        amount = Decimal(folded.replace(",", ""))
        return amount.scaleb(-4) if unit == "元" else amount


def _plan_token(cell: str) -> tuple[str, int | Decimal | None]:
    folded = _norm(cell)
    match = _CHECKPOINT.match(folded)
    if match:
        month = f"{int(match.group(1))}月底"
        if month in CHECKPOINTS:
            return "cp", CHECKPOINTS.index(month)
        return "bad-cp", None
    if folded in _NO_VALUE:
        return "val", None
    match = _PERCENT.match(folded)
    if match:
        return "val", Decimal(match.group(1))
    return "text", None


def _pct(value: Decimal | None) -> str:
    return "空" if value is None else f"{value}%"


@dataclass
class _Group:
    level1: str = ""
    level2: str = ""


@dataclass
class _Header:
    line: int
    columns: dict[str, int]  # kind -> column
    width: int
    blank: set[int]  # header cells left empty between named columns

    @classmethod
    def parse(cls, line: _Line, reader: _ProjectReader) -> _Header | None:
        if "指标" not in line.raw:
            return None  # fast path: most rows are not the header
        cells = line.cells
        while cells and not cells[-1]:
            cells.pop()
        kinds = [_COLUMNS.get(_norm(c)) for c in cells]
        if "level1" not in kinds and "level3" not in kinds:
            return None
        columns: dict[str, int] = {}
        blank: set[int] = set()
        for col, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
            if not cell:
                blank.add(col)
            elif kind is None:
                raise reader.error(
                    f"指标表表头有无法识别的列 {_quote(cell)}（应为一级指标、二级指标、三级指标、"
                    "绩效指标描述、指标值、指标值确定依据）",
                    line.no,
                )
            elif kind in columns:
                raise reader.error(f"指标表表头有两个 {_quote(cell)} 列", line.no)
            else:
                columns[kind] = col
        missing = [name for kind, name in _REQUIRED_COLUMNS.items() if kind not in columns]
        if missing:
            raise reader.error(f"指标表表头缺少“{'”“'.join(missing)}”列", line.no)
        return cls(line.no, columns, len(cells), blank)

    def row(self, line: _Line, group: _Group, reader: _ProjectReader) -> Indicator | None:
        cells = line.cells
        first = next((c for c in cells if c), "")
        kind = _label_kind(first)
        if kind:
            what = _FIELD_NAMES.get(kind, first)
            hint = "：是不是少了一个项目标题？" if kind == "code" else "，它应在指标表之前"
            raise reader.error(f"指标表中出现了“{what}”行{hint}", line.no)
        if _COLUMNS.get(_norm(first)) == "level1":
            raise reader.error("指标表表头重复出现", line.no)
        c1, c2 = self.columns["level1"], self.columns["level2"]
        # A row that lost its empty 一级指标 cell starts with the 二级指标 name.
        if (
            c1 == 0
            and c2 == 1
            and cells
            and _level_key(cells[0]) in _LEVEL2
            and (
                _level_key(cells[0]) not in _LEVEL1
                or len(cells) < 2
                or _level_key(cells[1]) not in _LEVEL2
            )
        ):
            cells = ["", *cells]
        length = len(cells)
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > self.width:
            extra = "、".join(_quote(c, 12) for c in cells[self.width :] if c)
            raise reader.error(
                f"这一行有 {len(cells)} 个单元格，而第 {self.line} 行的指标表表头只有 "
                f"{self.width} 列，多出 {extra}（多余的制表符？）",
                line.no,
            )
        for col in self.blank:
            if col < len(cells) and cells[col]:
                raise reader.error(
                    f"第 {col + 1} 列的 {_quote(cells[col])} 没有表头，无法归属", line.no
                )

        def cell(kind: str) -> str:
            col = self.columns.get(kind)
            return cells[col] if col is not None and col < len(cells) else ""

        level1, level2, level3 = cell("level1"), cell("level2"), cell("level3")
        filled = [c for c in cells if c]
        if len(filled) == 1 and level1 and _level_key(level1) in _LEVEL1:
            group.level1, group.level2 = level1, ""  # a merged 一级指标 cell on its own line
            return None
        if level1:
            if level1 != group.level1:
                group.level2 = ""
            group.level1 = level1
        elif not group.level1:
            raise reader.error("一级指标为空，上面也没有可沿用的一级指标", line.no)
        if level2:
            group.level2 = level2
        elif not group.level2:
            raise reader.error(
                f"二级指标为空，上面也没有同属“{group.level1}”的二级指标可沿用", line.no
            )
        if not level3:
            raise reader.error("缺少三级指标（指标行的第三列）", line.no)
        if length <= self.columns["value"]:
            raise reader.error("这一行在“指标值”列之前就结束了（表格被截断？）", line.no)
        return Indicator(
            level1=group.level1,
            level2=group.level2,
            level3=level3,
            description=cell("description"),
            value=cell("value"),
            basis=cell("basis"),
            line=line.no,
        )
