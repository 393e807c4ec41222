"""A user editing workbooks in LibreOffice, over UNO: formulas, a picture, a text box, a chart,
a sheet of their own with formulas, a data validation and a conditional format — saved by
LibreOffice as .xlsm. One office process for every file of the request.

Run with the interpreter that has python3-uno: ``/usr/bin/python3 lo_user.py request.json``.
request.json: {"files": [{"path": ..., "save_as": ..., "edits": [{"kind": ..., ...}]}]}
Prints {"results": [{"path", "saved", "exception"?}]}.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import uno
from lo_probe import prop, serve


def _struct(name, **values):
    s = uno.createUnoStruct(name)
    for k, v in values.items():
        setattr(s, k, v)
    return s


def _enum(name, value):
    return uno.Enum(name, value)


def edit(doc, ctx, e):
    sheets = doc.getSheets()
    kind = e["kind"]
    if kind == "new_sheet":
        sheets.insertNewByName(e["sheet"], sheets.getCount())
        return
    sheet = sheets.getByName(e["sheet"])
    if kind == "value":
        cell = sheet.getCellRangeByName(e["cell"])
        if isinstance(e["value"], str):
            cell.setString(e["value"])
        else:
            cell.setValue(e["value"])
    elif kind == "formula":
        sheet.getCellRangeByName(e["cell"]).setFormula(e["formula"])
    elif kind in ("picture", "textbox"):
        service = "GraphicObjectShape" if kind == "picture" else "TextShape"
        shape = doc.createInstance("com.sun.star.drawing." + service)
        shape.setPosition(_struct("com.sun.star.awt.Point", X=e.get("x", 20000), Y=e.get("y", 1000)))
        shape.setSize(_struct("com.sun.star.awt.Size", Width=e.get("w", 4000), Height=e.get("h", 2000)))
        sheet.getDrawPage().add(shape)
        if kind == "picture":
            provider = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.graphic.GraphicProvider", ctx)
            shape.Graphic = provider.queryGraphic(
                (prop("URL", uno.systemPathToFileUrl(os.path.abspath(e["image"]))),))
        else:
            shape.setString(e["text"])
    elif kind == "chart":
        rng = sheet.getCellRangeByName(e["range"]).getRangeAddress()
        rect = _struct("com.sun.star.awt.Rectangle", X=e.get("x", 1000), Y=e.get("y", 3000),
                       Width=8000, Height=5000)
        sheet.getCharts().addNewByName(e["name"], rect, (rng,), True, True)
    elif kind == "validation":
        rng = sheet.getCellRangeByName(e["range"])
        v = rng.Validation
        v.Type = _enum("com.sun.star.sheet.ValidationType", "DECIMAL")
        v.setOperator(_enum("com.sun.star.sheet.ConditionOperator", "GREATER_EQUAL"))
        v.setFormula1("0")
        v.ShowErrorMessage = True
        v.ErrorMessage = e.get("message", "")
        rng.Validation = v
    elif kind == "condition":
        rng = sheet.getCellRangeByName(e["range"])
        cf = rng.ConditionalFormat
        cf.addNew((prop("Operator", _enum("com.sun.star.sheet.ConditionOperator", "GREATER")),
                   prop("Formula1", e["above"]), prop("StyleName", "Bad")))
        rng.ConditionalFormat = cf
    else:
        raise ValueError(kind)


def run(desktop, ctx, spec):
    url = uno.systemPathToFileUrl(os.path.abspath(spec["path"]))
    args = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, args)
    if doc is None:
        return {"path": spec["path"], "saved": False}
    try:
        for e in spec["edits"]:
            edit(doc, ctx, e)
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(spec["save_as"])),
                       (prop("FilterName", spec.get("filter", "Calc MS Excel 2007 VBA XML")),))
        return {"path": spec["path"], "saved": True}
    finally:
        doc.close(True)


def main():
    serve(run, {"saved": False}, profile_prefix="perfxl-lo-user-", pipe_prefix="perfxl_user_")


if __name__ == "__main__":
    main()
