"""The file for the 财政局 (perf-xl export): values only, the figures of the model, text that
looks like a formula stays text — checked with python-calamine, openpyxl, the raw XML and
LibreOffice (clients nobody here wrote)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from support.bureau_table import table
from support.example import example_department
from support.lo import probe, require_tools

from perf_xl import lo
from perf_xl.errors import PerfXLError
from perf_xl.importers.docx import read_docx
from perf_xl.model import CHECKPOINTS
from perf_xl.operations import findings_of
from perf_xl.sinks import bureau
from perf_xl.sources import load
from perf_xl.workbook.read import ReadResult

ROOT = Path(__file__).resolve().parents[2]
RISKY_NAMES = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1+1", "<r>x & y</r>")


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perf_xl", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600)



@pytest.fixture(scope="module")
def exported(example_book, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "报送.xlsx"
    done = cli("export", str(example_book), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "已导出" in done.stdout and "7312.69" in done.stdout
    return out


def model_and_findings(book: Path):
    loaded = load(book)
    findings = [f.to_dict() for f in findings_of(ReadResult(loaded.department, loaded.problems))]
    return loaded.department, findings


def sheet_rows(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()




def independent_by_line(dept, findings) -> dict[str, dict[str, D]]:
    """Per funding line and 合计, straight from the model (not through perf_xl.summary)."""
    sheet_line = {p.sheet: p.funding_line for p in dept.projects}
    out: dict[str, dict[str, D]] = defaultdict(lambda: defaultdict(D))
    for p in dept.projects:
        for key in (p.funding_line, "合计"):
            t = out[key]
            t["项目数"] += 1
            t["预算数"] += p.budget or 0
            t["财政资金"] += p.fiscal or 0
            t["其他资金"] += p.other or 0
            t["指标数（个）/合计"] += len(p.indicators)
            for cp, pct in zip(CHECKPOINTS, p.plan, strict=True):
                if pct is not None:
                    t[f"计划累计支出/{cp}"] += (p.budget * pct / 100).quantize(D("0.01"), ROUND_HALF_UP)
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for f in findings:
        line = sheet_line.get(f["sheet"])
        if line:
            for key in (line, "合计"):
                out[key][f"校验问题（条）/{labels[f['severity']]}"] += 1
    return out


# -- values only ---------------------------------------------------------------------------------
def test_export_holds_values_only(exported):
    with zipfile.ZipFile(exported) as zf:
        names = zf.namelist()
        assert not [n for n in names if "vbaProject" in n or "externalLink" in n or n.endswith(".bin")]
        content_types = zf.read("[Content_Types].xml").decode()
        assert "macroEnabled" not in content_types
        sheets = [n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert len(sheets) == 3
        for n in sheets:
            xml = zf.read(n).decode()
            assert "<f>" not in xml and "<f " not in xml, f"formula in {n}"
            assert "<hyperlink" not in xml
        workbook = zf.read("xl/workbook.xml").decode()
        assert 'state="hidden"' not in workbook and 'state="veryHidden"' not in workbook
        # the only defined names are the print titles and filters Excel makes itself
        assert set(re.findall(r'<definedName name="([^"]+)"', workbook)) <= {
            "_xlnm.Print_Titles", "_xlnm._FilterDatabase"}
    assert CalamineWorkbook.from_path(str(exported)).sheet_names == [
        bureau.SHEET_LINES, bureau.SHEET_PROJECTS, bureau.SHEET_FINDINGS]


def test_print_setup_is_kept(exported):
    import openpyxl

    book = openpyxl.load_workbook(exported)
    for ws in book.worksheets:
        assert ws.sheet_state == "visible"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # one page wide (1 is the OOXML default, so may be omitted), as many pages tall as needed
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"${bureau.HEADER_ROW}:${bureau.HEADER_ROW + 1}" or (
            ws.title == bureau.SHEET_FINDINGS and ws.print_title_rows == f"${bureau.HEADER_ROW}:${bureau.HEADER_ROW}")
        assert "&A" in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text
        assert ws["A1"].value.endswith(("（按资金来源）", "项目清单", "校验问题"))
        assert "预算年度：2024" in ws["A2"].value and re.search(r"\d{4}-\d{2}-\d{2}", ws["A2"].value)
    lines = book[bureau.SHEET_LINES]
    assert lines.cell(2, lines.max_column).value == "单位：万元"
    first = bureau.first_data_row(bureau.line_columns())
    assert lines.cell(first, 3).number_format == "#,##0.00"
    plist = book[bureau.SHEET_PROJECTS]
    plan_col = 6  # 序号 资金来源 项目编码 项目名称 预算数 | 3月底
    assert plist.cell(first, plan_col).number_format == "0.00%"


# -- the figures -----------------------------------------------------------------------------------
def test_summary_figures_equal_the_model(example_book, exported):
    dept, findings = model_and_findings(example_book)
    expected = independent_by_line(dept, findings)
    rows = table(sheet_rows(exported, bureau.SHEET_LINES))
    assert [r["资金来源"] for r in rows][-1] == "合计"
    assert {r["资金来源"] for r in rows} == set(expected)
    for row in rows:
        want = expected[row["资金来源"]]
        for key, value in want.items():
            assert row[key] == pytest.approx(float(value), abs=1e-9), (row["资金来源"], key)
    total = rows[-1]
    assert total["预算数"] == pytest.approx(7312.69) and total["项目数"] == 39
    assert total["预算数"] == pytest.approx(sum(r["预算数"] for r in rows[:-1]))


def test_project_list_and_findings_equal_the_model(example_book, exported):
    dept, findings = model_and_findings(example_book)
    rows = table(sheet_rows(exported, bureau.SHEET_PROJECTS))
    assert len(rows) == len(dept.projects)
    for row, p in zip(rows, dept.projects, strict=True):
        assert (row["项目编码"], row["项目名称"], row["资金来源"]) == (p.code, p.name, p.funding_line)
        assert row["预算数"] == pytest.approx(float(p.budget))
        for cp, pct in zip(CHECKPOINTS, p.plan, strict=True):
            cell = row[f"资金支出计划（累计）/{cp}"]
            assert cell == "" if pct is None else cell == pytest.approx(float(pct) / 100)
        mine = {f["severity"] for f in findings if f["sheet"] == p.sheet}
        assert row["校验状态"] == ("错误" if "error" in mine else "警告" if "warning" in mine else "通过")
    raw = sheet_rows(exported, bureau.SHEET_FINDINGS)
    header = raw[bureau.HEADER_ROW - 1]
    listed = [dict(zip(header, r, strict=True)) for r in raw[bureau.HEADER_ROW:]]
    assert len(listed) == len(findings) > 0
    assert [(r["代码"], r["工作表"], r["单元格"], r["问题说明"]) for r in listed] == [
        (f["code"], f["sheet"] or "", f["cell"] or "", f["message"]) for f in findings]


def test_several_departments_add_unit_tables(tmp_path):
    a, b = example_department(), example_department()
    b.unit_code, b.unit_name = "161002", "张家口市某区人民法院"
    for p in b.projects:
        p.budget = p.budget * 2
    out = bureau.write_bureau_file([a, b], [], tmp_path / "两个单位.xlsx")
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert names[:3] == [bureau.SHEET_LINES, bureau.SHEET_UNITS, bureau.SHEET_UNIT_LINES]
    units = table(sheet_rows(out, bureau.SHEET_UNITS))
    assert [r["单位"] for r in units] == ["161001 张家口市中级人民法院本级", "161002 张家口市某区人民法院", "合计"]
    assert units[1]["预算数"] == pytest.approx(2 * 7312.69)
    assert units[2]["预算数"] == pytest.approx(3 * 7312.69)
    per = table(sheet_rows(out, bureau.SHEET_UNIT_LINES))
    lines_a = {p.funding_line for p in a.projects}
    assert len(per) == 2 * len(lines_a) + 1  # one row per department and funding line, 合计
    for r in per[:-1]:
        dept = a if r["单位"].startswith("161001") else b
        want = sum((p.budget for p in dept.projects if p.funding_line == r["资金来源"]), D(0))
        assert r["预算数"] == pytest.approx(float(want))
    plist = table(sheet_rows(out, bureau.SHEET_PROJECTS))
    assert len(plist) == 78 and plist[40]["单位"] == "161002 张家口市某区人民法院"


# -- text that looks like a formula ------------------------------------------------------------
def risky_department():
    dept = example_department()
    for p, name in zip(dept.projects, RISKY_NAMES, strict=False):
        p.name = name
    dept.projects[0].code = "=1+2"
    return dept


def test_formula_like_text_is_stored_as_text(tmp_path):
    import openpyxl

    dept = risky_department()
    findings = [{"code": "PT999", "severity": "error", "category": "=cmd|' /C calc'!A0", "message": "-1+1",
                 "project_code": dept.projects[1].code, "sheet": None}]
    out = bureau.write_bureau_file(dept, findings, tmp_path / "risky.xlsx")
    rows = table(sheet_rows(out, bureau.SHEET_PROJECTS))
    assert [r["项目名称"] for r in rows[: len(RISKY_NAMES)]] == list(RISKY_NAMES)
    assert rows[0]["项目编码"] == "=1+2"
    book = openpyxl.load_workbook(out)
    ws = book[bureau.SHEET_PROJECTS]
    first = bureau.first_data_row(bureau.project_columns(False))
    for i, name in enumerate(RISKY_NAMES):
        cell = ws.cell(first + i, 4)
        assert cell.value == name and cell.data_type == "s"
        # quote prefix: Excel/WPS keep it text even when the user edits the cell
        assert cell.quotePrefix is bool(name[0] in "=+-@\t"), name
    assert ws.cell(first + len(RISKY_NAMES), 4).quotePrefix is False  # ordinary text: no prefix
    fws = book[bureau.SHEET_FINDINGS]
    values = [c.value for c in fws[bureau.HEADER_ROW + 1]]
    assert "=cmd|' /C calc'!A0" in values and "-1+1" in values
    with zipfile.ZipFile(out) as zf:
        assert not any("<f>" in zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_cli_export_from_text_and_bad_output(tmp_path):
    from perf_xl.resources import example_path

    out = tmp_path / "报送.xlsx"
    done = cli("export", str(example_path()), "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = table(sheet_rows(out, bureau.SHEET_LINES))
    assert rows[-1]["预算数"] == pytest.approx(7312.69)
    bad = cli("export", str(example_path()), "-o", str(tmp_path / "报送.xlsm"))
    assert bad.returncode == 2 and "错误：" in bad.stderr and ".xlsx" in bad.stderr
    missing = cli("export", str(tmp_path / "无.xlsm"), "-o", str(out))
    assert missing.returncode == 2 and "文件不存在" in missing.stderr


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    out = tmp_path / "报送.xlsx"
    out.write_bytes(b"old")

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bureau.BureauBook, "finish", boom)
    with pytest.raises(RuntimeError):
        bureau.write_bureau_file(example_department(), None, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["报送.xlsx"]  # no temporary file left


def test_not_validated_export_says_so(tmp_path):
    out = bureau.write_bureau_file(example_department(), None, tmp_path / "x.xlsx")
    rows = sheet_rows(out, bureau.SHEET_LINES)
    assert "校验问题（条）" not in rows[bureau.HEADER_ROW - 1]
    assert any("未经校验" in str(r[0]) for r in rows)
    assert {r["校验状态"] for r in table(sheet_rows(out, bureau.SHEET_PROJECTS))} == {"未校验"}


# -- --docx ----------------------------------------------------------------------------------------
def test_docx_route_writes_the_document(example_book, tmp_path):
    out = tmp_path / "绩效文本.docx"
    done = cli("export", str(example_book), "--docx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    back = read_docx(out)
    dept = load(example_book).department
    assert back.content() == dept.content()
    wrong = cli("export", str(example_book), "--docx", "-o", str(tmp_path / "x.xlsx"))
    assert wrong.returncode == 2 and ".docx" in wrong.stderr


# -- LibreOffice -------------------------------------------------------------------------------------
def test_pdf_without_libreoffice_is_a_clear_error(example_book, tmp_path):
    out = tmp_path / "报送.xlsx"
    done = cli("export", str(example_book), "-o", str(out), "--pdf",
               env={lo.ENV_SOFFICE: str(tmp_path / "no-soffice")})
    assert done.returncode == 2
    assert "未找到 LibreOffice" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()  # refused before writing anything


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(os.name != "posix", reason="fake soffice is a shell script")
def test_convert_timeout_kills_the_converter(tmp_path):
    marker = tmp_path / "still-running"
    fake = _fake_soffice(tmp_path, f"sleep 30 && touch {marker}")
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"x")
    start = time.monotonic()
    with pytest.raises(PerfXLError, match="超时"):
        lo.convert(src, tmp_path / "a.pdf", timeout=1, soffice=fake)
    assert time.monotonic() - start < 10
    assert not (tmp_path / "a.pdf").exists()
    time.sleep(0.5)
    assert not marker.exists()


@pytest.mark.skipif(os.name != "posix", reason="fake soffice is a shell script")
def test_convert_failure_is_reported(tmp_path):
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 1")
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"x")
    with pytest.raises(PerfXLError, match=r"未能转换.*could not be loaded"):
        lo.convert(src, tmp_path / "a.pdf", soffice=fake)
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.lo
def test_libreoffice_sees_values_only_and_the_same_figures(example_book, exported, tmp_path):
    dept, findings = model_and_findings(example_book)
    expected = independent_by_line(dept, findings)["合计"]
    risky = bureau.write_bureau_file(risky_department(), None, tmp_path / "risky.xlsx")
    line_cols = bureau.line_columns()
    total_row = bureau.first_data_row(line_cols) + len({p.funding_line for p in dept.projects})
    letters = {c.key: chr(ord("A") + j) for j, c in enumerate(line_cols)}
    name_row = bureau.first_data_row(bureau.project_columns(False))
    result, risky_result = probe([
        {"path": str(exported), "cells": {bureau.SHEET_LINES: [f"{letters[k]}{total_row}" for k in letters]}},
        {"path": str(risky), "cells": {bureau.SHEET_PROJECTS: [f"D{name_row + i}" for i in range(len(RISKY_NAMES))]}},
    ])
    for r in (result, risky_result):
        assert set(r["formulas"].values()) == {0}, r["formulas"]
        assert all(r["visible"].values())
        assert r["errors"] == {}
    got = result["values"][bureau.SHEET_LINES]
    assert got[f"A{total_row}"] == "合计"
    checks = {"项目数": "项目数", "预算数": "预算数", "财政资金": "财政资金", "其他资金": "其他资金",
              **{f"{cp}累计支出": f"计划累计支出/{cp}" for cp in CHECKPOINTS},
              "错误": "校验问题（条）/错误", "警告": "校验问题（条）/警告"}
    for key, name in checks.items():
        assert got[f"{letters[key]}{total_row}"] == pytest.approx(float(expected[name])), key
    names = risky_result["values"][bureau.SHEET_PROJECTS]
    assert [names[f"D{name_row + i}"] for i in range(len(RISKY_NAMES))] == list(RISKY_NAMES)


@pytest.mark.lo
def test_cli_pdf(example_book, tmp_path):
    require_tools("soffice", "pdftotext")
    out = tmp_path / "报送.xlsx"
    done = cli("export", str(example_book), "-o", str(out), "--pdf")
    assert done.returncode == 0, done.stderr
    pdf = out.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "按资金来源" in text and "7,312.69" in text and "合计" in text
    assert "校验问题" in text and "第 1 页" in text  # the footer
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert shutil.which("soffice")
