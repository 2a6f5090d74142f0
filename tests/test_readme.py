"""The README tells the truth about the tool: its command table is the CLI's, and every
module of scoreboard/ has its line in "Where to change what"."""
from __future__ import annotations

import argparse
import re

from conftest import REPO
from scoreboard.cli import _parser

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def cli_commands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_command_table_lists_every_command_and_only_those() -> None:
    rows = re.findall(r"^\| `([a-z]+)[ `]", section("Commands"), re.MULTILINE)
    assert sorted(set(rows)) == sorted(cli_commands())


def test_every_flag_in_the_command_table_exists() -> None:
    for line in section("Commands").splitlines():
        found = re.match(r"^\| `([a-z]+)", line)
        if not found:
            continue
        parser = cli_commands()[found[1]]
        known = {flag for action in parser._actions for flag in action.option_strings}
        for sub in (a for a in parser._actions if isinstance(a, argparse._SubParsersAction)):
            known |= {flag for p in sub.choices.values() for action in p._actions for flag in action.option_strings}
        first_cell = line.split(" | ")[0]
        for flag in re.findall(r"(--[a-z-]+)", first_cell):
            assert flag in known, f"README names {flag} for {found[1]}, the CLI has no such flag"


def test_every_module_has_its_line() -> None:
    table = section("Where to change what")
    modules = sorted(p.name for p in (REPO / "scoreboard").glob("*.py") if p.name != "__init__.py")
    missing = [m for m in modules if not re.search(rf"`(scoreboard/)?{re.escape(m)}`|, `{re.escape(m)}`", table)]
    assert missing == []
