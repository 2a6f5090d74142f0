"""The command line: ``check``, ``rank``, ``build``, ``serve``, ``diff``, ``new``.

Only this module turns results into words on a terminal and into exit codes:
0 clean, 1 problems found (errors, or warnings under ``--strict``), 2 a usage error.
"""
from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from pathlib import Path
from typing import Sequence, TextIO

from .problems import PRINTERS, exit_code
from .project import check_project
from .score import score_year
from .values import fmt

PROJECT_DIR = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called (exit 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="县市区工会工作考核 计分与发布")
    parser.add_argument("--root", type=Path, default=PROJECT_DIR,
                        help="数据所在目录（含 rules/ 与 scores/），默认为本项目目录")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="检查细则与评分文件，列出所有问题")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="只检查这些文件或文件夹")
    check.add_argument("--format", choices=sorted(PRINTERS), default=None,
                       help="输出格式；在 GitHub Actions 中默认为 github")
    check.add_argument("--strict", action="store_true", help="有警告也以失败退出")
    check.add_argument("--output", type=Path, help="把报告写入文件而不是屏幕")

    rank = commands.add_parser("rank", help="在终端显示某一年的排名表")
    rank.add_argument("year", type=int)
    rank.add_argument("--drafts", action="store_true", help="包括草稿（成绩为暂定）")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has already printed the usage message
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return COMMANDS[args.command](args, out)
    except UsageError as exc:
        print(f"build.py: 错误：{exc}", file=sys.stderr)
        return EXIT_USAGE


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"找不到 {path}")
    project = check_project(args.root, args.paths or None)
    fmt_name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    printer = PRINTERS[fmt_name]
    if args.output:
        with open(args.output, "w", encoding="utf-8") as report:
            printer(project.problems, report, project.files_checked)
    else:
        printer(project.problems, out, project.files_checked)
    return exit_code(project.problems, args.strict)


def cmd_rank(args: argparse.Namespace, out: TextIO) -> int:
    project = check_project(args.root)
    if project.has_errors:
        PRINTERS["text"](project.problems, sys.stderr, project.files_checked)
        return EXIT_PROBLEMS
    if args.year not in project.rules:
        raise UsageError(f"没有 {args.year} 年的考核细则（现有：{'、'.join(map(str, project.years)) or '无'}）")
    results = score_year(project.rules[args.year], project.sheets.get(args.year, []), args.drafts)
    rules = results.rules
    header = ["名次", "县市区", *(c.name for c in rules.base_categories), "基础分", "加分", "总分"]
    rows = []
    for s in results.standings:
        score = s.score
        mark = "*" if score.provisional else ""
        rows.append([str(s.rank), score.name + mark, *(fmt(score.category(c.id).points) for c in rules.base_categories),
                     fmt(score.base), fmt(score.bonus), fmt(score.total) + mark])
    out.write(f"{rules.title} 总排名\n")
    _write_table(out, header, rows)
    if any(s.score.provisional for s in results.standings):
        out.write("* 草稿，成绩为暂定\n")
    return EXIT_OK


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            cells.append(cell + pad if i == 1 else pad + cell)  # names left, numbers right
        out.write("  ".join(cells).rstrip() + "\n")


COMMANDS = {"check": cmd_check, "rank": cmd_rank}
