"""Edit workbooks in LibreOffice over UNO, as a user would, and save them (issue 12 tests).

Run with the interpreter that has python3-uno: ``/usr/bin/python3 lo_edit.py request.json``.
request.json: {"files": [{"src": ..., "dst": ..., "ops": [[op, ...], ...]}]}, all in one
office process. Ops (rows and columns 1-based, as a user counts them):
  ["insert_rows", sheet, row, count]   ["delete_rows", sheet, row, count]
  ["insert_cols", sheet, col, count]   ["delete_cols", sheet, col, count]
  ["rename", sheet, new_name]          ["add_sheet", name, {"A1": value, ...}]
  ["set", sheet, {"F52": value, ...}]  ["merge", sheet, "B7:C7"]
Prints {"results": [{"dst": ..., "ok": true} | {"dst": ..., "ok": false, "error": ...}]}.
"""

from __future__ import annotations

import os
import sys

import uno  # python3-uno

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lo_probe import prop, serve

FILTERS = {".xlsm": "Calc MS Excel 2007 VBA XML", ".xlsx": "Calc MS Excel 2007 XML"}


def _set(cell, value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.setValue(value)
    elif isinstance(value, str) and value.startswith("="):
        cell.setFormula(value)
    else:
        cell.setString("" if value is None else str(value))


def apply(doc, op):
    sheets = doc.getSheets()
    kind = op[0]
    if kind in ("insert_rows", "delete_rows"):
        rows = sheets.getByName(op[1]).getRows()
        (rows.insertByIndex if kind == "insert_rows" else rows.removeByIndex)(op[2] - 1, op[3])
    elif kind in ("insert_cols", "delete_cols"):
        cols = sheets.getByName(op[1]).getColumns()
        (cols.insertByIndex if kind == "insert_cols" else cols.removeByIndex)(op[2] - 1, op[3])
    elif kind == "rename":
        sheets.getByName(op[1]).setName(op[2])
    elif kind == "add_sheet":
        sheets.insertNewByName(op[1], sheets.getCount())
        sheet = sheets.getByName(op[1])
        for ref, value in op[2].items():
            _set(sheet.getCellRangeByName(ref), value)
    elif kind == "set":
        sheet = sheets.getByName(op[1])
        for ref, value in op[2].items():
            _set(sheet.getCellRangeByName(ref), value)
    elif kind == "merge":
        sheets.getByName(op[1]).getCellRangeByName(op[2]).merge(True)
    else:
        raise ValueError(f"unknown op {kind}")


def edit(desktop, spec):
    url = uno.systemPathToFileUrl(os.path.abspath(spec["src"]))
    args = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, args)
    if doc is None:
        return {"dst": spec["dst"], "ok": False, "error": "not loaded"}
    try:
        for op in spec.get("ops", []):
            apply(doc, op)
        suffix = os.path.splitext(spec["dst"])[1].lower()
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(spec["dst"])),
                       (prop("FilterName", FILTERS[suffix]),))
        return {"dst": spec["dst"], "ok": True}
    finally:
        doc.close(True)


def main():
    serve(lambda desktop, _ctx, spec: edit(desktop, spec), {"ok": False},
          profile_prefix="perfxl-lo-edit-", pipe_prefix="perfxl_edit_", key="dst")


if __name__ == "__main__":
    main()
