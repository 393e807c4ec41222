"""Every PT_* function the built workbook's formulas call exists in perf_xl.excel.udfs under
that exact name and is an xlwings UDF — checked with xlwings' own Windows machinery
(xlwings/udfs.py: the decorators and the VBA ImportPythonUDFs writes), loaded here with
stand-ins for pywin32; and the cells' arguments go through xlwings' conversion pipeline
as call_udf sends them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import openpyxl
import pytest
from support.xlwings_udfs import decorated_udfs, excel_engine, udf_call, vba_wrappers

from perf_xl.excel import udfs as plain_udfs
from perf_xl.workbook import build
from perf_xl.workbook import layout as L
from perf_xl.workbook.read import is_project_sheet

CALL = re.compile(r"\b(PT_[A-Z_]+)\(([^()]*)\)")


@pytest.fixture(scope="module")
def machinery():
    with decorated_udfs() as pair:
        yield pair


@pytest.fixture(scope="module")
def formula_calls(example_book):
    """(sheet, cell, function, [argument texts]) of every PT_* call in the workbook."""
    book = openpyxl.load_workbook(example_book, keep_vba=True)
    calls = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    for name, args in CALL.findall(cell.value):
                        calls.append((ws.title, cell.coordinate, name, args.split(",")))
    return calls


def test_the_conf_sheet_names_this_module():
    settings = dict(build.XLWINGS_SETTINGS)
    assert settings["UDF Modules"] == plain_udfs.__name__ == "perf_xl.excel.udfs"


def test_every_function_the_sheets_call_is_a_udf_of_that_name(machinery, formula_calls):
    xl, module = machinery
    used = {name for _s, _c, name, _a in formula_calls}
    assert used == {"PT_CODE_CHECK", "PT_CHECK", "PT_FINDINGS_COUNT"}
    assert len(formula_calls) == 39 * (2 + L.IND_CAPACITY)
    vba = vba_wrappers(xl, module)
    declared = {}
    for m in re.finditer(r"^Function (PT_\w+)\(([^)]*)\)", vba, re.M):
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        declared[m.group(1)] = (sum(1 for p in params if not p.startswith("Optional ")), len(params))
        # The wrapper calls back into this module under the same name.
        assert f'XLPy.CallUDF("perf_xl.excel.udfs", "{m.group(1)}"' in vba
    assert set(declared) == set(plain_udfs.UDFS) >= used
    for sheet, cell, name, args in formula_calls:
        low, high = declared[name]
        assert low <= len(args) <= high, (sheet, cell, name, args)
    # Every UDF is decorated (real metadata), as a function, in the perf_xl category.
    for name in plain_udfs.UDFS:
        info = getattr(module, name).__xlfunc__
        assert info["name"] == name and info["sub"] is False and info["category"] == "perf_xl"
        for arg in info["args"]:
            assert "convert" not in arg["options"], (name, arg)  # no annotation turned converter
        assert "convert" not in info["ret"]["options"]
        range_args = [a["name"] for a in info["args"] if a["options"].get("ndim") == 2]
        assert range_args, name  # ranges arrive 2-D, so a column stays a column


def test_the_source_decorates_each_udf_with_xw_func():
    """On Linux the decorators are no-ops, so also read the source: each PT_* carries @xw.func."""
    tree = ast.parse(Path(plain_udfs.__file__).read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("PT_"):
            found[node.name] = [ast.unparse(d) for d in node.decorator_list]
            # xlwings reads annotations as converters: none on a UDF.
            assert node.returns is None and not any(a.annotation for a in node.args.args), node.name
            assert not node.args.kwonlyargs, node.name  # xlwings refuses keyword-only arguments
    assert set(found) == set(plain_udfs.UDFS)
    for name, decorators in found.items():
        assert decorators[0].startswith("xw.func"), name
    # Only perf_xl/excel/ imports xlwings.
    root = Path(plain_udfs.__file__).parents[1]
    importers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                       if re.search(r"^\s*(import xlwings|from xlwings)", p.read_text(encoding="utf-8"), re.M))
    assert importers and all(p.startswith("excel/") for p in importers), importers


def _com_value(grids, sheet: str, ref: str):
    """What Excel's COM hands over for an argument: a scalar for one cell, rows of values
    (tuples) for a range; the sheet name may prefix the reference."""
    if "!" in ref:
        quoted, ref = ref.rsplit("!", 1)
        sheet = quoted.strip("'").replace("''", "'")
    grid = grids[sheet]
    first, _, last = ref.replace("$", "").partition(":")
    r1, c1 = L.split_a1(first)
    if not last:
        return grid.at(r1, c1)
    r2, c2 = L.split_a1(last)
    return tuple(tuple(grid.at(r, c) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))


def test_cells_through_xlwings_conversion_give_the_direct_results(machinery, formula_calls, example_grids):
    _xl, module = machinery
    _names, grids = example_grids
    sheets = [s for s in dict.fromkeys(c[0] for c in formula_calls) if is_project_sheet(s, grids[s])]
    wanted = set(sheets[:6])
    seen = 0
    with excel_engine():
        for sheet, cell, name, args in formula_calls:
            if sheet not in wanted:
                continue
            values = [_com_value(grids, sheet, a) for a in args]
            direct = getattr(plain_udfs, name)(*values)
            via_excel = udf_call(getattr(module, name), *values)
            # ndim=2 makes a single cell [[x]]: Excel shows the one value.
            shown = via_excel[0][0] if isinstance(via_excel, list) else via_excel
            assert shown == direct, (sheet, cell, name)
            seen += 1
    assert seen == 6 * (2 + L.IND_CAPACITY)
