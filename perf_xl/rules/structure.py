"""PT1xx: structure and completeness of a project table."""

from __future__ import annotations

from collections.abc import Iterator

from . import projectcode
from .context import Context
from .facts import OUTPUT_LEVEL2, REQUIRED_LEVEL1, TREE, ProjectFacts
from .finding import Hit
from .registry import (
    ADD_BENEFIT,
    ADD_OUTPUT,
    ADD_SATISFACTION,
    ERROR,
    INCOMPLETE,
    INFO,
    LEVEL1_WRONG,
    LEVEL2_WRONG,
    OTHER,
    WARNING,
    rule,
)


def _code(p: ProjectFacts) -> str:
    return (p.project.code or "").strip()


@rule("PT101", ERROR, OTHER,
      "项目编码缺失或格式不对（6 位区划码 + 2 位年度 + 类型字母 + 11 位数字 + 校验码）",
      reason="项目编码是项目在一体化系统中的唯一标识，格式不对的编码无法导入，财政局会退回。",
      example="项目编码写成「13070024P0004831」（少了位数）")
def code_format(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    code = _code(p)
    problem = projectcode.format_problem(code)
    if problem == "项目编码为空":
        yield Hit("项目编码为空", "code", expected="21 位项目编码")
    elif problem:
        yield Hit(f"项目编码「{code}」格式不对：{problem}（应为 6 位区划码 + 2 位年度 + "
                  "1 位类型字母 + 11 位数字 + 1 位校验码）", "code", found=code)


@rule("PT102", ERROR, OTHER, "项目编码校验码错误",
      reason="校验码由前 20 位算出，末位不符说明编码抄错了一位。",
      example="「13070024P00048310001Y」按编码规则末位应为「X」")
def code_check(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    code = _code(p)
    if projectcode.format_problem(code):
        return
    expected = projectcode.check_char(code)
    if expected is None:
        yield Hit(f"项目编码「{code}」的类型字母「{code[8]}」不是已知的 P，无法核对校验码，"
                  "请确认编码", "code", severity=WARNING, found=code[8], expected="P")
    elif code[20] != expected:
        yield Hit(f"项目编码「{code}」校验码错误：末位为「{code[20]}」，按编码规则应为"
                  f"「{expected}」（或前 20 位中有输错的字符）", "code",
                  found=code[20], expected=expected)


@rule("PT103", ERROR, OTHER, "同一项目编码出现在两个项目中", scope="department",
      reason="两个项目用同一编码，导入和汇总时会互相覆盖。",
      example="第 3 个和第 7 个项目的编码都是「13070024P00048310001X」")
def duplicate_codes(projects: list[ProjectFacts], ctx: Context) -> Iterator[Hit]:
    first: dict[str, ProjectFacts] = {}
    for p in projects:
        code = _code(p)
        if not code:
            continue
        if code in first:
            other = first[code].project
            yield Hit(f"项目编码「{code}」与第 {other.seq} 项「{other.name}」重复",
                      "code", project=p.project, found=code)
        else:
            first[code] = p


@rule("PT104", ERROR, OTHER, "项目名称为空",
      reason="没有名称的项目无法审核，也无法命名它的工作表。",
      example="项目名称一栏空白")
def name_empty(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    if not (p.project.name or "").strip():
        yield Hit("项目名称为空", "name")


@rule("PT105", ERROR, INCOMPLETE, "绩效目标（年度目标）为空",
      reason="年度绩效目标是审核的核心，没有目标就无法判断指标是否相关。",
      example="绩效目标一栏空白")
def goal_empty(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    if not (p.project.goal or "").strip():
        yield Hit("绩效目标为空：应写明项目的年度绩效目标", "goal")


_ADD = {"产出": ADD_OUTPUT, "效益": ADD_BENEFIT, "满意度": ADD_SATISFACTION}


@rule("PT106", ERROR, ADD_OUTPUT, "一级指标（产出 / 效益 / 满意度）下没有三级指标",
      reason="产出、效益、满意度三类一级指标下都要有具体的三级指标，否则退回「建议增加明确…指标」。",
      example="只有产出指标和效益指标，没有满意度指标")
def level1_without_indicators(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    present = {r.level1 for r in p.rows if r.indicator.level3.strip()}
    for level1 in REQUIRED_LEVEL1:
        if level1 not in present:
            yield Hit(f"缺少{level1}指标：一级指标「{level1}指标」下没有任何三级指标",
                      "indicators", category=_ADD[level1], expected=f"{level1}指标")


@rule("PT107", ERROR, INCOMPLETE, "产出指标缺少数量 / 质量 / 时效 / 成本指标之一",
      reason="产出指标应覆盖数量、质量、时效、成本四个方面。",
      example="产出指标下只有数量指标和质量指标")
def output_incomplete(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    output = p.rows_of("产出")
    if not output:
        return  # PT106 reports the whole first level missing
    present = {r.level2 for r in output}
    if p.rows_of("成本"):
        present.add("成本")  # cost as a first level satisfies the 成本 requirement
    first = output[0].index
    for level2 in OUTPUT_LEVEL2:
        if level2 not in present:
            yield Hit(f"产出指标缺少「{level2}指标」：产出指标应包括数量、质量、时效、成本指标",
                      "level2", first, expected=f"{level2}指标")


@rule("PT108", ERROR, LEVEL2_WRONG, "一级或二级指标名称不在指标体系中",
      reason="名称不在指标体系中的指标系统无法归类，财政局退回「二级指标类型错误」。",
      example="二级指标写成「效率指标」")
def names_in_tree(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        ind = r.indicator
        if not r.level1:
            yield Hit("一级指标为空：应为产出指标、效益指标或满意度指标", "level1", r.index,
                      category=LEVEL1_WRONG)
            continue
        if r.level1 not in TREE:
            if r.level1_written:
                yield Hit(f"一级指标「{ind.level1.strip()}」不在指标体系中：应为产出指标、"
                          "效益指标或满意度指标（或成本指标）", "level1", r.index,
                          category=LEVEL1_WRONG, found=ind.level1.strip())
            continue
        allowed = TREE[r.level1]
        if not r.level2:
            yield Hit(f"二级指标为空：「{r.level1}指标」下应为"
                      + "、".join(f"{n}指标" for n in allowed), "level2", r.index)
        elif r.level2 not in allowed and r.level2_written:
            yield Hit(f"二级指标「{ind.level2.strip()}」不属于「{r.level1}指标」：应为"
                      + "、".join(f"{n}指标" for n in allowed), "level2", r.index,
                      found=ind.level2.strip())


@rule("PT109", WARNING, INCOMPLETE, "指标值确定依据为空",
      reason="指标值要说明依据（计划标准、行业标准、历史标准等），全部空白的表会被退回。",
      example="全部指标的「指标值确定依据」都是空的")
def basis_empty(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    if "basis" in p.project.absent:
        return  # the layout has no such column: PT504 says so once for the document
    empty = [r for r in p.rows if not r.indicator.basis.strip()]
    if empty and len(empty) == len(p.rows) and len(empty) > 1:
        # A table without the column: one finding, not one per row.
        yield Hit("所有指标的指标值确定依据均为空", "basis", empty[0].index)
        return
    for r in empty:
        yield Hit(f"三级指标『{r.name}』的指标值确定依据为空", "basis", r.index)


@rule("PT110", WARNING, INCOMPLETE, "三级指标名称或绩效指标描述为空",
      reason="没有名称或描述的指标无法理解、无法考核。",
      example="一行指标只有指标值，三级指标一栏空白")
def level3_or_description_empty(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        ind = r.indicator
        if not ind.level3.strip():
            yield Hit(f"第 {r.index + 1} 条指标的三级指标名称为空", "level3", r.index)
        elif not ind.description.strip():
            yield Hit(f"三级指标『{ind.level3.strip()}』的绩效指标描述为空", "description",
                      r.index)


@rule("PT111", INFO, OTHER, "项目编码中的年度与预算年度不同（以前年度结转项目）",
      reason="编码年度早于预算年度的多为以前年度结转项目，提示核对，不算错误。",
      example="2024 年预算中编码为「13070023P…」的项目")
def prior_year(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    year = projectcode.code_year(_code(p))
    if year is None or ctx.year is None or year == ctx.year:
        return
    yield Hit(f"项目编码中的年度为 {year} 年，与预算年度 {ctx.year} 年不同"
              "（以前年度结转项目）", "code", found=str(year), expected=str(ctx.year))
