import zipfile
from decimal import Decimal
from pathlib import Path

from oletools.olevba import VBA_Parser
from python_calamine import CalamineWorkbook
from support.example import example_department
from support.samples import sample_department

from perf_xl.workbook import layout as L
from perf_xl.workbook.build import XLWINGS_SETTINGS, build_workbook
from perf_xl.workbook.vba import project_modules, xlwings_bas_path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook" / "PerformanceTargets.xlsm"


def test_sheet_order_and_names(sample_book):
    names = CalamineWorkbook.from_path(str(sample_book)).sheet_names
    assert names[:2] == [L.HOME_SHEET, L.DEPARTMENT_SHEET]
    assert names[-4:] == [L.SUMMARY_SHEET, L.FINDINGS_SHEET, L.CODES_SHEET, L.XLWINGS_CONF_SHEET]
    projects = names[2:-4]
    assert projects == ["01 国家赔偿", "02 综合事务经费", "03 市中级人民法院聘用制书记员工资",
                        "04 提前下达2024年省级基层公检法司转移支付资金"]
    assert all(len(n) <= 31 for n in names)


def test_vba_project_is_exactly_macros_plus_xlwings():
    """oletools (not our code) parses the committed workbook's VBA project: every module of
    macros/ and the installed xlwings module, each identical to its file, plus one document
    module per sheet."""
    parser = VBA_Parser(str(COMMITTED))
    found = {name.rsplit(".", 1)[0]: code for _f, _s, name, code in parser.extract_macros()}
    parser.close()
    files = [*sorted((ROOT / "macros").glob("*.bas")), xlwings_bas_path()]
    expected = {}
    for path in files:
        text = path.read_bytes().decode("ascii").replace("\r\n", "\n")
        name = text.split("\n", 1)[0].split("=", 1)[1].strip().strip('"')
        expected[name] = text.replace("\n", "\r\n")
    documents = {n for n in found if n == "ThisWorkbook" or n.startswith("Sheet")}
    assert set(found) - documents == set(expected) == {"PerfXL", "PerfXLLifecycle", "xlwings"}
    for name, source in expected.items():
        assert found[name] == source, f"module {name} differs from its file"
    sheets = CalamineWorkbook.from_path(str(COMMITTED)).sheet_names
    assert documents == {"ThisWorkbook", *(f"Sheet{i}" for i in range(1, len(sheets) + 1))}


def test_macros_are_ascii_and_name_their_python_functions():
    modules = {m.name: m.source for m in project_modules()}
    perfxl = modules["PerfXL"]
    perfxl.encode("ascii")
    modules["PerfXLLifecycle"].encode("ascii")
    for button in L.HOME_BUTTONS + L.PROJECT_BUTTONS:
        where = modules["PerfXLLifecycle"] if button in L.TRACK_BUTTONS else perfxl
        assert f"Sub {button.macro}()" in where
    assert 'RunPython "import perf_xl.excel.buttons' in perfxl


def test_xlwings_conf_sheet(sample_book):
    rows = CalamineWorkbook.from_path(str(sample_book)).get_sheet_by_name(
        L.XLWINGS_CONF_SHEET).to_python()
    settings = {r[0]: r[1] for r in rows[: len(XLWINGS_SETTINGS)]}
    assert settings["UDF Modules"] == "perf_xl.excel.udfs"
    assert settings["PYTHONPATH"] == ""
    assert settings["Interpreter_Win"] == "python"


def test_calamine_reads_the_model_values_at_layout_cells():
    """A second, independent reader finds every budget, plan value and indicator value of
    the real document where the layout says they are in the committed workbook."""
    book = CalamineWorkbook.from_path(str(COMMITTED))
    dept = example_department()
    names = book.sheet_names[2:-4]
    for project, name in zip(dept.projects, names, strict=True):
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)

        def at(ref, rows=rows):
            r, c = L.split_a1(ref)
            return rows[r - 1][c - 1]

        assert Decimal(repr(at(L.BUDGET.cell))) == project.budget
        assert at(L.CODE.cell) == project.code
        for i, ind in enumerate(project.indicators):
            for column in L.IND_COLUMNS:
                assert at(L.cell_of(column.key, i)) == getattr(ind, column.key)
        for i, pct in enumerate(project.plan):
            cell = at(L.PLAN[i].cell)
            assert (cell == "") if pct is None else (Decimal(repr(cell)) * 100 == pct)


