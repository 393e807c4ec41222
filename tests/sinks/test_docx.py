"""The 绩效文本 Word writer: round trip, table layout, fonts, page setup, atomic save,
and LibreOffice rendering (PDF, then PNG pages that must not be blank)."""

from __future__ import annotations

import copy
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from decimal import Decimal as D
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from perf_xl import docx_layout as L
from perf_xl.errors import PerfXLError
from perf_xl.importers.docx import read_docx
from perf_xl.model import Department, funding_line_for
from perf_xl.sinks.docx import amount_text, write_docx

ROOT = Path(__file__).parents[2]


def _project_tables(path: Path) -> list:
    return docx.Document(str(path)).tables


# -- round trip --------------------------------------------------------------------------


def test_round_trip_equals_model(rich: Department, tmp_path: Path) -> None:
    out = write_docx(rich, tmp_path / "绩效文本.docx")
    back = read_docx(out)
    assert back.content() == rich.content()
    # the parts that are easy to lose, spelled out
    assert back.projects[1].plan == [D("25"), D("50"), D("83.33"), None]
    assert back.projects[2].budget is None and back.projects[2].invalid["budget"] == "待定"
    assert back.projects[2].fiscal == D("1.2345")
    assert back.projects[3].seq == 7 and back.projects[3].indicators == []
    assert back.sub_goals[1].label == "绩效指标"


def test_printed_content_round_trips_without_the_hidden_part(rich: Department, tmp_path: Path) -> None:
    """Drop the custom XML part (as a hand edit might): everything printed still comes
    back; only the never-printed fields fall back to what the reader derives."""
    out = write_docx(rich, tmp_path / "a.docx")
    doc = docx.Document(str(out))
    ours = [
        rid
        for rid, rel in doc.part.rels.items()
        if rel.reltype.endswith("/customXml") and L.META_NS.encode() in rel.target_part.blob
    ]
    assert len(ours) == 1  # the writer did embed it
    doc.part.drop_rel(ours[0])  # python-docx saves only the parts still related
    stripped = tmp_path / "stripped.docx"
    doc.save(str(stripped))
    with zipfile.ZipFile(stripped) as z:
        assert not any(L.META_NS.encode() in z.read(n) for n in z.namelist())
    back = read_docx(stripped)
    expected = copy.deepcopy(rich)
    for p in expected.projects:
        p.plan_profile = ""
        p.funding_line = funding_line_for(p.name)
        p.invalid.pop("plan.9", None)  # a key no table cell shows
    assert back.content() == expected.content()
    assert back.projects[1].funding_line == "诉讼费收入安排"  # derived from the name


def test_text_edited_in_word_wins_over_hidden_part(rich: Department, tmp_path: Path) -> None:
    out = write_docx(rich, tmp_path / "a.docx")
    doc = docx.Document(str(out))
    cell = doc.tables[1].cell(1, 2)
    assert cell.text == "1598.90"
    cell.paragraphs[0].runs[0].text = "1600.00"
    doc.save(str(out))
    back = read_docx(out)
    assert back.projects[1].budget == D("1600.00")
    assert back.projects[1].plan_profile == "按月发放"  # still carried


# -- layout ------------------------------------------------------------------------------


