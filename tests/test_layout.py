import pytest

from perf_xl.workbook import layout


def test_cells_of_fields():
    assert layout.cell_of("budget") == "C4"
    assert layout.cell_of("plan.3") == "E7"
    assert layout.cell_of("value", 0) == f"F{layout.IND_FIRST_ROW}"
    # no fixed size: the 41st indicator is in the row after the 40th (issue 12)
    assert layout.indicator_row(layout.IND_CAPACITY) == layout.IND_LAST_ROW + 1
    assert layout.notes_row(60) == layout.IND_FIRST_ROW + 61
    with pytest.raises(IndexError):
        layout.indicator_row(-1)


def test_every_input_cell_is_distinct():
    cells = [f.cell for f in layout.PROJECT_FIELDS] + [lab.cell for lab in layout.LABELS]
    assert len(cells) == len(set(cells))


@pytest.mark.parametrize(
    ("seq", "name", "expected"),
    [
        (1, "罚没安排—国家赔偿（市法院）", "01 国家赔偿"),
        (12, "公检法司部门辅警人员保障经费（市中级人民法院辅警人员保障经费）", "12 市中级人民法院辅警人员保障经费"),
        (29, "提前下达 2023 年法院建设补助资金(业务装备购置—20 台卷宗封面打印机购置经费)", "29 20台卷宗封面打印机购置经费"),
        (17, "冀政法法[2023]49号—提前下达2024年中央政法纪检监察转移支付资金（市法院）", "17 提前下达2024年中央政法纪检监察转移支付资金"),
    ],
)
def test_sheet_names(seq, name, expected):
    assert layout.project_sheet_name(seq, name) == expected


def test_sheet_names_are_legal_and_unique():
    taken: set[str] = set()
    for _ in range(3):
        name = layout.project_sheet_name(7, "a[b]:c*d?e/f\\g" + "长" * 40, taken)
        assert len(name) <= 31 and not set("[]:*?/\\") & set(name)
        assert name not in taken
        taken.add(name)
