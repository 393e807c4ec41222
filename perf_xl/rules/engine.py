"""validate(dept, config) -> findings, in a stable order: by project (document order), then
by rule code, then in the order the rule found them."""

from __future__ import annotations

from ..model import Department, Project
from ..workbook import layout
from .config import RuleConfig, default_config
from .context import Context
from .facts import ProjectFacts
from .finding import Finding, Hit
from .registry import VALIDATE_SCOPES, catalogue

_INDICATOR_FIELDS = set(layout.IND_COLUMN_BY_KEY)  # the 中期 value column too


def sheet_names(dept: Department) -> list[str]:
    """The sheet of each project: Project.sheet when read from a workbook, otherwise the
    name the workbook builder gives it (unique, in document order)."""
    taken: set[str] = set()
    folded: set[str] = set()
    names = []
    for p in dept.projects:
        name = p.sheet
        if not name:
            # Same result as project_sheet_name(seq, name, taken), without its O(n) scan
            # of ``taken`` per call when there is no clash (the common case).
            name = layout.project_sheet_name(p.seq, p.name)
            if name.casefold() in folded:
                name = layout.project_sheet_name(p.seq, p.name, taken)
        taken.add(name)
        folded.add(name.casefold())
        names.append(name)
    return names


def validate(dept: Department, config: RuleConfig | None = None) -> list[Finding]:
    config = config or default_config()
    ctx = Context(dept, config)
    facts = [ProjectFacts(p) for p in dept.projects]
    sheets = sheet_names(dept)
    position = {id(p): i for i, p in enumerate(dept.projects)}
    keyed: list[tuple[int, str, int, Finding]] = []
    for entry in catalogue():
        if entry.check is None or not config.is_enabled(entry.code) or (
                entry.scope not in VALIDATE_SCOPES):
            continue
        if entry.scope == "department":
            for n, hit in enumerate(entry.check(facts, ctx)):
                pos = position.get(id(hit.project), -1)
                sheet = sheets[pos] if pos >= 0 else None
                keyed.append((pos, entry.code, n, _finding(entry, hit, hit.project, sheet)))
        else:
            for pos, f in enumerate(facts):
                for n, hit in enumerate(entry.check(f, ctx)):
                    keyed.append((pos, entry.code, n,
                                  _finding(entry, hit, f.project, sheets[pos])))
    keyed.sort(key=lambda k: k[:3])
    return [k[3] for k in keyed]


def _finding(entry, hit: Hit, project: Project | None, sheet: str | None) -> Finding:
    return Finding(
        code=entry.code,
        severity=hit.severity or entry.severity,
        category=hit.category or entry.category,
        message=hit.message,
        project_code=(project.code or "").strip() if project else "",
        project_seq=project.seq if project else None,
        project_name=project.name if project else "",
        sheet=sheet,
        cell=_placed(project, _cell(hit)),
        line=_line(hit, project),
        field=hit.field,
        indicator=hit.indicator,
        found=hit.found,
        expected=hit.expected,
    )


def _placed(project: Project | None, cell: str | None) -> str | None:
    """The cell as the sheet has it now (rows or columns a user inserted move it)."""
    if cell is None or project is None:
        return cell
    from ..workbook.read import cell_of

    return cell_of(project, cell)


def _cell(hit: Hit) -> str | None:
    if hit.field is None:
        return None
    try:
        if hit.indicator is not None and hit.field in _INDICATOR_FIELDS:
            return layout.cell_of(hit.field, hit.indicator)
        return layout.cell_of(hit.field)
    except (KeyError, IndexError):
        return None  # beyond the sheet's indicator rows: the source line still points at it


def _line(hit: Hit, project: Project | None) -> int | None:
    if hit.line is not None:
        return hit.line
    if project is None:
        return None
    if hit.indicator is not None and hit.indicator < len(project.indicators):
        line = project.indicators[hit.indicator].line
        if line is not None:
            return line
    if hit.field:
        for key in (hit.field, hit.field.split(".")[0]):
            if key in project.lines:
                return project.lines[key]
    return project.line
