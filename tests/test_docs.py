"""Docs that cannot drift (as sqlite-utils' tests/test_docs.py): every command has help and
is in the README's command table; the rule table of docs/validation.md is what
``perf-xl rules --format md`` prints; no document or module names a file that is not there."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from perf_xl.cli import COMMANDS, build_parser
from perf_xl.rules import catalogue, markdown_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VALIDATION = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
RULES_BEGIN = "<!-- 以下规则表由 `perf-xl rules --format md` 生成"
RULES_END = "<!-- 规则表结束 -->"


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _command_help() -> dict[str, str]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {c.dest: c.help or "" for c in action._choices_actions}


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_has_help_text(name):
    parser = _subparsers()[name]
    assert _command_help()[name].strip(), f"{name}: no one-line help"
    assert (parser.description or "").strip(), f"{name}: no description"
    for action in parser._actions:
        if not isinstance(action, argparse._HelpAction):
            assert (action.help or "").strip(), f"{name} {action.option_strings or action.dest}: no help"


def _command_table() -> str:
    start = README.index("| 操作 | 命令行 |")
    end = README.index("\n\n", start)
    return README[start:end]


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_in_the_readme_table(name):
    assert re.search(rf"`perf-xl {name}(\s|`)", _command_table()), f"perf-xl {name} is not in README's table"


def test_the_readme_table_names_only_commands_that_exist():
    named = set(re.findall(r"`perf-xl ([a-z-]+)", _command_table()))
    assert named <= {name for name, _ in COMMANDS}


def test_the_rule_table_is_generated_from_the_registry():
    start = VALIDATION.index(RULES_BEGIN)
    start = VALIDATION.index("\n", start) + 1
    end = VALIDATION.index(RULES_END)
    assert VALIDATION[start:end] == markdown_table(catalogue()), (
        "docs/validation.md is out of date: paste the output of perf-xl rules --format md")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _sources() -> list[Path]:
    return sorted((ROOT / "perf_xl").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")  # a Markdown link or picture
_NAMED = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.(?:md|toml|bas|txt|xlsm))(?![\w/])")


def _exists(name: str, near: Path) -> bool:
    if "://" in name or name.startswith(("mailto:", "/")):
        return True
    return any((base / name).exists() for base in (near.parent, ROOT, ROOT / "docs"))


def test_documents_link_only_to_files_that_exist():
    missing = [(doc.name, target) for doc in _documents()
               for target in _LINK.findall(doc.read_text(encoding="utf-8")) if not _exists(target, doc)]
    assert not missing, missing


def test_no_document_or_module_cites_a_document_that_is_not_there():
    missing = []
    for path in _documents() + _sources():
        for name in set(_NAMED.findall(path.read_text(encoding="utf-8"))):
            if name.endswith(".md") and not _exists(name, path):
                missing.append((str(path.relative_to(ROOT)), name))
    assert not missing, missing


_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)+[\w-]+\.(?:py|md|toml|bas|txt|xlsm|json))(?![\w/])")
# A path that starts with one of the project's folders names a project file.
_OURS = {p.name for base in (ROOT, ROOT / "perf_xl") for p in base.iterdir()
         if p.is_dir() and not p.name.startswith((".", "_"))}


def test_no_document_or_module_names_a_project_path_that_is_not_there():
    missing = []
    for path in _documents() + _sources():
        for name in set(_PATH.findall(path.read_text(encoding="utf-8"))):
            if name.split("/")[0] in _OURS and not any(
                    (base / name).exists() for base in (path.parent, ROOT, ROOT / "perf_xl")):
                missing.append((str(path.relative_to(ROOT)), name))
    assert not missing, missing


def test_every_registered_rule_is_in_the_rule_catalogue():
    """docs/RULES.md (the catalogue the code cites) lists every rule of the registry, with the
    registry's severity, and no code the registry does not have."""
    text = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| (PT\d{3}) \| (error|warning|info) \|", text, re.M))
    registered = {r.code: r.severity for r in catalogue()}
    assert {c: s for c, s in registered.items() if listed.get(c) != s} == {}, \
        "docs/RULES.md lacks these rules (or gives another severity)"
    assert set(listed) <= set(registered), set(listed) - set(registered)
