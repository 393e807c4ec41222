"""The corpus of layout variants (tests/corpus, issue 13): each file read into the model that
is pinned beside it (tests/corpus/expected/<file>.json: the model's content and the
findings as (code, line)), plus the facts of each variant stated by hand below.

Regenerate the pinned files after a deliberate change (and read the diff!):
    PERF_XL_REGEN_CORPUS=1 PYTHONPATH=. python -m pytest -q tests/importers/test_corpus.py
"""

from __future__ import annotations

import json
import os
from decimal import Decimal as D
from pathlib import Path

import pytest

from perf_xl.importers.text import parse_text
from perf_xl.rules import validate
from perf_xl.sources import load

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED = CORPUS / "expected"
FILES = [
    "shenbao-national.txt",  # national 申报表 as text: header fields, 年度 + 中期 columns
    "split-columns-yuan.txt",  # 计算符号/指标值/计量单位 or 指标值及单位, 元 and 万元, 成本 first level
    "shenbao-handmade.docx",  # hand-made Word 申报表: merges, 年度 / 中期 two-row header
    "yitihua-xinxibiao.xls",  # the system's 预算项目绩效信息表, SpreadsheetML saved as .xls
    "yitihua-shenbao.xls",  # the system's 项目支出绩效目标申报表, SpreadsheetML
    "yitihua-export.zip",  # two exports zipped by the system (GBK names, no UTF-8 flag)
    "yitihua-xinxibiao-binary.xls",  # the 信息表 re-saved by LibreOffice as BIFF8 .xls
    "yitihua-xinxibiao.xlsx",  # … and as .xlsx
    "handmade-workbook.xlsx",  # hand-made Excel, 张家口 layout, one table per sheet
    "shenbao-cost-table.txt",  # national 申报表 with a 成本构成 sub-table below the indicators
]


def _snapshot(name: str) -> dict:
    dept = load(CORPUS / name).department
    findings = [[f.code, f.line, f.sheet] for f in validate(dept)]
    return {"model": dept.content(), "findings": findings}


@pytest.mark.parametrize("name", FILES)
def test_each_variant_reads_into_its_pinned_model(name):
    got = _snapshot(name)
    path = EXPECTED / f"{name}.json"
    if os.environ.get("PERF_XL_REGEN_CORPUS"):
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


def _dept(name):
    return load(CORPUS / name).department


def _codes(dept):
    return sorted({f.code for f in validate(dept)})


# -- item 2: the layouts of real tables --------------------------------------------------
def test_national_shenbao_text():
    dept = _dept("shenbao-national.txt")
    assert dept.year == 2023  # from "（2023年度）" / "2023 年项目支出绩效目标申报表"
    [p] = dept.projects
    assert p.code == ""  # no 项目编码 row: read, PT101 reports it
    assert (p.authority, p.implementer) == ("[161]张家口市中级人民法院", "张家口市中级人民法院本级")
    assert (p.attribute, p.period) == ("延续项目", "3年")
    assert p.mid_goal.startswith("三年内建成") and p.goal.startswith("2023年完成")
    assert (p.budget, p.fiscal, p.other) == (D("40.00"), D("40.00"), D("0"))  # 年度资金总额
    assert [(i.value, i.mid_value) for i in p.indicators[:2]] == [("≥60台", "≥180台"), ("≥3个", "≥9个")]
    assert [i.level3 for i in p.indicators][-1] == "群众满意度"  # the empty 生态效益 row is skipped
    assert len(p.indicators) == 9
    found = {(f.code, f.line) for f in validate(dept)}
    assert ("PT101", 2) in found and ("PT116", 16) in found and ("PT116", 19) in found
    assert not any(c in _codes(dept) for c in ("PT108", "PT114", "PT301", "PT505"))


def test_split_columns_and_yuan():
    dept = _dept("split-columns-yuan.txt")
    assert dept.year == 2023  # "（2023年）"
    p1, p2 = dept.projects
    assert str(p1.budget) == "125"  # 1,250,000.00 元, not 125.000000
    assert p2.budget == D("30.5")  # "预算数（万元）" in a 元 document: mixed units
    assert p1.indicators[0].value == "≥３２００件"  # as written; the rules read it NFKC
    assert p1.indicators[4].level1 == "成本指标" and p1.indicators[5].value == "≤5500元/人·月"
    # table 2 has one "指标值及单位" column instead of 计算符号 / 指标值 / 计量单位
    assert [i.value for i in p2.indicators[:3]] == ["≥8,000人次", "≤1%", "≤5分钟"]
    found = [(f.code, f.line, f.message) for f in validate(dept)]
    assert [c for c, _, _ in found].count("PT504") == 1  # no 资金支出计划 row: one note
    pt203 = next(m for c, _, m in found if c == "PT203")
    assert "万元" not in pt203 and "1,250,000元" in pt203
    assert ("PT204", 31) in [(c, ln) for c, ln, _ in found]  # ≤35万元 over 30.5
    assert "PT401" not in _codes(dept)  # 元/人·月 is a unit, not an unreadable value


