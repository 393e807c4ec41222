"""In-place updates keep everything of the user's: values, notes, VBA, buttons — and every
zip member the update does not own stays byte for byte what it was."""

import re
import shutil
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from openpyxl.comments import Comment
from support.lo import probe
from support.samples import indicators, sample_department
from support.user_edit import edited

from perf_xl.errors import PerfXLError
from perf_xl.model import Project
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.file_adapter import FileAdapter
from perf_xl.workbook.patch import Mark, Patch


def vba_bytes(path):
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def vml_parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".vml")}


def button_count(vml: bytes) -> int:
    return len(re.findall(rb"<x:ClientData ObjectType=\"Button\"", vml))


def members(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def dangling_relationships(path):
    """Relationship targets that point at parts missing from the package."""
    missing = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for rels in (n for n in names if n.endswith(".rels")):
            base = rels.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0]
            for target, mode in re.findall(rb'Target="([^"]+)"(?: TargetMode="(\w+)")?', z.read(rels)):
                if mode == b"External":
                    continue
                t = target.decode()
                full = t.lstrip("/") if t.startswith("/") else _join(base, t)
                if full not in names:
                    missing.append((rels, full))
    return missing


def _join(base, rel):
    parts = base.split("/") if base else []
    for piece in rel.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def update(path, patch):
    book = FileAdapter(path)
    book.apply(patch)
    book.save()


