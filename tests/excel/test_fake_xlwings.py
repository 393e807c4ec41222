"""The fake of xlwings is kept honest: each of its public names exists on the xlwings class
it stands for, as the same kind (property / method, settable or not), with the same
parameters; and where xlwings hands the call to its engine, the Windows engine
(xlwings/_xlwindows.py, read as source: it needs pywin32) implements it."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import xlwings
import xlwings.main as xm
from support import fake_xlwings as fake

CONTAINER = ("__getitem__", "__iter__", "__len__", "__contains__", "__eq__")
# Fake-only helpers the tests use to look inside; none may shadow a real name.
FAKE_ONLY = {"FakeSheet": {"cell", "peek", "merge_of"}, "FakeBook": {"from_file"}}
FAKES = [c for c in vars(fake).values() if inspect.isclass(c) and hasattr(c, "xlwings_class")]


def members(cls):
    for name, obj in vars(cls).items():
        if name == "xlwings_class" or name in FAKE_ONLY.get(cls.__name__, ()):
            continue
        if name.startswith("_") and name not in CONTAINER:
            continue
        if isinstance(obj, (property, staticmethod, classmethod)) or inspect.isfunction(obj):
            yield name, obj


def _params(fn):
    sig = inspect.signature(fn)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def test_the_fake_covers_the_classes_the_adapter_uses():
    names = {c.xlwings_class for c in FAKES}
    assert {"App", "Book", "Sheets", "Sheet", "Range", "Note", "Font", "Borders", "Charts", "Chart",
            "ChartSeriesCollection", "ChartSeries", "ChartLegend", "ChartAxis", "PageSetup"} <= names


@pytest.mark.parametrize("cls", FAKES, ids=lambda c: c.__name__)
def test_every_fake_name_is_the_same_kind_and_signature_in_xlwings(cls):
    real = getattr(xm, cls.xlwings_class)
    checked = 0
    for name, obj in members(cls):
        target = inspect.getattr_static(real, name, None)
        assert target is not None, f"{cls.xlwings_class}.{name} does not exist in xlwings"
        if isinstance(obj, property):
            assert isinstance(target, property), f"{cls.xlwings_class}.{name} is not a property"
            if obj.fset is not None:
                assert target.fset is not None, f"{cls.xlwings_class}.{name} is read-only in xlwings"
        else:
            assert not isinstance(target, property), f"{cls.xlwings_class}.{name} is a property"
            fn = obj.__func__ if isinstance(obj, (classmethod, staticmethod)) else obj
            real_fn = target.__func__ if isinstance(target, (classmethod, staticmethod)) else target
            assert _params(fn) == _params(real_fn), f"{cls.xlwings_class}.{name} signature differs"
        checked += 1
    assert checked
    for helper in FAKE_ONLY.get(cls.__name__, ()):
        assert inspect.getattr_static(real, helper, None) is None, helper


def _windows_members() -> dict[str, set[str]]:
    source = (Path(xlwings.__file__).parent / "_xlwindows.py").read_text(encoding="utf-8")
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {n.name for n in node.body
                              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return out


@pytest.mark.parametrize("cls", FAKES, ids=lambda c: c.__name__)
def test_what_xlwings_delegates_the_windows_engine_implements(cls):
    windows = _windows_members()
    real = getattr(xm, cls.xlwings_class)
    impl = windows.get(cls.xlwings_class, set())
    for name, _obj in members(cls):
        target = inspect.getattr_static(real, name)
        fns = [f for f in ((target.fget, target.fset) if isinstance(target, property) else (target,)) if f]
        for fn in fns:
            fn = fn.__func__ if isinstance(fn, (classmethod, staticmethod)) else fn
            try:
                source = inspect.getsource(fn)
            except (OSError, TypeError):
                continue
            if re.search(rf"\bimpl\.{re.escape(name)}\b", source):
                assert name in impl, (
                    f"xlwings {cls.xlwings_class}.{name} calls its engine, which on Windows "
                    f"does not implement it")


def test_freeze_panes_is_not_available_on_windows_so_the_adapter_does_not_use_it():
    # The reason perf_xl.excel.live freezes panes through the COM window (guarded) instead.
    assert "freeze_panes" not in _windows_members()["Sheet"]
    assert "freeze_panes" not in {n for n, _ in members(fake.FakeSheet)}
    source = Path(__file__).parents[2].joinpath("perf_xl/excel/live.py").read_text(encoding="utf-8")
    assert ".freeze_panes" not in source


def test_the_fake_behaves_like_excel_where_it_matters(tmp_path):
    book = fake.FakeBook("x.xlsm")
    sheet = book.sheets.add("S")
    sheet.range("A1").value = [[1, "=A1*2", "'=text"], [None, 2.5, True]]
    assert sheet.range("A1").value == 1.0 and isinstance(sheet.range("A1").value, float)
    assert sheet.range("B1").formula == "=A1*2" and sheet.range("C1").value == "=text"
    assert sheet.range("A1:C1").value == [1.0, None, "=text"]  # the formula is not computed
    assert sheet.range("A1:A2").options(ndim=2).value == [[1.0], [None]]
    with pytest.raises(TypeError):
        from decimal import Decimal

        sheet.range("D1").value = Decimal("1.5")
    sheet.range("A5:B5").merge()
    with pytest.raises(fake.MergedCellError):
        sheet.range("B4:B5").value = [[1], [2]]
    sheet.range("A5").value = "ok"  # the top-left cell stands for the merged area
    sheet.range("A4:B5").value = [[1, 2], ["x", None]]  # a block covering it whole
    assert sheet.range("B5").note is None
    note = sheet.range("B5").add_note("hi")
    with pytest.raises(ValueError):
        sheet.range("B5").add_note("again")
    assert [n.text for n in sheet.notes] == ["hi"] and note.location.address == "$B$5"
    assert sheet.used_range.address == "$A$1:$C$5"