def test_project_table_layout(rich: Department, tmp_path: Path) -> None:
    out = write_docx(rich, tmp_path / "a.docx")
    tables = _project_tables(out)
    assert len(tables) == len(rich.projects)
    t = tables[0]
    assert len(t.columns) == len(L.GRID_CM)
    assert [t.cell(0, c).text for c in (0, 1, 3, 4)] == [
        "项目编码", "13070024P000482100018", "项目名称", "罚没安排—国家赔偿（市法院）"
    ]  # fmt: skip
    # 预算规模及资金用途 is one cell over the amount row and the 资金用途 row
    assert t.cell(1, 0)._tc is t.cell(2, 0)._tc
    assert t.cell(1, 0).text == "预算规模及资金用途"
    assert [t.cell(1, c).text for c in range(1, 7)] == [
        "预算数", "100.00", "其中：财政资金", "100.00", "其他资金", ""
    ]  # fmt: skip
    assert t.cell(2, 1)._tc is t.cell(2, 6)._tc  # 资金用途 spans the six columns
    assert t.cell(3, 0)._tc is t.cell(4, 0)._tc
    assert t.cell(3, 0).text == "资金支出计划（%）"
    assert [t.cell(3, c).text for c in (1, 3, 5, 6)] == ["3月底", "6月底", "10月底", "12月底"]
    assert t.cell(3, 3)._tc is t.cell(3, 4)._tc  # 6月底 spans two grid columns
    assert [t.cell(4, c).text for c in (1, 3, 5, 6)] == ["25%", "50%", "75%", "100%"]
    assert t.cell(5, 0).text == "绩效目标"
    assert [t.cell(6, c).text for c in (0, 1, 2, 3, 5, 6)] == list(L.INDICATOR_HEADERS)
    # 一级指标 产出指标 merged over its five rows, 二级 数量指标 over its two
    first = 7
    group = [t.cell(r, 0)._tc for r in range(first, first + 5)]
    assert all(tc is group[0] for tc in group)
    assert t.cell(first + 5, 0)._tc is not t.cell(first, 0)._tc
    assert t.cell(first, 1)._tc is t.cell(first + 1, 1)._tc
    assert t.cell(first + 2, 1)._tc is not t.cell(first + 1, 1)._tc
    assert len(t.rows) == first + len(rich.projects[0].indicators)


def test_missing_plan_value_is_an_empty_cell(rich: Department, tmp_path: Path) -> None:
    out = write_docx(rich, tmp_path / "a.docx")
    t = _project_tables(out)[1]
    assert [t.cell(4, c).text for c in (1, 3, 5, 6)] == ["25%", "50%", "83.33%", ""]
    assert [t.cell(1, c).text for c in (2, 4, 6)] == ["1598.90", "1586.40", "12.50"]
    t3 = _project_tables(out)[3]
    assert [t3.cell(4, c).text for c in (1, 3, 5, 6)] == ["未定", "", "", "100%"]


def test_non_consecutive_groups_are_not_merged(rich: Department, tmp_path: Path) -> None:
    # project 3 lists 效益指标, then 产出指标 twice: three rows, two merged cells in column 0
    t = _project_tables(write_docx(rich, tmp_path / "a.docx"))[2]
    col0 = [t.cell(r, 0)._tc for r in range(7, 10)]
    assert col0[0] is not col0[1] and col0[1] is col0[2]
    assert [t.cell(r, 0).text for r in range(7, 10)] == ["效益指标", "产出指标", "产出指标"]


def test_headings_unit_lines_and_cover(rich: Department, tmp_path: Path) -> None:
    out = write_docx(rich, tmp_path / "a.docx", draft=True)
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:5] == [
        "张家口市中级人民法院", "2024 年部门预算绩效文本", "(草案)",
        "张家口市中级人民法院编制", "张家口市财政局审核",
    ]  # fmt: skip
    assert "第一部分\n部门整体绩效目标" in texts
    assert "（二）审判管理" in texts and "绩效指标：通过审判管理使本院审判指标达到全省法院中等以上。" in texts
    assert "（二）加强支出管理。优化支出结构，编细编实绩效预算。" in texts
    i = texts.index("1.罚没安排—国家赔偿（市法院）绩效目标表")
    assert texts[i + 1 : i + 3] == ["161001 张家口市中级人民法院本级", "单位：万元"]
    assert "7.移动办公系统升级改造项目绩效目标表" in texts
    plain = docx.Document(str(write_docx(rich, tmp_path / "b.docx")))
    assert "(草案)" not in [p.text for p in plain.paragraphs]


