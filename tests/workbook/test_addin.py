"""PerfXL.xlam (perf-xl addin) and the macro-free master workbook it drives
(perf-xl build --no-macros): oletools reads the add-in's VBA; its customUI is held element
by element against xlwings' own add-in (xlwings/addin/xlwings.xlam); LibreOffice opens it;
the .xlsx has no VBA part and the same sheets, formulas and charts as the .xlsm."""

from __future__ import annotations

import importlib.util
import inspect
import re
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser
from support.cli import cli
from support.lo import probe
from support.samples import sample_department

from perf_xl.excel import buttons
from perf_xl.workbook import addin as A
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.vba import project_modules

XLWINGS_ADDIN = Path(next(iter(
    importlib.util.find_spec("xlwings").submodule_search_locations))) / "addin" / "xlwings.xlam"
ID = uuid.UUID("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9")


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("addin") / "PerfXL.xlam"
    A.build_addin(path, project_id=ID)
    return path


def _xml(path: Path, part: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _rels(path: Path, part: str) -> dict[str, str]:
    """Type -> Target of a relationships part."""
    return {r.get("Type"): r.get("Target") for r in _xml(path, part)}


def _content_types(path: Path) -> dict[str, str]:
    """Part name -> content type, by Override or else by the Default of its extension (OPC)."""
    types = _xml(path, "[Content_Types].xml")
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types if d.get("Extension")}
    with zipfile.ZipFile(path) as z:
        out = {"/" + n: defaults.get(n.rsplit(".", 1)[-1].lower()) for n in z.namelist()}
    out.update({o.get("PartName"): o.get("ContentType") for o in types if o.get("PartName")})
    return out


def _run(*args):
    done = cli(*args)
    return done.returncode, done.stdout + done.stderr


# -- the package, as xlwings.xlam --------------------------------------------------------------
def test_package_parts_are_those_of_xlwings_addin(xlam):
    ours, theirs = _content_types(xlam), _content_types(XLWINGS_ADDIN)
    assert ours["/xl/workbook.xml"] == theirs["/xl/workbook.xml"] == A.ADDIN_CONTENT_TYPE
    assert ours["/xl/vbaProject.bin"] == theirs["/xl/vbaProject.bin"]
    assert _rels(xlam, "_rels/.rels")[A.CUSTOM_UI_REL] == A.CUSTOM_UI_PART
    assert _rels(XLWINGS_ADDIN, "_rels/.rels")[A.CUSTOM_UI_REL] == A.CUSTOM_UI_PART
    with zipfile.ZipFile(xlam) as z:
        assert A.CUSTOM_UI_PART in z.namelist()
        assert z.testzip() is None
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(xlam))
    assert book.sheet_names == [L.XLWINGS_CONF_SHEET]  # xlwings reads its settings here
    rows = book.get_sheet_by_name(L.XLWINGS_CONF_SHEET).to_python()
    conf = {r[0]: r[1] for r in rows[:9]}
    assert conf["UDF Modules"] == "perf_xl.excel.udfs"


# -- its VBA -------------------------------------------------------------------------------------
def test_oletools_reads_every_module_of_the_addin(xlam):
    found = {name.rsplit(".", 1)[0]: code for _f, _s, name, code in
             VBA_Parser(str(xlam)).extract_macros()}
    expected = {m.name: m.source for m in project_modules()}
    ribbon = A.ribbon_module("\r\n".join(s for n, s in expected.items() if n != "xlwings"))
    expected[ribbon.name] = ribbon.source
    assert set(found) == set(expected) | {"ThisWorkbook", "Sheet1"}
    for name, source in expected.items():
        assert found[name].replace("\r\n", "\n") == source.replace("\r\n", "\n"), name
    ribbon.source.encode("ascii")  # the VBA code page: ASCII only


