Attribute VB_Name = "PerfXLLifecycle"
' perf_xl buttons for the year after the plan: monitoring at month N and the year-end
' self-evaluation. Each hands the work to Python through xlwings' RunPython, like
' PerfXL.bas; captions and messages are Chinese and live in Python (this module is ASCII).
Option Explicit

' Monitoring at the month typed on the project sheets: lights, PT601-PT606.
Sub RunMonitor()
    RunPython "import perf_xl.excel.track_buttons as b; b.monitor()"
End Sub

' Year-end self-evaluation: scores, grade, PT701-PT705.
Sub RunSelfEval()
    RunPython "import perf_xl.excel.track_buttons as b; b.selfeval()"
End Sub

' The monitoring forms (values only) next to the workbook.
Sub ExportMonitor()
    RunPython "import perf_xl.excel.track_buttons as b; b.export_monitor()"
End Sub

' The self-evaluation forms (values only) next to the workbook.
Sub ExportSelfEval()
    RunPython "import perf_xl.excel.track_buttons as b; b.export_selfeval()"
End Sub