def test_amount_text_two_decimals_never_rounds() -> None:
    assert amount_text(D("100")) == "100.00"
    assert amount_text(D("42.3")) == "42.30"
    assert amount_text(D("1.2345")) == "1.2345"
    assert amount_text(D("1E+2")) == "100.00"


# -- fonts and page ----------------------------------------------------------------------


def _rfonts(style) -> dict[str, str]:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}


def test_east_asian_fonts_are_set(rich: Department, tmp_path: Path) -> None:
    doc = docx.Document(str(write_docx(rich, tmp_path / "a.docx")))
    expect = {
        "Normal": "仿宋_GB2312",
        "绩效文本正文": "仿宋_GB2312",
        "Heading 1": "黑体",
        "Heading 2": "黑体",
        "Heading 3": "楷体_GB2312",
        "绩效目标表标题": "黑体",
        "表格文字": "宋体",
    }
    for name, font in expect.items():
        fonts = _rfonts(doc.styles[name])
        assert fonts["eastAsia"] == font, name
        assert fonts["ascii"] == ("宋体" if font == "宋体" else "Times New Roman"), name
        assert not any(k.endswith("Theme") or k == "cstheme" for k in fonts), name  # no theme override
    # every table paragraph uses the table style
    t = doc.tables[0]
    assert {p.style.name for row in t.rows for c in row.cells for p in c.paragraphs} == {"表格文字"}
    # the docDefaults speak Chinese too
    lang = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    # 仿宋 is named as the alternate of 仿宋_GB2312 in the font table
    with zipfile.ZipFile(tmp_path / "a.docx") as z:
        fonts_xml = z.read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"' in fonts_xml and 'w:val="仿宋"' in fonts_xml


def test_a4_margins_and_page_numbers(rich: Department, tmp_path: Path) -> None:
    doc = docx.Document(str(write_docx(rich, tmp_path / "a.docx")))
    assert len(doc.sections) == 2  # the cover, then the numbered body
    for s in doc.sections:
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
        assert round(s.left_margin.cm, 1) == 2.8 and round(s.right_margin.cm, 1) == 2.6
    cover, body = doc.sections
    assert not cover.footer.is_linked_to_previous or not "".join(p.text for p in cover.footer.paragraphs)
    assert body.footer.is_linked_to_previous is False
    footer_xml = body.footer._element.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml
    pg = body._sectPr.find(qn("w:pgNumType"))
    assert pg is not None and pg.get(qn("w:start")) == "1"


# -- saving ------------------------------------------------------------------------------


