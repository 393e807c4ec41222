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
# The 一体化 system's exports: Excel 2003 XML saved as .xls (or re-saved as binary .xls),
# and a .zip of one such file per project.
YITIHUA_SUFFIXES = (".xls", ".zip", ".xml")


@dataclass
class Loaded:
    department: Department
    kind: str  # text | json | workbook | docx | yitihua | handmade
    problems: list = field(default_factory=list)  # layout problems of a workbook (PT502)


def load(path: str | Path) -> Loaded:
    path = Path(path)
    from .workbook.safety import require_regular_file

    require_regular_file(path)  # a folder, FIFO or device is refused before anything opens it
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return _load_workbook(path)
    if suffix in YITIHUA_SUFFIXES:
        from .importers.yitihua import read_yitihua

        return Loaded(read_yitihua(path), "yitihua")
    if suffix == ".json":
        return Loaded(_load_json(path), "json")
    if suffix == ".docx":
        from .importers.docx import read_docx

        return Loaded(read_docx(path), "docx")
    if suffix in TEXT_SUFFIXES or not suffix:
        from .importers.text import read_text

        return Loaded(read_text(path), "text")
    raise PerfXLError(
        f"不支持的文件类型「{suffix}」：可用 .txt（绩效文本）、.json（模型）、.xlsm/.xlsx（主工作簿或手工"
        "表格）、.docx、.xls/.zip（一体化系统导出）",
        path=str(path))


def _load_workbook(path: Path) -> Loaded:
    """A perf_xl master workbook; failing that, an 一体化 export re-saved as .xlsx or a
    hand-made workbook in the official table layout (one table per sheet)."""
    from .workbook.read import read_grids

    result, grids = read_grids(path)
    if result.department.projects or _is_master(result):
        return Loaded(result.department, "workbook", result.problems)
    from .importers.handmade import calamine_sheet, read_handmade

    # The cells already read (when every sheet was: the tool's own sheet names are not read)
    # tell an unrelated spreadsheet without opening the file again.
    seen = ([calamine_sheet(n, grids[n].raw) for n in result.sheets]
            if all(n in grids for n in result.sheets) else None)
    del grids
    try:
        return Loaded(read_handmade(path, seen), "handmade")
    except PerfXLError as err:
        if "没有找到任何项目绩效目标表" not in err.message:
            raise
        raise PerfXLError(f"不是 perf_xl 主工作簿，也不是手工填写的绩效目标表：{err.message}",
                          path=str(path)) from None


def _is_master(result) -> bool:
    from .workbook import layout

    return layout.DEPARTMENT_SHEET in result.sheets


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
