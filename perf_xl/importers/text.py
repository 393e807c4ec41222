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
from collections.abc import Iterable
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
from ..numbers import MONEY_FACTORS, MONEY_UNIT_ALIASES, amount_or_invalid, parse_percent
from . import costs

__all__ = ["parse_text", "read_text", "year_from_titles"]

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
    # The national 申报表 and the 一体化 system's exports (issue 13).
    "主管部门": "authority",
    "主管部门及代码": "authority",
    "实施单位": "implementer",
    "项目属性": "attribute",
    "项目期": "period",
    "资金总额": "budget",
    "年度资金总额": "budget",
    "年度本级预算金额": "budget",
    "年度预算金额": "budget",
    "项目资金": "block",
    "资金来源": "block",
    "年度资金情况": "block",
    "项目资金情况": "block",
    "其中:上级补助": "ignored",
    "上级补助": "ignored",
    "本级安排": "ignored",
    "其中:本级安排": "ignored",
    "实施期资金总额": "ignored",
    "中期资金总额": "ignored",
    "年度总体目标": "goal",
    "年度目标": "goal",
    "总体目标": "block",
    "实施期目标": "mid_goal",
    "中期目标": "mid_goal",
    "中期(实施期)目标": "mid_goal",
    "实施期绩效目标": "mid_goal",
    "长期目标": "mid_goal",
}
_FIELD_NAMES = {
    "code": "项目编码",
    "name": "项目名称",
    "budget": "预算数",
    "fiscal": "财政资金",
    "other": "其他资金",
    "purpose": "资金用途",
    "goal": "绩效目标",
    "authority": "主管部门",
    "implementer": "实施单位",
    "attribute": "项目属性",
    "period": "项目期",
    "mid_goal": "中期（实施期）目标",
    "ignored": "资金明细",
}
_AMOUNT_FIELDS = ("budget", "fiscal", "other")

