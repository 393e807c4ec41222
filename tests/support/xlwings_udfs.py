"""xlwings' own Windows UDF machinery, loaded on Linux for tests.

``xlwings/udfs.py`` (the code ImportPythonUDFs and the COM server run on Windows) imports
pywin32 at the top but uses it only when Excel calls in. With empty stand-ins for those
modules it loads here, and its real ``xlfunc`` / ``xlarg`` / ``xlret`` decorators and its
``generate_vba_wrapper`` (the VBA that ImportPythonUDFs puts into the workbook) run as on
Windows. ``decorated_udfs()`` imports a private copy of perf_xl.excel.udfs with those
decorators in place of the Linux no-ops, so its functions carry the real ``__xlfunc__``.

``udf_call`` follows ``xlwings.udfs.call_udf``: each argument through
``xlwings.conversion.read(None, value, options)``, the result through
``conversion.write``. That pipeline needs an engine named "excel"; ``ExcelEngineShim``
gives it the two data hooks of xlwings/_xlwindows.py's Engine for plain values (empty
cells are None when read, None is "" when written). Dates are not involved.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import types
from collections.abc import Iterator
from typing import Any

_WIN_MODULES = ("pythoncom", "pywintypes", "win32com", "win32com.client")


@contextlib.contextmanager
def windows_udf_machinery() -> Iterator[types.ModuleType]:
    """The module xlwings.udfs, loaded with stand-ins for pywin32 (removed afterwards)."""
    added = [m for m in _WIN_MODULES if m not in sys.modules]
    for name in added:
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pythoncom"].CoInitialize = lambda: None  # used by a thread pool's initializer
    sys.modules["pywintypes"].com_error = OSError
    sys.modules["win32com.client"].Dispatch = None
    sys.modules["win32com"].client = sys.modules["win32com.client"]
    try:
        spec = importlib.util.find_spec("xlwings.udfs")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.com_executor.shutdown(wait=False)
        yield module
    finally:
        for name in added:
            sys.modules.pop(name, None)


@contextlib.contextmanager
def decorated_udfs() -> Iterator[tuple[types.ModuleType, types.ModuleType]]:
    """(xlwings.udfs, a private copy of perf_xl.excel.udfs decorated by it)."""
    import xlwings

    with windows_udf_machinery() as machinery:
        saved = (xlwings.func, xlwings.arg, xlwings.ret)
        xlwings.func, xlwings.arg, xlwings.ret = machinery.xlfunc, machinery.xlarg, machinery.xlret
        try:
            spec = importlib.util.find_spec("perf_xl.excel.udfs")
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)  # not registered in sys.modules: a private copy
        finally:
            xlwings.func, xlwings.arg, xlwings.ret = saved
        yield machinery, module


def vba_wrappers(machinery: types.ModuleType, module: types.ModuleType,
                 module_name: str = "perf_xl.excel.udfs") -> str:
    """The VBA that ImportPythonUDFs writes into the workbook for ``module``."""

    class _Workbook:
        Name = "PerformanceTargets.xlsm"

    out = io.StringIO()
    machinery.generate_vba_wrapper(module_name, module, out, _Workbook())
    return out.getvalue()


class ExcelEngineShim:
    """The data hooks of xlwings._xlwindows.Engine, for plain values."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        return [[empty_as if c in ("", None) else
                 (number_builder(c) if number_builder is not None and isinstance(c, float) else c)
                 for c in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x, date_format):
        return "" if x is None else x


@contextlib.contextmanager
def excel_engine() -> Iterator[None]:
    import xlwings
    from xlwings.main import Engine

    engines = xlwings.engines
    had = "excel" in engines.engines_by_name
    if not had:
        engine = Engine(impl=ExcelEngineShim())
        engines.engines.append(engine)
        engines.engines_by_name["excel"] = engine
    try:
        yield
    finally:
        if not had:
            engines.engines.remove(engines.engines_by_name.pop("excel"))


def udf_call(func: Any, *com_args: Any) -> Any:
    """Call a decorated UDF as xlwings.udfs.call_udf does with values from Excel."""
    from xlwings import conversion

    info = func.__xlfunc__
    args = []
    for i, arg in enumerate(com_args):
        arg_info = info["args"][min(i, len(info["args"]) - 1)]
        args.append(conversion.read(None, arg, arg_info["options"]))
    for arg_info in info["args"][len(com_args):]:
        args.append(arg_info["optional"])  # an omitted optional argument
    return conversion.write(func(*args), None, info["ret"]["options"])
