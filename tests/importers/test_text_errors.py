"""Bad input: one clear Chinese message naming the line and what was expected."""

from __future__ import annotations

import pytest

from perf_xl.errors import PerfXLError
from perf_xl.importers.text import parse_text, read_text
from perf_xl.rules import validate

from .test_text_quirks import MINI, T, lines_of, replace_line


def error_of(text: str) -> PerfXLError:
    with pytest.raises(PerfXLError) as err:
        parse_text(text, source_name="t.txt")
    return err.value


def cut_after(line: int) -> str:
    return "\n".join(lines_of(MINI)[:line])


# Each damaged document of the first release, and what the tolerant reader makes of it
# (issue 13): the document is read; the rule that reports the damage names the same line.
_DAMAGED = [
        # a budget that is not a number
        (MINI.replace("100.00", "十万"), 8, ["预算数", "十万", "数字金额"]),
        (MINI.replace("80.00", "8O.00"), 8, ["财政资金", "8O.00"]),
        # a table cut off before its indicator table, and in the middle of a row
        (cut_after(12), 12, ["中断", "没有指标表", "一级指标"]),
        (cut_after(9), 9, ["中断", "没有指标表"]),
        (cut_after(13), 13, ["指标表没有任何指标行"]),
        (cut_after(14) + "\n" + T.join(["", "质量指标", "合格"]), 15, ["指标值", "截断"]),
        (cut_after(3), 1, ["后面没有表格"]),
        # stray tabs
        (
            replace_line(
                MINI, 15, T.join(["", "质量指标", "合格率", "", "质量描述", "≥90%", "工作计划"])
            ),
            15,
            ["7 个单元格", "6 列", "多余的制表符"],
        ),
        (
            MINI.replace("预算数\t100.00", "预算数\t100.00\t\t50"),
            8,
            ["预算数", "2 个单元格", "多余的制表符"],
        ),
        ("张家口市测试法院\n2024 年部门预算\t绩效文本\n" + MINI, 2, ["制表符", "正文"]),
        # spend plan
        (MINI.replace("\t25%\t\t50%", "\t二成\t\t50%"), 11, ["二成", "百分比"]),
        (MINI.replace("10 月底", "9 月底"), 10, ["9 月底", "时间点"]),
        (replace_line(MINI, 10), 10, ["只有数字", "3月底 6月底 10月底 12月底"]),
        (
            MINI.replace("\t25%\t\t50%", "资金支出计划\t25%\t\t50%").replace(
                "资金支出计划（%）\t3 月底\t\t6 月底\t10 月底\t12 月底\t\n", ""
            ),
            10,
            ["数值前缺少表头"],
        ),
        (replace_line(MINI, 11), 10, ["表头没有数值行"]),
        (
            MINI.replace("\t25%\t\t50%\t75%\t100%", "\t25%\t50%\t75%\t100%\t100%\t1%"),
            11,
            ["6 个数值", "4 个时间点"],
        ),
        # rows that cannot be placed
        (replace_line(MINI, 12, T.join(["", "随便一段话", ""])), 12, ["无法归属"]),
        (replace_line(MINI, 13), 13, ["无法归属", "缺少“一级指标"]),
        (
            replace_line(MINI, 14, T.join(["", "数量指标", "测试数量", "描述", "≥1 个", "计划"])),
            14,
            ["一级指标为空"],
        ),
        (
            replace_line(MINI, 16, T.join(["效益指标", "", "效益", "描述", "持续影响", "计划"])),
            16,
            ["二级指标为空", "效益指标"],
        ),
        (
            replace_line(MINI, 15, T.join(["", "质量指标", "", "描述", "≥90%", "计划"])),
            15,
            ["三级指标"],
        ),
        (MINI + "\n" + "\n".join(lines_of(MINI)[6:]), 18, ["项目编码", "少了一个项目标题"]),
        (
            MINI.replace("一级指标\t二级指标", "一级指标\t二级指标\t备注"),
            13,
            ["无法识别的列", "备注"],
        ),
        (MINI.replace("\t指标值\t", "\t分值\t"), 13, ["无法识别的列", "分值"]),
        (MINI.replace("单位：万元", "单位：千元"), 5, ["千元", "万元"]),
        (replace_line(MINI, 4, "第 3 页"), 4, ["无法识别的内容", "单位行"]),
        (replace_line(MINI, 7), 1, ["缺少“项目编码”行"]),
        (replace_line(MINI, 8), 8, ["无法归属", "用于测试"]),
        ("\n".join(lines_of(MINI)[2:]), 5, ["表格前缺少项目标题"]),
        (
            MINI.replace(
                "项目编码\t13070024P000482100018\t", "项目编码\t13070024P000482100018\t项目编码\t"
            ),
            7,
            ["两个"],
        ),
        (MINI.replace("1.完成测试。", "1.完成\x00测试。"), 12, ["控制字符"]),
]
# index in _DAMAGED -> (rule code that reports it at that line, words of its message)
_REPORTED = {
    0: ('PT202', ['十万', '不是数字']),
    1: ('PT201', ['8O.00']),
    2: ('PT505', ['没有指标表']),
    3: ('PT505', ['没有指标表']),
    4: ('PT505', ['没有任何指标行']),
    5: ('PT113', ['指标值为空']),
    6: ('PT101', ['项目编码为空']),
    7: ('PT505', ['7 个单元格', '6 列', '多余的制表符']),
    8: ('PT505', ['预算数', '2 个单元格', '多余的制表符']),
    10: ('PT302', ['二成', '不是百分比']),
    11: ('PT505', ['9 月底', '时间点']),
    12: ('PT505', ['只有数字', '3月底 6月底 10月底 12月底']),
    13: ('PT505', ['数值前缺少表头']),
    14: ('PT505', ['表头没有数值行']),
    15: ('PT505', ['6 个数值', '4 个时间点']),
    16: ('PT505', ['无法归属']),
    17: ('PT505', ['无法归属', '缺少“一级指标']),
    18: ('PT108', ['一级指标为空']),
    19: ('PT108', ['二级指标为空', '效益指标']),
    20: ('PT110', ['三级指标名称为空']),
    21: ('PT103', ['重复']),
    22: ('PT505', ['两个', '绩效指标描述']),
    23: ('PT505', ['无法识别的列', '分值']),
    25: ('PT505', ['无法识别的内容', '单位行']),
    26: ('PT101', ['项目编码为空']),
    27: ('PT505', ['无法归属', '用于测试']),
    29: ('PT505', ['两个']),
}
# Damage that is no longer damage: a stray tab in the cover's title, 千元 as the unit,
# a table without its "N.XXX绩效目标表" heading (the 申报表 layout has none).
_NOW_READ = {9, 24, 28}


