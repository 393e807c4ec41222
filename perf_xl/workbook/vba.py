"""The workbook's VBA project, made from text: the project's own modules in ``macros/``
plus the xlwings module of the installed xlwings package (its ``XLWINGS_VERSION`` must
match the Python side, so it is never copied into this repository).

pyopenvba writes the project (document modules named after the sheets' code names, then the
standard modules); XlsxWriter embeds the resulting vbaProject.bin.
"""

from __future__ import annotations

import importlib.util
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookError
from ..resources import macros_dir

WORKBOOK_CODE_NAME = "ThisWorkbook"


@dataclass(frozen=True)
class Module:
    name: str
    source: str  # CRLF line ends, as the VBA editor stores them


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _module_name(source: str, fallback: str) -> str:
    first = source.split("\n", 1)[0]
    if first.startswith("Attribute VB_Name"):
        return first.split("=", 1)[1].strip().strip('"')
    return fallback


def xlwings_bas_path() -> Path:
    """xlwings.bas of the installed xlwings, found without importing xlwings."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise WorkbookError("未安装 xlwings：生成工作簿需要其 VBA 模块（pip install xlwings）")
    path = Path(next(iter(spec.submodule_search_locations))) / "xlwings.bas"
    if not path.is_file():
        raise WorkbookError(f"xlwings 安装不完整：找不到 {path}")
    return path


def project_modules(macros: Path | None = None) -> list[Module]:
    """The standard modules the workbook must hold: macros/*.bas (sorted) and xlwings."""
    folder = macros or macros_dir()
    modules = []
    for path in sorted(folder.glob("*.bas")):
        text = path.read_bytes().decode("ascii")  # VBA code page: keep macros ASCII
        modules.append(Module(_module_name(text, path.stem), _crlf(text)))
    xlwings_text = xlwings_bas_path().read_bytes().decode("ascii")
    modules.append(Module("xlwings", _crlf(xlwings_text)))
    return modules


def vba_project_bin(sheet_code_names: list[str], modules: list[Module]) -> bytes:
    """vbaProject.bin for a workbook whose sheets have ``sheet_code_names`` (in order)."""
    import pyopenvba
    import xlsxwriter
    from pyopenvba.vba import VBAModuleKind

    with tempfile.TemporaryDirectory(prefix="perfxl-vba-") as tmp:
        skeleton = Path(tmp) / "skeleton.xlsm"
        book = xlsxwriter.Workbook(str(skeleton))
        book.set_vba_name(WORKBOOK_CODE_NAME)
        for i, code_name in enumerate(sheet_code_names):
            book.add_worksheet(f"S{i}").set_vba_name(code_name)
        book.close()
        with pyopenvba.ExcelFile(str(skeleton)) as xf:
            project = xf.add_vba_project()
            for module in modules:
                project.add_module(module.name, module.source, kind=VBAModuleKind.standard)
            out = Path(tmp) / "with-vba.xlsm"
            xf.save(str(out))
            problems = xf.validate()
        if problems:
            raise WorkbookError("VBA 工程生成失败：" + "；".join(problems))
        with zipfile.ZipFile(out) as z:
            return z.read("xl/vbaProject.bin")
