"""perf_xl: the 部门预算绩效文本 as a master workbook — import, build, fill, validate, summarise.

Importing the package is cheap: pandas, openpyxl and xlwings are imported only by the
modules that need them.
"""

__version__ = "0.1.0"
