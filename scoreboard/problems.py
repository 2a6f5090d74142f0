"""Problems in the user's files: one value from the YAML loader to the CI annotation.

A Problem is what a user mistake becomes; exceptions are kept for bugs. Printers turn a
sorted list of problems into text for a person or into annotations for CI.
"""
from __future__ import annotations

import json
import hashlib
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, NamedTuple, Protocol, TextIO


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake at one place. Lines and columns count from 1; 0 means "the whole file"."""

    path: str
    line: int
    column: int
    code: str
    message: str
    level: Level = Level.ERROR
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def __str__(self) -> str:
        """The compiler form the text printer uses: ``path:line:col: level code message``."""
        hint = f"（提示：{self.hint}）" if self.hint else ""
        return f"{self.path}:{self.line}:{self.column}: {self.level.value} {self.code} {self.message}{hint}"


def error(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(path, line, column, code, message, Level.ERROR, hint)


def warning(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(path, line, column, code, message, Level.WARNING, hint)


class Located(Protocol):
    """Anything with a place in a file: a loaded node, a Position."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class Position(NamedTuple):
    line: int  # from 1
    column: int  # from 1


class Reporter:
    """The problems of one file, each made at the place it was found. Every stage that reads a
    file (loader, rules, registry, validation) reports through one of these."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, at: Located, code: str, message: str, hint: str = "") -> None:
        self.problems.append(error(self.path, at.line, at.column, code, message, hint))

    def warning(self, at: Located, code: str, message: str, hint: str = "") -> None:
        self.problems.append(warning(self.path, at.line, at.column, code, message, hint))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """File order, then position; duplicates (same place, same code and text) collapse."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def exit_code(problems: Iterable[Problem], strict: bool = False) -> int:
    """0 clean; 1 when there is an error, or under ``strict`` a warning."""
    problems = list(problems)
    if any(p.is_error for p in problems):
        return 1
    if strict and problems:
        return 1
    return 0


_LEVEL_WORDS = {Level.ERROR: "错误", Level.WARNING: "警告"}


def summary_line(problems: list[Problem], files_checked: int) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return f"检查通过：{files_checked} 个文件，没有发现问题。"
    return f"共 {errors} 个错误、{warnings} 个警告（检查了 {files_checked} 个文件）。"


def print_text(problems: list[Problem], out: TextIO, files_checked: int) -> None:
    """``path:line:col: level code message`` with the hint indented below, as compilers do."""
    for p in problems:
        out.write(f"{p.path}:{p.line}:{p.column}: {p.level.value} {p.code} {p.message}\n")
        if p.hint:
            out.write(f"    提示：{p.hint}\n")
    out.write(summary_line(problems, files_checked) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def print_github(problems: list[Problem], out: TextIO, files_checked: int) -> None:
    """GitHub Actions workflow commands: each problem shows on its line in the pull request."""
    for p in problems:
        text = p.message + (f"（提示：{p.hint}）" if p.hint else "")
        props = f"file={_escape_property(p.path)}"
        if p.line:
            props += f",line={p.line},col={max(p.column, 1)}"
        props += f",title={_escape_property(p.code)}"
        out.write(f"::{p.level.value} {props}::{_escape_data(text)}\n")
    out.write(summary_line(problems, files_checked) + "\n")


def codequality_report(problems: list[Problem]) -> list[dict]:
    """GitLab Code Quality entries, so problems show in the merge request's widget."""
    report = []
    for p in problems:
        fingerprint = hashlib.sha256(
            f"{p.path}\0{p.line}\0{p.column}\0{p.code}\0{p.message}".encode()
        ).hexdigest()
        report.append({
            "description": f"{p.code} {p.message}" + (f"（提示：{p.hint}）" if p.hint else ""),
            "check_name": p.code,
            "fingerprint": fingerprint,
            "severity": "major" if p.is_error else "minor",
            "location": {"path": p.path, "lines": {"begin": max(p.line, 1)}},
        })
    return report


def print_codequality(problems: list[Problem], out: TextIO, files_checked: int) -> None:
    json.dump(codequality_report(problems), out, ensure_ascii=False, indent=2)
    out.write("\n")


PRINTERS = {"text": print_text, "github": print_github, "codequality": print_codequality}
