"""Each button on the fake workbook (built from the real example file) leaves the same
cells, marks and findings as the CLI leaves in a copy of the same file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.cli import cli
from support.fake_xlwings import FakeBook, FakeSheet
from support.snapshots import book_state, differences, fake_charts, file_charts, file_state

from perf_xl.excel import buttons as B
from perf_xl.excel.live import NOTE_PREFIX, LiveAdapter
from perf_xl.operations import findings_of, read_book, status_text, validate_patch
from perf_xl.workbook import layout as L
from perf_xl.workbook.file_adapter import FileAdapter
from perf_xl.workbook.patch import Patch

NAME = "PerformanceTargets.xlsm"


@pytest.fixture
def pair(example_book, tmp_path) -> tuple[FakeBook, Path]:
    """(a fake open workbook, a copy of the same file for the CLI) with the same name."""
    for d in ("live", "cli"):
        (tmp_path / d).mkdir()
        shutil.copy(example_book, tmp_path / d / NAME)
    return FakeBook.from_file(tmp_path / "live" / NAME), tmp_path / "cli" / NAME


def _same(fake: FakeBook, path: Path) -> None:
    diff = differences(book_state(fake), file_state(path))
    assert not diff, "\n".join(diff[:30])


def _project_sheets(book: FakeBook) -> list[str]:
    return [p.sheet for p in read_book(LiveAdapter(book)).department.projects]


# -- 填充支出计划 -----------------------------------------------------------------------------------
def test_fill_button_does_what_perf_xl_fill_does(pair):
    fake, path = pair
    message = B.fill_spend_plan(book=fake)
    done = cli("fill", path)
    assert done.returncode == 0, done.stderr
    assert message.splitlines()[0] == done.stdout.splitlines()[-1] == "已填充 13 个项目的支出计划，1 处冲突"
    assert fake.app.alerts == [{"prompt": message, "title": "perf_xl", "buttons": "ok", "mode": "info"}]
    assert "与模板不同" in message  # the conflict is listed before the filled cells
    _same(fake, path)
    # One block write per sheet that changed, one bulk read per sheet.
    for sheet in fake.sheets:
        assert sheet.reads <= 1, sheet.name
        assert sheet.writes <= 1, sheet.name
    assert fake.app.calculation == "automatic" and fake.app.screen_updating
    assert fake.sheets.active.name == L.HOME_SHEET


def test_a_bad_profile_is_a_message_box_and_changes_nothing(pair):
    fake, _path = pair
    before = book_state(fake)
    message = B.fill_spend_plan(book=fake, profile="乱写")
    assert message.startswith("错误：无法识别的支出计划模板「乱写」")
    assert fake.app.alerts[-1]["mode"] == "critical"
    assert book_state(fake) == before


# -- 校验 ------------------------------------------------------------------------------------------
def test_validate_button_does_what_validate_write_does(pair):
    fake, path = pair
    message = B.validate(book=fake)
    done = cli("validate", path, "--write")
    assert done.returncode == 1, done.stderr
    cli_status = done.stdout.splitlines()[-1].split("；")[0]
    assert message.startswith(cli_status + "。") and cli_status.startswith("已校验 39 个项目：错误 32 处")
    _same(fake, path)
    # The same findings, read back from each workbook.
    findings = [f.to_dict() for f in findings_of(read_book(LiveAdapter(fake)))]
    assert findings == json.loads(cli("validate", path, "--format", "json").stdout)
    notes = [n for s in fake.sheets for n in s.notes]
    assert len(notes) == 60 and all(n.text.startswith(NOTE_PREFIX) for n in notes)
    # Per project sheet: E10 (merged, on its own) and J4:J7 in one write.
    for name in _project_sheets(fake):
        assert fake.sheets[name].writes == 2, name


def test_validating_twice_leaves_the_same_marks(pair):
    fake, _path = pair
    B.validate(book=fake)
    first = book_state(fake)
    B.validate(book=fake)
    assert differences(book_state(fake), first) == []


def test_the_users_own_note_and_fill_stay(pair):
    fake, _path = pair
    sheet = fake.sheets[_project_sheets(fake)[11]]  # 12: PT203 on B5 and PT204 on F15
    sheet.range("F15").add_note("我的批注")
    sheet.range("A20").color = "#00B0F0"
    B.validate(book=fake)
    B.validate(book=fake)
    assert sheet.range("F15").note.text == "我的批注"
    assert sheet.range("F15").color == (0xFF, 0xC7, 0xCE)  # marked, the message on 校验结果
    assert sheet.range("A20").color == (0x00, 0xB0, 0xF0)
    assert sheet.range("B5").note.text.startswith(NOTE_PREFIX + "PT203")


def test_validate_this_sheet_marks_only_it_and_keeps_the_others(pair):
    fake, path = pair
    B.validate(book=fake)
    sheets = _project_sheets(fake)
    other, mine = sheets[11], sheets[12]  # 12 and 13 both have findings
    kept = {n.location.address: n.text for n in fake.sheets[other].notes}
    assert kept
    fake.sheets[mine].activate()
    fake.sheets[mine].range("F15").value = "≤40万元"  # fixed by the user
    message = B.validate(book=fake, active_sheet_only=True)
    assert message.startswith("已校验 1 个项目") and mine in message
    assert {n.location.address: n.text for n in fake.sheets[other].notes} == kept
    # The file adapter applying the same operation to the same workbook agrees.
    on_file = FileAdapter(path)
    everything = read_book(on_file)
    on_file.apply(validate_patch(everything, findings_of(everything), source=NAME))
    on_file.apply(Patch(values={(mine, "F15"): "≤40万元"}))
    read = read_book(on_file, only_sheet=mine)
    findings = findings_of(read)
    on_file.apply(validate_patch(read, findings, source=NAME, only_sheet=mine))
    on_file.save()
    assert status_text(findings, read.department) in message
    fake_state, file_st = book_state(fake), file_state(path)
    fake_state.pop(L.FINDINGS_SHEET), file_st.pop(L.FINDINGS_SHEET)  # same run time differs
    diff = differences(fake_state, file_st)
    assert not diff, diff[:20]


def test_validate_this_sheet_on_a_sheet_that_is_not_a_project(pair):
    fake, _path = pair
    before = book_state(fake)
    fake.sheets[L.SUMMARY_SHEET].activate()
    message = B.validate(book=fake, active_sheet_only=True)
    assert "不是项目表" in message
    assert book_state(fake) == before


# -- 生成汇总表 ------------------------------------------------------------------------------------
def test_consolidate_button_does_what_summary_write_does(pair):
    fake, path = pair
    message = B.consolidate(book=fake)
    done = cli("summary", path, "--write")
    assert done.returncode == 0, done.stderr
    dept = read_book(FileAdapter(path)).department
    lines = len({p.funding_line for p in dept.projects})
    assert lines == 6 and str(dept.total_budget) == "7312.69"
    assert message == f"已重建「汇总」：39 个项目，{lines} 个资金来源，预算合计 7,312.69 万元"
    _same(fake, path)
    charts = file_charts(path, L.SUMMARY_SHEET)
    assert len(charts) == 2 and fake_charts(fake, L.SUMMARY_SHEET) == charts
    assert fake.sheet_names == file_state_names(path)


def file_state_names(path: Path) -> list[str]:
    return list(file_state(path))


# -- 导出报送文件 -----------------------------------------------------------------------------------
def test_export_for_bureau_writes_next_to_the_workbook(pair, cli_findings):
    from python_calamine import CalamineWorkbook

    from perf_xl.sinks.bureau import SHEET_FINDINGS, SHEET_LINES

    fake, _path = pair
    message = B.export_for_bureau(book=fake)
    target = Path(fake.fullname).with_name("PerformanceTargets_报送财政局.xlsx")
    assert target.exists() and message == f"已导出报送文件：{target}（39 个项目）"
    book = CalamineWorkbook.from_path(str(target))
    lines = book.get_sheet_by_name(SHEET_LINES).to_python()
    assert any("7312.69" in f"{v:.2f}" for row in lines if "合计" in row for v in row if isinstance(v, float))
    findings = [r for r in book.get_sheet_by_name(SHEET_FINDINGS).to_python() if r and isinstance(r[0], float)]
    assert len(findings) == len(cli_findings)


def test_export_needs_a_saved_workbook(pair):
    fake, _path = pair
    fake._fullname = "工作簿1"  # never saved: Excel has no folder for it
    message = B.export_for_bureau(book=fake)
    assert message == "错误：请先把工作簿保存到本机文件夹（报送文件写在工作簿旁边）"
    assert fake.app.alerts[-1]["mode"] == "critical"


# -- 新增项目表 ------------------------------------------------------------------------------------
def test_add_project_sheet_copies_the_layout_with_empty_inputs(pair):
    fake, _path = pair
    last = fake.sheets[_project_sheets(fake)[38]]
    built_fills = {k: c.fill for k, c in last.cells_data.items() if c.fill}  # tool labels
    B.validate(book=fake)  # the template sheet carries marks and counts now
    before = fake.sheet_names
    message = B.add_project_sheet(book=fake)
    assert message.startswith("已新增项目表「40 新项目」（序号 40）")
    names = fake.sheet_names
    assert names.index("40 新项目") == before.index(L.SUMMARY_SHEET)  # after 39, before 汇总
    assert fake.sheets.active.name == "40 新项目"
    new, template = fake.sheets["40 新项目"], fake.sheets[_project_sheets(fake)[38]]
    read = read_book(LiveAdapter(fake))
    project = read.department.projects[-1]
    assert not read.problems and project.sheet == "40 新项目" and project.seq == 40
    assert (project.code, project.name, project.budget, project.indicators, project.plan) == (
        "", "", None, [], [None] * 4)
    assert project.unit == read.department.projects[-2].unit  # the unit line stays
    # Formulas, formats, merges, widths as on the template; no marks, counts or status.
    assert new.merges == template.merges and new.col_widths == template.col_widths
    formulas = {k: c.formula for k, c in template.cells_data.items() if c.formula}
    assert {k: c.formula for k, c in new.cells_data.items() if c.formula} == formulas
    assert new.extras == template.extras  # validations, conditional formats, buttons
    assert not new.notes and {k: c.fill for k, c in new.cells_data.items() if c.fill} == built_fills
    assert template.notes  # the template keeps its marks
    assert all(new.range(c).value is None for c in (L.STATUS, *L.COUNT_CELLS, L.REVIEW_CELL))
    # And the next one is 41.
    B.add_project_sheet(book=fake)
    assert fake.sheet_names.index("41 新项目") == fake.sheet_names.index("40 新项目") + 1


def test_add_project_sheet_from_the_builders_template_when_no_project_is_left(pair):
    fake, _path = pair
    for name in _project_sheets(fake):
        fake.sheets[name].delete()
    message = B.add_project_sheet(book=fake)
    assert message.startswith("已新增项目表「01 新项目」（序号 1）")
    assert fake.sheet_names[:3] == [L.HOME_SHEET, L.DEPARTMENT_SHEET, "01 新项目"]
    read = read_book(LiveAdapter(fake))
    assert not read.problems and [p.seq for p in read.department.projects] == [1]
    assert fake.sheets["01 新项目"].range(L.FINDINGS_COUNT).formula.startswith(
        "=IFERROR(PT_FINDINGS_COUNT($A$1:$G$51,'部门整体'!$B$5)")
    assert len(fake.app.books) == 1  # the template workbook was closed


# -- buttons that stay bound ----------------------------------------------------------------------
def _bas_subs() -> set[str]:
    import re

    from perf_xl.resources import macros_dir

    text = "\n".join(p.read_text(encoding="ascii") for p in macros_dir().glob("*.bas"))
    return set(re.findall(r"^Sub (\w+)\(\)", text, re.M))  # public Subs: the macros


def _bindings(book: FakeBook, sheet: str) -> list[str]:
    return [shape.api.OnAction for shape in book.sheets[sheet].shapes]


def test_every_button_runs_a_macro_of_this_workbook_and_every_macro_has_a_button(pair):
    fake, _path = pair
    own = f"'{NAME}'!"
    macros = set()
    for sheet in fake.sheets:
        for action in _bindings(fake, sheet.name):
            assert action.startswith(own), (sheet.name, action)
            macros.add(action.removeprefix(own))
    layout = {b.macro for b in (*L.HOME_BUTTONS, *L.PROJECT_BUTTONS)}
    assert macros == layout == _bas_subs()  # 8 today; lifecycle buttons add to all three
    assert len(macros) >= 8


def test_a_new_project_sheet_from_the_template_file_is_rebound_to_this_workbook(pair):
    """The builder's blank sheet comes from a temporary template.xlsm: Excel copies its
    buttons still naming template.xlsm; add_project_sheet re-points them."""
    fake, _path = pair
    for name in _project_sheets(fake):
        fake.sheets[name].delete()
    B.add_project_sheet(book=fake)
    actions = _bindings(fake, "01 新项目")
    assert sorted(actions) == sorted(f"'{NAME}'!{b.macro}" for b in L.PROJECT_BUTTONS)


def test_rebind_points_a_foreign_button_here(pair, tmp_path):
    """A sheet copied into another workbook keeps buttons naming this one (Excel's way);
    rebind_buttons points them at the workbook they are in. Also after a copy within the
    workbook (新增项目表 from the last project sheet) every button names this workbook."""
    fake, _path = pair
    B.add_project_sheet(book=fake)
    assert sorted(_bindings(fake, "40 新项目")) == sorted(
        f"'{NAME}'!{b.macro}" for b in L.PROJECT_BUTTONS)
    other = FakeBook(str(tmp_path / "其他.xlsm"), app=fake.app)
    other._sheets.append(FakeSheet(other, "Sheet1"))
    fake.sheets["40 新项目"].copy(after=other.sheets["Sheet1"], name="外来")
    foreign = _bindings(other, "外来")
    assert foreign and all(a.startswith(f"'{NAME}'!") for a in foreign)  # still names us
    assert B.rebind_buttons(other, "外来") == len(foreign)
    assert all(a.startswith("'其他.xlsm'!") for a in _bindings(other, "外来"))
    # A workbook name with an apostrophe is quoted as Excel quotes it.
    other._fullname = str(tmp_path / "O'Neil.xlsm")
    B.rebind_buttons(other, "外来")
    assert _bindings(other, "外来")[0].startswith("'O''Neil.xlsm'!")


# -- 更新 Python 函数 ----------------------------------------------------------------------------
def test_functions_refreshed_tells_the_user_to_save(pair):
    fake, _path = pair
    message = B.functions_refreshed(book=fake)
    assert "已导入 5 个 Python 函数" in message and "全部公式已重新计算" in message
    assert "请保存工作簿（Ctrl+S）" in message
    assert fake.app.alerts[-1]["mode"] == "info"
