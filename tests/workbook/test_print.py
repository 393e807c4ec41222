"""Print-ready owned sheets: 校验结果 rows sized for their wrapped text, project-sheet
captions that break before their bracket, and a 首页 whose printout lists the commands
where the (unprinted) buttons are. docs/render_images.py renders them into docs/img/."""

from __future__ import annotations

import openpyxl

from perf_xl.workbook import layout as L
from perf_xl.workbook.build import FIRST_OPEN, header_caption
from perf_xl.workbook.owned_sheets import FINDINGS_HEADER_ROW, FINDINGS_WIDTHS, findings_sheet
from perf_xl.workbook.sizing import row_height


def test_findings_rows_are_sized_for_their_text():
    long = "成本指标『项目预算控制数』≤134万元 超过预算数 12.00万元；" * 4
    findings = [{"severity": "error", "code": "PT204", "message": "短", "sheet": "01 甲", "cell": "F15"},
                {"severity": "error", "code": "PT204", "message": long, "sheet": "01 甲", "cell": "F15"},
                {"severity": "info", "code": "PT111", "message": "x", "cell": "B3",
                 "sheet": "16 关于下达2023年中央政法纪检监察转移支付的资金"}]
    spec = findings_sheet(findings)
    rows = [FINDINGS_HEADER_ROW + i for i in (1, 2, 3)]
    assert set(rows) <= set(spec.heights)
    assert spec.heights[rows[0]] == row_height([("短", 80)])  # one line
    assert spec.heights[rows[1]] >= 3 * 13.5  # several lines of message
    assert spec.heights[rows[2]] > spec.heights[rows[0]]  # a long sheet name wraps too
    assert spec.widths == FINDINGS_WIDTHS


def test_captions_break_before_the_bracket_not_inside_a_word():
    assert header_caption("资金支出计划（%）", 11) == "资金支出计划\n（%）"
    assert header_caption("累计支出（万元）", 11) == "累计支出\n（万元）"
    assert header_caption("预算数", 11) == "预算数"
    assert header_caption("支出计划模板", 31) == "支出计划模板"


def test_built_sheets_carry_the_print_fixes(sample_book):
    book = openpyxl.load_workbook(sample_book)
    project = next(ws for ws in book.worksheets if ws.title[:2].isdigit())
    assert project["A6"].value == "资金支出计划\n（%）"
    assert project["A8"].value == "累计支出\n（万元）"
    home = book[L.HOME_SHEET]
    for button in L.HOME_BUTTONS:  # the caption prints where the button is
        assert home[button.cell].value == button.caption
    texts = [c.value for row in home.iter_rows() for c in row if isinstance(c.value, str)]
    for line in FIRST_OPEN:
        assert line in texts
