"""Rebuild the binary files of the layout corpus (run by hand; the outputs are committed):

    PYTHONPATH=. python tests/corpus/make_corpus.py

* shenbao-handmade.docx — a hand-made Word 申报表: merged cells, 年度/中期 two-row header,
  项目属性 / 项目期, 实施期目标 and 年度目标, amounts in 元, no 项目编码, no spend plan;
* handmade-workbook.xlsx — a hand-made Excel workbook in the official 张家口 layout, one
  table per sheet, percentages formatted as %, 一级指标 merged down, a notes sheet;
* yitihua-xinxibiao-binary.xls / .xlsx — yitihua-xinxibiao.xls (SpreadsheetML) re-saved
  by LibreOffice as binary BIFF8 .xls and as .xlsx, as users re-save it from Excel/WPS;
* yitihua-export.zip — zip-a.xls and zip-b.xls as the system zips several projects:
  entry names ``<name>_<yyyyMMddHHmmss><i>.xls`` in GBK, the UTF-8 flag not set.

Written independently of perf_xl's own writers (python-docx, openpyxl, LibreOffice, raw
zip headers) so that reading them tests the readers, not a round trip.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def docx_shenbao(path: Path) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.add_paragraph("项目支出绩效目标申报表").runs[0].font.size = Pt(16)
    d.add_paragraph("（2024年度）")
    t = d.add_table(rows=0, cols=7)
    t.style = "Table Grid"

    def row(*cells: str):
        r = t.add_row()
        for i, text in enumerate(cells):
            r.cells[i].text = text
        return r

    r = row("项目名称", "人民法庭建设维修经费（市法院）", "", "", "", "", "")
    r.cells[1].merge(r.cells[6])
    r = row("主管部门及代码", "[161]张家口市中级人民法院", "", "实施单位", "张家口市中级人民法院本级", "", "")
    r.cells[1].merge(r.cells[2])
    r.cells[4].merge(r.cells[6])
    r = row("项目属性", "新增项目", "", "项目期", "2024-2025年", "", "")
    r.cells[1].merge(r.cells[2])
    r.cells[4].merge(r.cells[6])
    r = row("资金总额（元）", "860,000", "", "财政拨款", "860,000", "其他资金", "0")
    r.cells[1].merge(r.cells[2])
    r = row("实施期目标", "两年内完成5个人民法庭的维修改造，法庭设施完好率达到95%以上。", "", "", "", "", "")
    r.cells[1].merge(r.cells[6])
    r = row("年度目标", "2024年完成3个人民法庭的维修改造。", "", "", "", "", "")
    r.cells[1].merge(r.cells[6])
    head = row("一级指标", "二级指标", "三级指标", "指标值", "", "说明", "指标值确定依据")
    head.cells[3].merge(head.cells[4])
    sub = row("", "", "", "年度", "中期", "", "")
    for c in (0, 1, 2, 5, 6):
        head.cells[c].merge(sub.cells[c])
    rows = [
        ("产出指标", "数量指标", "维修改造法庭数", "3个", "5个", "按维修计划", "维修计划"),
        ("", "质量指标", "工程验收合格率", "100%", "100%", "", "验收规范"),
        ("", "时效指标", "完工时间", "2024.04-2024.10", "2025年10月底前", "", "施工合同"),
        ("", "成本指标", "单个法庭维修成本", "≤30万元/个", "≤30万元/个", "", "造价评审"),
        ("", "", "项目总成本", "≤86万元", "≤150万元", "", "预算批复"),
        ("效益指标", "社会效益指标", "群众诉讼便利度", "进一步提高", "明显提高", "", "工作计划"),
        ("", "可持续影响指标", "", "", "", "", ""),  # an empty 二级 row of the template
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥85%", "≥90%", "", "问卷调查"),
    ]
    first = None
    for values in rows:
        r = row(*values)
        if values[0]:
            first = r
        elif first is not None:  # 一级指标 merged down over its group
            first.cells[0].merge(r.cells[0])
    d.add_paragraph("填表人：王某某    联系电话：0313-1234567")
    d.save(str(path))


def handmade_workbook(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    notes = wb.active
    notes.title = "填报说明"
    notes["A1"] = "本工作簿由财务科手工填写，每张工作表一个项目。"
    for seq, (name, code, budget, fiscal, plan, inds) in enumerate(HANDMADE, 1):
        ws = wb.create_sheet(f"{seq}.{name[:12]}")
        ws["A1"] = f"{seq}.{name}绩效目标表"
        ws.merge_cells("A1:G1")
        ws["A2"] = "161001 张家口市中级人民法院本级"
        ws["F2"] = "单位：万元"
        ws.append(["项目编码", code, None, "项目名称", name, None, None])
        ws.append(["预算规模及资金用途", "预算数", budget, "其中：财政资金", fiscal, "其他资金", None])
        ws.append([None, f"项目预算资金额为 {budget} 万元，主要用于{name}。"])
        ws.merge_cells("A4:A5")
        ws.append(["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"])
        ws.append([None, *plan])
        for cell in ws[7][1:5]:
            cell.number_format = "0%"
        ws.merge_cells("A6:A7")
        ws.append(["绩效目标", f"保障{name}顺利实施。"])
        ws.append(["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"])
        start = ws.max_row + 1
        group = None
        for i, ind in enumerate(inds):
            ws.append(list(ind))
            r = start + i
            if isinstance(ind[4], (int, float)):
                ws.cell(r, 5).number_format = "0%"
            if ind[0]:
                if group is not None and r - 1 > group:
                    ws.merge_cells(f"A{group}:A{r - 1}")
                group = r
        if group is not None and ws.max_row > group:
            ws.merge_cells(f"A{group}:A{ws.max_row}")
    wb.save(str(path))


HANDMADE = [
    ("审判法庭设备购置", "13070024P00051210001D", 48.6, 48.6, [0, 0.5, 1, 1], [
        ("产出指标", "数量指标", "购置庭审设备", "科技法庭音视频设备", "≥12套", "采购计划"),
        (None, "质量指标", "设备验收合格率", "到货验收", 1, "验收规范"),  # typed 100% in Excel
        (None, "时效指标", "采购完成时间", "政府采购流程", "2024年6月底前", "采购计划"),
        (None, "成本指标", "设备购置成本", "项目总成本", "≤48.6万元", "预算批复"),
        ("效益指标", "社会效益指标", "庭审公开率", "庭审直播覆盖", "≥95%", "上年89%"),
        ("满意度指标", "服务对象满意度指标", "法官使用满意度", "问卷", "≥90%", "问卷调查"),
    ]),
    ("法院安保服务购买", "13070024P000513100019", 120, 100, [0.25, 0.5, 0.75, 0.9], [
        ("产出指标", "数量指标", "安保人员数", "驻院安保", "≥24人", "服务合同"),
        (None, "质量指标", "安全事故发生率", "全年", "≤0%", "安全制度"),
        (None, "时效指标", "响应时间", "突发事件到场", "≤5分钟", "服务合同"),
        (None, "成本指标", "人均安保服务费", "每人每月", "≤5000元/人/月", "服务合同"),
        ("效益指标", "社会效益指标", "维护审判秩序", "庭审秩序", "≤95%", "工作计划"),
        ("满意度指标", "服务对象满意度指标", "干警满意度", "问卷", "≥90%", "问卷调查"),
    ]),
]


def soffice_convert(src: Path, fmt: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # LibreOffice names the output after the input: copy under a neutral name first.
        work = Path(tmp) / ("in" + src.suffix)
        shutil.copy(src, work)
        subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", fmt,
                        "--outdir", str(Path(tmp) / "out"), str(work)],
                       check=True, capture_output=True, timeout=180)
        produced = next((Path(tmp) / "out").iterdir())
        shutil.copy(produced, out)


def gbk_zip(path: Path, entries: list[tuple[str, bytes]]) -> None:
    """A zip written byte by byte: deflated entries, names in GBK, general-purpose flag 0
    (no UTF-8 bit), as Apache Ant's ZipOutputStream with setEncoding("GBK") writes them."""
    local, central = bytearray(), bytearray()
    for name, data in entries:
        raw = name.encode("gbk")
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = comp.compress(data) + comp.flush()
        crc = zlib.crc32(data)
        offset = len(local)
        dos_time, dos_date = (9 << 11) | (12 << 5), ((2023 - 1980) << 9) | (11 << 5) | 20
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dos_time, dos_date, crc,
                             len(body), len(data), len(raw), 0) + raw + body
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, dos_time,
                               dos_date, crc, len(body), len(data), len(raw), 0, 0, 0, 0, 0,
                               offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                      len(local), 0)
    path.write_bytes(bytes(local + central + end))


def main() -> None:
    docx_shenbao(HERE / "shenbao-handmade.docx")
    handmade_workbook(HERE / "handmade-workbook.xlsx")
    soffice_convert(HERE / "yitihua-xinxibiao.xls", "xls", HERE / "yitihua-xinxibiao-binary.xls")
    soffice_convert(HERE / "yitihua-xinxibiao.xls", "xlsx", HERE / "yitihua-xinxibiao.xlsx")
    gbk_zip(HERE / "yitihua-export.zip", [
        ("司法救助资金（市法院）_202311200912041.xls", (HERE / "zip-a.xls").read_bytes()),
        ("法官业务培训经费（市法院）_202311200912042.xls", (HERE / "zip-b.xls").read_bytes()),
    ])


if __name__ == "__main__":
    main()