def test_print_setup_and_freeze(sample_book):
    with zipfile.ZipFile(sample_book) as z:
        sheet = z.read("xl/worksheets/sheet3.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert 'paperSize="9"' in sheet and 'fitToPage="1"' in sheet and 'fitToHeight="0"' in sheet
    assert "&amp;A" in sheet and "&amp;P" in sheet  # footer: sheet name and page number
    assert '<pane ySplit="3"' in sheet
    assert "_xlnm.Print_Titles" in workbook and "_xlnm.Print_Area" in workbook
    assert sheet.count("<dataValidation ") >= 5


def test_more_than_40_indicators_are_built_and_read_back(tmp_path):
    """No fixed table size (issue 12): builder and reader agree on 60 indicators."""
    import openpyxl

    from perf_xl.workbook import layout as L
    from perf_xl.workbook.read import read_workbook

    dept = sample_department()
    base = dept.projects[0].indicators
    dept.projects[0].indicators = [base[i % len(base)] for i in range(60)]
    path = build_workbook(dept, tmp_path / "many.xlsm").path
    back = read_workbook(path)
    assert back.problems == []
    assert back.department.projects[0].indicators == dept.projects[0].indicators
    ws = openpyxl.load_workbook(path)[dept.projects[0].sheet]
    assert ws[f"A{L.notes_row(60)}"].value.startswith(L.IND_END_MARKER)
    assert ws.print_area == f"'{ws.title}'!$A$1:$G${L.indicator_row(59)}"
    # the native formulas over the table reach its 60th row too: the live count, the
    # monitoring block's per-row formulas and its totals, and the 汇总 counts by group
    last = L.indicator_row(59)
    assert f"$G${last}" in ws[L.FINDINGS_COUNT].value
    assert ws[f"{L.IND_GROUP_COLUMN.col}{last}"].value.startswith("=")
    assert ws[f"{L.TRACK_COLUMN['eval_score'].col}{last}"].value.startswith("=")
    assert f"${last}" in ws[L.TRACK_OUTPUT["indicator_score"].cell].value
    summary = openpyxl.load_workbook(path)[L.SUMMARY_SHEET]
    texts = " ".join(str(c.value) for row in summary.iter_rows() for c in row if isinstance(c.value, str))
    quoted = L.quote_sheet(ws.title)
    assert f"{quoted}${L.IND_GROUP_COLUMN.col}$12:${L.IND_GROUP_COLUMN.col}${last}" in texts
    assert f"{quoted}${L.IND_GROUP_COLUMN.col}$12:${L.IND_GROUP_COLUMN.col}$51" not in texts

def test_fast_formula_path_writes_what_xlsxwriter_would(tmp_path, monkeypatch):
    """The builder skips XlsxWriter's future-function rewrites; the bytes must not change."""
    import uuid
    import zipfile
    from datetime import date

    from support.example import example_department
    from xlsxwriter.worksheet import Worksheet

    from perf_xl.workbook import build

    fast, stock = tmp_path / "fast.xlsm", tmp_path / "stock.xlsm"
    fixed = {"today": date(2024, 1, 1), "project_id": uuid.UUID(int=1)}  # else a new ID each
    build_workbook(example_department(), fast, **fixed)
    monkeypatch.setattr(build, "_Worksheet", lambda book: Worksheet)
    build_workbook(example_department(), stock, **fixed)
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(stock) as b:
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] == []


def test_text_that_looks_like_xml_is_kept_as_text(tmp_path):
    from perf_xl.workbook.read import read_workbook

    dept = sample_department()
    dept.projects[0].name = "<r>x & y</r>"
    dept.projects[0].indicators[0].value = "<r>≤40 天</r>"
    dept.projects[1].goal = "=HYPERLINK(\"http://x\",\"y\")"
    path = tmp_path / "x.xlsm"
    build_workbook(dept, path)
    back = read_workbook(path).department
    assert back.content() == dept.content()