def test_user_edits_vba_and_buttons_survive_an_update(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    # The user edits the file (here with openpyxl; the sample has only 4 project sheets).
    with edited(path) as wb:
        ws = wb["01 国家赔偿"]
        ws[L.GOAL.cell] = "用户改写的绩效目标"
        ws[f"A{L.NOTES_ROW + 2}"] = "用户备注：本项目已与财政局沟通"
        ws["C12"].comment = Comment("用户批注", "张三")
    before = members(path)
    # perf_xl updates a cell it owns.
    update(path, Patch(values={("02 综合事务经费", L.STATUS): "通过"}))
    after_members = members(path)
    changed = {n for n in before if before[n] != after_members.get(n)}
    assert list(after_members) == list(before)  # same members, same order
    assert changed == {"xl/worksheets/sheet4.xml", "xl/workbook.xml"} - (
        set() if b"fullCalcOnLoad" not in before["xl/workbook.xml"] else {"xl/workbook.xml"})
    after = openpyxl.load_workbook(path, keep_vba=True)
    ws = after["01 国家赔偿"]
    assert ws[L.GOAL.cell].value == "用户改写的绩效目标"
    assert ws[f"A{L.NOTES_ROW + 2}"].value == "用户备注：本项目已与财政局沟通"
    assert ws["C12"].comment.text == "用户批注"
    assert after["02 综合事务经费"][L.STATUS].value == "通过"
    assert dangling_relationships(path) == []
    assert after["01 国家赔偿"].data_validations.dataValidation  # drop-downs kept


def test_untouched_members_are_copied_as_the_same_compressed_bytes(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    with zipfile.ZipFile(path) as z:
        raw_before = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
    update(path, Patch(values={("01 国家赔偿", L.PLAN[1].cell): D("0.55")}))  # (it holds 0.5)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        raw_after = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
    changed = {n for n in raw_before if raw_before[n] != raw_after[n]}
    assert changed == {"xl/worksheets/sheet3.xml"}
    data = path.read_bytes()
    original = sample_book.read_bytes()
    with zipfile.ZipFile(sample_book) as z:  # the compressed stream itself is the same
        vba = z.getinfo("xl/vbaProject.bin")
    with zipfile.ZipFile(path) as z:
        new_vba = z.getinfo("xl/vbaProject.bin")
    def raw(blob, info):
        n, m = int.from_bytes(blob[info.header_offset + 26:info.header_offset + 28], "little"), \
            int.from_bytes(blob[info.header_offset + 28:info.header_offset + 30], "little")
        start = info.header_offset + 30 + n + m
        return blob[start:start + info.compress_size]
    assert raw(data, new_vba) == raw(original, vba)


def big_department(n: int):
    dept = sample_department()
    base = dept.projects[0]
    dept.projects = [
        Project(seq=i, code=base.code, name=f"罚没安排—测试项目{i}（市法院）", budget=D(i),
                fiscal=D(i), plan=[D(25), D(50), D(75), D(100)], goal="目标",
                funding_line="罚没收入安排", indicators=indicators(f"≤{i}万元"))
        for i in range(1, n + 1)
    ]
    return dept


def test_sixty_project_sheets_keep_every_button_and_note(tmp_path):
    path = tmp_path / "big.xlsm"
    build_workbook(big_department(60), path)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames[2:62]
    before_vml = vml_parts(path)
    marks = [Mark(name, "C12", "warning", f"批注 {name}") for name in names]
    update(path, Patch(marks=marks))
    update(path, Patch(values={(names[-1], L.STATUS): "通过"}))  # and a second update on top
    after = openpyxl.load_workbook(path)
    for name in names:
        assert after[name]["C12"].comment.text == f"批注 {name}"
    assert dangling_relationships(path) == []
    after_vml = vml_parts(path)
    assert sum(map(button_count, after_vml.values())) == sum(map(button_count, before_vml.values()))
    # A sheet with known error results proves that the probe finds error cells at all.
    wrong = openpyxl.Workbook()
    wrong.active.title, wrong.active["A1"], wrong.active["B2"] = "错", "=1/0", "=NOSUCHFN(1)"
    wrong.save(tmp_path / "wrong.xlsx")
    result, broken = probe([{"path": str(path)}, {"path": str(tmp_path / "wrong.xlsx")}])
    assert broken["errors"] == {"错": [{"cell": "A1", "error": "#DIV/0!"}, {"cell": "B2", "error": "#NAME?"}]}
    assert result["errors"] == {}
    for name in names:
        labels = [b["label"] for b in result["buttons"].get(name, [])]
        assert sorted(labels) == sorted(b.caption for b in L.PROJECT_BUTTONS), name
    assert len(result["buttons"][L.HOME_SHEET]) == len(L.HOME_BUTTONS)


def test_plain_openpyxl_really_loses_buttons_past_sheet_nine(tmp_path):
    """Why the writer does not load and save the workbook with openpyxl."""
    path = tmp_path / "big.xlsm"
    build_workbook(big_department(12), path)
    before = sum(button_count(v) for v in vml_parts(path).values())
    openpyxl.load_workbook(path, keep_vba=True).save(path)
    assert sum(button_count(v) for v in vml_parts(path).values()) < before


def test_failed_update_leaves_the_original_untouched(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    original = path.read_bytes()
    book = FileAdapter(path)
    with pytest.raises(PerfXLError, match="没有工作表"):
        book.apply(Patch(values={("没有这张表", "A1"): 1}))
    book = FileAdapter(path)
    book.apply(Patch(values={("01 国家赔偿", L.GOAL.cell): "改了一半"}))
    del book  # never saved
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_notes_removed_leave_no_dangling_part_and_keep_the_buttons(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    before = members(path)
    update(path, Patch(marks=[Mark("01 国家赔偿", "C12", "error", "临时")]))
    mid = members(path)
    assert any(n.startswith("xl/comments") for n in mid)
    update(path, Patch(clear_marks=True))
    assert dangling_relationships(path) == []
    after = openpyxl.load_workbook(path)
    assert after["01 国家赔偿"]["C12"].comment is None
    assert after["01 国家赔偿"]["C12"].fill.fill_type is None
    now = members(path)
    assert not any(n.startswith("xl/comments") for n in now)
    vml = b"".join(v for n, v in now.items() if n.endswith(".vml"))
    assert b'type="#_x0000_t202"' not in vml  # no stale note shapes
    # The buttons' VML is the builder's again, byte for byte; so is everything else but
    # the sheet (its fill went back to a format styles.xml now also holds).
    assert {n for n in before if before[n] != now.get(n)} <= {
        "xl/worksheets/sheet3.xml", "xl/styles.xml", "xl/workbook.xml"}
    assert set(now) == set(before)


def test_update_refuses_a_renamed_xlsx(tmp_path):
    path = tmp_path / "book.xlsm"
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    shutil.copy(tmp_path / "plain.xlsx", path)
    with pytest.raises(PerfXLError, match="不含宏"):
        FileAdapter(path)


def test_validating_again_adds_no_format_and_restores_cleared_cells(example_book, tmp_path):
    """Marks recolour cells with formats found or added once; clearing them gives the cell
    its own format back, so a second and third run leave styles.xml as the first left it."""
    from perf_xl.operations import findings_of, read_book, validate_patch

    path = tmp_path / "book.xlsm"
    shutil.copy(example_book, path)
    states = []
    for _ in range(3):
        book = FileAdapter(path)
        read = read_book(book)
        book.apply(validate_patch(read, findings_of(read), source="x"))
        book.save()
        parts = members(path)
        # (校验结果 and the shared strings carry the time of the run)
        states.append({n: v for n, v in parts.items()
                       if n not in ("xl/worksheets/sheet43.xml", "xl/sharedStrings.xml")})
    assert states[1] == states[2]
    assert states[0]["xl/styles.xml"] == states[1]["xl/styles.xml"]
    update(path, Patch(clear_marks=True))
    assert members(path)["xl/styles.xml"] == states[2]["xl/styles.xml"]  # nothing new to clear


def _sheet_part(path, name):
    book = FileAdapter(path).book
    return book.sheets[name]


def test_a_formula_that_already_holds_its_value_is_no_edit_and_a_stale_one_is_rewritten(sample_book, tmp_path):
    """The adapter answers "does the cell already hold this formula and value?" from the read
    (not from the sheet's bytes): holding, the sheet part stays byte for byte; a stale cached
    value, or another formula, is rewritten."""
    from perf_xl.workbook.patch import Formula

    path = tmp_path / "b.xlsm"
    shutil.copy(sample_book, path)
    adapter = FileAdapter(path)
    sheet = next(n for n in adapter.sheet_names if adapter.book.formulas(n))
    grid = adapter.grid(sheet)
    ref, text = next((r, t) for r, t in grid.formulas.items() if t and grid.get(r) is not None)
    shown = grid.raw_at(*L.split_a1(ref))
    part = _sheet_part(path, sheet)
    before = members(path)[part]

    adapter.apply(Patch(values={(sheet, ref): Formula(text, shown)}))
    adapter.save()
    assert members(path)[part] == before  # nothing to write

    stale = "已变" if isinstance(shown, str) else (shown or 0) + 1
    adapter = FileAdapter(path)
    adapter.grid(sheet)
    adapter.apply(Patch(values={(sheet, ref): Formula(text, stale)}))
    adapter.save()
    assert members(path)[part] != before
    assert FileAdapter(path).grid(sheet).raw_at(*L.split_a1(ref)) == stale