def test_each_ribbon_callback_runs_the_buttons_python_on_the_active_workbook():
    bas = "\r\n".join(m.source for m in project_modules() if m.name != "xlwings")
    source = A.ribbon_module(bas).source
    subs = dict(re.findall(r"Sub (\w+)\(control As IRibbonControl\)\r\n(.*?)\r\nEnd Sub", source, re.S))
    assert set(subs) == {b.macro for b in (*L.HOME_BUTTONS, *L.PROJECT_BUTTONS)}
    workbook_calls = dict(re.findall(
        r'Sub (\w+)\(\)\r?\n\s*RunPython "import perf_xl\.excel\.buttons as b; (b\.\w+\(.*?\))"', bas))
    for macro, body in subs.items():
        if macro in workbook_calls:
            call = workbook_calls[macro]
            fn = call[2:call.index("(")]
            assert "book" in inspect.signature(getattr(buttons, fn)).parameters
            args = call[call.index("(") + 1:-1]
            want = f"b.{fn}({', '.join(a for a in (args, 'book=b.active_book()') if a)})"
            assert body.strip() == f'RunPython "import perf_xl.excel.buttons as b; {want}"'
    assert subs["GoHome"].strip() == "ActiveWorkbook.Worksheets(1).Activate"
    assert "PerfXL.RefreshFunctions" in subs["RefreshFunctions"]
    assert callable(buttons.active_book)


# -- its customUI, element by element against xlwings.xlam's -----------------------------------
def _elements(root):
    """(path of local tag names, element) for every element."""
    out = []

    def walk(el, path):
        tag = etree.QName(el).localname
        out.append(((*path, tag), el))
        for child in el:
            walk(child, (*path, tag))

    walk(root, ())
    return out


def test_custom_ui_uses_only_what_xlwings_ribbon_uses(xlam):
    ours, theirs = _xml(xlam, A.CUSTOM_UI_PART), _xml(XLWINGS_ADDIN, A.CUSTOM_UI_PART)
    assert etree.QName(ours).namespace == etree.QName(theirs).namespace == A.CUSTOM_UI_NS
    allowed: dict[tuple, set[str]] = {}
    for path, el in _elements(theirs):
        allowed.setdefault(path, set()).update(el.attrib)
    ids = []
    for path, el in _elements(ours):
        assert path in allowed, f"element {'/'.join(path)} is not in xlwings' ribbon"
        assert set(el.attrib) <= allowed[path], (path, set(el.attrib) - allowed[path])
        if "id" in el.attrib:
            ids.append(el.get("id"))
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", el.get("id"))  # ST_UniqueID
        for key in ("label", "screentip", "supertip"):
            if key in el.attrib:
                assert 0 < len(el.get(key)) <= 1024  # ST_String: at most 1024 characters
        if "size" in el.attrib:
            assert el.get("size") in ("normal", "large")  # ST_Size
    assert len(ids) == len(set(ids))
    [tab] = ours.iter(f"{{{A.CUSTOM_UI_NS}}}tab")
    assert tab.get("label") == "绩效目标"
    assert ours.find(f"{{{A.CUSTOM_UI_NS}}}ribbon").get("startFromScratch") == "false"


def test_every_on_action_names_a_callback_of_the_addin(xlam):
    found = {name.rsplit(".", 1)[0]: code for _f, _s, name, code in
             VBA_Parser(str(xlam)).extract_macros()}
    actions = [el.get("onAction") for el in _xml(xlam, A.CUSTOM_UI_PART).iter()
               if el.get("onAction")]
    assert len(actions) == len(L.HOME_BUTTONS) + len(L.PROJECT_BUTTONS)
    for action in actions:
        module, sub = action.split(".")
        # the callback signature Office calls a button's onAction with (as RibbonXlwings.bas)
        assert f"Sub {sub}(control As IRibbonControl)" in found[module], action
    labels = [el.get("label") for el in _xml(xlam, A.CUSTOM_UI_PART).iter() if el.get("onAction")]
    assert labels == [b.caption for b in (*L.HOME_BUTTONS, *L.PROJECT_BUTTONS)]


