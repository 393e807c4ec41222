"""Native formulas of the monitoring / self-evaluation block (layout.TRACK_*): the same
computations as perf_xl.lifecycle, with functions Excel, WPS and LibreOffice compute alike
(IF, AND, OR, ROUND, MIN, SEARCH, COUNT, COUNTIF, SUM; no XLOOKUP, no dynamic arrays).
Thresholds, weights and bands are read from the parameter table on 代码表."""

from __future__ import annotations

from functools import lru_cache

from ..lifecycle.lights import LIGHT_LABELS
from . import layout as L

RED, YELLOW, GREEN, BLUE = (f'"{LIGHT_LABELS[k]}"' for k in ("red", "yellow", "green", "blue"))


def _abs(ref: str) -> str:
    row, col = L.split_a1(ref)
    return f"${L.col_letter(col)}${row}"


def P(key: str) -> str:  # the defined name of a parameter
    return L.param_name(key)


MONTH = _abs(L.TRACK_MONTH.cell)
ADJUSTED = _abs(L.TRACK_ADJUSTED.cell)
EXECUTED = _abs(L.TRACK_EXECUTED.cell)
YEAR_EXECUTED = _abs(L.TRACK_YEAR_EXECUTED.cell)
BUDGET = _abs(L.BUDGET.cell)
PLAN = [_abs(f.cell) for f in L.PLAN]
OUT = {k: _abs(o.cell) for k, o in L.TRACK_OUTPUT.items()}


def budget_in_force() -> str:
    """调整后预算数 when given (> 0), else 预算数."""
    return f"IF(AND(ISNUMBER({ADJUSTED}),N({ADJUSTED})>0),{ADJUSTED},{BUDGET})"


def _band(value: str, red: str, yellow: str) -> str:
    return f"IF({value}<{P(red)},{RED},IF({value}<{P(yellow)},{YELLOW},{GREEN}))"


def standard_rate() -> str:
    return f'=IF(ISNUMBER({MONTH}),{MONTH}/12,"")'


def execution_rate(executed: str = EXECUTED) -> str:
    b = budget_in_force()
    return f'=IF(AND(ISNUMBER({executed}),ISNUMBER({b})),IF({b}>0,{executed}/{b},""),"")'


def plan_rate() -> str:
    """Linear between the checkpoints 3/6/10/12月 (0 at month 0); "" unless all four known."""
    p3, p6, p10, p12 = PLAN
    n = MONTH
    return (f'=IF(OR(NOT(ISNUMBER({n})),COUNT({p3}:{p12})<4),"",'
            f"IF({n}<=3,{p3}*{n}/3,IF({n}<=6,{p3}+({p6}-{p3})*({n}-3)/3,"
            f"IF({n}<=10,{p6}+({p10}-{p6})*({n}-6)/4,{p10}+({p12}-{p10})*({n}-10)/2))))")


def budget_value(reference_key: str) -> str:
    rate, ref = OUT["execution_rate"], OUT[reference_key]
    return (f'=IF(AND(ISNUMBER({rate}),ISNUMBER({ref})),IF({ref}>0,ROUND({rate}/{ref}*100,2),""),"")')


def budget_light(value_key: str) -> str:
    v = OUT[value_key]
    return f'=IF(ISNUMBER({v}),{_band(v, "budget_red_below", "budget_yellow_below")},"")'


def worst_light(column_key: str) -> str:
    col = L.TRACK_COLUMN[column_key].col
    rng = f"${col}${L.IND_FIRST_ROW}:${col}${L.IND_LAST_ROW}"
    out = '""'
    for light in (GREEN, BLUE, YELLOW, RED):
        out = f"IF(COUNTIF({rng},{light})>0,{light},{out})"
    return "=" + out


def _c(key: str, row: int) -> str:
    return f"{L.TRACK_COLUMN[key].col}{row}"


def _grade_light(text: str) -> str:
    """达成 / 部分达成 / 未达成 -> light, testing the words in perf_xl.lifecycle.grade_of's order."""
    def has(word: str) -> str:
        return f'ISNUMBER(SEARCH("{word}",{text}))'

    return (f'IF({has("部分")},{YELLOW},IF(OR({has("未达成")},{has("未完成")}),{RED},'
            f'IF(OR({has("达成")},{has("完成")}),{GREEN},"")))')


