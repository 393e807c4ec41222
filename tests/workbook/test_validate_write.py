"""validate --write on the real example: the findings sheet, marks on the offending cells,
idempotent, nothing the user typed changed, VBA and buttons intact, LibreOffice happy."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook
from support.lo import probe

from perf_xl.workbook import layout as L
from perf_xl.workbook.patch import MARK_AUTHOR, MARK_COLORS

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "perf_xl", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def marks(path):
    """(sheet, cell) -> (fill colour, note text) of every mark perf_xl left."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                note = cell.comment
                if note is not None and note.author == MARK_AUTHOR:
                    out[(ws.title, cell.coordinate)] = (cell.fill.fgColor.rgb[-6:], note.text)
    return out


INPUT_CELLS = [f.cell for f in L.PROJECT_FIELDS] + [
    f"{c.col}{r}" for r in range(L.IND_FIRST_ROW, L.IND_LAST_ROW + 1) for c in L.IND_COLUMNS]


def inputs(path):
    """Every cell a user types in, on every project sheet."""
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names[2:-4]:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for ref in INPUT_CELLS:
            r, c = L.split_a1(ref)
            out[(name, ref)] = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else ""
    return out


def test_validate_write_marks_cells_and_is_idempotent(example_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(example_book, path)
    before_inputs = inputs(path)
    vba = zipfile.ZipFile(path).read("xl/vbaProject.bin")

    first = cli("validate", path, "--write", "--format", "json")
    assert first.returncode == 1, first.stderr  # the document has error-severity findings
    findings = json.loads(first.stdout)
    marked = marks(path)
    # every finding that names a cell is marked there, with its message, in its colour
    rank = {"info": 0, "warning": 1, "error": 2}
    worst: dict = {}
    for f in findings:
        if f["cell"]:
            key = (f["sheet"], f["cell"])
            worst[key] = max(worst.get(key, "info"), f["severity"], key=rank.get)
            assert f["message"] in marked[key][1]
    for key, severity in worst.items():
        assert marked[key][0] == MARK_COLORS[severity], key
    assert {c for c, _ in marked.values()} <= set(MARK_COLORS.values())
    cost = marked[("13 市中级人民法院聘用制书记员工资", "F15")]
    assert cost[0] == MARK_COLORS["error"] and "≤460万元 超过预算数 42.78万元" in cost[1]

    second = cli("validate", path, "--write", "--format", "json")
    assert json.loads(second.stdout) == findings
    assert marks(path) == marked
    assert inputs(path) == before_inputs  # nothing the user typed changed
    assert zipfile.ZipFile(path).read("xl/vbaProject.bin") == vba

    # the findings sheet: one row per finding, the cell column links to the cell
    ws = openpyxl.load_workbook(path)[L.FINDINGS_SHEET]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert len(rows) == len(findings)
    link = ws["G5"].hyperlink
    assert link is not None and link.location.endswith(f"!{findings[0]['cell']}")
    status = openpyxl.load_workbook(path)["13 市中级人民法院聘用制书记员工资"][L.STATUS].value
    assert status == "错误"

    # LibreOffice still opens it: no error cell anywhere, every button bound
    [result] = probe([{"path": str(path)}])
    assert result["errors"] == {}
    assert len(result["buttons"][L.HOME_SHEET]) == len(L.HOME_BUTTONS)
    project_sheets = [s for s in result["sheets"] if s[:2].isdigit()]
    assert all(len(result["buttons"][s]) == len(L.PROJECT_BUTTONS) for s in project_sheets)


def test_a_fixed_cell_loses_its_mark(example_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(example_book, path)
    cli("validate", path, "--write")
    sheet = "13 市中级人民法院聘用制书记员工资"
    assert (sheet, "F15") in marks(path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb[sheet]["F15"] = "≤42.78万元"
    wb.save(path)  # (plain openpyxl is fine here: only 首页 .. sheet 9 carry what it keeps)
    cli("validate", path, "--write")
    after = marks(path)
    assert (sheet, "F15") not in after
    cell = openpyxl.load_workbook(path)[sheet]["F15"]
    assert cell.fill.fill_type is None and cell.value == "≤42.78万元"


def test_validate_write_keeps_a_users_own_note(example_book, tmp_path):
    from openpyxl.comments import Comment
    from support.user_edit import edited as updating

    path = tmp_path / "book.xlsm"
    shutil.copy(example_book, path)
    sheet = "13 市中级人民法院聘用制书记员工资"
    with updating(path) as book:
        book[sheet]["F15"].comment = Comment("财务科：待与财政局确认", "李四")
    cli("validate", path, "--write")
    cli("validate", path, "--write")
    cell = openpyxl.load_workbook(path)[sheet]["F15"]
    assert cell.comment.text == "财务科：待与财政局确认" and cell.comment.author == "李四"
    assert cell.fill.fgColor.rgb[-6:] == MARK_COLORS["error"]


def test_broken_sheets_become_findings_not_crashes(sample_book, tmp_path):
    from support.user_edit import edited as updating

    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    with updating(path) as book:
        book["01 国家赔偿"][L.BUDGET.cell] = "十万"
        book["03 市中级人民法院聘用制书记员工资"].delete_rows(L.IND_HEADER_ROW)
        book["04 提前下达2024年省级基层公检法司转移支付资金"].delete_rows(1, 100)
    done = cli("validate", path, "--format", "json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    findings = json.loads(done.stdout)
    by_code = {}
    for f in findings:
        by_code.setdefault(f["code"], []).append(f)
    budget = by_code["PT202"][0]
    assert (budget["sheet"], budget["cell"]) == ("01 国家赔偿", L.BUDGET.cell) and "十万" in budget["message"]
    broken = {f["sheet"] for f in by_code["PT502"]}
    assert broken == {"03 市中级人民法院聘用制书记员工资", "04 提前下达2024年省级基层公检法司转移支付资金"}
    header = [f for f in by_code["PT502"] if f["cell"] == f"A{L.IND_HEADER_ROW}"]
    assert header and "一级指标" in header[0]["message"]
    # --write works on it too, and marks the cells the layout expected
    assert cli("validate", path, "--write").returncode == 1
    assert ("03 市中级人民法院聘用制书记员工资", f"A{L.IND_HEADER_ROW}") in marks(path)