def test_handmade_word_shenbao_with_annual_and_mid_values():
    dept = _dept("shenbao-handmade.docx")
    assert dept.year == 2024
    [p] = dept.projects
    assert (p.budget, p.fiscal) == (D("86"), D("86"))  # 860,000 元
    assert (p.attribute, p.period) == ("新增项目", "2024-2025年")
    assert [(i.value, i.mid_value) for i in p.indicators[:3]] == [
        ("3个", "5个"), ("100%", "100%"), ("2024.04-2024.10", "2025年10月底前")]
    assert len(p.indicators) == 7  # the empty 可持续影响 row skipped
    assert {"PT114", "PT108", "PT401", "PT116"}.isdisjoint(_codes(dept))


# -- item 3: the 一体化 system's exports ---------------------------------------------------
def test_yitihua_information_table():
    [p] = _dept("yitihua-xinxibiao.xls").projects
    assert (p.code, p.name) == ("13070024P00051210001Q", "人民陪审员经费（市法院）")
    assert p.goal == "保障人民陪审员依法参审，全年参审案件不少于1200件，\n按时足额发放参审补助。"
    values = [(i.level1, i.level2, i.level3, i.value) for i in p.indicators]
    assert values[0] == ("产出指标", "数量指标", "参审案件数", "≥1,200件")
    assert values[1][:2] == ("产出指标", "数量指标")  # filled down from the MergeDown cells
    assert values[4] == ("产出指标", "时效指标", "补助发放时限", "按月及时发放")  # 定性
    assert values[6][3] == "≤5500元/人·月"
    assert p.indicators[0].description == "人民陪审员参加审理的案件数"  # 备注（指标解释等）
    assert p.indicators[0].basis == "上年参审1156件"  # 指标值说明（评分标准等）
    assert len(p.indicators) == 9  # the footer (备注：1.成本指标…) is not an indicator


def test_cost_table_is_kept_apart_from_the_indicators():
    """The 成本构成 sub-table (成本类别 / 成本项目 / 金额 / 测算依据) is read into
    Project.costs, never as indicators, and survives the model JSON."""
    from perf_xl.model import Department

    dept = _dept("shenbao-cost-table.txt")
    [p] = dept.projects
    assert len(p.indicators) == 9 and p.indicators[-1].level3 == "群众满意度"
    assert [(c.category, c.item, c.amount, c.line) for c in p.costs] == [
        ("经济成本", "设备购置费", "35.00", 25), ("经济成本", "安装调试费", "5.00", 26),
        ("社会成本", "无", "0", 27)]
    assert p.costs[0].basis == "市场询价，60台×0.5万元"
    assert not {"PT108", "PT109", "PT402", "PT505"} & set(_codes(dept))
    assert Department.from_json(dept.to_json()) == dept
    # Before the indicator table, with the caption on a line of its own and no header row.
    text = (CORPUS / "shenbao-cost-table.txt").read_text(encoding="utf-8").split("成本构成")[0]
    text = text.replace("一级指标\t", "成本构成（万元）\n\t经济成本\t设备购置费\t35.00\t市场询价\n一级指标\t", 1)
    [q] = parse_text(text).projects
    assert [(c.category, c.item, c.amount, c.basis) for c in q.costs] == [
        ("经济成本", "设备购置费", "35.00", "市场询价")]
    assert len(q.indicators) == 9 and not q.unread


