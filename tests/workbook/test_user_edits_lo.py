"""Issue 12: a workbook a user changed in LibreOffice is still understood, never miscounted.

All files are made in ONE LibreOffice session (tests/support/lo_edit.py over UNO): rows
inserted at the top and inside the header, a column inserted, a sheet renamed, the user's
own sheets added, 60 indicators typed, plan cells merged, and a plain save.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from support.cli import cli
from support.lo import require_lo

from perf_xl.operations import findings_of
from perf_xl.workbook.read import read_workbook

pytestmark = pytest.mark.lo

EDIT = Path(__file__).resolve().parents[1] / "support" / "lo_edit.py"
S1, S2, S3, S4, S5 = ("01 国家赔偿", "02 破产案件费用专项资金", "03 综合事务经费", "04 综合业务经费",
                      "05 人民法院工作人员法定工作日外加班补贴")
TOTAL = Decimal("7312.69")


def _indicator_cells(first: int, count: int, start: int = 1) -> dict[str, object]:
    cells: dict[str, object] = {}
    for i in range(count):
        r, n = first + i, start + i
        cells |= {f"A{r}": "产出指标", f"B{r}": "数量指标", f"C{r}": f"指标{n}",
                  f"D{r}": f"第{n}个指标", f"F{r}": f"≥{n}个", f"G{r}": "计划标准"}
    return cells


SCENARIOS = {
    "saved": [],
    "top_rows": [["insert_rows", S4, 1, 2], ["set", S4, {}]],
    "header_row": [["insert_rows", S1, 5, 1]],  # between 预算数 (4) and 资金用途 (5)
    "column": [["insert_cols", S2, 3, 1]],  # a column before C
    "renamed_and_own_sheets": [["rename", S3, "综合事务（改名）"],
                               ["add_sheet", "2024 对账", {"A1": "项目编码", "B1": "预算数", "A2": "13070024P1",
                                                           "B2": 500, "A3": "资金来源", "A4": "预算规模及资金用途"}],
                               ["add_sheet", "99 我的笔记", {"A1": "备忘", "A3": "项目编码"}]],
    # 60 indicators: rows 12–51 typed full, 20 rows inserted before the notes and typed too,
    # and then 2 rows inserted above everything.
    "sixty": [["set", S5, _indicator_cells(12, 40)], ["insert_rows", S5, 52, 20],
              ["set", S5, _indicator_cells(52, 20, 41)], ["insert_rows", S5, 1, 2]],
    "merged_plan": [["merge", S3, "D7:E7"]],
    "typed_below": [["set", S2, _indicator_cells(55, 1, 99)]],  # below the 填表说明 line
    # a column before C and two rows at the top, then the tool writes (see the test below)
    "moved_then_written": [["insert_cols", S2, 3, 1], ["insert_rows", S2, 1, 2]],
}


@pytest.fixture(scope="module")
def edited(example_book, tmp_path_factory) -> dict[str, Path]:
    python = require_lo()
    folder = tmp_path_factory.mktemp("lo-edits")
    files = [{"src": str(example_book), "dst": str(folder / f"{name}.xlsm"), "ops": ops}
             for name, ops in SCENARIOS.items()]
    with tempfile.TemporaryDirectory() as tmp:
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([python, str(EDIT), str(request)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)["results"]
    assert all(r["ok"] for r in results), results
    return {name: folder / f"{name}.xlsm" for name in SCENARIOS}


def _copy(path: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(path, tmp_path / path.name))


def _same_projects(path: Path, example_book: Path, *, renamed: dict[str, str] | None = None):
    original = read_workbook(example_book).department
    back = read_workbook(path)
    assert [p.message for p in back.problems] == []
    assert back.department.total_budget == TOTAL
    for a, b in zip(original.projects, back.department.projects, strict=True):
        assert b.sheet == (renamed or {}).get(a.sheet, a.sheet)
        assert (b.code, b.budget, b.plan, b.indicators) == (a.code, a.budget, a.plan, a.indicators), b.sheet
    return back


def test_a_libreoffice_save_keeps_every_project(edited, example_book):
    _same_projects(edited["saved"], example_book)


@pytest.mark.parametrize("scenario", ["top_rows", "header_row", "column"])
def test_inserted_rows_and_columns_move_the_map(edited, example_book, scenario):
    _same_projects(edited[scenario], example_book)


def test_export_after_a_row_insert_counts_every_project(edited, tmp_path):
    book = _copy(edited["top_rows"], tmp_path)
    done = cli("export", book, "-o", tmp_path / "out.xlsx")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("已导出") and "39 个项目，预算合计 7312.69 万元" in done.stdout


def test_findings_and_patches_name_the_found_cells(edited, tmp_path):
    book = _copy(edited["top_rows"], tmp_path)
    read = read_workbook(book)
    found = {(f.sheet, f.code, f.cell) for f in findings_of(read)}
    original = {(f.sheet, f.code, f.cell) for f in findings_of(read_workbook(edited["saved"]))}

    def shifted(cell: str) -> str:
        from perf_xl.workbook.layout import a1, split_a1

        r, c = split_a1(cell)
        return a1(r + 2, c)

    assert {(s, k, shifted(c) if s == S4 and c else c) for s, k, c in original} == found
    # fill writes the 12月底 of 03 (E7, untouched sheet) and nothing into 04's moved rows
    before = read.department.projects[3]
    done = cli("fill", book, "--overwrite", "--profile", "一次性（12月底）")
    assert done.returncode == 0, done.stderr
    after = read_workbook(book).department.projects[3]
    assert after.sheet == S4 and after.plan == [0, 0, 0, 100] and after.budget == before.budget
    assert after.indicators == before.indicators and after.code == before.code


def test_renamed_sheet_is_still_a_project_and_own_sheets_are_left_alone(edited, example_book, tmp_path):
    _same_projects(edited["renamed_and_own_sheets"], example_book, renamed={S3: "综合事务（改名）"})
    book = _copy(edited["renamed_and_own_sheets"], tmp_path)
    done = cli("validate", book, "--write", "--format", "json")
    assert done.returncode == 1, done.stderr
    sheets = {f["sheet"] for f in json.loads(done.stdout)}
    assert "2024 对账" not in sheets and "99 我的笔记" not in sheets
    assert not any(f["code"] == "PT502" for f in json.loads(done.stdout))
    import openpyxl

    wb = openpyxl.load_workbook(book)
    for own in ("2024 对账", "99 我的笔记"):  # no marks, no notes in the user's sheets
        ws = wb[own]
        assert all(c.comment is None and c.fill.fill_type is None for row in ws.iter_rows() for c in row)


def test_sixty_indicators_are_all_read_validated_and_exported(edited, tmp_path):
    book = _copy(edited["sixty"], tmp_path)
    read = read_workbook(book)
    project = next(p for p in read.department.projects if p.sheet == S5)
    assert len(project.indicators) == 60
    assert project.indicators[59].level3 == "指标60" and project.indicators[40].level3 == "指标41"
    # the indicators typed in 12..51 and 52..71 are now, after 2 rows at the top, in 14..73
    from perf_xl.workbook.read import cell_of

    assert cell_of(project, "F12") == "F14" and cell_of(project, "F71") == "F73"
    docx = tmp_path / "out.docx"
    done = cli("export", book, "--docx", "-o", docx)
    assert done.returncode == 0, done.stderr
    from perf_xl.importers.docx import read_docx

    again = next(p for p in read_docx(docx).projects if p.code == project.code)
    assert len(again.indicators) == 60


def test_merged_owned_cells_are_a_message(edited, tmp_path):
    book = _copy(edited["merged_plan"], tmp_path)
    before = book.read_bytes()
    done = cli("fill", book)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "E7" in done.stderr and "D7:E7" in done.stderr and S3 in done.stderr
    assert book.read_bytes() == before


def test_an_indicator_typed_below_the_table_is_a_finding_and_the_total_says_so(edited, tmp_path):
    book = _copy(edited["typed_below"], tmp_path)
    read = read_workbook(book)
    unplaced = [p for p in read.problems if p.sheet == S2]
    assert [p.cell for p in unplaced] == ["A55"] and not unplaced[0].fatal
    done = cli("export", book, "-o", tmp_path / "out.xlsx")
    assert done.returncode == 1
    assert "不完整" in done.stdout.splitlines()[0] and "A55" in done.stdout


def test_summary_and_consolidate_say_first_what_their_totals_leave_out(edited, tmp_path):
    book = _copy(edited["typed_below"], tmp_path)
    done = cli("summary", book)
    assert done.returncode == 1 and done.stdout.splitlines()[0].startswith("注意：合计不完整"), done.stdout
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(book, inbox / "单位.xlsm")
    done = cli("consolidate", inbox)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("注意：汇总不完整") and "A55" in done.stdout, done.stdout


def test_every_writer_writes_into_the_moved_cells_never_the_inserted_ones(edited, tmp_path):
    """fill, validate, summary and monitor --write on a sheet with a column inserted before C
    and two rows at the top: each result is in the cell its field moved to (一级指标（续） in
    M, the monitoring block from N, the status in F12), the inserted cells stay empty, and
    the file reads back as before."""
    import openpyxl

    from perf_xl.workbook import layout as L

    book = _copy(edited["moved_then_written"], tmp_path)
    for args in (("fill", "--overwrite", "--profile", "一次性（12月底）"), ("validate", "--write"), ("summary", "--write"), ("monitor", "--month", "6", "--write")):
        done = cli(*args, book)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (args, done.stderr)

    def moved(ref: str) -> str:
        r, c = L.split_a1(ref)
        return L.a1(r + 2, c + 1 if c >= 3 else c)

    wb = openpyxl.load_workbook(book)
    ws = wb[S2]
    inserted = [c for row in ws.iter_rows(min_row=1, max_row=2) for c in row] + [
        ws.cell(row=r, column=3) for r in range(1, ws.max_row + 1)]
    assert all(c.value is None for c in inserted), [(c.coordinate, c.value) for c in inserted if c.value is not None]
    assert ws[moved(L.STATUS)].value in ("通过", "警告", "错误")
    group = L.IND_GROUP_COLUMN
    assert ws[moved(f"{group.col}{L.IND_HEADER_ROW}")].value == group.caption
    formula = ws[moved(f"{group.col}13")].value
    assert formula.startswith("=") and "M14" in formula and "$D15" in formula, formula  # moved refs
    assert ws[moved(L.TRACK_MONTH.cell)].value == 6
    assert ws[moved(f"{L.TRACK_COLUMN['kind'].col}12")].value  # a helper of the first indicator
    assert ws[moved(L.PLAN[-1].cell)].value == 1  # 12月底 filled where it now is
    read = read_workbook(book)
    assert not [p for p in read.problems if p.fatal] and read.department.total_budget == TOTAL
