"""Reading a 绩效文本 .docx: hand-made tables (merged cells, stray spaces, amounts in 元,
no spend plan, no 依据 column, a table continued in a second table), the real document
through the text importer, and bad input."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from decimal import Decimal as D
from pathlib import Path

import docx
import pytest

from perf_xl.errors import PerfXLError
from perf_xl.importers.docx import read_docx
from perf_xl.model import Department, Indicator
from perf_xl.sinks.docx import write_docx

ROOT = Path(__file__).parents[2]


# -- a hand-made document, built the way people build it in Word -------------------------


def _row(table, *texts: str):
    cells = table.add_row().cells
    for cell, text in zip(cells, texts, strict=False):
        if text:
            cell.text = text
    return cells


def _merge(table, r0: int, c0: int, r1: int, c1: int, text: str | None = None):
    cell = table.cell(r0, c0).merge(table.cell(r1, c1))
    if text is not None:
        for p in cell.paragraphs[1:]:  # merge() keeps every merged cell's paragraphs
            p._p.getparent().remove(p._p)
        lines = text.split("\n")
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    return cell


def hand_made(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("项目支出绩效目标申报表")
    d.add_paragraph("单位名称：张家口市桥西区人民法院　　　　　单位：元")

    # project 1: amounts in 元, merged label cells, no 资金支出计划 rows, no 依据 column
    t = d.add_table(rows=0, cols=7)
    t.style = "Table Grid"
    _row(t, "项 目 编 码 ", "", "", "项目名称：")
    _merge(t, 0, 1, 0, 2, "13070724P00012310001A ")
    _merge(t, 0, 4, 0, 6, "审判业务经费")
    _row(t, "", "预算数", "1,250,000.00", "其中： 财政资金", "1000000", "其他资金", "250000")
    _row(t, "", "资金用途")
    _merge(t, 1, 0, 2, 0, "预算规模\n及资金用途")
    _merge(t, 2, 2, 2, 6, "保障审判业务正常开展。")
    _row(t, "年度绩效目标 ")
    _merge(t, 3, 1, 3, 6, "1.保障审判业务。\n2.提高办案质效。")
    _row(t, "一级指标", "二级指标", "三级指标", "绩效指标描述", "", "指标值")
    _merge(t, 4, 3, 4, 4)
    _merge(t, 4, 5, 4, 6)
    indicators = [
        ("", "数量指标", "办案数量", "全年审结案件", "≥3000件"),
        ("", "质量指标", "结案率", "审结案件占受理案件", "≥90%"),
        ("", "时效指标", "审限内结案率", "审限内审结", "≥95%"),
        ("效益指标", "社会效益指标", "维护社会稳定", "化解矛盾纠纷", "有效提升"),
        ("", "可持续影响指标", "长效机制", "多元解纷机制", "持续影响"),
        ("满意度指标", "服务对象满意度指标", "当事人满意度", "问卷调查满意度", "≥90%"),
    ]
    for level1, level2, level3, desc, value in indicators:
        _row(t, level1, level2, level3, desc, "", value)
        r = len(t.rows) - 1
        _merge(t, r, 3, r, 4)
        _merge(t, r, 5, r, 6)
    _merge(t, 5, 0, 7, 0, "产出指标")  # 一级指标 merged over its group (python-docx vMerge)

    # project 2: numbered title with stray spaces, 万元, spend plan with mixed merges,
    # no 描述 column, and the indicator table continued in a second table
    d.add_paragraph("2. 诉讼费安排—综合业务经费（市法院） 绩效目标表")
    d.add_paragraph("161001 张家口市中级人民法院本级")
    d.add_paragraph("单位: 万元")
    t2 = d.add_table(rows=0, cols=5)
    t2.style = "Table Grid"
    _row(t2, "项目编号", "13070024P00047910001Q", "项目名称", "诉讼费安排—综合业务经费（市法院）")
    _row(t2, "预算数（万元）", "600", "财政资金", "600", "其他资金")
    _row(t2, "资金支出计划（%）", "3 月底", "6 月底", "10 月底", "12 月底")
    _row(t2, "", "25%", "50", "75%", "１００％")
    _row(t2, "绩效目标")
    _merge(t2, 4, 1, 4, 4, "1.通过支付办案人员住宿、车票，提高办案质效。")
    _row(t2, "一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据")
    _row(t2, "产出指标", "数量指标", "保障办案车辆正常运行", "≥20 辆", "2023 年底共有车辆大于 20 辆")
    d.add_paragraph("")
    t3 = d.add_table(rows=0, cols=5)
    t3.style = "Table Grid"
    _row(t3, "一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据")
    _row(t3, "效益指标", "社会效益指标", "设施正常运转率", "≥90 百分比", "综合业务管理工作计划")
    _row(t3, "满意度指标", "服务对象满意度指标", "办案人员满意度", "≥90%", "调查问卷")
    d.save(str(path))
    return path


def test_hand_made_document(tmp_path: Path) -> None:
    dept = read_docx(hand_made(tmp_path / "手工.docx"))
    assert len(dept.projects) == 2
    p1, p2 = dept.projects

    assert (p1.seq, p1.code, p1.name) == (1, "13070724P00012310001A", "审判业务经费")
    assert p1.unit == "单位名称：张家口市桥西区人民法院"
    # 元 -> 万元, thousands separators removed, exact
    assert (p1.budget, p1.fiscal, p1.other) == (D("125"), D("100"), D("25"))
    assert p1.invalid == {}
    assert p1.purpose == "保障审判业务正常开展。"  # merged over five grid cells: once
    assert p1.goal == "1.保障审判业务。\n2.提高办案质效。"
    assert p1.plan == [None, None, None, None]  # no spend-plan rows: nothing invented
    assert p1.funding_line == "本级财政拨款"
    assert p1.indicators == [
        Indicator("产出指标", "数量指标", "办案数量", "全年审结案件", "≥3000件", ""),
        Indicator("产出指标", "质量指标", "结案率", "审结案件占受理案件", "≥90%", ""),
        Indicator("产出指标", "时效指标", "审限内结案率", "审限内审结", "≥95%", ""),
        Indicator("效益指标", "社会效益指标", "维护社会稳定", "化解矛盾纠纷", "有效提升", ""),
        Indicator("效益指标", "可持续影响指标", "长效机制", "多元解纷机制", "持续影响", ""),
        Indicator("满意度指标", "服务对象满意度指标", "当事人满意度", "问卷调查满意度", "≥90%", ""),
    ]

    assert (p2.seq, p2.code) == (2, "13070024P00047910001Q")
    assert p2.name == "诉讼费安排—综合业务经费（市法院）"
    assert p2.unit == "161001 张家口市中级人民法院本级"
    assert (p2.budget, p2.fiscal, p2.other) == (D("600"), D("600"), None)
    assert p2.plan == [D("25"), D("50"), D("75"), D("100")]
    assert p2.goal == "1.通过支付办案人员住宿、车票，提高办案质效。"
    assert p2.funding_line == "诉讼费收入安排"
    assert [(i.level1, i.level3, i.description, i.value, i.basis) for i in p2.indicators] == [
        ("产出指标", "保障办案车辆正常运行", "", "≥20 辆", "2023 年底共有车辆大于 20 辆"),
        ("效益指标", "设施正常运转率", "", "≥90 百分比", "综合业务管理工作计划"),
        ("满意度指标", "办案人员满意度", "", "≥90%", "调查问卷"),
    ]
    assert dept.money_unit == "元"
    assert dept.unit_code == ""  # the first unit line carries no code
    assert dept.title == "" and dept.sub_goals == [] and dept.measures == []


def test_python_docx_repeats_merged_text_but_reader_does_not(tmp_path: Path) -> None:
    path = hand_made(tmp_path / "h.docx")
    row = docx.Document(str(path)).tables[0].rows[0]
    assert [c.text for c in row.cells].count("审判业务经费") == 3  # what python-docx shows
    assert read_docx(path).projects[0].name == "审判业务经费"


def test_spend_plan_pairs_and_split_rows(tmp_path: Path) -> None:
    """Variants of the real document: "12月底 | 100%" on a row of its own, with and
    without the 资金支出计划 label, and a non-number kept as text."""
    d = docx.Document()
    t = d.add_table(rows=0, cols=5)
    _row(t, "项目编码", "13070024P00051210001D", "项目名称", "辅警人员保障经费")
    _row(t, "预算数", "28.00", "其中：财政资金", "28.00")
    _row(t, "资金支出计划（%）", "3 月底", "6 月底", "10 月底")
    _row(t, "资金支出计划（%）", "25%", "50%", "七成")
    _row(t, "12月底", "100%")
    _row(t, "一级指标", "二级指标", "三级指标", "指标值")
    _row(t, "产出指标", "数量指标", "辅警数量", "≥30 人")
    d.save(str(tmp_path / "v.docx"))
    p = read_docx(tmp_path / "v.docx").projects[0]
    assert p.plan == [D("25"), D("50"), None, D("100")]
    assert p.invalid == {"plan.2": "七成"}
    assert (p.budget, p.fiscal, p.other) == (D("28.00"), D("28.00"), None)


def test_part1_and_cover_of_a_word_document(tmp_path: Path) -> None:
    d = docx.Document()
    for text in (
        "张家口市中级人民法院", "2024 年部门预算绩效文本", "（草案）",
        "张家口市中级人民法院编制", "张家口市财政局审核",
        "第一部分", "部门整体绩效目标", "一、总体绩效目标", "第一段。", "第二段。",
        "二、分项绩效目标", "分项绩效目标", "（一） 案件审判", "绩效目标：审限内完成受理的一审、二审案件 90%",
        "(二)审判管理", "绩效指标：通过审判管理使本院审判指标达到全省法院中等以上。",
        "三、工作保障措施", "工作保障措施", "（一）完善制度建设。根据国家规定，制定制度。", "并组织学习。",
        "（二）加强支出管理。优化支出结构。",
        "第二部分", "预算项目绩效目标",
    ):  # fmt: skip
        d.add_paragraph(text)
    t = d.add_table(rows=0, cols=4)
    _row(t, "项目编码", "13070024P000482100018", "项目名称", "罚没安排—国家赔偿（市法院）")
    d.save(str(tmp_path / "p1.docx"))
    dept = read_docx(tmp_path / "p1.docx")
    assert (dept.unit_name, dept.title, dept.year) == ("张家口市中级人民法院", "2024 年部门预算绩效文本", 2024)
    assert (dept.compiled_by, dept.reviewed_by) == ("张家口市中级人民法院编制", "张家口市财政局审核")
    assert dept.overall_goal == "第一段。\n第二段。"
    assert [(g.title, g.label, g.target) for g in dept.sub_goals] == [
        ("案件审判", "绩效目标", "审限内完成受理的一审、二审案件 90%"),
        ("审判管理", "绩效指标", "通过审判管理使本院审判指标达到全省法院中等以上。"),
    ]
    assert [(m.title, m.text) for m in dept.measures] == [
        ("完善制度建设", "根据国家规定，制定制度。\n并组织学习。"),
        ("加强支出管理", "优化支出结构。"),
    ]
    assert dept.projects[0].funding_line == "罚没收入安排"


# -- the real document -------------------------------------------------------------------


def test_real_document_round_trip(tmp_path: Path) -> None:
    from support.example import example_department

    model = example_department()
    assert len(model.projects) == 39
    back = read_docx(write_docx(model, tmp_path / "zjk.docx", draft=True))
    assert back.content() == model.content()
    assert back.total_budget == D("7312.69")


# -- bad input ---------------------------------------------------------------------------


def _plain_docx(path: Path, *, table: bool = False) -> Path:
    d = docx.Document()
    d.add_paragraph("2024 年部门预算绩效文本")
    d.add_paragraph("这里本应有绩效目标表，但被粘贴成了图片。")
    if table:
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text = "序号"
        t.cell(0, 1).text = "内容"
    d.save(str(path))
    return path


def _encrypted(path: Path, tmp_path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile  # a dependency of oletools (test extra)

    plain = _plain_docx(tmp_path / "plain.docx", table=True)
    with plain.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("密码123", dst)
    return path


def _broken_xml(path: Path, tmp_path: Path) -> Path:
    src = _plain_docx(tmp_path / "ok.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    path.write_bytes(buf.getvalue())
    return path


def _xlsx(path: Path, tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.save(str(path))
    return path


BAD = {
    "no_table": (lambda p, t: _plain_docx(p), "没有表格"),
    "no_project_table": (lambda p, t: _plain_docx(p, table=True), "没有一个是项目绩效目标表"),
    "encrypted": (_encrypted, "密码"),
    "truncated": (
        lambda p, t: p.write_bytes(write_docx(Department(), t / "x.docx").read_bytes()[:3000]) and p,
        "已损坏",
    ),
    "broken_xml": (_broken_xml, "已损坏"),
    "text_renamed": (lambda p, t: p.write_text("项目编码\t13070024P000482100018\n", encoding="utf-8") and p, "不是有效的 Word 文档"),
    "xlsx_renamed": (_xlsx, "不是 Word 文档"),
    "empty": (lambda p, t: p.write_bytes(b"") is not None and p, "空"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_clear_error(case: str, tmp_path: Path) -> None:
    make, needle = BAD[case]
    path = tmp_path / f"{case}.docx"
    make(path, tmp_path)
    assert path.exists()
    with pytest.raises(PerfXLError) as err:
        read_docx(path)
    assert needle in err.value.message
    assert err.value.path == str(path)
    assert str(path) in err.value.describe()


def test_encrypted_fixture_is_a_real_encrypted_office_file(tmp_path: Path) -> None:
    import olefile

    path = _encrypted(tmp_path / "e.docx", tmp_path)
    ole = olefile.OleFileIO(str(path))
    assert ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PerfXLError, match="文件不存在"):
        read_docx(tmp_path / "nope.docx")


def test_project_table_without_name_is_read_and_reported(tmp_path: Path) -> None:
    # Issue 13: a missing field never refuses the document; PT104 reports the empty name.
    from perf_xl.rules import validate

    d = docx.Document()
    t = d.add_table(rows=0, cols=4)
    _row(t, "项目编码", "13070024P000482100018", "预算数", "100")
    d.save(str(tmp_path / "n.docx"))
    dept = read_docx(tmp_path / "n.docx")
    [p] = dept.projects
    assert (p.code, p.name, p.budget) == ("13070024P000482100018", "", 100)
    assert any(f.code == "PT104" for f in validate(dept))


@pytest.mark.parametrize("case", ["encrypted", "no_table", "truncated"])
def test_cli_exit_code_2_on_bad_docx(case: str, tmp_path: Path) -> None:
    make, needle = BAD[case]
    path = tmp_path / f"{case}.docx"
    make(path, tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "perf_xl", "import", str(path), "-o", str(tmp_path / "out.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.startswith("错误：") and needle in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.lo
def test_legacy_doc_renamed_docx(tmp_path: Path, need_lo) -> None:
    src = _plain_docx(tmp_path / "old.docx", table=True)
    res = subprocess.run(
        [
            "soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
            "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(src),
        ],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    doc = tmp_path / "doc" / "old.doc"
    assert res.returncode == 0 and doc.exists(), res.stderr
    renamed = doc.rename(tmp_path / "renamed.docx")
    with pytest.raises(PerfXLError, match="Word 97-2003"):
        read_docx(renamed)


@pytest.mark.lo
def test_document_resaved_by_libreoffice_reads_the_same(rich: Department, tmp_path: Path, need_lo) -> None:
    """A user opens our .docx in LibreOffice/WPS and saves it: LibreOffice rewrites every
    part (its own styles, tables, merges); the reader must still get the same model."""
    src = write_docx(rich, tmp_path / "ours.docx")
    res = subprocess.run(
        [
            "soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo-out"), str(src),
        ],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    resaved = tmp_path / "lo-out" / "ours.docx"
    assert res.returncode == 0 and resaved.exists(), res.stderr
    with zipfile.ZipFile(resaved) as z:  # really rewritten by LibreOffice
        assert b"LibreOffice" in z.read("docProps/app.xml")
    assert read_docx(resaved).content() == rich.content()


def test_paragraph_text_skips_deleted_text_field_codes_and_vml_copies() -> None:
    from lxml import etree

    from perf_xl.importers.docx import _para_text

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    p = etree.fromstring(
        f'<w:p xmlns:w="{w}" xmlns:mc="{mc}">'
        "<w:r><w:t>2024 年</w:t></w:r>"
        "<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>部门预算</w:t></w:r></w:ins>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        "<w:r><mc:AlternateContent><mc:Choice><w:t>绩效</w:t></mc:Choice>"
        "<mc:Fallback><w:t>绩效</w:t></mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>文本</w:t><w:tab/><w:t>A</w:t><w:br/><w:t>B</w:t></w:r></w:p>"
    )
    assert _para_text(p) == "2024 年部门预算绩效文本\tA\nB"


def test_indicator_table_in_part1_neither_ends_part1_nor_becomes_a_project(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("一、总体绩效目标")
    d.add_paragraph("第一段。")
    t = d.add_table(rows=0, cols=4)  # 部门整体绩效指标 as a table
    _row(t, "一级指标", "二级指标", "三级指标", "指标值")
    _row(t, "产出指标", "数量指标", "审结案件数", "≥3000 件")
    d.add_paragraph("第二段。")
    d.add_paragraph("三、工作保障措施")
    d.add_paragraph("（一）完善制度建设。制定制度。")
    d.add_paragraph("1.国家赔偿绩效目标表")
    t2 = d.add_table(rows=0, cols=4)
    _row(t2, "项目编码", "13070024P000482100018", "项目名称", "罚没安排—国家赔偿（市法院）")
    d.save(str(tmp_path / "p.docx"))
    dept = read_docx(tmp_path / "p.docx")
    assert dept.overall_goal == "第一段。\n第二段。"
    assert [(m.title, m.text) for m in dept.measures] == [("完善制度建设", "制定制度。")]
    assert [(p.seq, p.name, p.indicators) for p in dept.projects] == [(1, "罚没安排—国家赔偿（市法院）", [])]