def indicator_light(row: int, actual_key: str, month: str) -> str:
    a, t, kind = _c(actual_key, row), _c("target", row), _c("kind", row)
    # the monitoring light reads its value from the 亮灯值 column; the year-end one (N = 12)
    # compares directly
    value = _c("light_value", row) if actual_key == "progress" else f"ROUND({a}/{t}*100,2)"
    positive = (f'IF({t}<=0,IF({kind}="等于",IF({a}<=0,{GREEN},{RED}),{GREEN}),'
                f'IF({a}=0,{RED},IF(ROUND({a}/{t}*100,2)>={P("blue_at")},{BLUE},'
                f'{_band(value, "indicator_red_below", "indicator_yellow_below")})))')
    quantity = (f'IF({kind}="反向",IF({a}<={t},{GREEN},{RED}),IF({kind}="反向严格",IF({a}<{t},{GREEN},{RED}),'
                f'IF(OR({kind}="正向",{kind}="等于"),{positive},"")))')
    return (f'=IF({kind}="定性",IF({a}="","",{_grade_light(a)}),'
            f'IF(AND(ISNUMBER({a}),ISNUMBER({t}),ISNUMBER({month})),{quantity},""))')


def indicator_value_expr(row: int, actual_key: str, month: str) -> str:
    a, t, prorate = _c(actual_key, row), _c("target", row), _c("prorate", row)
    return f"ROUND({a}/IF({prorate}=1,{t}/12*{month},{t})*100,2)"


def indicator_value(row: int) -> str:
    a, t, kind = _c("progress", row), _c("target", row), _c("kind", row)
    return (f'=IF(AND(OR({kind}="正向",{kind}="等于"),ISNUMBER({a}),ISNUMBER({t}),ISNUMBER({MONTH})),'
            f'IF({t}>0,{indicator_value_expr(row, "progress", MONTH)},""),"")')


def _group_weight(group: str) -> str:
    return (f'IF({group}="产出",{P("output_weight")},IF({group}="效益",{P("benefit_weight")},'
            f'IF({group}="满意度",{P("satisfaction_weight")},0)))')


def weight(row: int) -> str:
    """The unit's weights when any is given, else the level's weight spread evenly (2
    decimals; the level's last indicator takes what rounding left)."""
    g = _c("group", row)
    gcol = L.TRACK_COLUMN["group"].col
    wcol = L.TRACK_COLUMN["weight"].col
    first, last = L.IND_FIRST_ROW, L.IND_LAST_ROW
    n = f"COUNTIF(${gcol}${first}:${gcol}${last},{g})"
    rest = f"COUNTIF({gcol}{row}:${gcol}${last},{g})"
    gw = _group_weight(g)
    even = f"IF({rest}=1,ROUND({gw}-({n}-1)*ROUND({gw}/{n},2),2),ROUND({gw}/{n},2))"
    return (f'=IF({g}="","",IF(COUNT(${wcol}${first}:${wcol}${last})>0,N({_c("weight", row)}),{even}))')