def test_cost_table_in_a_word_table(tmp_path):
    import docx

    from perf_xl.importers.docx import read_docx
    from tests.corpus.make_corpus import docx_shenbao

    path = tmp_path / "shenbao.docx"
    docx_shenbao(path)
    d = docx.Document(str(path))
    table = d.tables[0]
    rows = [("成本构成", "成本类别", "成本项目", "金额（元）", "", "测算依据", ""),
            ("", "经济成本", "维修材料费", "600,000", "", "造价评审", ""),
            ("", "", "人工费", "260,000", "", "劳务合同", "")]
    for values in rows:
        r = table.add_row()
        for i, text in enumerate(values):
            r.cells[i].text = text
    d.save(str(path))
    [p] = read_docx(path).projects
    assert [(c.category, c.item, c.amount, c.basis) for c in p.costs] == [
        ("经济成本", "维修材料费", "600,000", "造价评审"), ("经济成本", "人工费", "260,000", "劳务合同")]
    assert [i.level3 for i in p.indicators][-1] == "群众满意度"


def test_yitihua_shenbao_amounts_in_yuan_and_no_code():
    dept = _dept("yitihua-shenbao.xls")
    assert dept.year == 2024 and dept.money_unit == "元"
    [p] = dept.projects
    assert (p.budget, p.fiscal, p.other) == (D(500), D(500), D(0))  # 5,000,000 元
    assert p.authority == "[161]张家口市中级人民法院"
    assert p.indicators[-1].level2 == "社会公众或服务对象满意度指标"
    found = {(f.code, f.line) for f in validate(dept)}
    assert ("PT204", 21) in found  # "≤600万" is money: over the budget of 500 万元
    assert "PT108" not in _codes(dept) and "PT505" not in _codes(dept)


def test_yitihua_zip_of_two_exports():
    dept = _dept("yitihua-export.zip")
    assert [p.name for p in dept.projects] == ["司法救助资金（市法院）", "法官业务培训经费（市法院）"]
    assert [p.seq for p in dept.projects] == [1, 2]
    assert dept.projects[0].sheet is None  # an export's "Sheet1" is not kept as a sheet name
    assert dept.projects[1].budget == D("22.8")
    found = [(f.code, f.project_seq) for f in validate(dept)]
    assert ("PT115", 2) in found and ("PT406", 2) in found
    assert ("PT116", 2) not in found  # "2024.03-2024.11" is a time target


@pytest.mark.parametrize("name", ["yitihua-xinxibiao-binary.xls", "yitihua-xinxibiao.xlsx"])
def test_resaved_exports_read_as_the_original(name):
    assert _dept(name).content() == _dept("yitihua-xinxibiao.xls").content()


def test_a_default_sheet_name_is_not_kept(tmp_path):
    """The 信息表 re-saved as .xlsx is read as a hand-made workbook; its "Sheet1" is not the
    user's name, so the master workbook built from it names the sheet after the project."""
    from perf_xl.importers.sheets import is_default_sheet_name
    from perf_xl.workbook.build import build_workbook
    from perf_xl.workbook.read import read_workbook

    dept = _dept("yitihua-xinxibiao.xlsx")
    assert [p.sheet for p in dept.projects] == [None]
    out = tmp_path / "book.xlsx"
    build_workbook(dept, out, with_macros=False)
    sheets = read_workbook(out).sheets
    assert not [name for name in sheets if is_default_sheet_name(name)], sheets
    assert [is_default_sheet_name(n) for n in ("Sheet1", "sheet 2", "工作表1", "Sheet", "1.设备购置")] == [
        True, True, True, True, False]


def test_resaved_binary_is_really_biff8():
    assert (CORPUS / "yitihua-xinxibiao-binary.xls").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")


def test_handmade_workbook_one_table_per_sheet():
    dept = _dept("handmade-workbook.xlsx")
    assert [p.sheet for p in dept.projects] == ["1.审判法庭设备购置", "2.法院安保服务购买"]
    p1, _p2 = dept.projects
    assert p1.plan == [D(0), D(50), D(100), D(100)]  # % cells, not 0.5
    assert p1.indicators[1].value == "100%"  # a 1 formatted as %
    assert p1.indicators[0].line == 10  # the sheet's row
    found = {(f.code, f.project_seq, f.line) for f in validate(dept)}
    assert ("PT304", 2, 6) in found and ("PT201", 2, 4) in found and ("PT404", 2, 14) in found
    assert not {c for c, seq, _ in found if seq == 1}


def test_no_table_names_the_known_layouts(tmp_path):
    from perf_xl.errors import PerfXLError

    path = tmp_path / "empty.xls"
    path.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
                    'spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
                    '<Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">'
                    "说明</Data></Cell></Row></Table></Worksheet></Workbook>", encoding="utf-8")
    with pytest.raises(PerfXLError) as err:
        load(path)
    assert "已知的版式" in err.value.message and "申报表" in err.value.message
    assert "一级指标" in err.value.message  # what it looked for
