"""Load a department from any source the tool accepts, chosen by the file's suffix:
a 绩效文本 as text (.txt/.md), a model JSON (.json), a master workbook (.xlsm/.xlsx) or a
Word document (.docx). Every failure is a PerfXLError naming the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PerfXLError
from .model import Department

TEXT_SUFFIXES = (".txt", ".md", ".text")
WORKBOOK_SUFFIXES = (".xlsm", ".xlsx")


@dataclass
class Loaded:
    department: Department
    kind: str  # text | json | workbook | docx
    problems: list = field(default_factory=list)  # layout problems of a workbook (PT502)


def load(path: str | Path) -> Loaded:
    path = Path(path)
    if path.is_dir():
        raise PerfXLError("这是一个文件夹，请给出文件", path=str(path))
    from .workbook.safety import require_regular_file

    require_regular_file(path)  # a FIFO or a device is refused before anything opens it
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from .workbook.read import read_workbook

        result = read_workbook(path)
        return Loaded(result.department, "workbook", result.problems)
    if suffix == ".json":
        return Loaded(_load_json(path), "json")
    if suffix == ".docx":
        from .importers.docx import read_docx

        return Loaded(read_docx(path), "docx")
    if suffix in TEXT_SUFFIXES or not suffix:
        from .importers.text import read_text

        return Loaded(read_text(path), "text")
    raise PerfXLError(
        f"不支持的文件类型「{suffix}」：可用 .txt（绩效文本）、.json（模型）、.xlsm/.xlsx（主工作簿）、.docx",
        path=str(path))


def load_department(path: str | Path) -> Department:
    return load(path).department


def _load_json(path: Path) -> Department:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PerfXLError("不是 UTF-8 编码的 JSON 文件", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PerfXLError(f"不是有效的 JSON：{exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("projects"), list):
        raise PerfXLError("不是 perf-xl 的模型 JSON：顶层应为含 projects 列表的对象", path=str(path))
    try:
        return Department.from_dict(data)
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as exc:
        raise PerfXLError(f"不是 perf-xl 的模型 JSON：{exc}", path=str(path)) from None
