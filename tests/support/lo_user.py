"""A user editing workbooks in LibreOffice, over UNO: formulas, a picture, a text box, a chart,
a sheet of their own with formulas, a data validation and a conditional format — saved by
LibreOffice as .xlsm. One office process for every file of the request.

Run with the interpreter that has python3-uno: ``/usr/bin/python3 lo_user.py request.json``.
request.json: {"files": [{"path": ..., "save_as": ..., "edits": [{"kind": ..., ...}]}]}
Prints {"results": [{"path", "saved", "exception"?}]}.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import uno
from lo_probe import prop


def start_office(profile: str):
    """(process, desktop, remote context): lo_probe's start, keeping the office's context
    (the graphic provider lives there)."""
    import time
    import uuid

    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

    pipe = "perfxl_user_" + uuid.uuid4().hex
    proc = subprocess.Popen([
        shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{profile}",
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 60
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.2)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return proc, desktop, ctx


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
    with open(sys.argv[1], encoding="utf-8") as fh:
        request = json.load(fh)
    profile = tempfile.mkdtemp(prefix="perfxl-lo-user-")
    proc, desktop, ctx = start_office(profile)
    results = []
    try:
        for spec in request["files"]:
            try:
                results.append(run(desktop, ctx, spec))
            except Exception as exc:
                results.append({"path": spec["path"], "saved": False, "exception": repr(exc)})
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    json.dump({"results": results}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