def test_atomic_write_leaves_original_on_failure(rich: Department, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "绩效文本.docx"
    target.write_bytes(b"original")

    def boom(self, path):  # the save fails half-way
        Path(path).write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", boom)
    with pytest.raises(PerfXLError, match="无法写入文件"):
        write_docx(rich, target)
    assert target.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["绩效文本.docx"]  # no temp file left


def test_write_replaces_and_leaves_no_temp(rich: Department, tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    write_docx(rich, target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]
    assert target.stat().st_mode & 0o777 != 0o600 or os.name == "nt"


def test_missing_output_folder_is_a_clear_error(rich: Department, tmp_path: Path) -> None:
    with pytest.raises(PerfXLError, match="输出目录不存在"):
        write_docx(rich, tmp_path / "nope" / "a.docx")


def test_progress_reports_each_table(rich: Department, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    write_docx(rich, tmp_path / "a.docx", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_control_characters_do_not_break_the_file(rich: Department, tmp_path: Path) -> None:
    rich.projects[0].purpose = "用于\x0b国家赔偿\x01。"
    back = read_docx(write_docx(rich, tmp_path / "a.docx"))
    assert back.projects[0].purpose == "用于国家赔偿。"


# -- the command -------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perf_xl", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_writes_docx_from_model_json(rich: Department, tmp_path: Path) -> None:
    src = tmp_path / "model.json"
    src.write_text(rich.to_json(), encoding="utf-8")
    out = tmp_path / "绩效文本.docx"
    res = _cli("export", str(src), "--docx", "-o", str(out), "--draft")
    assert res.returncode == 0, res.stderr
    assert "4 个项目" in res.stdout
    assert read_docx(out).content() == rich.content()


def test_cli_reads_docx_to_json(rich: Department, tmp_path: Path) -> None:
    src = write_docx(rich, tmp_path / "in.docx")
    res = _cli("import", str(src), "-o", str(tmp_path / "m.json"))
    assert res.returncode == 0, res.stderr
    back = Department.from_json((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert back.content() == rich.content()


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("bad.json", b"{\n  \"projects\": [\n", "不是有效的 JSON"),
        ("fake.docx", b"just text, renamed", "不是有效的 Word 文档"),
        ("empty.docx", b"", "空"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, name: str, data: bytes, needle: str) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    res = _cli("export", str(src), "--docx", "-o", str(tmp_path / "o.docx"))
    assert res.returncode == 2
    assert res.stderr.startswith("错误：") and needle in res.stderr and str(src) in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "o.docx").exists()


# -- LibreOffice rendering ---------------------------------------------------------------


def png_ink(path: Path) -> tuple[int, int, int, int]:
    """(width, height, pixels that are not near-white, rows that are more than half dark —
    the horizontal rules of a table) of an 8-bit PNG, decoded with zlib."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (0, 2, 6), (depth, color)
            channels = {0: 1, 2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    ink = rules = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        dark = sum(
            1 for x in range(width) if min(line[x * channels : x * channels + min(channels, 3)]) < 200
        )
        ink += dark
        rules += dark > width // 2
        prev = line
    return width, height, ink, rules


def to_pdf(docx_path: Path, workdir: Path) -> Path:
    profile = workdir / "lo-profile"
    res = subprocess.run(
        [
            "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(workdir), str(docx_path),
        ],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = workdir / (docx_path.stem + ".pdf")
    assert res.returncode == 0 and pdf.exists(), res.stderr + res.stdout
    return pdf


@pytest.mark.lo
def test_libreoffice_renders_cover_and_table_pages(rich: Department, tmp_path: Path, need_lo) -> None:
    src = write_docx(rich, tmp_path / "rich.docx", draft=True)
    pdf = to_pdf(src, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    # cover + part 1 (at least one page) + one page per project table
    assert pages >= 2 + len(rich.projects)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts  # Chinese text was set in a CJK font, not as missing glyphs
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    for needle in ("部门预算绩效文本", "第二部分", "罚没安排—国家赔偿", "项目编码", "83.33%"):
        assert needle in text, needle
    assert re.search(r"—\s*1\s*—", text)  # the page number after the cover
    # page 1 (cover) and the first table's page as PNG: not blank
    table_page = next(
        n
        for n in range(1, pages + 1)
        if "项目编码" in subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
        ).stdout
    )
    assert table_page >= 3  # after the cover and part 1
    for page in (1, table_page):
        stem = tmp_path / f"page{page}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
            check=True, timeout=60,
        )  # fmt: skip
        width, height, ink, rules = png_ink(stem.with_suffix(".png"))
        assert abs(width - 413) <= 1 and abs(height - 585) <= 1  # A4 at 50 dpi
        assert ink > 1000, (page, ink)
        if page == table_page:  # the table's horizontal rules: one per row at least
            assert rules >= 7 + len(rich.projects[0].indicators), rules
        else:  # the cover has text but no table
            assert rules == 0, rules


def test_png_ink_counts_dark_pixels(tmp_path: Path) -> None:
    """The tiny decoder itself: a 4x2 RGB image with three black pixels, Sub/Up filters."""
    rows = [bytes([0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]), bytes([255] * 9 + [0, 0, 0])]
    raw = b"\x00" + rows[0] + b"\x02" + bytes((b - a) & 0xFF for a, b in zip(rows[0], rows[1], strict=True))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 2, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    (tmp_path / "t.png").write_bytes(png)
    assert png_ink(tmp_path / "t.png") == (4, 2, 3, 0)
