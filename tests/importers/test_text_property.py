"""Property: however the example is damaged, the importer answers with a model or with
its own error (PerfXLError naming a real line) — never with another exception; and it
refuses only a text that has no table at all (issue 13)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf_xl.errors import PerfXLError
from perf_xl.importers.text import parse_text
from perf_xl.model import Department
from perf_xl.resources import example_path

EXAMPLE = example_path().read_text(encoding="utf-8").split("\n")

_FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789%:().,"}
_HALF = {v: k for k, v in _FULL.items()} | {"：": ":", "（": "(", "）": ")", "．": "."}
# Things the document itself is made of, plus a few it must refuse.
_INJECT = st.sampled_from(
    ["\t", "\t\t", "<b>", "</b>", "#", "## ", "：", ":", "%", "月底", "12月底", "3 月底",
     "100%", "十万", "一级指标", "项目编码", "项目编号", "绩效目标", "资金支出计划（%）",
     "单位：元", "\u3000", " ", "—", "\n", "\r", "\x00", "\ufeff", "１", "."]
) | st.text(min_size=1, max_size=3)  # fmt: skip

_OPS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("full-width"), st.integers(0, 10**6)),
    st.tuples(st.just("half-width"), st.integers(0, 10**6)),
    st.tuples(st.just("inject"), st.integers(0, 10**6), st.integers(0, 10**6), _INJECT),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
)


def mutate(ops: list[tuple]) -> str:
    lines = list(EXAMPLE)
    for op, *args in ops:
        if not lines:
            break
        i = args[0] % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = args[1] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("full-width", "half-width"):
            table = _FULL if op == "full-width" else _HALF
            lines[i] = "".join(table.get(c, c) for c in lines[i])
        elif op == "inject":
            k = args[1] % (len(lines[i]) + 1)
            lines[i] = lines[i][:k] + args[2] + lines[i][k:]
        elif op == "truncate":
            text = "\n".join(lines)
            lines = text[: i * len(text) // len(lines)].split("\n")
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_OPS, min_size=1, max_size=5))
def test_only_perfxl_error_ever_escapes(ops):
    text = mutate(ops)
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    try:
        dept = parse_text(text, source_name="mutated.txt")
    except PerfXLError as err:
        # Refused only for what is not a document at all: no table, no text, a control
        # character.
        assert any(w in err.message for w in ("没有找到任何项目绩效目标表", "文件是空的", "控制字符")), err
        assert err.message and err.path == "mutated.txt"
        assert err.line is None or 1 <= err.line <= n_lines
        assert any("\u4e00" <= c <= "\u9fff" for c in err.message)  # said in Chinese
        return
    # What it does read is a well-formed model: damage inside a table leaves a field
    # missing (the rules report it) or a row in ``unread`` with its line — never a refusal.
    assert dept.projects
    for p in dept.projects:
        assert all(i.line is None or 1 <= i.line <= n_lines for i in p.indicators)
        assert all(v is None or isinstance(v, Decimal) for v in p.plan)
        assert all(v is None or (isinstance(v, Decimal) and v.is_finite())
                   for v in (p.budget, p.fiscal, p.other))
        assert len(p.plan) == 4
        assert all(1 <= line <= n_lines for line in p.lines.values())
        assert all(1 <= u["line"] <= n_lines and u["text"] for u in p.unread)
    assert Department.from_json(dept.to_json()) == dept


def test_the_unmutated_example_reads():
    assert len(parse_text(mutate([])).projects) == 39
