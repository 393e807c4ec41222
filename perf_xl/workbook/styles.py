"""THE style table and page setup of every sheet the tool writes.

Keys follow XlsxWriter's format properties; XlsxWriter (build.py, the bureau file) uses
them as they are, the in-place writer and the live adapter translate them. Severity
colours come from perf_xl/vocabulary.py, as the marks' do.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import (
    ERROR,
    INFO,
    MONEY_FORMAT,
    OK_FILL,
    OK_FONT,
    SEVERITY_FILL,
    SEVERITY_FONT,
    WARNING,
)

FONT = "宋体"
HEADING_FONT = "黑体"
PERCENT_FORMAT = "0%"  # plan percentages typed on a project sheet
PERCENT_FRACTION_FORMAT = "0.00%"  # any other percentage (and a typed 33.33%)
INT_FORMAT = "0"
HEAD_FILL = "#D9E1F2"
LABEL_FILL = "#F2F2F2"  # captions of a project sheet and the 合计 rows
TOOL_FILL, TOOL_FONT = "#DDEBF7", "#1F4E79"  # the tool block right of the print area
NOTE_FONT = "#595959"
LINK_FONT = "#0563C1"


def _rgb(hex6: str) -> str:
    return "#" + hex6


def severity_style(key: str) -> dict[str, Any]:
    """Fill and font of a cell showing a severity (error | warning | info) or 通过 (ok)."""
    if key == "ok":
        return {"bg_color": _rgb(OK_FILL), "font_color": _rgb(OK_FONT)}
    return {"bg_color": _rgb(SEVERITY_FILL[key]), "font_color": _rgb(SEVERITY_FONT[key])}


_BASE = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}
_BORDER = {**_BASE, "border": 1}
TOTAL_VARIANT = {"bold": True, "bg_color": LABEL_FILL}  # a 合计 row's cells
_LINE = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
_HOME = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}

STYLES: dict[str, dict[str, Any]] = {
    "run": {"font_name": FONT, "font_size": 10},  # a text run inside a rich string
    # owned sheets (汇总, 校验结果) and every table
    "title": {**_BASE, "font_name": HEADING_FONT, "font_size": 14, "bold": True, "align": "center"},
    "text": {**_BASE},
    "small": {**_BASE, "font_size": 9, "font_color": NOTE_FONT},
    "section": {**_BASE, "font_name": HEADING_FONT, "font_size": 12, "bold": True, "text_wrap": False},
    "head": {**_BORDER, "bold": True, "align": "center", "bg_color": HEAD_FILL},
    "cell": {**_BORDER, "align": "left"},
    "center": {**_BORDER, "align": "center"},
    "int": {**_BORDER, "align": "center", "num_format": INT_FORMAT},
    "money": {**_BORDER, "align": "right", "num_format": MONEY_FORMAT},
    "percent": {**_BORDER, "align": "center", "num_format": PERCENT_FRACTION_FORMAT},
    "total": {**_BORDER, **TOTAL_VARIANT, "align": "center"},
    "total_money": {**_BORDER, **TOTAL_VARIANT, "align": "right", "num_format": MONEY_FORMAT},
    "total_int": {**_BORDER, **TOTAL_VARIANT, "align": "center", "num_format": INT_FORMAT},
    "line_left": {**_LINE, "align": "left"},  # a line of text above or below a table
    "line_right": {**_LINE, "align": "right"},
    "note": {**_LINE, "font_size": 9, "font_color": NOTE_FONT, "text_wrap": True, "align": "left",
             "valign": "top"},
    "link": {**_BORDER, "align": "left", "font_color": LINK_FONT, "underline": 1},
    ERROR: {**_BORDER, "align": "center", **severity_style(ERROR)},
    WARNING: {**_BORDER, "align": "center", **severity_style(WARNING)},
    INFO: {**_BORDER, "align": "center", **severity_style(INFO)},
    "ok": {**_BORDER, "align": "center", **severity_style("ok")},
    # project sheets and 部门整体
    "label": {**_BORDER, "bold": True, "align": "center", "bg_color": LABEL_FILL},
    "plan_percent": {**_BORDER, "num_format": PERCENT_FORMAT, "align": "center"},
    "amount": {**_BORDER, "num_format": MONEY_FORMAT, "align": "center", "font_color": "#404040"},
    "ind": {**_BASE, "align": "left"},  # indicator cells: borders by conditional format
    "ind_center": {**_BASE, "align": "center"},
    "tool_label": {**_BASE, "bold": True, "font_color": TOOL_FONT, "bg_color": TOOL_FILL, "border": 1},
    "tool": {**_BASE, "font_color": TOOL_FONT, "border": 1},
    "tool_num": {**_BASE, "font_color": TOOL_FONT, "border": 1, "num_format": MONEY_FORMAT},
    "heading": {**_BASE, "font_name": HEADING_FONT, "font_size": 12, "bold": True},
    "paragraph": {**_BASE, "align": "left", "valign": "top"},
    # conditional formats of a project sheet (only what they change)
    "cf_border": {"border": 1},
    "cf_repeat": {"font_color": "#A6A6A6"},
    "cf_fraction": {"num_format": PERCENT_FRACTION_FORMAT},
    "cf_error": severity_style(ERROR),
    "cf_warning": severity_style(WARNING),
    "cf_ok": severity_style("ok"),
    # 首页
    "home_title": {**_HOME, "font_name": HEADING_FONT, "font_size": 18, "bold": True},
    "home_section": {**_HOME, "font_name": HEADING_FONT, "font_size": 12, "bold": True},
    "home_label": {**_HOME, "bold": True},
    "home_value": {**_HOME, "align": "left"},
    "home_money": {**_HOME, "align": "left", "num_format": MONEY_FORMAT},
    "home_text": {**_HOME, "text_wrap": True},
    "home_button": {**_HOME, "bold": True, "align": "center", "border": 1, "bg_color": LABEL_FILL},
}


# -- page setup: A4, one page wide, centred, the sheet name and page number in the footer ----
PAPER_A4 = 9  # XlsxWriter's and Excel's paper code
MARGINS = {"left": 0.6, "right": 0.6, "top": 0.75, "bottom": 0.75}  # inches
FOOTER_LEFT = "&A"  # the sheet name
FOOTER_RIGHT = "第 &P 页，共 &N 页"
FOOTER = f"&L{FOOTER_LEFT}&R{FOOTER_RIGHT}"


def xlsx_page_setup(ws, *, landscape: bool = False, repeat_rows: tuple[int, int] | None = None,
                    area: str | None = None) -> None:
    """The page setup on an XlsxWriter worksheet; ``repeat_rows``: 1-based first and last
    row printed on every page."""
    ws.set_paper(PAPER_A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.center_horizontally()
    ws.set_margins(**MARGINS)
    ws.set_footer(FOOTER)
    if repeat_rows is not None:
        ws.repeat_rows(repeat_rows[0] - 1, repeat_rows[1] - 1)
    if area:
        ws.print_area(area)
