"""The owned sheets written without XlsxWriter (owned_xml) are what XlsxWriter writes.

Both renderings run side by side on the same workbook: the in-place writer's own XML and
the XlsxWriter path it falls back to (forced here by making ``_charts_in_place`` refuse).
They must give the same parts — cells, formats, strings, print names, charts and their
caches — up to XlsxWriter's optional row ``spans``."""

import datetime as dt
import io
import re
import shutil
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter

from perf_xl.cli import main
from perf_xl.workbook import editor, owned_sheets
from perf_xl.workbook.cells import Styles, _canon
from perf_xl.workbook.owned_xml import StyleMap
from perf_xl.workbook.parts import Package
from perf_xl.workbook.styles import STYLES


def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: re.sub(rb' spans="[^"]*"', b"", z.read(n)) for n in z.namelist()}


class _FixedClock:
    class datetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2025, 7, 1, 9, 30)

    class date(dt.date):
        @classmethod
        def today(cls):
            return dt.date(2025, 7, 1)


def _refuse(spec):
    raise AssertionError(f"XlsxWriter rendered {spec.name}")


def _both(book, tmp_path, monkeypatch, *commands, edit=None, redraw=False):
    """The workbook after ``commands``, written by owned_xml and through XlsxWriter
    (``redraw``: the charts are not in place, and both ways draw them with XlsxWriter)."""
    out = {}
    for way in ("own", "xlsxwriter"):
        (tmp_path / way).mkdir()
        path = tmp_path / way / "book.xlsm"  # (one name: 校验结果 names the file it checked)
        shutil.copy(book, path)
        if edit is not None:
            edit(path)
        with monkeypatch.context() as m:
            m.setattr(owned_sheets, "_dt", _FixedClock)  # (校验结果 says when: one minute for both)
            if way == "xlsxwriter":
                m.setattr(editor.Book, "_charts_in_place", lambda self, rels, spec: None)
            elif not redraw:
                m.setattr(editor, "_xlsxwriter_render", _refuse)
            for command in commands:
                assert main([command, str(path), "--write"]) in (0, 1)
        out[way] = _parts(path)
    return out["own"], out["xlsxwriter"]


def _same(own, theirs):
    assert own.keys() == theirs.keys()
    differ = [n for n in own if own[n] != theirs[n]]
    assert differ == []


def test_every_style_key_is_the_format_xlsxwriter_writes(tmp_path):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet()
    keys = [k for k in STYLES if not k.startswith("cf_")]  # (cf_*: conditional formats only)
    for i, key in enumerate(keys):
        ws.write_string(i, 0, key, book.add_format(STYLES[key]))
    book.close()
    (tmp_path / "styles.xlsx").write_bytes(buf.getvalue())
    pkg = Package(tmp_path / "styles.xlsx")
    styles = Styles(pkg, "xl/styles.xml")
    sheet = pkg.read("xl/worksheets/sheet1.xml").decode()
    theirs = {keys[int(r) - 1]: int(s) for r, s in re.findall(r'<c r="A(\d+)" s="(\d+)"', sheet)}
    before = len(styles._list("cellXfs"))
    mine = StyleMap(styles)
    # (XlsxWriter may write one format twice — "section" and "home_section": equal XML)
    assert {k: _resolved(styles, mine(k)) for k in keys} == {k: _resolved(styles, theirs[k]) for k in keys}
    assert len(styles._list("cellXfs")) == before  # every one found, none added


def _resolved(styles, index):
    """A cell format with its font, fill, border and number format in place of their ids."""
    xf = styles.xf(index)
    items = {name: [x for x in styles._list(name) if isinstance(x.tag, str)]
             for name in ("fonts", "fills", "borders", "numFmts")}
    codes = {n.get("numFmtId"): n.get("formatCode") for n in items["numFmts"]}
    attrs = {k: v for k, v in xf.attrib.items() if k not in ("fontId", "fillId", "borderId", "numFmtId")}
    return (_canon(items["fonts"][int(xf.get("fontId"))]), _canon(items["fills"][int(xf.get("fillId"))]),
            _canon(items["borders"][int(xf.get("borderId"))]),
            codes.get(xf.get("numFmtId"), xf.get("numFmtId")), sorted(attrs.items()),
            [_canon(c) for c in xf])


def test_both_owned_sheets_and_the_charts_equal_xlsxwriters(example_book, tmp_path, monkeypatch):
    own, theirs = _both(example_book, tmp_path, monkeypatch, "validate", "summary")
    _same(own, theirs)


def _raise_budget(path):
    """A project's budget typed anew (openpyxl would lose the VBA: the part is edited)."""
    pkg = Package(path)
    part = "xl/worksheets/sheet3.xml"
    data = pkg.read(part)
    cell = re.search(rb'<c r="C4"[^>]*><v>([^<]*)</v></c>', data)
    new = cell.group(0).replace(b"<v>" + cell.group(1) + b"</v>",
                                b"<v>" + str(Decimal(cell.group(1).decode()) + 500).encode() + b"</v>")
    pkg.put(part, data.replace(cell.group(0), new))
    pkg.save(path)


def test_changed_figures_refresh_the_chart_caches_as_xlsxwriter_would(example_book, tmp_path, monkeypatch):
    before = _parts(example_book)
    own, theirs = _both(example_book, tmp_path, monkeypatch, "summary", edit=_raise_budget)
    _same(own, theirs)
    assert own["xl/charts/chart1.xml"] != before["xl/charts/chart1.xml"]  # the 500 万元 show


def _move_chart(path):
    pkg = Package(path)
    part = "xl/drawings/drawing1.xml"
    data = pkg.read(part)
    pkg.put(part, data.replace(b"<xdr:from><xdr:col>", b"<xdr:from><xdr:col>1", 1))
    pkg.save(path)


def test_a_moved_chart_is_rendered_anew_at_its_place(example_book, tmp_path, monkeypatch):
    own, theirs = _both(example_book, tmp_path, monkeypatch, "summary", edit=_move_chart, redraw=True)
    _same(own, theirs)
    assert own["xl/drawings/drawing1.xml"] == _parts(example_book)["xl/drawings/drawing1.xml"]


@pytest.mark.parametrize("key", ["money", "link", "title", "home_money"])
def test_a_workbook_without_the_format_gets_it_added_once(tmp_path, key):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.add_worksheet().write_string(0, 0, "x")
    book.close()
    (tmp_path / "plain.xlsx").write_bytes(buf.getvalue())
    pkg = Package(tmp_path / "plain.xlsx")
    styles = Styles(pkg, "xl/styles.xml")
    n = len(styles._list("cellXfs"))
    first = StyleMap(styles)(key)
    assert first == n and len(styles._list("cellXfs")) == n + 1
    assert StyleMap(styles)(key) == first and len(styles._list("cellXfs")) == n + 1
