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

' (Re)import the PT_* worksheet functions (UDFs), make their failures readable, recalculate
' every formula (ImportPythonUDFs alone leaves cells stale) and let Python say what to do
' next: the generated module xlwings_udfs lives in this workbook and is kept only if saved.
Sub RefreshFunctions()
    ImportPythonUDFs
    If Not HasUdfModule() Then Exit Sub ' xlwings has shown why (e.g. no VBA project access)
    PatchUdfFailures
    Application.CalculateFull
    If ThisWorkbook.IsAddin Then ThisWorkbook.Save ' PerfXL.xlam keeps the functions for every book
    RunPython "import perf_xl.excel.buttons as b; b.functions_refreshed()"
End Sub

Private Function HasUdfModule() As Boolean
    Dim component As Object
    On Error Resume Next
    Set component = ThisWorkbook.VBProject.VBComponents("xlwings_udfs")
    HasUdfModule = Not component Is Nothing
End Function

' The wrappers xlwings generates return Err.Description, the raw COM error text, when Python
' cannot be reached; IFERROR does not catch a text. Route it through PerfXLUdfError instead.
Private Sub PatchUdfFailures()
    Dim code As Object, i As Long, patched As String
    On Error GoTo Done
    Set code = ThisWorkbook.VBProject.VBComponents("xlwings_udfs").CodeModule
    For i = 1 To code.CountOfLines
        patched = PatchedUdfLine(code.Lines(i, 1))
        If patched <> code.Lines(i, 1) Then code.ReplaceLine i, patched
    Next i
Done:
End Sub

' One line of a generated wrapper: "    PT_CHECK = Err.Description" becomes
' "    PT_CHECK = PerfXLUdfError(Err.Description)"; every other line stays as it is.
Public Function PatchedUdfLine(ByVal text As String) As String
    Const FAILED As String = " = Err.Description"
    If Right$(RTrim$(text), Len(FAILED)) = FAILED Then
        PatchedUdfLine = Left$(text, InStrRev(text, FAILED) - 1) & " = PerfXLUdfError(Err.Description)"
    Else
        PatchedUdfLine = text
    End If
End Function

' What a PT_* cell shows when Python fails: "Python <chu cuo>: " and the last line of the
' error (a Python traceback ends with "ValueError: ..."), at most 80 characters.
Public Function PerfXLUdfError(ByVal description As String) As String
    Dim lines() As String, i As Long, last As String
    lines = Split(Replace(description, vbCr, vbLf), vbLf)
    For i = UBound(lines) To LBound(lines) Step -1
        If Len(Trim$(lines(i))) > 0 Then
            last = Trim$(lines(i))
            Exit For
        End If
    Next i
    If Len(last) > 80 Then last = Left$(last, 79) & ChrW(&H2026)
    PerfXLUdfError = "Python " & ChrW(&H51FA) & ChrW(&H9519) & ChrW(&HFF1A) & last
End Function

' Plain VBA, works without Python.
Sub GoHome()
    ThisWorkbook.Worksheets(1).Activate
End Sub