@pytest.mark.lo
def test_libreoffice_opens_the_addin(xlam):
    """LibreOffice does not detect an .xlam by its type (xlwings.xlam neither) but opens it
    with its Excel 2007-365 VBA filter, and loads the VBA project."""
    [result] = probe([{"path": str(xlam), "load_filter": "Calc MS Excel 2007 VBA XML"}])
    assert result["sheets"] == [L.XLWINGS_CONF_SHEET]
    assert {"PerfXL", "xlwings", "PerfXLRibbon"} <= set(result["basic_modules"])


def test_addin_command(tmp_path):
    out = tmp_path / "PerfXL.xlam"
    code, text = _run("addin", "-o", str(out))
    assert code == 0 and "功能区「绩效目标」" in text and out.exists()
    code, text = _run("addin", "-o", str(out))
    assert code == 2 and "已存在" in text
    code, text = _run("addin", "-o", str(tmp_path / "x.xlsm"))
    assert code == 2 and ".xlam" in text


# -- the macro-free master workbook ---------------------------------------------------------------
@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nomacros")
    xlsm, xlsx = folder / "book.xlsm", folder / "book.xlsx"
    build_workbook(sample_department(), xlsm)
    build_workbook(sample_department(), xlsx, with_macros=False)
    return xlsm, xlsx


def test_no_macros_workbook_has_no_vba_and_no_buttons(pair):
    _xlsm, xlsx = pair
    with zipfile.ZipFile(xlsx) as z:
        names = z.namelist()
        assert not [n for n in names if "vba" in n.lower() or n.endswith(".vml")]
        types = z.read("[Content_Types].xml").decode()
    assert "macroEnabled" not in types and "vbaProject" not in types
    home = openpyxl.load_workbook(xlsx)[L.HOME_SHEET]
    for button in L.HOME_BUTTONS:  # the command names stay, pointing at the ribbon
        assert home[button.cell].value == button.caption
    texts = " ".join(str(c.value) for row in home.iter_rows() for c in row if c.value)
    assert "「绩效目标」" in texts


def test_no_macros_workbook_has_the_same_sheets_formulas_and_charts(pair):
    xlsm, xlsx = pair
    a, b = openpyxl.load_workbook(xlsm, keep_vba=True), openpyxl.load_workbook(xlsx)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        cells_a = {c.coordinate: c.value for row in a[name].iter_rows() for c in row
                   if c.value is not None}
        cells_b = {c.coordinate: c.value for row in b[name].iter_rows() for c in row
                   if c.value is not None}
        if name == L.HOME_SHEET:  # only the heading of the command list differs
            diff = {k for k in cells_a.keys() | cells_b.keys() if cells_a.get(k) != cells_b.get(k)}
            assert len(diff) == 1, diff
            continue
        assert cells_a == cells_b, name
    with zipfile.ZipFile(xlsm) as za, zipfile.ZipFile(xlsx) as zb:
        charts = sorted(n for n in za.namelist() if n.startswith("xl/charts/"))
        assert charts and charts == sorted(n for n in zb.namelist() if n.startswith("xl/charts/"))
        for n in charts:
            assert za.read(n) == zb.read(n), n


def test_no_macros_from_the_command_line(tmp_path):
    from perf_xl.resources import example_path
    from perf_xl.workbook.read import read_workbook

    out = tmp_path / "PerformanceTargets.xlsx"
    code, text = _run("build", str(example_path()), "--no-macros", "-o", str(out))
    assert code == 0, text
    assert read_workbook(out).department.content() == read_workbook(
        Path(__file__).resolve().parents[2] / "workbook" / "PerformanceTargets.xlsm").department.content()
    code, text = _run("build", str(example_path()), "--no-macros", "-o", str(tmp_path / "x.xlsm"))
    assert code == 2 and ".xlsx" in text
    code, text = _run("build", str(example_path()), "-o", str(tmp_path / "y.xlsx"))
    assert code == 2 and "--no-macros" in text
