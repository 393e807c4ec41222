import shutil

import openpyxl
import pytest
from support.samples import sample_department
from support.user_edit import edited as updating

from perf_xl.workbook import layout as L
from perf_xl.workbook.read import read_workbook


def test_build_then_read_gives_the_same_model(sample_book):
    back = read_workbook(sample_book)
    assert back.problems == []
    assert back.department.content() == sample_department().content()
    assert back.department.projects[1].plan[3] is None  # missing stays missing
    assert back.department.projects[0].sheet == "01 国家赔偿"


def _edit(src, dst, edit):
    shutil.copy(src, dst)
    with updating(dst) as book:
        edit(book)
    return read_workbook(dst)


def test_text_in_number_cells_is_kept_for_the_rules(sample_book, tmp_path):
    def edit(book):
        ws = book["01 国家赔偿"]
        ws[L.BUDGET.cell] = "十万"
        ws[L.PLAN[1].cell] = "待定"
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    project = back.department.projects[0]
    assert project.budget is None and project.invalid["budget"] == "十万"
    assert project.plan[1] is None and project.invalid["plan.1"] == "待定"


def test_percent_typed_as_text_is_understood(sample_book, tmp_path):
    def edit(book):
        book["01 国家赔偿"][L.PLAN[2].cell] = "83.33%"
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    assert str(back.department.projects[0].plan[2]) == "83.33"


def test_an_inserted_row_moves_the_map(sample_book, tmp_path):
    def edit(book):
        book["02 综合事务经费"].insert_rows(4)
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    assert back.problems == []
    before = read_workbook(sample_book).department.projects[1]
    after = back.department.projects[1]
    assert (after.code, after.budget, after.purpose, after.plan, after.indicators) == (
        before.code, before.budget, before.purpose, before.plan, before.indicators)


def test_a_caption_that_cannot_be_found_is_named(sample_book, tmp_path):
    def edit(book):
        book["02 综合事务经费"][L.LABELS[3].cell] = None  # 预算数
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    assert [p.seq for p in back.department.projects] == [1, 3, 4]  # the others still read
    (problem,) = [p for p in back.problems if p.sheet == "02 综合事务经费"]
    assert problem.code == "PT502" and problem.cell == "B4" and problem.fatal
    assert "找不到标题「预算数」" in problem.message and f"A1:{L.a1(*L.CAPTION_WINDOW)}" in problem.message


def test_deleted_header_row_and_empty_sheet(sample_book, tmp_path):
    def edit(book):
        book["03 市中级人民法院聘用制书记员工资"].delete_rows(L.IND_HEADER_ROW)
        ws = book["04 提前下达2024年省级基层公检法司转移支付资金"]
        ws.delete_rows(1, 200)
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    by_sheet = {}
    for p in back.problems:
        by_sheet.setdefault(p.sheet, []).append(p)
    header = by_sheet["03 市中级人民法院聘用制书记员工资"]
    assert any(p.cell == f"A{L.IND_HEADER_ROW}" and "一级指标" in p.message for p in header)
    assert "空的" in by_sheet["04 提前下达2024年省级基层公检法司转移支付资金"][0].message


def test_a_users_own_sheet_is_ignored(sample_book, tmp_path):
    def edit(book):
        book.create_sheet("备注").append(["随便写的", 1, 2])
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    assert back.problems == [] and len(back.department.projects) == 4


@pytest.mark.parametrize("value", [True, "abc"])
def test_odd_values_never_crash(sample_book, tmp_path, value):
    def edit(book):
        ws = book["01 国家赔偿"]
        for cell in (L.SEQ.cell, L.FISCAL.cell, L.PLAN[0].cell, "F12", "A12"):
            ws[cell] = value
    back = _edit(sample_book, tmp_path / "t.xlsm", edit)
    assert len(back.department.projects) == 4


def test_workbook_from_another_tool(tmp_path):
    from perf_xl.errors import PerfXLError

    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "金额"])
    wb.save(path)
    with pytest.raises(PerfXLError, match="不是 perf_xl 主工作簿"):
        read_workbook(path)


def test_sheets_parsed_by_two_threads_read_as_by_one(example_book, monkeypatch):
    """A large workbook's sheets are parsed by two threads (grid._parsed): the same grids,
    in the same order, as one thread gives — here with the threshold lowered to the example."""
    from perf_xl.workbook import grid

    monkeypatch.setattr(grid, "PARSE_THREADS", 1)
    names, serial = grid.load_grids(example_book)
    import concurrent.futures

    submitted = []

    class Counting(concurrent.futures.ThreadPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            submitted.append(args)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ThreadPoolExecutor", Counting)
    monkeypatch.setattr(grid, "PARSE_THREADS", 2)
    monkeypatch.setattr(grid, "PARSE_THREADS_FROM", 2)
    monkeypatch.setattr(grid, "_CHUNK", 3)
    monkeypatch.setattr(grid, "_cores", lambda: 2)
    names2, threaded = grid.load_grids(example_book)
    assert names2 == names and list(threaded) == list(serial) and len(serial) > 30
    assert len(submitted) == -(-len(serial) // 3)  # every sheet went through the threads
    for name in serial:
        assert threaded[name].raw == serial[name].raw and threaded[name].merges == serial[name].merges, name
    assert read_workbook(example_book).department.content() == grid_department(names, serial)


def grid_department(names, grids):
    from perf_xl.workbook.read import department_from_grids

    return department_from_grids(names, grids).department.content()


def test_a_damaged_sheet_in_a_threaded_read_is_one_message(tmp_path, example_book, monkeypatch):
    from support.damage import with_broken_sheet

    from perf_xl.errors import WorkbookError
    from perf_xl.workbook import grid

    bad = with_broken_sheet(example_book, tmp_path / "bad.xlsm", "xl/worksheets/sheet20.xml")
    monkeypatch.setattr(grid, "PARSE_THREADS_FROM", 2)
    monkeypatch.setattr(grid, "_cores", lambda: 2)
    with pytest.raises(WorkbookError) as caught:
        grid.load_grids(bad)
    assert "工作簿已损坏或无法读取" in str(caught.value)


@pytest.mark.parametrize(("value", "threads"), [(None, 2), ("1", 1), ("3", 3), ("0", 1), ("zwei", 2)])
def test_parse_threads_setting(monkeypatch, value, threads):
    from perf_xl.workbook import grid

    if value is None:
        monkeypatch.delenv("PERF_XL_PARSE_THREADS", raising=False)
    else:
        monkeypatch.setenv("PERF_XL_PARSE_THREADS", value)
    assert grid._parse_threads() == threads