def score(row: int) -> str:
    a, t, kind, w = _c("actual", row), _c("target", row), _c("kind", row), _c("eff_weight", row)
    chosen = _c("score", row)
    g = _c("group", row)

    def has(word: str) -> str:
        return f'ISNUMBER(SEARCH("{word}",{a}))'

    grade = (f'IF({has("部分")},2,IF(OR({has("未达成")},{has("未完成")}),3,'
             f'IF(OR({has("达成")},{has("完成")}),1,0)))')
    hi, lo = f'{w}*{P("qualitative_achieved")}/100', f'{w}*{P("qualitative_partly")}/100'
    band = (f"CHOOSE({grade},AND({chosen}>={hi},{chosen}<={w}),AND({chosen}>={lo},{chosen}<{hi}),"
            f"AND({chosen}>=0,{chosen}<{lo}))")
    qualitative = f'IF(AND(ISNUMBER({chosen}),{grade}>0),IF({band},ROUND({chosen},2),""),"")'
    positive = (f"IF(AND({kind}=\"等于\",{t}=0),IF({a}<=0,{w},0),IF({a}>={t},ROUND({w},2),"
                f"IF({t}<=0,0,ROUND(MAX({a},0)/{t}*{w},2))))")
    reverse = f"IF({a}<={t},ROUND({w},2),IF(OR({t}<=0,{a}>=2*{t}),0,ROUND((1-({a}-{t})/{t})*{w},2)))"
    quantity = (f'IF(OR({kind}="正向",{kind}="等于"),{positive},'
                f'IF(OR({kind}="反向",{kind}="反向严格"),{reverse},""))')
    return (f'=IF(OR({g}="",NOT(ISNUMBER({w}))),"",IF({kind}="定性",{qualitative},'
            f'IF(AND(ISNUMBER({a}),ISNUMBER({t})),{quantity},"")))')


def year_rate() -> str:
    return execution_rate(YEAR_EXECUTED)


def execution_score() -> str:
    r, w = OUT["year_rate"], P("execution_weight")
    return f'=IF(ISNUMBER({r}),MIN(ROUND({r}*{w},2),{w}),"")'


def indicator_score() -> str:
    col = L.TRACK_COLUMN["eval_score"].col
    rng = f"${col}${L.IND_FIRST_ROW}:${col}${L.IND_LAST_ROW}"
    return f'=IF(COUNT({rng})=0,"",SUM({rng}))'


def total() -> str:
    e, i = OUT["execution_score"], OUT["indicator_score"]
    return f'=IF(AND(ISNUMBER({e}),ISNUMBER({i})),{e}+{i},"")'


def grade() -> str:
    t = OUT["total"]
    return (f'=IF(ISNUMBER({t}),IF({t}>={P("grade_excellent")},"优",IF({t}>={P("grade_good")},"良",'
            f'IF({t}>={P("grade_pass")},"中","差"))),"")')


def ahead() -> str:
    i, e = OUT["indicator_score"], OUT["execution_score"]
    total_w = f'({P("output_weight")}+{P("benefit_weight")}+{P("satisfaction_weight")})'
    perf = f"({i}/{total_w})"
    return (f'=IF(AND(ISNUMBER({i}),ISNUMBER({e})),IF({i}>0,'
            f'ROUND(({perf}-{e}/{P("execution_weight")})/{perf}*100,2),""),"")')


def unspent() -> str:
    r = OUT["year_rate"]
    return f'=IF(ISNUMBER({r}),ROUND((1-{r})*100,2),"")'


@lru_cache(maxsize=1)
def _project_formulas() -> tuple[tuple[str, str], ...]:
    return tuple(_make_project_formulas().items())


def project_formulas() -> dict[str, str]:
    """Output key -> formula, for the project-level figures."""
    return dict(_project_formulas())


def _make_project_formulas() -> dict[str, str]:
    """Output key -> formula, for the project-level figures."""
    return {
        "standard_rate": standard_rate(), "execution_rate": execution_rate(),
        "plan_rate": plan_rate(), "budget_value": budget_value("standard_rate"),
        "plan_value": budget_value("plan_rate"), "light": worst_light("light"),
        "year_rate": year_rate(), "execution_score": execution_score(),
        "indicator_score": indicator_score(), "total": total(), "grade": grade(),
        "year_light": worst_light("year_light"), "ahead": ahead(), "unspent": unspent(),
    }


def row_formulas(row: int) -> dict[str, str]:
    """Key -> formula of one indicator row (built once per row: 1,000 sheets ask)."""
    return dict(_row_formulas(row))


@lru_cache(maxsize=256)
def _row_formulas(row: int) -> tuple[tuple[str, str], ...]:
    return tuple({
        "light_value": indicator_value(row),
        "light": indicator_light(row, "progress", MONTH),
        "eff_weight": weight(row),
        "eval_score": score(row),
        "year_light": indicator_light(row, "actual", "12"),
    }.items())
