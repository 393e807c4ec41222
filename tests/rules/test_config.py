"""The TOML configuration: defaults, overrides, and clear errors for mistakes."""

from decimal import Decimal as D

import pytest
from ruletools import clean_project, department, only, run, with_indicator

from perf_xl.errors import PerfXLError
from perf_xl.rules import default_config, load_config


def write(tmp_path, text):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_default():
    cfg = default_config()
    assert cfg.year is None
    assert cfg.satisfaction_floor == D(80)
    assert cfg.progress_floor == (None, None, None, None)
    assert cfg.smaller_is_better == ()
    assert all(cfg.is_enabled(code) for code in ("PT101", "PT305", "PT502"))
    assert load_config(None) == cfg


def test_the_packaged_file_states_the_defaults_no_command_parses():
    """default_config() is RuleConfig() without reading perf_xl/data/rules.toml: the file
    users copy must say exactly that (a changed default needs both changed)."""
    from perf_xl.rules.config import RuleConfig, packaged_config

    assert packaged_config() == default_config() == RuleConfig()


def test_full_file(tmp_path):
    cfg = load_config(write(tmp_path, """
[budget]
year = 2023
[spend_plan]
floor = [25, 50, 75, 100]
[indicators]
satisfaction_floor = 85.5
smaller_is_better = ["等待时长", "排队"]
[rules]
PT111 = false
PT405 = true
"""))
    assert cfg.year == 2023
    assert cfg.progress_floor == (D(25), D(50), D(75), D(100))
    assert cfg.satisfaction_floor == D("85.5")
    assert cfg.smaller_is_better == ("等待时长", "排队")
    assert not cfg.is_enabled("PT111") and cfg.is_enabled("PT405") and cfg.is_enabled("PT101")


def test_floor_as_table_and_partial_file(tmp_path):
    cfg = load_config(write(tmp_path, '[spend_plan]\nfloor = { "6月底" = 40, "10 月底" = 70 }\n'))
    assert cfg.progress_floor == (None, D(40), D(70), None)
    assert cfg.satisfaction_floor == D(80)  # untouched keys keep the default


def test_config_changes_what_fires(tmp_path):
    cfg = load_config(write(tmp_path, "[budget]\nyear = 2023\n[spend_plan]\nfloor = [30, 50, 75, 100]\n"
                                      "[indicators]\nsatisfaction_floor = 95\n[rules]\nPT301 = false\n"))
    p = with_indicator(clean_project(plan=[D(25), D(50), D(75), None]), 5, value="≥90%")
    found = run(department(p), cfg)
    codes = {f.code for f in found}
    assert "PT111" in codes  # a 2024 code under budget year 2023
    assert "PT305" in codes and "PT406" in codes
    assert "PT301" not in codes
    assert only(run(department(p)), "PT301")  # … which the default config reports


@pytest.mark.parametrize(("text", "fragment"), [
    ("[budgte]\nyear = 2024\n", "未知的配置节 [budgte]"),
    ("[budget]\nyaer = 2024\n", "[budget] 中没有「yaer」这一项"),
    ("[budget]\nyear = \"2024\"\n", "四位年份"),
    ("[spend_plan]\nfloor = [25, 50]\n", "应写 4 个数"),
    ("[spend_plan]\nfloor = { \"5月底\" = 40 }\n", "不是时点"),
    ("[spend_plan]\nfloor = [25, 50, 75, 120]\n", "0–100"),
    ("[indicators]\nsatisfaction_floor = \"高\"\n", "0–100"),
    ("[indicators]\nsmaller_is_better = \"天数\"\n", "字符串的列表"),
    ("[rules]\nPT999 = false\n", "「PT999」不是已知的规则编号"),
    ("[rules]\nPT101 = \"no\"\n", "应为 true 或 false"),
    ("[budget\n", "不是有效的 TOML"),
])
def test_mistakes_are_reported(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(PerfXLError) as err:
        load_config(path)
    assert fragment in err.value.message
    assert err.value.path == str(path)


def test_missing_file(tmp_path):
    with pytest.raises(PerfXLError, match="无法读取校验配置文件"):
        load_config(tmp_path / "nope.toml")


def test_not_utf8(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_bytes("[budget]\n# 预算\n".encode("gbk"))
    with pytest.raises(PerfXLError, match="UTF-8"):
        load_config(path)
