"""Open workbooks in LibreOffice over UNO, recalculate, and report what a real client sees.

Run with the interpreter that has python3-uno (Debian's /usr/bin/python3), not the
project's: ``/usr/bin/python3 lo_probe.py request.json`` prints one JSON object.

request.json: {"files": [{"path": ..., "cells": {"sheet": ["C4", ...]},
                          "copy_sheets": [{"from", "to"}]?, "import_sheets": [{"path", "sheet", "to"}]?,
                          "set": {"sheet": {"C4": 1.5}}, "save_as": "x.xlsx"?}]}
Per file it reports: sheets, error cells (sheet, cell, error code) after calculateAll(),
the number of formula cells and the visibility of each sheet,
the requested cell values (after any "set" edits and recalculation), and every form
control button (sheet, label, bound script URL). A request {"basic": {module: source},
"calls": [...]} runs Basic/VBA functions instead (see run_basic).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno  # python3-uno
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

FORMULA_RESULT_ERRORS = {
    501: "Err:501", 502: "Err:502", 503: "#NUM!", 504: "Err:504", 507: "Err:507",
    508: "Err:508", 509: "Err:509", 510: "Err:510", 511: "Err:511", 512: "Err:512",
    519: "#VALUE!", 521: "Err:521", 522: "Err:522", 523: "Err:523", 524: "#REF!",
    525: "#NAME?", 526: "Err:526", 527: "Err:527", 532: "#DIV/0!", 32767: "#N/A",
}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start_office(profile: str, pipe_prefix: str = "perfxl_"):
    """(process, desktop, remote context) of a headless office on its own profile and pipe."""
    pipe = pipe_prefix + uuid.uuid4().hex
    cmd = [
        shutil.which("soffice") or "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
        "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 60
    while True:
        try:
            ctx = resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.2)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return proc, desktop, ctx


def serve(handle, failed: dict, *, profile_prefix: str = "perfxl-lo-", pipe_prefix: str = "perfxl_",
          key: str = "path"):
    """Read the request named by argv[1], run ``handle(desktop, ctx, spec)`` on each of its
    files in one office process, print {"results": [...]}; a file that raises is reported
    as ``{key: spec[key], **failed, "exception"}`` and the others still run."""
    with open(sys.argv[1], encoding="utf-8") as fh:
        request = json.load(fh)
    profile = tempfile.mkdtemp(prefix=profile_prefix)
    proc, desktop, ctx = start_office(profile, pipe_prefix)
    results = []
    try:
        for spec in request["files"]:
            try:
                results.append(handle(desktop, ctx, spec))
            except Exception as exc:  # report, keep going with the others
                results.append({key: spec[key], **failed, "exception": repr(exc)})
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    json.dump({"results": results}, sys.stdout, ensure_ascii=False)


def cell_value(cell):
    err = cell.getError()
    if err:
        return {"error": FORMULA_RESULT_ERRORS.get(err, f"Err:{err}")}
    kind = cell.getType().value  # EMPTY VALUE TEXT FORMULA
    if kind == "EMPTY":
        return None
    if kind == "VALUE":
        return cell.getValue()
    if kind == "TEXT":
        return cell.getString()
    # FORMULA: com.sun.star.sheet.FormulaResult VALUE = 1, STRING = 2
    if cell.FormulaResultType2 == 1:
        return cell.getValue()
    return cell.getString()


def error_cells(sheet):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    last_row = cursor.getRangeAddress().EndRow
    last_col = cursor.getRangeAddress().EndColumn
    found = []
    if last_row < 0:
        return found
    rng = sheet.getCellRangeByPosition(0, 0, last_col, last_row)
    # Ask LibreOffice for the formula cells whose result is an error, in one call: a UNO
    # round trip per formula cell took minutes on the larger workbooks.
    from com.sun.star.sheet.FormulaResult import ERROR  # type: ignore[import-not-found]
    for addr in rng.queryFormulaCells(ERROR).getRangeAddresses():
        for r in range(addr.StartRow, addr.EndRow + 1):
            for c in range(addr.StartColumn, addr.EndColumn + 1):
                cell = sheet.getCellByPosition(c, r)
                err = cell.getError()
                if err:
                    found.append({"cell": cell.AbsoluteName.split(".")[-1].replace("$", ""),
                                  "error": FORMULA_RESULT_ERRORS.get(err, f"Err:{err}")})
    return found


def formula_count(sheet):
    """How many cells of the sheet hold a formula (0 for a values-only sheet)."""
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    addr = cursor.getRangeAddress()
    if addr.EndRow < 0:
        return 0
    from com.sun.star.sheet.CellFlags import FORMULA  # type: ignore[import-not-found]
    rng = sheet.getCellRangeByPosition(0, 0, addr.EndColumn, addr.EndRow)
    return sum((a.EndRow - a.StartRow + 1) * (a.EndColumn - a.StartColumn + 1)
               for a in rng.queryContentCells(FORMULA).getRangeAddresses())


def buttons(sheet):
    found = []
    forms = sheet.getDrawPage().getForms()
    for fi in range(forms.getCount()):
        form = forms.getByIndex(fi)
        for ci in range(form.getCount()):
            control = form.getByIndex(ci)
            events = form.getScriptEvents(ci)
            scripts = [e.ScriptCode for e in events]
            label = getattr(control, "Label", "")
            found.append({"name": control.Name, "label": label, "scripts": scripts})
    return found


def probe(desktop, spec):
    if spec.get("basic"):
        return run_basic(desktop, spec)
    url = uno.systemPathToFileUrl(os.path.abspath(spec["path"]))
    args = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0))
    if spec.get("load_filter"):  # LibreOffice does not detect some types (.xlam) by itself
        args += (prop("FilterName", spec["load_filter"]),)
    doc = desktop.loadComponentFromURL(url, "_blank", 0, args)
    if doc is None:
        return {"path": spec["path"], "loaded": False}
    try:
        doc.calculateAll()
        sheets = doc.getSheets()
        for copy in spec.get("copy_sheets", []):  # {"from": name, "to": new name}: within
            sheets.copyByName(copy["from"], copy["to"], sheets.getCount())
        for imp in spec.get("import_sheets", []):  # {"path", "sheet", "to"}: from another file
            source = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(os.path.abspath(imp["path"])), "_blank", 0, args)
            try:
                index = sheets.importSheet(source, imp["sheet"], sheets.getCount())
                sheets.getByIndex(index).setName(imp["to"])
            finally:
                source.close(True)
        for sheet_name, cells in spec.get("set", {}).items():
            sheet = sheets.getByName(sheet_name)
            for ref, value in cells.items():
                cell = sheet.getCellRangeByName(ref)
                if isinstance(value, (int, float)):
                    cell.setValue(value)
                else:
                    cell.setString(value)
        if spec.get("set"):
            doc.calculateAll()
        out = {"path": spec["path"], "loaded": True, "sheets": list(sheets.getElementNames()),
               "errors": {}, "values": {}, "buttons": {}}
        for name in out["sheets"]:
            sheet = sheets.getByName(name)
            out.setdefault("formulas", {})[name] = formula_count(sheet)
            out.setdefault("visible", {})[name] = bool(sheet.IsVisible)
            errs = error_cells(sheet)
            if errs:
                out["errors"][name] = errs
            btns = buttons(sheet)
            if btns:
                out["buttons"][name] = btns
        for sheet_name, refs in spec.get("cells", {}).items():
            sheet = sheets.getByName(sheet_name)
            out["values"][sheet_name] = {
                ref: cell_value(sheet.getCellRangeByName(ref)) for ref in refs}
        has_vba = doc.BasicLibraries.hasByName("VBAProject") if hasattr(doc, "BasicLibraries") else False
        out["basic_modules"] = []
        if has_vba:
            lib = doc.BasicLibraries.getByName("VBAProject")
            out["basic_modules"] = list(lib.getElementNames())
        if spec.get("save_as"):
            filt = spec.get("filter", "Calc MS Excel 2007 XML")
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(spec["save_as"])),
                           (prop("FilterName", filt),))
        return out
    finally:
        doc.close(True)


def run_basic(desktop, spec):
    """{"basic": {"Module": source, ...}, "calls": [{"macro": "Module.Function", "args": [...]}]}:
    the modules in a library of a new document (LibreOffice does not run the macros of a
    loaded .xlsm headless), each function called; its results in order."""
    args = (prop("Hidden", True), prop("MacroExecutionMode", 4))
    doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, args)
    try:
        library = doc.BasicLibraries.createLibrary("Probe")
        for name, source in spec["basic"].items():
            library.insertByName(name, source)
        provider = doc.getScriptProvider()
        results = []
        for call in spec["calls"]:
            script = provider.getScript(
                f"vnd.sun.star.script:Probe.{call['macro']}?language=Basic&location=document")
            results.append(script.invoke(tuple(call.get("args", [])), (), ())[0])
        return {"path": "", "loaded": True, "calls": results}
    finally:
        doc.close(True)


def main():
    serve(lambda desktop, _ctx, spec: probe(desktop, spec), {"loaded": False})


if __name__ == "__main__":
    main()
