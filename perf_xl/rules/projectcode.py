"""项目编码: 6-digit region, 2-digit year, a type letter, 11 digits and a check character.

The check character over the first 20 characters is
``CS[(31 - Σ v(cᵢ)·3ⁱ mod 31) mod 31]`` (i = 0..19) with v(digit) = its value and v('P') = 6
— true for all 39 codes of the 2024 seed document. Because 31 is prime and 3ⁱ is never
0 mod 31, every single-character substitution among the first 20 characters changes the
check character, and so does every substitution of the check character itself.
"""

from __future__ import annotations

import re

CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 21
# Values of the type letters we know. Other letters cannot be verified.
LETTER_VALUES = {"P": 6}
_FORMAT = re.compile(r"^[0-9]{8}[A-Z][0-9]{11}[0-9A-Z]$")
_PARTS = ((0, 6, "区划码", "数字"), (6, 8, "年度", "数字"), (8, 9, "类型字母", "大写字母"),
          (9, 20, "顺序号", "数字"), (20, 21, "校验码", "数字或大写字母"))


def format_problem(code: str) -> str | None:
    """Why ``code`` is not of the 21-character form (Chinese), or None when it is."""
    if not code:
        return "项目编码为空"
    if _FORMAT.match(code):
        return None
    if len(code) != LENGTH:
        return f"长度为 {len(code)} 位，应为 {LENGTH} 位"
    for start, end, name, kind in _PARTS:
        part = code[start:end]
        if kind == "数字":
            ok = all("0" <= ch <= "9" for ch in part)
        elif kind == "大写字母":
            ok = all("A" <= ch <= "Z" for ch in part)
        else:
            ok = all("0" <= ch <= "9" or "A" <= ch <= "Z" for ch in part)
        if not ok:
            span = f"{start + 1}" if end - start == 1 else f"{start + 1}–{end}"
            return f"第 {span} 位（{name}）「{part}」应为{kind}"
    return "格式不对"  # pragma: no cover - every failure is described above


def check_char(code20: str) -> str | None:
    """The check character for the first 20 characters, or None if one of them has no
    known value (a type letter other than P)."""
    total = 0
    weight = 1
    for ch in code20[:20]:
        if "0" <= ch <= "9":
            value = ord(ch) - 48
        elif ch in LETTER_VALUES:
            value = LETTER_VALUES[ch]
        else:
            return None
        total += value * weight
        weight *= 3
    return CS[(31 - total % 31) % 31]


def code_year(code: str) -> int | None:
    """The 2-digit year of a well-formed code as a full year (24 -> 2024)."""
    if format_problem(code) is not None:
        return None
    return 2000 + int(code[6:8])
