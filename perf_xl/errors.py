"""The one error type perf_xl raises for bad input; the CLI turns it into exit code 2."""

from __future__ import annotations


class PerfXLError(Exception):
    """Bad input or an operation that cannot be done. The message is Chinese and names
    the place (file, line, sheet, cell) so the user can fix it."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.describe())

    def describe(self, *, with_path: bool = True) -> str:
        """ "path，第 N 行，工作表「…」，单元格 C4：message" (the path left out on request)."""
        where = []
        if self.path and with_path:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"第 {self.line} 行")
        if self.sheet:
            where.append(f"工作表「{self.sheet}」")
        if self.cell:
            where.append(f"单元格 {self.cell}")
        return ("，".join(where) + "：" if where else "") + self.message


class ImportError_(PerfXLError):
    """A source document that cannot be read into the model."""


class WorkbookError(PerfXLError):
    """A workbook that cannot be opened, read or safely updated."""

