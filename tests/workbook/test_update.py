"""In-place updates keep everything of the user's: values, notes, comments, VBA, buttons."""

import re
import shutil
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from openpyxl.comments import Comment
from support.lo import probe
from support.samples import indicators, sample_department

from perf_xl.errors import PerfXLError
from perf_xl.model import Project
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.update import updating


def vba_bytes(path):
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def vml_parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".vml")}


def button_count(vml: bytes) -> int:
    return len(re.findall(rb"<x:ClientData ObjectType=\"Button\"", vml))


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


def test_user_edits_vba_and_buttons_survive_an_update(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    before_vba, before_vml = vba_bytes(path), vml_parts(path)
    # The user edits the file (here with openpyxl, as Excel would save it).
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["01 国家赔偿"]
    ws[L.GOAL.cell] = "用户改写的绩效目标"
    ws[f"A{L.NOTES_ROW + 2}"] = "用户备注：本项目已与财政局沟通"
    ws["C12"].comment = Comment("用户批注", "张三")
    wb.save(path)
    # perf_xl updates a cell it owns.
    with updating(path) as book:
        book["02 综合事务经费"][L.STATUS] = "通过"
    after = openpyxl.load_workbook(path, keep_vba=True)
    ws = after["01 国家赔偿"]
    assert ws[L.GOAL.cell].value == "用户改写的绩效目标"
    assert ws[f"A{L.NOTES_ROW + 2}"].value == "用户备注：本项目已与财政局沟通"
    assert ws["C12"].comment.text == "用户批注"
    assert after["02 综合事务经费"][L.STATUS].value == "通过"
    assert vba_bytes(path) == before_vba
    after_vml = vml_parts(path)
    total_buttons = sum(button_count(v) for v in before_vml.values())
    assert total_buttons == len(L.HOME_BUTTONS) + 4 * len(L.PROJECT_BUTTONS)
    assert sum(button_count(v) for v in after_vml.values()) == total_buttons
    assert dangling_relationships(path) == []
    assert len(after[L.CODES_SHEET]["A2"].value) > 0
    assert after["01 国家赔偿"].data_validations.dataValidation  # drop-downs kept


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


def test_sixty_project_sheets_keep_every_button_and_comment(tmp_path):
    path = tmp_path / "big.xlsm"
    build_workbook(big_department(60), path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    names = wb.sheetnames[2:62]
    for name in names:
        wb[name]["C12"].comment = Comment(f"批注 {name}", "用户")
    wb.save(path)  # plain openpyxl loses the buttons of sheets 10+ here …
    build_workbook(big_department(60), path)  # … so start again from a clean build
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for name in names:
        wb[name]["C12"].comment = Comment(f"批注 {name}", "用户")
    from perf_xl.workbook.update import save_atomic
    save_atomic(wb, path)  # the guarded writer
    with updating(path) as book:  # and a second update on top
        book[names[-1]][L.STATUS] = "通过"
    after = openpyxl.load_workbook(path)
    for name in names:
        assert after[name]["C12"].comment.text == f"批注 {name}"
    assert dangling_relationships(path) == []
    [result] = probe([{"path": str(path)}])
    assert result["errors"] == {}
    for name in names:
        labels = [b["label"] for b in result["buttons"].get(name, [])]
        assert sorted(labels) == sorted(b.caption for b in L.PROJECT_BUTTONS), name
    assert len(result["buttons"][L.HOME_SHEET]) == len(L.HOME_BUTTONS)


def test_plain_openpyxl_really_loses_buttons_past_sheet_nine(tmp_path):
    """The bug the guarded writer exists for (so the guard is not guarding nothing)."""
    path = tmp_path / "big.xlsm"
    build_workbook(big_department(12), path)
    before = sum(button_count(v) for v in vml_parts(path).values())
    openpyxl.load_workbook(path, keep_vba=True).save(path)
    assert sum(button_count(v) for v in vml_parts(path).values()) < before


def test_failed_update_leaves_the_original_untouched(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    original = path.read_bytes()
    with pytest.raises(RuntimeError), updating(path) as book:
        book["01 国家赔偿"][L.GOAL.cell] = "改了一半"
        raise RuntimeError("boom")
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_comments_removed_leave_no_dangling_drawing(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    with updating(path) as book:
        book["01 国家赔偿"]["C12"].comment = Comment("临时", "perf_xl")
    with updating(path) as book:
        book["01 国家赔偿"]["C12"].comment = None
    assert dangling_relationships(path) == []
    after = openpyxl.load_workbook(path)
    assert after["01 国家赔偿"]["C12"].comment is None
    vml = b"".join(vml_parts(path).values())
    assert b'type="#_x0000_t202"' not in vml  # no stale note shapes
    assert b"<v:shape " in vml and b"ns0:" not in vml  # buttons kept, prefixes Excel reads


def test_update_refuses_a_renamed_xlsx(tmp_path):
    path = tmp_path / "book.xlsm"
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    shutil.copy(tmp_path / "plain.xlsx", path)
    with pytest.raises(PerfXLError, match="不含宏"), updating(path):
        pass
