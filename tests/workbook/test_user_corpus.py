"""Workbooks users changed, made by real clients, updated in place by fill, validate --write
and summary --write: every zip member the update does not own stays byte for byte, the
owned cells hold what the operation meant, the user's formulas, picture, text box, chart,
sheet, validation and conditional format are intact, and export gives the same totals.

The corpus (built once per module):
- ``lo``: the example workbook edited in LibreOffice over UNO and saved by it as .xlsm
  (shared strings, cached values, its own drawings, Excel-2010 form controls);
- ``xlsxwriter``: the example workbook as XlsxWriter writes it with the same user content
  (formulas with their cached values, a picture, a text box, a chart, a sheet of the
  user's with a validation and a conditional format);
- ``openpyxl``: formulas typed by an openpyxl script (no cached values at all).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from unittest import mock
from xml.etree import ElementTree as ET

import pytest
from python_calamine import CalamineWorkbook
from support.example import example_department
from support.lo import probe, require_lo
from support.user_edit import edited

from perf_xl.cli import main as perf_xl
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.read import read_workbook

S1, S2 = "01 国家赔偿", "02 破产案件费用专项资金"  # C4 = E4+G4 on S1, B7 = 0.1+0.15 on S2
USER_SHEET = "用户表"
OPS = {"fill": ["fill"], "validate": ["validate", "--write"], "summary": ["summary", "--write"]}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
LO_USER = Path(__file__).resolve().parents[1] / "support" / "lo_user.py"


def png(path: Path) -> Path:
    raw = b"".join(b"\0" + bytes([200, 30 + 40 * (y % 4), 60]) * 16 for y in range(12))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 12, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


# -- the corpus ------------------------------------------------------------------------------------
def lo_edits(image: Path) -> list[dict]:
    return [
        {"kind": "value", "sheet": S1, "cell": "E4", "value": 60},
        {"kind": "value", "sheet": S1, "cell": "G4", "value": 40},
        {"kind": "formula", "sheet": S1, "cell": "C4", "formula": "=E4+G4"},
        {"kind": "formula", "sheet": S2, "cell": "B7", "formula": "=0.1+0.15"},
        {"kind": "picture", "sheet": S1, "image": str(image)},
        {"kind": "textbox", "sheet": S2, "text": "用户的文本框"},
        {"kind": "new_sheet", "sheet": USER_SHEET},
        {"kind": "value", "sheet": USER_SHEET, "cell": "A1", "value": "国家赔偿×2"},
        {"kind": "formula", "sheet": USER_SHEET, "cell": "B1", "formula": f"=$'{S1}'.C4*2"},
        {"kind": "value", "sheet": USER_SHEET, "cell": "B2", "value": 7},
        {"kind": "formula", "sheet": USER_SHEET, "cell": "B3", "formula": "=SUM(B1:B2)"},
        {"kind": "chart", "sheet": USER_SHEET, "name": "用户图表", "range": "A1:B3"},
        {"kind": "validation", "sheet": USER_SHEET, "range": "B2", "message": "应为正数"},
        {"kind": "condition", "sheet": USER_SHEET, "range": "B1:B3", "above": "100"},
    ]


def xlsxwriter_book(path: Path, image: Path) -> None:
    """The builder's workbook, with the user's content added by XlsxWriter before it closes."""
    import xlsxwriter

    close = xlsxwriter.Workbook.close

    def with_user_content(book):
        s1, s2 = book.get_worksheet_by_name(S1), book.get_worksheet_by_name(S2)
        if s1 is not None:
            budget = s1.table[3][2].number
            for (r, c), value in {(3, 4): budget - 40, (3, 6): 40}.items():
                s1.write_number(r, c, value, s1.table[r][c].format)
            s1.write_formula(3, 2, "=E4+G4", s1.table[3][2].format, budget)
            s2.write_formula(6, 1, "=0.1+0.15", s2.table[6][1].format, 0.25)
            s1.insert_image("I20", str(image))
            s2.insert_textbox("I30", "用户的文本框")
            user = book.add_worksheet(USER_SHEET)
            user.write_string(0, 0, "国家赔偿×2")
            user.write_formula(0, 1, f"='{S1}'!C4*2", None, budget * 2)
            user.write_number(1, 1, 7)
            user.write_formula(2, 1, "=SUM(B1:B2)", None, budget * 2 + 7)
            chart = book.add_chart({"type": "column"})
            chart.add_series({"categories": f"={USER_SHEET}!$A$1:$A$3", "values": f"={USER_SHEET}!$B$1:$B$3"})
            user.insert_chart("D2", chart)
            user.data_validation("B2", {"validate": "decimal", "criteria": ">=", "value": 0})
            user.conditional_format("B1:B3", {"type": "cell", "criteria": ">", "value": 100,
                                              "format": book.add_format({"bg_color": "#FFC7CE"})})
        return close(book)

    with mock.patch.object(xlsxwriter.Workbook, "close", with_user_content):
        build_workbook(example_department(), path)


@pytest.fixture(scope="module")
def corpus(example_book, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    image = png(folder / "picture.png")
    books = {}
    books["xlsxwriter"] = folder / "xlsxwriter.xlsm"
    xlsxwriter_book(books["xlsxwriter"], image)
    books["openpyxl"] = folder / "openpyxl.xlsm"
    shutil.copy(example_book, books["openpyxl"])
    with edited(books["openpyxl"]) as wb:
        wb[S1]["C4"] = "=E4+G4"
        wb[S1]["G4"] = 0
        wb[S2]["B7"] = "=0.1+0.15"
    # LibreOffice: one office process for the corpus.
    python = require_lo()
    books["lo"] = folder / "lo.xlsm"
    request = folder / "lo.json"
    request.write_text(json.dumps({"files": [{"path": str(example_book), "save_as": str(books["lo"]),
                                              "edits": lo_edits(image)}]}, ensure_ascii=False))
    done = subprocess.run([python, str(LO_USER), str(request)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all(r["saved"] for r in json.loads(done.stdout)["results"]), done.stdout
    return books


@pytest.fixture(scope="module")
def updated(corpus, tmp_path_factory) -> dict[tuple[str, str], tuple[Path, Path, int, str]]:
    """(corpus file, operation) -> (before, after, exit code, output), each on its own copy."""
    import contextlib
    import io

    out = {}
    folder = tmp_path_factory.mktemp("updated")
    for name, src in corpus.items():
        for op, args in OPS.items():
            path = folder / f"{name}-{op}.xlsm"
            shutil.copy(src, path)
            text = io.StringIO()
            with contextlib.redirect_stdout(text), contextlib.redirect_stderr(text):
                code = perf_xl([args[0], str(path), *args[1:]])
            out[(name, op)] = (src, path, code, text.getvalue())
    return out


# -- reading a package without the code under test ------------------------------------------------------
def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _resolve(base: str, target: str) -> str:
    import posixpath

    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(base), target))


def _rels(parts: dict[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    import posixpath

    name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if name not in parts:
        return {}
    return {r.get("Id"): (r.get("Type", "").rsplit("/", 1)[-1], _resolve(part, r.get("Target", "")))
            for r in ET.fromstring(parts[name]).iter(PKG + "Relationship") if r.get("TargetMode") != "External"}


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    rels = _rels(parts, "xl/workbook.xml")
    root = ET.fromstring(parts["xl/workbook.xml"])
    return {s.get("name"): rels[s.get(f"{{{NS['r']}}}id")][1] for s in root.iterfind("m:sheets/m:sheet", NS)}


def cells(xml: bytes) -> dict[str, tuple]:
    root = ET.fromstring(xml)
    out = {}
    for c in root.iterfind("m:sheetData/m:row/m:c", NS):
        f, v = c.find("m:f", NS), c.find("m:v", NS)
        out[c.get("r")] = (c.get("s"), c.get("t"), None if f is None else (f.text, tuple(sorted(f.attrib.items()))),
                           None if v is None else v.text, ET.tostring(c.find("m:is", NS)) if c.find("m:is", NS) is not None else None)
    return out


def rest_of_sheet(xml: bytes) -> list[bytes]:
    """Everything of a sheet part but its cells and the link to its notes' drawing."""
    root = ET.fromstring(xml)
    return [ET.tostring(el) for el in root
            if el.tag.rsplit("}", 1)[-1] not in ("sheetData", "legacyDrawing", "dimension")]