_COLUMNS: dict[str, str] = {
    "年度指标值": "value",
    "年度目标值": "value",
    "指标值及单位": "value",
    "年度指标值及单位": "value",
    "中期指标值": "mid_value",
    "实施期指标值": "mid_value",
    "中期(实施期)指标值": "mid_value",
    "中期目标值": "mid_value",
    "计算符号": "operator",
    "符号": "operator",
    "运算符": "operator",
    "值": "value",
    "计量单位": "unit",
    "度量单位": "unit",
    "单位": "unit",
    "绩效指标": "skip",  # the 申报表's "绩 效 指 标" caption merged down column A
    "说明": "description",
    "备注": "description",
    "备注(指标解释等)": "description",
    "指标解释": "description",
    "指标值说明(评分标准等)": "basis",
    "指标值说明": "basis",
    "评分标准": "basis",
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


@lru_cache(maxsize=4096)
def _label_kind(cell: str) -> str | None:
    if not cell:
        return None
    key = _norm(cell).rstrip(":")
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
    from ..workbook.safety import read_regular_file

    try:
        data = read_regular_file(path, ImportError_)
    except ImportError_ as err:
        raise ImportError_(err.message, path=name) from None
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
        self.label_money_unit: str | None = None  # a unit named in a label: "资金总额(元)"
        self.table_title = ""  # "项目支出绩效目标申报表" above a table without a heading

    def error(self, message: str, line: int | None = None) -> ImportError_:
        return ImportError_(message, path=self.source, line=line)

    # -- whole document ----------------------------------------------------
    def parse(self) -> Department:
        dept = Department()
        starts = self._project_starts()
        first = starts[0][0] if starts else len(self.lines)
        self._parse_front(self.lines[:first], dept)
        if not starts:
            raise self.error(NO_TABLE_MESSAGE)
        seq = 0
        for k, (index, number, name, kind) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(self.lines)
            seq = number if number is not None else seq + 1
            head = self.lines[index]
            body_from = index + 1 if kind == "heading" or "\t" not in head.raw else index
            project = _ProjectReader(self, head, seq, name).read(self.lines[body_from:end])
            dept.projects.append(project)
        first_unit = next((p.unit for p in dept.projects if p.unit), "")
        match = _UNIT_LINE.match(first_unit)
        if match:
            dept.unit_code, dept.unit_name = match.group(1), match.group(2).strip()
        dept.money_unit = self.first_money_unit or self.label_money_unit or "万元"
        if dept.year is None:
            dept.year = self._title_year()
        if not dept.title and self.table_title:
            dept.title = self.table_title
        return dept

    def _project_starts(self) -> list[tuple[int, int | None, str, str]]:
        """Where each project table starts: (line index, number, name, "heading" | "table").
        A table is introduced by a heading "N.XXX绩效目标表", or — in the layouts without one
        (the national 申报表, the 一体化 exports) — by its 项目名称 / 项目编码 row, together
        with the title lines right above it ("项目支出绩效目标申报表", "（2023年度）", "单位：元")."""
        starts: list[tuple[int, int | None, str, str]] = []
        state = "front"  # front | pre (a table's head rows) | ind (its indicator rows)
        title_at: int | None = None
        for i, line in enumerate(self.lines):
            text = line.text
            if not text.replace("\t", "").strip():
                continue
            heading = self._heading(text)
            if heading:
                starts.append((i, *heading, "heading"))
                state, title_at = "pre", None
                continue
            if "\t" in line.raw:
                if state != "pre" and "项目" in line.raw and any(
                        _label_kind(c) in ("code", "name") for c in line.cells):
                    starts.append((title_at if title_at is not None else i, None, "", "table"))
                    state = "pre"
                elif state == "pre" and _is_indicator_header(line):
                    state = "ind"
                title_at = None
                continue
            if state == "pre":
                continue
            if _is_table_title(text):
                title_at = i if title_at is None else title_at
                self.table_title = self.table_title or _MD_HEADING.sub("", text).strip()
            elif title_at is not None and _is_title_companion(text):
                pass  # "（2023年度）", "单位：元" under a table title
            else:
                title_at = None
        return starts

    def _title_year(self) -> int | None:
        return year_from_titles(line.text for line in self.lines if "\t" not in line.raw)

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
                # A stray tab in prose ("2024 年部门预算\t绩效文本"): read it as the prose.
                text = "".join(c for c in line.cells if c)
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
            if _is_table_title(heading) and not self.table_title:
                self.table_title = heading
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
            elif _is_table_title(text) or _is_title_companion(text):
                continue
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
        if sub is None:  # text before the first "（一）…": a goal without a title
            sub = SubGoal(title="", label="", line=line.no)
            dept.sub_goals.append(sub)
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
        if measure is None:  # text before the first "（一）…": a measure without a title
            measure = Measure(title="", line=line.no)
            dept.measures.append(measure)
        measure.text = _join(measure.text, text)
        return measure

    def _money_unit(self, unit: str, line: int | None) -> str | None:
        unit = MONEY_UNIT_ALIASES.get(unit, unit)
        if unit not in MONEY_FACTORS:
            return None  # "单位：个" is not about money: the amounts keep their unit
        self.money_unit = unit
        if self.first_money_unit is None:
            self.first_money_unit = unit
        return unit


NO_TABLE_MESSAGE = (
    "没有找到任何项目绩效目标表。已知的版式：①绩效文本（每张表前有“1.XXX绩效目标表”标题，表中有"
    "“项目编码”“预算数”、资金支出计划和指标表）；②项目支出绩效目标申报表（“项目名称”“主管部门及代码”"
    "“实施单位”、资金情况、年度目标、指标表）；③预算管理一体化导出的预算项目绩效信息表。"
    "查找的是：“项目名称”或“项目编码”行，以及含“一级指标”“二级指标”“三级指标”“指标值”的指标表表头"
)
_TITLE_YEAR = re.compile(
    r"^[(]?(\d{4})年度?[)]?$|(\d{4})年度?\S{0,20}(?:绩效目标|绩效信息|预算|申报表)"
)
_TABLE_TITLE_END = ("绩效目标申报表", "绩效目标表", "绩效信息表", "申报表", "(预算编制阶段)")
_FOOTER = re.compile(r"^(?:备注|注|说明|填报说明|填表说明|填表人|填报人|联系人|联系电话|审核人)\s*[:：]?")
_SUB_HEADER: dict[str, str] = {
    "符号": "operator",
    "计算符号": "operator",
    "运算符": "operator",
    "值": "value",
    "指标值": "value",
    "计量单位": "unit",
    "单位": "unit",
    "度量单位": "unit",
    "年度": "value",
    "年度指标值": "value",
    "年度值": "value",
    "中期": "mid_value",
    "实施期": "mid_value",
    "中期指标值": "mid_value",
    "实施期指标值": "mid_value",
    "中期(实施期)": "mid_value",
}
_OPERATOR_CODES = {"1": "≥", "2": "＞", "3": "＝", "4": "＜", "5": "≤", "6": "定性"}


def year_from_titles(texts: Iterable[str]) -> int | None:
    """The budget year from the first title that states one: "（2023年度）", "(2023年)",
    "2023 年项目支出绩效目标表", "2023年度预算项目绩效信息表" (sentences are skipped)."""
    for text in texts:
        if not text or len(text) > 60 or any(p in text for p in "，,。；;"):
            continue
        m = _TITLE_YEAR.search(_norm(_MD_HEADING.sub("", text.strip())))
        if m:
            return int(m.group(1) or m.group(2))
    return None


def _is_table_title(text: str) -> bool:
    key = _norm(text)
    return len(key) <= 40 and key.endswith(_TABLE_TITLE_END)


def _is_title_companion(text: str) -> bool:
    key = _norm(text)
    return bool(
        _MONEY_UNIT.match(key) or _UNIT_LINE.match(text) or re.fullmatch(r"[(]?\d{4}年度?[)]?", key)
        or key.startswith(("填报单位", "单位名称", "预算单位", "部门名称"))
    )


@lru_cache(maxsize=4096)
def _col_key(cell: str) -> str:
    return _norm(cell).strip("*:").replace("*", "")


def _is_indicator_header(line: _Line) -> bool:
    if "指标" not in line.raw:
        return False
    kinds = {_COLUMNS.get(_col_key(c)) for c in line.cells}
    return "level1" in kinds or "level3" in kinds


def _label_unit(cell: str) -> str | None:
    """The money unit a label names: "资金总额（元）：" -> "元"."""
    key = _norm(cell).rstrip(":")
    if key.endswith(")") and "(" in key:
        unit = key[key.rindex("(") + 1 : -1]
        unit = MONEY_UNIT_ALIASES.get(unit, unit)
        if unit in MONEY_FACTORS:
            return unit
    return None


class _ProjectReader:
    """Reads the lines between a project heading and the next one. Nothing in one
    project's table refuses the document: what cannot be read is left missing (the
    rules report it) and a row that cannot be placed is kept in ``Project.unread``."""

    def __init__(self, parser: _Parser, head: _Line, seq: int, heading_name: str) -> None:
        self.p = parser
        self.head = head
        self.project = Project(seq=seq, code="", name="", line=head.no)
        self.heading_name = heading_name
        self.values: dict[str, tuple[str, int]] = {}  # field -> (text as written, line)
        self.units: dict[str, str] = {}  # amount field -> unit its label named
        self.pending_labels: list[tuple[int, str]] | None = None  # labels of a two-row head
        self.plan = _PlanState()
        self.plan_invalid: dict[int, tuple[str, int]] = {}
        self.last: str | None = None  # kind of the previous table row
        self.finished = False
        self.footer = False  # the indicator table's footer has begun
        self.costs: costs.CostTable | None = None  # a 成本构成 sub-table being read

    def error(self, message: str, line: int | None) -> ImportError_:
        return self.p.error(message, line)

    def note(self, line: int | None, message: str) -> None:
        """Keep what could not be read, with its line, for the rules to report (PT505)."""
        self.project.unread.append({"line": line, "text": message})

    @property
    def title(self) -> str:
        return _quote(f"{self.project.seq}.{self.heading_name or self.project.name}", 24)

    def read(self, lines: list[_Line]) -> Project:
        stage = "pre"
        header: _Header | None = None
        group = _Group()
        last_content = self.head.no
        fresh_header = False
        for line in lines:
            if not line.text.replace("\t", "").strip():
                continue
            last_content = line.no
            if self._cost_line(line):
                continue
            if stage == "pre":
                if self._pre_line(line):
                    continue
                stage = "table"
            if stage == "table":
                found = _Header.parse(line, self)
                if found is None:
                    self._table_row(line)
                    continue
                self._finish_table()
                header, stage, fresh_header = found, "indicators", True
                continue
            assert header is not None
            if fresh_header:
                fresh_header = False
                if header.absorb(line):
                    continue
            indicator = header.row(line, group, self)
            if indicator is not None:
                self.project.indicators.append(indicator)
        if stage != "indicators":
            self._finish_table()
            if stage == "pre":
                self.note(self.head.no, f"项目标题 {self.title} 后面没有表格")
            else:
                self.note(last_content, f"项目 {self.title} 没有指标表（应有“一级指标、二级指标、"
                                        "三级指标、指标值”表头和指标行）")
        elif not self.project.indicators:
            assert header is not None
            self.note(header.line, f"项目 {self.title} 的指标表没有任何指标行")
        if header is not None and "basis" not in header.columns:
            self.project.absent.append("basis")
        if self.plan.first_line is None:
            self.project.absent.append("plan")
        return self.project

    # -- the 成本构成 sub-table, before or after the indicators (importers/costs.py) --
    def _cost_line(self, line: _Line) -> bool:
        """True when the line belongs to a 成本构成 sub-table (its caption, header or a row)."""
        table = self.costs
        if table is None:
            if "成本" not in line.raw:
                return False  # fast path
            cells = line.cells
            label = next((col for col, c in enumerate(cells) if c), 0)
            if not costs.is_title(cells[label]):
                return False
            self.costs = table = costs.CostTable(cells, label)
            if table.columns is not None or not any(cells[label + 1:]):
                return True
        elif self._ends_cost_table(line):
            self.costs = None
            return False
        item, stray = table.take(line.cells, line.no)
        if item is not None:
            self.project.costs.append(item)
        if stray:
            self.note(line.no, f"成本构成中没有表头的内容 {'、'.join(_quote(c, 12) for c in stray)}，未读入")
        return True

    @staticmethod
    def _ends_cost_table(line: _Line) -> bool:
        """The indicator header, a field label, a first-level name or a footer ends the sub-table."""
        first = next((c for c in line.cells if c), "")
        return (_is_indicator_header(line) or bool(_label_kind(first))
                or _level_key(first) in _LEVEL1 or bool(_FOOTER.match(_norm(first))))

    # -- before the table: unit line, 单位, table titles --------------------
    def _pre_line(self, line: _Line) -> bool:
        cells = [c for c in line.cells if c]
        if all(self._unit_cell(c, line.no) for c in cells):
            return True
        if len(cells) == 1 and not _label_kind(cells[0]):
            text = cells[0]
            if _is_table_title(text) or _is_title_companion(text):
                if _is_table_title(text) and not self.p.table_title:
                    self.p.table_title = text
                return True
            self.note(line.no, f"表格前无法识别的内容 {_quote(text)}（应为单位行，如"
                               "“161001 XX单位”，或“单位：万元”），已跳过")
            return True
        return False

    def _unit_cell(self, cell: str, line: int) -> bool:
        money = _MONEY_UNIT.match(_norm(cell))
        if money:
            self.p._money_unit(money.group(1), line)
            return True
        if _UNIT_LINE.match(cell):
            if self.project.unit and self.project.unit != cell:
                self.note(line, f"单位行 {_quote(cell)} 与上面的 {_quote(self.project.unit)} "
                                "不一致，沿用上面的")
                return True
            self.project.unit = cell
            return True
        return False

    # -- rows above the indicator table ------------------------------------
    def _table_row(self, line: _Line) -> None:
        cells = line.cells
        nonempty = [c for c in cells if c]
        if len(nonempty) == 1 and self._unit_cell(nonempty[0], line.no):
            return  # "单位：元" or the unit line inside the table
        kinds = [_label_kind(c) for c in cells]
        if not any(kinds):
            self._unlabelled_row(line, cells)
            return
        self.pending_labels = None
        owned, order, label_col = self._split_at_labels(line, kinds)
        fields_here = [k for k in dict.fromkeys(order) if k not in ("block", "plan", "ignored")]
        if len(fields_here) >= 2 and not any(owned.get(k) for k in fields_here):
            # A two-row head: "实施期目标 | 年度目标" with the texts in the row below.
            self.pending_labels = [(label_col[k], k) for k in fields_here]
            self.last = fields_here[-1]
            return
        plan_cells = self._store_fields(line, owned, order)
        if "plan" in order:
            self._plan_row(line, plan_cells)
            self.last = "plan"
        elif set(order) & set(_AMOUNT_FIELDS):
            self.last = "budget"  # the next unlabelled line may be the 资金用途 text
        elif fields_here:
            self.last = fields_here[-1]

    def _split_at_labels(self, line: _Line, kinds: list[str | None]
                         ) -> tuple[dict[str | None, list[tuple[int, str]]], list[str], dict[str, int]]:
        """The row split at its labels, each label owning the cells up to the next one:
        (kind -> its (column, text) cells, the kinds in order, kind -> its label's column).
        A label's money unit ("资金总额(元)：") is recorded; a repeated label and cells
        before the first label are noted and dropped."""
        current: str | None = None
        owned: dict[str | None, list[tuple[int, str]]] = {}
        order: list[str] = []
        label_col: dict[str, int] = {}
        for col, (cell, kind) in enumerate(zip(line.cells, kinds, strict=True)):
            if not kind:
                if cell:
                    owned.setdefault(current, []).append((col, cell))
                continue
            if kind in owned and kind not in ("block", "plan", "ignored"):
                self.note(line.no, f"这一行有两个{_quote(cell)}，只读了第一个")
                current = "ignored"
                continue
            current = kind
            owned.setdefault(kind, [])
            order.append(kind)
            label_col.setdefault(kind, col)
            unit = _label_unit(cell)
            if unit and kind in _AMOUNT_FIELDS:
                # "资金总额(元)：" names the unit of the whole 资金来源 block.
                self.units.setdefault("*", unit)
                self.units[kind] = unit
                self.p.label_money_unit = self.p.label_money_unit or unit
        leading = owned.pop(None, [])
        if leading:
            self.note(line.no, f"无法归属 {_quote(leading[0][1])}：它前面没有标签"
                               "（如“预算数”“项目名称”），已跳过")
        return owned, order, label_col

    def _store_fields(self, line: _Line, owned: dict[str | None, list[tuple[int, str]]], order: list[str]
                      ) -> list[tuple[int, str]]:
        """Each label's text into its field; returns the 支出计划 cells (read by _plan_row)."""
        plan_cells: list[tuple[int, str]] = []
        for kind in dict.fromkeys(order):
            cells_of = owned.get(kind, [])
            if kind == "plan":
                plan_cells.extend(cells_of)
            elif kind == "ignored":
                continue  # 其中：上级补助 / 本级安排: parts of 财政拨款, which is kept
            elif kind == "block":
                if cells_of and not (set(order) - {"block"}):
                    self._set_or_append("purpose", " ".join(c for _, c in cells_of), line.no)
                elif cells_of:
                    self.note(line.no, f"{_quote(cells_of[0][1])} 无法归属（这里应为标签及其内容，"
                                       "如“预算数 100.00”），已跳过")
            else:
                self._set(kind, self._field_text(line, kind, cells_of), line.no)
        return plan_cells

    def _field_text(self, line: _Line, kind: str, cells_of: list[tuple[int, str]]) -> str:
        """A field's text: an amount takes its first cell (the others noted), a text field
        joins its cells."""
        if len(cells_of) <= 1:
            return cells_of[0][1] if cells_of else ""
        if kind not in _AMOUNT_FIELDS:
            return "".join(c for _, c in cells_of)
        extra = "、".join(_quote(c, 12) for _, c in cells_of[1:])
        self.note(line.no, f"“{_FIELD_NAMES[kind]}”后面有 {len(cells_of)} 个单元格，"
                           f"只读了第一个，未读入 {extra}（多余的制表符？）")
        return cells_of[0][1]

    def _set(self, kind: str, text: str, line: int) -> None:
        if kind in self.values:
            old, old_line = self.values[kind]
            if old != text and text:
                if not old:
                    self.values[kind] = (text, line)
                else:
                    self.note(line, f"“{_FIELD_NAMES[kind]}”{_quote(text)} 与第 {old_line} 行的 "
                                    f"{_quote(old)} 不一致，沿用第 {old_line} 行的")
            self.last = kind
            return
        self.values[kind] = (text, line)
        self.last = kind

    def _set_or_append(self, kind: str, text: str, line: int) -> None:
        if kind in self.values:
            old, old_line = self.values[kind]
            self.values[kind] = (_join(old, text), old_line)
        else:
            self._set(kind, text, line)

    def _unlabelled_row(self, line: _Line, cells: list[str]) -> None:
        cols = [(col, c) for col, c in enumerate(cells) if c]
        if self.pending_labels:
            labels, self.pending_labels = self.pending_labels, None
            for col, text in cols:
                owner = next((k for c, k in reversed(labels) if c <= col), labels[0][1])
                self._set_or_append(owner, text, line.no)
            return
        tokens = [_plan_token(c) for _, c in cols]
        has_checkpoint = any(t[0] == "cp" for t in tokens)
        only_numbers = all(t[0] == "val" for t in tokens)
        if has_checkpoint or self.plan.pending:  # after a plan header come its values
            self._plan_row(line, cols)
            self.last = "plan"
            return
        if len(cols) == 1:
            text = cols[0][1]
            if self.last in ("purpose", "goal", "mid_goal") and self.last in self.values:
                old, old_line = self.values[self.last]
                self.values[self.last] = (_join(old, text), old_line)
                return
            if self.last == "budget" and "purpose" not in self.values:
                self._set("purpose", text, line.no)
                return
        if only_numbers:
            self.note(line.no, "这一行只有数字，无法归属（资金支出计划的数值行前应有"
                               "“3月底 6月底 10月底 12月底”表头），已跳过")
            return
        self.note(line.no, f"无法归属这一行（{_quote(cols[0][1], 16)}…）：项目编码行与指标表之间应为"
                           "预算数、资金用途、资金支出计划和绩效目标；若这是指标行，则缺少“一级指标 "
                           "二级指标 三级指标 …”表头。已跳过")

    # -- spend plan --------------------------------------------------------
    def _plan_row(self, line: _Line, cols: list[tuple[int, str]]) -> None:
        plan = self.plan
        if plan.first_line is None:
            plan.first_line = line.no
        checkpoints: list[tuple[int, int]] = []
        values: list[tuple[int, Decimal | str | None]] = []
        sequence: list[str] = []
        for col, cell in cols:
            kind, value = _plan_token(cell)
            if kind == "bad-cp":
                self.note(line.no, f"{_quote(cell)} 不是资金支出计划的时间点"
                                   "（应为 3月底、6月底、10月底 或 12月底），已跳过")
                continue
            if kind == "text":
                if checkpoints or not (plan.pending or values):
                    self.note(line.no, f"资金支出计划里无法识别 {_quote(cell)}（应为 3月底、6月底、"
                                       "10月底、12月底 或百分比，如 25%），已跳过")
                    continue
                kind, value = "val", cell  # a value that is not a percentage: PT302
            sequence.append(kind)
            if kind == "cp":
                checkpoints.append((col, value))  # type: ignore[arg-type]
            else:
                values.append((col, value))  # type: ignore[arg-type]
        if not sequence:
            return  # a label row alone: "资金支出计划（%）"
        if checkpoints and not values:
            if plan.pending:
                self.note(plan.pending[1], "这一行资金支出计划表头没有数值行")
            plan.pending = (checkpoints, line.no)
            return
        if values and not checkpoints:
            if not plan.pending:
                self.note(line.no, "资金支出计划的数值前缺少表头（应有“3月底 6月底 10月底 12月底”"
                                   "一行），已跳过")
                return
            header, header_line = plan.pending
            plan.pending = None
            self._pair(header, values, header_line, line.no)
            return
        # Header and values in one row: "12 月底 100%" pairs, or all headers then values.
        if plan.pending:
            self.note(plan.pending[1], "这一行资金支出计划表头没有数值行")
            plan.pending = None
        alternating = sequence == ["cp", "val"] * (len(sequence) // 2)
        grouped = sequence == ["cp"] * len(checkpoints) + ["val"] * len(values)
        if not (alternating or grouped) or len(checkpoints) != len(values):
            self.note(line.no, "资金支出计划的时间点与数值对不上（应为“3月底 … 12月底”一行、"
                               "“25% … 100%”一行），已跳过")
            return
        self._pair(checkpoints, values, line.no, line.no)

    def _pair(
        self,
        header: list[tuple[int, int]],
        values: list[tuple[int, Decimal | str | None]],
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
                self.note(line, f"资金支出计划有 {len(values)} 个数值，而第 {header_line} 行的表头有 "
                                f"{len(header)} 个时间点，对不上，已跳过")
                return
            pairs = [(by_col[col], v) for col, v in values]
        for checkpoint, value in pairs:
            if isinstance(value, str):
                self.plan_invalid.setdefault(checkpoint, (value, line))
                value = None
            if checkpoint in self.plan.assigned:
                old, old_line = self.plan.assigned[checkpoint]
                if old != value:
                    self.note(line, f"资金支出计划 {CHECKPOINTS[checkpoint]} 的数值 {_pct(value)} 与"
                                    f"第 {old_line} 行的 {_pct(old)} 不一致，沿用第 {old_line} 行的")
                continue
            self.plan.assigned[checkpoint] = (value, line)

    def _finish_table(self) -> None:
        if self.finished:
            return
        self.finished = True
        pending = self.plan.pending
        if pending:
            self.note(pending[1], "这一行资金支出计划表头没有数值行")
        project = self.project
        unit = self.p.money_unit or "万元"
        for kind, (text, no) in self.values.items():
            project.lines[kind] = no
            if kind in _AMOUNT_FIELDS:
                amount = amount_or_invalid(text, kind, project.invalid,
                                           self.units.get(kind, self.units.get("*", unit)))
                setattr(project, kind, amount)
            else:
                setattr(project, kind, text)
        if not project.name and self.heading_name:
            project.name = self.heading_name
            project.lines["name"] = self.head.no
        for checkpoint, (value, _no) in self.plan.assigned.items():
            project.plan[checkpoint] = value
        for checkpoint, (text, no) in self.plan_invalid.items():
            project.invalid[f"plan.{checkpoint}"] = text
            project.lines[f"plan.{checkpoint}"] = no
        if self.plan.first_line is not None:
            project.lines["plan"] = self.plan.first_line
        project.funding_line = funding_line_for(project.name)


@lru_cache(maxsize=1024)
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
        return "val", parse_percent(match.group(0))
    return "text", None


def _pct(value: Decimal | None) -> str:
    return "空" if value is None else f"{value}%"


@dataclass
class _Group:
    level1: str = ""
    level2: str = ""


_VALUE_PARTS = ("operator", "value", "unit")


@dataclass
class _Header:
    line: int
    columns: dict[str, int]  # kind -> column
    width: int
    blank: set[int]  # header cells left empty between named columns

    @classmethod
    def parse(cls, line: _Line, reader: _ProjectReader) -> _Header | None:
        if not _is_indicator_header(line):
            return None  # fast path: most rows are not the header
        cells = line.cells
        while cells and not cells[-1]:
            cells.pop()
        kinds = [_COLUMNS.get(_col_key(c)) for c in cells]
        columns: dict[str, int] = {}
        blank: set[int] = set()
        unknown: list[str] = []
        for col, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
            if not cell:
                blank.add(col)
            elif kind is None:
                unknown.append(cell)
                blank.add(col)
            elif kind in columns:
                reader.note(line.no, f"指标表表头有两个 {_quote(cell)} 列，只读了第一个")
                blank.add(col)
            else:
                columns[kind] = col
        if unknown:
            names = "、".join(_quote(c, 12) for c in unknown)
            reader.note(line.no, f"指标表表头有无法识别的列 {names}（已知的列：一级指标、二级指标、"
                                 "三级指标、绩效指标描述、指标值、年度/中期指标值、计算符号、计量单位、"
                                 "指标值确定依据），这些列未读入")
        missing = [name for kind, name in _REQUIRED_COLUMNS.items() if kind not in columns]
        if missing:
            reader.note(line.no, f"指标表表头缺少“{'”“'.join(missing)}”列")
        return cls(line.no, columns, len(cells), blank)

    def absorb(self, line: _Line) -> bool:
        """Take the second row of a two-row header ("*符号 | *值 | 计量单位" under 指标值, or
        "年度 | 中期"); True when the line was that row."""
        cells = line.cells
        named = [(col, _SUB_HEADER.get(_col_key(c))) for col, c in enumerate(cells) if c]
        if not named or any(kind is None for _, kind in named):
            return False
        for col, kind in named:
            assert kind is not None
            for k, c in list(self.columns.items()):
                if c == col and k not in ("operator", "unit", "mid_value"):
                    del self.columns[k]
            self.columns[kind] = col
            self.blank.discard(col)
        self.width = max(self.width, max(col for col, _ in named) + 1)
        return True

    def row(self, line: _Line, group: _Group, reader: _ProjectReader) -> Indicator | None:
        cells = line.cells
        first = next((c for c in cells if c), "")
        kind = _label_kind(first)
        if kind:
            what = _FIELD_NAMES.get(kind, first)
            reader.note(line.no, f"指标表中出现了“{what}”行（它应在指标表之前），已跳过")
            return None
        if _COLUMNS.get(_col_key(first)) == "level1":
            return None  # the header repeated (a page break in the source)
        cells = self._realigned(cells)
        if self._stray_text(line, cells, reader):
            return None
        self._note_unread_cells(line, cells, reader)
        n = len(cells)
        columns = self.columns

        def cell(kind: str) -> str:
            col = columns.get(kind)
            return cells[col] if col is not None and col < n else ""

        level1, level2, level3 = cell("level1"), cell("level2"), cell("level3")
        value = _combine(cell("operator"), cell("value"), cell("unit"))
        rest = (level3, cell("description"), value, cell("mid_value"), cell("basis"))
        if level1:
            if level1 != group.level1:
                group.level2 = ""
            group.level1 = level1
        if level2:
            group.level2 = level2
        if not any(rest):
            return None  # a group's name alone, or an empty 二级 row of the template
        return Indicator(
            level1=group.level1,
            level2=group.level2,
            level3=level3,
            description=cell("description"),
            value=value,
            basis=cell("basis"),
            line=line.no,
            mid_value=cell("mid_value"),
        )

    def _realigned(self, cells: list[str]) -> list[str]:
        """The row's cells with a lost empty 一级指标 cell put back (the row starts with the
        二级指标 name) and trailing empty cells dropped."""
        c1, c2 = self.columns.get("level1", 0), self.columns.get("level2", 1)
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
        else:
            cells = list(cells)
        while cells and not cells[-1]:
            cells.pop()
        return cells

    def _stray_text(self, line: _Line, cells: list[str], reader: _ProjectReader) -> bool:
        """True for text alone in the 一级 column (no group name): the template's footer
        ("备注：1.成本指标的三级指标…") or a stray line, noted; not an indicator row."""
        filled = [c for c in cells if c]
        if not (len(filled) == 1 and _level_key(filled[0]) not in _LEVEL1 | _LEVEL2
                and cells.index(filled[0]) <= self.columns.get("level1", 0)):
            return False
        if _FOOTER.match(_norm(filled[0])):
            reader.footer = True
        elif not reader.footer:
            reader.note(line.no, f"指标表中无法归属的文字 {_quote(filled[0])}，已跳过")
        return True

    def _note_unread_cells(self, line: _Line, cells: list[str], reader: _ProjectReader) -> None:
        """Cells past the header's width, and cells under a column without a heading."""
        if len(cells) > self.width:
            extra = "、".join(_quote(c, 12) for c in cells[self.width :] if c)
            reader.note(line.no, f"这一行有 {len(cells)} 个单元格，而第 {self.line} 行的指标表表头只有 "
                                 f"{self.width} 列，多出的 {extra} 未读入（多余的制表符？）")
        for col in sorted(self.blank):
            if col < len(cells) and cells[col] and col < self.width:
                reader.note(line.no, f"第 {col + 1} 列的 {_quote(cells[col])} 没有表头，未读入")


def _combine(operator: str, value: str, unit: str) -> str:
    """The 指标值 of split columns: 计算符号 + 指标值 + 计量单位 ("≥", "90", "%" -> "≥90%");
    "定性" or no operator keeps the value as written."""
    op = _norm(operator)
    op = _OPERATOR_CODES.get(op, op)
    if not value:
        return ""
    if op in ("", "定性"):
        return value + (unit if op == "" and unit and not value.endswith(unit) else "")
    written = op if _norm(operator) in _OPERATOR_CODES else operator.strip()
    return f"{written}{value}{unit}"