@pytest.mark.parametrize("index", sorted(_REPORTED))
def test_damage_is_read_and_reported_at_its_line(index):
    text, line, _old_words = _DAMAGED[index]
    code, words = _REPORTED[index]
    dept = parse_text(text, source_name="t.txt")
    found = [f for f in validate(dept) if f.code == code and f.line == line]
    assert found, [(f.code, f.line, f.message) for f in validate(dept)]
    for word in words:
        assert any(word in f.message for f in found), (word, [f.message for f in found])


@pytest.mark.parametrize("index", sorted(_NOW_READ))
def test_former_damage_now_read(index):
    text, _line, _words = _DAMAGED[index]
    dept = parse_text(text, source_name="t.txt")
    assert len(dept.projects) == 1
    assert dept.projects[0].name == "罚没安排—测试项目"
    assert not dept.projects[0].unread


def test_a_control_character_still_refuses_the_file():
    text, line, _words = _DAMAGED[-1]
    err = error_of(text)
    assert err.line == line == 12 and "控制字符" in err.message
    assert err.describe().startswith("t.txt，第 12 行：")


def test_whole_files(tmp_path):
    cases = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n\t\n",
        "binary.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "undecodable.txt": b"abc \xff\xfe\xff not text",
        "part1-only.txt": "# 第一部分\n\n### 一、总体绩效目标\n\n一段话。\n".encode(),
    }
    expected = {
        "empty.txt": "文件是空的",
        "blank.txt": "文件是空的",
        "binary.bin": "不是文本文件",
        "undecodable.txt": "无法识别文件的文字编码",
        "part1-only.txt": "没有找到任何项目绩效目标表",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(PerfXLError) as err:
            read_text(path)
        assert expected[name] in err.value.message, name
        assert err.value.path == str(path)
        assert err.value.line is None


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PerfXLError, match="文件不存在"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(PerfXLError, match="文件夹"):
        read_text(tmp_path)


def test_empty_text():
    for text in ("", "\n\n", "\ufeff"):
        with pytest.raises(PerfXLError, match="文件是空的"):
            parse_text(text)
