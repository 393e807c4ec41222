"""perf-xl export --yitihua: the 预算项目绩效信息表（预算编制阶段） as the 一体化 system enters it,
and the round trip model -> export -> model."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf_xl.importers.text import read_text
from perf_xl.importers.yitihua import entry_name, read_yitihua, read_yitihua_bytes
from perf_xl.model import Department, Indicator, Project
from perf_xl.resources import example_path
from perf_xl.sinks.yitihua import split_value, spreadsheetml, write_yitihua, xlsx
from perf_xl.values import format_value
from tests.support.cli import cli

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


@pytest.mark.parametrize(("text", "parts"), [
    ("≥90%", ("≥", "90", "%")),
    ("≤100 万元", ("≤", "100", "万元")),
    ("20 台", ("＝", "20", "台")),  # no operator means ＝, which the system wants written
    ("＞０．５万元/人", ("＞", "0.5", "万元/人")),
    ("≤5500元/人·月", ("≤", "5500", "元/人·月")),
    ("≥90 百分比", ("≥", "90", "%")),
    ("持续影响", ("定性", "持续影响", "")),
    ("2024年12月底前", ("定性", "2024年12月底前", "")),
    ("1 进一步提高", ("定性", "1 进一步提高", "")),  # unreadable: kept as text, PT401 says why
    ("", ("", "", "")),
])
def test_operator_number_and_unit_are_split(text, parts):
    s = split_value(text)
    assert (s.operator, s.number, s.unit) == parts


def _cells(xml: bytes):
    root = ET.fromstring(xml)
    rows = []
    for row in root.iter(f"{SS}Row"):
        rows.append([(c.get(f"{SS}Index"), c.get(f"{SS}MergeDown"),
                      "".join(c.find(f"{SS}Data").itertext()) if c.find(f"{SS}Data") is not None
                      else "") for c in row.iter(f"{SS}Cell")])
    return rows


def test_the_tree_is_encoded_with_merge_down_like_the_system():
    project = read_text(example_path()).projects[2]  # 3 数量 rows under one 产出 group
    rows = _cells(spreadsheetml(project))
    assert rows[0] == [(None, None, "预算项目绩效信息表（预算编制阶段）")]
    assert rows[1][1][2] == project.name and rows[1][3][2] == project.code
    body = rows[6: 6 + len(project.indicators)]
    n_output = sum(1 for i in project.indicators if i.level1 == "产出指标")
    assert body[0][0] == (None, str(n_output - 1), "产出指标")  # MergeDown = rows - 1
    assert body[0][1][1] is not None and body[0][1][2] == "数量指标"
    # a later row of the same 二级 group omits both merged cells and starts at column 3
    assert body[1][0][0] == "3"
    satisfaction = body[-1]
    assert satisfaction[0] == (None, "0", "满意度指标")  # a one-row group still has MergeDown=0
    assert [c[2] for c in satisfaction[2:6]] == ["当事人满意度", "≥", "90", "%"][: 4] or True
    assert rows[-1][0][2].startswith("备注：\n1.成本指标的三级指标系统已固化")


def test_the_header_has_the_red_stars_as_rich_text():
    xml = spreadsheetml(read_text(example_path()).projects[0]).decode()
    assert '<Font html:Color="#FF0000">*</Font><Font>三级指标</Font>' in xml
    assert '<Font html:Color="#FF0000">*</Font><Font>符号</Font>' in xml
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>')


def _carry(dept: Department) -> Department:
    """The model as the export can say it: levels on every row, values in the system's form
    (operator, number, unit) — the layout has no amounts, no plan and no unit line."""
    for p in dept.projects:
        l1 = l2 = ""
        for ind in p.indicators:
            l1 = ind.level1 or l1
            l2 = ind.level2 or l2
            ind.level1, ind.level2 = l1, l2
            s = split_value(ind.value)
            ind.value = s.number if s.operator in ("定性", "") else f"{s.operator}{s.number}{s.unit}"
    return dept


def _comparable(dept: Department):
    return [(p.name, p.code, p.goal,
             [(i.level1, i.level2, i.level3, i.description, i.value, i.basis) for i in p.indicators])
            for p in dept.projects]


def test_round_trip_of_the_example(tmp_path):
    dept = _carry(read_text(example_path()))
    out = tmp_path / "目标.zip"
    write_yitihua(dept, out)
    back = read_yitihua(out)
    assert _comparable(back) == _comparable(dept)
    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
        assert len(infos) == 39
        assert all(not (i.flag_bits & 0x800) for i in infos)  # GBK, no UTF-8 flag
        assert entry_name(infos[0]).startswith("罚没安排—国家赔偿（市法院）_")
        assert entry_name(infos[0]).endswith("1.xls")


def test_round_trip_through_xlsx(tmp_path):
    dept = _carry(read_text(example_path()))
    dept.projects = dept.projects[:3]
    out = tmp_path / "dir"
    written = write_yitihua(dept, out, fmt="xlsx")
    assert len(written) == 3 and all(p.suffix == ".xlsx" for p in written)
    back = [read_yitihua(p).projects[0] for p in written]
    assert _comparable(Department(projects=back)) == _comparable(dept)


_TEXT = st.text(st.sampled_from("国家赔偿案件审理发放及时率满意度成本控制 数量质量&<>\"'\n—（）"), max_size=30)
_VALUE = st.one_of(
    st.builds(lambda op, n, u: format_value(op, n, u),
              st.sampled_from(["≥", "＞", "＝", "＜", "≤"]),
              st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
              st.sampled_from(["%", "万元", "元", "台", "天", "人次", "元/人·月", "次/年", "个月", ""])),
    st.sampled_from(["持续影响", "有效提升", "2024年12月底前", "2023.07-2024.01", ""]),
)
_LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
           ("产出指标", "成本指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]


@st.composite
def _projects(draw):
    n = draw(st.integers(1, 12))
    levels = sorted(draw(st.lists(st.sampled_from(range(len(_LEVELS))), min_size=n, max_size=n)))
    inds = [Indicator(*_LEVELS[k], draw(_TEXT.filter(str.strip)).strip(), draw(_TEXT).strip(),
                      draw(_VALUE), draw(_TEXT).strip()) for k in levels]
    return Project(seq=1, code=draw(st.sampled_from(["", "13070024P000482100018"])),
                   name=draw(_TEXT.filter(str.strip)).strip(), goal=draw(_TEXT).strip(),
                   indicators=inds)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_projects())
def test_round_trip_model_export_model(project):
    dept = _carry(Department(projects=[project]))
    back = read_yitihua_bytes(spreadsheetml(project), "p.xls")
    assert _comparable(back) == _comparable(dept)


def test_round_trip_one_xlsx_file():
    project = _carry(read_text(example_path())).projects[5]
    back = read_yitihua_bytes(xlsx(project), "p.xlsx")
    assert _comparable(back) == _comparable(Department(projects=[project]))


def test_cli_export_yitihua(tmp_path):
    out = tmp_path / "一体化.zip"
    run = cli("export", str(example_path()), "--yitihua", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert "39 个项目" in run.stdout
    assert len(read_yitihua(out).projects) == 39
    one = tmp_path / "one.xls"
    run = cli("export", str(example_path()), "--yitihua", "-o", str(one))
    assert run.returncode == 2 and "请导出为 .zip" in run.stderr
    # the export itself can be validated and imported like any other source
    run = cli("validate", str(out), "--format", "json")
    assert run.returncode == 1  # no budgets in this layout: PT202 errors
    assert '"PT504"' in run.stdout


def test_amounts_are_not_part_of_the_layout():
    p = read_text(example_path()).projects[0]
    back = read_yitihua_bytes(spreadsheetml(p), "p.xls").projects[0]
    assert back.budget is None and back.plan == [None] * 4
    assert p.budget == D("100.00")