def buttons(vml: bytes) -> list[bytes]:
    return re.findall(rb"<x:FmlaMacro>[^<]*</x:FmlaMacro>", vml)


# -- the checks ----------------------------------------------------------------------------------------
OWNED_CELLS = {
    "fill": {f.cell for f in L.PLAN},
    "validate": {L.STATUS, *L.COUNT_CELLS, L.REVIEW_CELL},
    # summary --write also (re)writes every project sheet's 一级指标（续） column, which 汇总 counts.
    "summary": {f"{L.IND_GROUP_COLUMN.col}{r}" for r in range(L.IND_HEADER_ROW, L.IND_LAST_ROW + 1)},
}


@pytest.mark.parametrize("name", ["lo", "xlsxwriter", "openpyxl"])
@pytest.mark.parametrize("op", list(OPS))
def test_an_update_changes_only_what_it_owns(updated, name, op):
    src, path, code, output = updated[(name, op)]
    assert code in (0, 1), output  # 1: validate found errors
    before, after = members(src), members(path)
    assert [n for n in after if n in before] == list(before)  # nothing dropped, same order
    sheets = sheet_parts(before)
    projects = {n for n in sheets if n[:2].isdigit()}
    owned_sheets = {sheets[n] for n in (L.SUMMARY_SHEET, L.FINDINGS_SHEET) if n in sheets}
    changed = {n for n in before if before[n] != after[n]}
    package = {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml"}
    owned = set(package) | owned_sheets
    for sheet in owned_sheets:  # an owned sheet's charts are owned too
        for kind, target in _rels(before, sheet).values():
            if kind == "drawing":
                owned |= {target, *(t for _k, t in _rels(before, target).values())}
                owned.add(target.replace("drawings/", "drawings/_rels/") + ".rels")
    for n in projects:
        part = sheets[n]
        owned |= {part, part.replace("worksheets/", "worksheets/_rels/") + ".rels"}
        owned |= {t for k, t in _rels(before, part).values() if k in ("vmlDrawing", "comments")}
    assert changed <= owned, sorted(changed - owned)
    # The user's own parts, named: VBA, pictures, drawings, charts, their sheet.
    for n in before:
        if n.startswith(("xl/media/", "xl/vbaProject", "xl/ctrlProps/", "docProps/", "xl/theme/")):
            assert before[n] == after[n], n
    assert before[sheets[USER_SHEET]] == after[sheets[USER_SHEET]] if USER_SHEET in sheets else True
    # Project sheets: only the owned cells (and the cells marked) changed; the rest of the
    # sheet (columns, merges, validations, conditional formats, drawings) is as it was.
    for n in projects:
        part = sheets[n]
        a, b = cells(before[part]), cells(after[part])
        for ref in set(a) | set(b):
            if a.get(ref) == b.get(ref):
                continue
            if ref in OWNED_CELLS[op]:
                continue
            if op == "fill" and ref in L.PLAN_AMOUNTS:  # the formula stays; its value follows the plan
                assert a[ref][2][0] == b[ref][2][0] and b[ref][3] not in (None, ""), (n, ref, a[ref], b[ref])
                continue
            assert op == "validate" and a.get(ref, (None,))[1:] == b.get(ref, (None,))[1:], (n, ref, a.get(ref), b.get(ref))
        assert rest_of_sheet(before[part]) == rest_of_sheet(after[part]), n
        # the user's formulas and their results (a mark may recolour the cell)
        assert a["C4"][1:] == b["C4"][1:] and (n != S2 or a["B7"][1:] == b["B7"][1:])
        for kind, target in _rels(before, part).values():
            if kind == "vmlDrawing" and target in before:  # the buttons the notes' VML shares
                # (openpyxl's save leaves links to the VMLs of sheets 10+ it dropped)
                assert buttons(before[target]) == buttons(after[target]), n


@pytest.mark.parametrize("name", ["lo", "xlsxwriter", "openpyxl"])
def test_formulas_read_as_their_cached_values_and_count_as_written(updated, corpus, name):
    before = read_workbook(corpus[name]).department
    s1 = next(p for p in before.projects if p.sheet == S1)
    s2 = next(p for p in before.projects if p.sheet == S2)
    if name == "openpyxl":  # no cached values: the file shows nothing there
        assert s1.budget is None and s2.plan[0] is None
    else:
        assert s1.budget == s1.fiscal + s1.other and s2.plan[0] == Decimal(25)
    _src, path, _code, output = updated[(name, "fill")]
    assert f"「{S2}」" not in output or "B7）填入" not in output  # the formula was not filled over
    after = members(path)
    part = sheet_parts(after)[S2]
    f = cells(after[part])["B7"][2]
    assert f is not None and f[0] == "0.1+0.15"
    # every plan the fill completed reads back complete
    filled = read_workbook(path).department
    for p in filled.projects:
        if p.sheet not in (S2,) and p.plan_profile in ("", "序时进度"):
            assert all(v is not None for v in p.plan), p.sheet


@pytest.mark.parametrize("name", ["lo", "xlsxwriter"])
def test_validate_judges_the_cached_value_and_export_totals_stay(updated, corpus, name, tmp_path):
    _src, path, _code, _out = updated[(name, "validate")]
    findings = []
    import contextlib
    import io

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        perf_xl(["validate", str(path), "--format", "json"])
    findings = json.loads(text.getvalue())
    assert not [f for f in findings if f["sheet"] == S1 and f["cell"] == L.BUDGET.cell
                and f["code"] in ("PT201", "PT202")], "a formula budget read as missing"
    totals = {}
    for label, book in (("before", corpus[name]), *((op, updated[(name, op)][1]) for op in OPS)):
        out = tmp_path / f"{label}.xlsx"
        assert perf_xl(["export", str(book), "-o", str(out)]) == 0
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("按资金来源汇总").to_python()
        totals[label] = next(r for r in rows if r and r[0] == "合计")[1:4]
    assert totals["before"] == totals["validate"] == totals["summary"], totals
    # fill changes plans, not amounts
    assert totals["fill"][:2] == totals["before"][:2]


def test_summary_totals_are_cached_for_readers_that_do_not_recalculate(updated):
    for name in ("lo", "xlsxwriter"):
        _src, path, _code, _out = updated[(name, "summary")]
        dept = read_workbook(path).department
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.SUMMARY_SHEET).to_python()
        total = next(r for r in rows if r and r[0] == "合计")
        assert abs(float(total[2]) - float(dept.total_budget)) < 1e-6, (name, total)


def test_every_result_opens_in_libreoffice_and_calamine_without_an_error_cell(updated, corpus):
    from oletools.olevba import VBA_Parser

    def modules(path):
        parser = VBA_Parser(str(path))
        try:
            return sorted((name, code) for _f, _s, name, code in parser.extract_macros())
        finally:
            parser.close()

    paths = [str(p) for p in corpus.values()] + [str(v[1]) for v in updated.values()]
    results = {r["path"]: r for r in probe([{"path": p} for p in paths])}
    for name, src in corpus.items():
        for op in OPS:
            path = updated[(name, op)][1]
            r, r0 = results[str(path)], results[str(src)]
            assert r["errors"] == {}, (name, op, r["errors"])
            assert r["buttons"] == r0["buttons"], (name, op)  # every button bound as before
            book = CalamineWorkbook.from_path(str(path))
            for sheet in book.sheet_names:
                for row in book.get_sheet_by_name(sheet).to_python():
                    bad = [v for v in row if isinstance(v, str) and v.startswith("#") and v.endswith(("!", "?", "A"))]
                    assert not bad, (name, op, sheet, bad)
            assert modules(path) == modules(src), (name, op)
