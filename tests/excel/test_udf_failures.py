"""What a PT_* cell shows when Python is not there or fails — a short Chinese text in every
case, never xlwings' raw COM error text:

- never imported (no xlwings_udfs module, WPS, LibreOffice): #NAME?, caught by the formula's
  IFERROR -> 「需启用 Python」 (tests/excel/test_native_formulas_lo.py sees it in LibreOffice);
- imported, Python raises: ``udfs._safe`` answers 「Python 出错：…」 (one line);
- imported, Python cannot be reached (interpreter not found, perf_xl not installed): the
  wrapper xlwings generates returns Err.Description; 「更新 Python 函数」 (RefreshFunctions)
  rewrites that line to PerfXLUdfError(Err.Description) -> 「Python 出错：…」. That VBA is run
  here by LibreOffice Basic over the real wrapper text xlwings generates.
"""

from __future__ import annotations

import inspect
import re

import pytest
from support.lo import probe
from support.xlwings_udfs import decorated_udfs, vba_wrappers

from perf_xl.excel import udfs
from perf_xl.resources import macros_dir
from perf_xl.workbook import formulas as F

BAS = (macros_dir() / "PerfXL.bas").read_text(encoding="ascii")


def test_a_python_failure_is_one_short_chinese_line():
    assert udfs._safe(lambda: 1 / 0)() == "Python 出错：ZeroDivisionError: division by zero"
    long = udfs._safe(lambda: (_ for _ in ()).throw(ValueError("x\n" * 200)))()
    assert long.startswith("Python 出错：ValueError: x x") and len(long) == udfs.MAX_ERROR
    assert "\n" not in long and long.endswith("…")


def test_a_perf_xl_error_reads_as_its_message():
    from perf_xl.errors import PerfXLError

    def fails():
        raise PerfXLError("支出计划模板「乱写」无法识别")

    assert udfs._safe(fails)() == "Python 出错：支出计划模板「乱写」无法识别"


def test_every_udf_is_wrapped_and_keeps_its_signature_for_xlwings():
    with decorated_udfs() as (_machinery, module):
        for name in udfs.UDFS:
            fn = getattr(module, name)
            assert fn.__wrapped__.__name__ == name  # _safe inside @xw.func
            xlf = fn.__xlfunc__
            assert [a["name"] for a in xlf["args"]] == list(
                inspect.signature(fn.__wrapped__).parameters), name


def test_the_vba_message_prefix_is_the_python_one():
    """PerfXL.bas stays ASCII: it spells 「Python 出错：」 with ChrW codes."""
    body = BAS[BAS.index("Public Function PerfXLUdfError"):]
    line = next(x for x in body.splitlines() if "PerfXLUdfError = " in x)
    codes = re.findall(r"ChrW\(&H([0-9A-F]+)\)", line)
    prefix = line.split('"')[1] + "".join(chr(int(c, 16)) for c in codes)
    assert prefix == udfs.PYTHON_ERROR


def test_refresh_macro_imports_patches_recalculates_and_asks_to_save():
    body = BAS[BAS.index("Sub RefreshFunctions()"):BAS.index("End Sub", BAS.index("Sub RefreshFunctions()"))]
    steps = [s.strip() for s in body.splitlines()[1:] if s.strip()]
    assert steps[0] == "ImportPythonUDFs"
    assert steps.index("PatchUdfFailures") < steps.index("Application.CalculateFull")
    assert steps[-1] == 'RunPython "import perf_xl.excel.buttons as b; b.functions_refreshed()"'


def test_the_cached_value_of_a_udf_cell_is_the_never_imported_text():
    assert F.UDF_FALLBACK == "需启用 Python"
    assert F.udf("PT_X(A1)") == '=IFERROR(PT_X(A1),"需启用 Python")'


@pytest.mark.lo
def test_libreoffice_basic_runs_the_patch_over_xlwings_real_wrappers(example_book):
    """The workbook's own PerfXL module (read back by oletools), run by LibreOffice Basic in
    its VBA mode over every line of the VBA xlwings generates for these functions."""
    from oletools.olevba import VBA_Parser

    with decorated_udfs() as (machinery, module):
        wrappers = vba_wrappers(machinery, module)
    lines = wrappers.splitlines()
    failing = [x for x in lines if x.strip().endswith("= Err.Description")]
    assert len(failing) == len(udfs.UDFS)  # one failure branch per function
    [source] = [code for _f, _s, name, code in VBA_Parser(str(example_book)).extract_macros()
                if name == "PerfXL.bas"]
    source = "Option VBASupport 1\n" + "\n".join(
        x for x in source.splitlines() if not x.startswith("Attribute "))
    descriptions = [
        "Could not activate Python COM server, hr = -2147221164 1000",
        "Traceback (most recent call last):\n  File \"x.py\", line 1\nModuleNotFoundError: "
        "No module named 'perf_xl'\n",
        "E" * 200,
    ]
    calls = ([{"macro": "PerfXL.PatchedUdfLine", "args": [x]} for x in lines]
             + [{"macro": "PerfXL.PerfXLUdfError", "args": [d]} for d in descriptions])
    [result] = probe([{"basic": {"PerfXL": source}, "calls": calls}])
    patched, messages = result["calls"][:len(lines)], result["calls"][len(lines):]
    for before, after in zip(lines, patched, strict=True):
        if before in failing:
            name = before.split("=")[0]
            assert after == f"{name}= PerfXLUdfError(Err.Description)", before
        else:
            assert after == before
    assert messages[0] == "Python 出错：Could not activate Python COM server, hr = -2147221164 1000"
    assert messages[1] == "Python 出错：ModuleNotFoundError: No module named 'perf_xl'"
    assert messages[2] == "Python 出错：" + "E" * 79 + "…"
