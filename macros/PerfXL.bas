Attribute VB_Name = "PerfXL"
' perf_xl buttons. Each macro hands the work to Python through xlwings' RunPython;
' the Python side finds this workbook with xw.Book.caller(). Captions and messages are
' Chinese and live on the buttons and in Python: this module stays ASCII (code page 1252).
Option Explicit

' Fill the empty spend-plan checkpoints of every project sheet.
Sub FillSpendPlan()
    RunPython "import perf_xl.excel.buttons as b; b.fill_spend_plan()"
End Sub

' Run every rule, write the findings sheet and mark the cells.
Sub ValidateAll()
    RunPython "import perf_xl.excel.buttons as b; b.validate()"
End Sub

' Validate only the active project sheet.
Sub ValidateThisSheet()
    RunPython "import perf_xl.excel.buttons as b; b.validate(active_sheet_only=True)"
End Sub

' Rebuild the summary sheet across every funding line.
Sub ConsolidateSummary()
    RunPython "import perf_xl.excel.buttons as b; b.consolidate()"
End Sub

' Write the values-only file for the finance bureau.
Sub ExportForBureau()
    RunPython "import perf_xl.excel.buttons as b; b.export_for_bureau()"
End Sub

' Add a project sheet from the template layout.
Sub AddProjectSheet()
    RunPython "import perf_xl.excel.buttons as b; b.add_project_sheet()"
End Sub

' (Re)import the PT_* worksheet functions (UDFs).
Sub RefreshFunctions()
    ImportPythonUDFs
End Sub

' Plain VBA, works without Python.
Sub GoHome()
    ThisWorkbook.Worksheets(1).Activate
End Sub
