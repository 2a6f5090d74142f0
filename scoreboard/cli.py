"""The command line: ``check``, ``rank``, ``build``, ``serve``, ``diff``, ``new``.

Only this module turns results into words on a terminal and into exit codes:
0 clean, 1 problems found (errors, or warnings under ``--strict``), 2 a usage error.
"""
from __future__ import annotations

import argparse
import gc
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
    rank.add_argument("--compare", action="store_true", help="与上一年度比较：上年名次、名次变化、上年总分、总分变化")

    build = commands.add_parser("build", help="先检查，再构建网站（失败时保留原网站）")
    build.add_argument("--site-dir", type=Path, default=None, help="输出目录，默认为 site/")
    build.add_argument("--drafts", action="store_true", help="同时发布草稿（标为暂定）")
    build.add_argument("--zip", action="store_true", help="另外生成可离线浏览的压缩包（在 dist/ 下）")
    build.add_argument("--format", choices=sorted(PRINTERS), default=None, help="检查结果的输出格式")

    diff = commands.add_parser("diff", help="比较两个版本的结果：总分、名次、各评分项的变化")
    diff.add_argument("base", nargs="?", help="比较的基准版本，默认为与主分支的合并基点")
    diff.add_argument("head", nargs="?", help="比较的版本，默认为当前工作区")
    diff.add_argument("--format", choices=("text", "markdown"), default="text")

    new = commands.add_parser("new", help="为一个县市区新建某年度的评分文件（并登记到 counties.yaml）")
    new.add_argument("year", type=int)
    new.add_argument("slug", help="县市区的固定英文标识，例如 luyu-xian")
    new.add_argument("--name", required=True, help="县市区名称，例如 鹭屿县")

    sheet = commands.add_parser("sheet", help="为考核部门生成 Excel 评分表（.xlsx），预填当前的分值和说明")
    sheet.add_argument("year", type=int)
    which = sheet.add_mutually_exclusive_group(required=True)
    which.add_argument("--department", metavar="名称", help="考核部门，例如 基层工作部（也可写部门标识或别名）")
    which.add_argument("--all", action="store_true", help="每个考核部门各生成一个评分表")
    sheet.add_argument("-o", "--output", type=Path,
                       help="输出文件（--all 时为文件夹）；默认为当前文件夹下的 <年度>-<部门>.xlsx")

    import_ = commands.add_parser("import", help="把考核部门填好的评分表写回评分文件，再检查并列出改动")
    import_.add_argument("files", nargs="+", type=Path, metavar="FILE.xlsx")
    import_.add_argument("--year", type=int, help="只接受为这一年度生成的评分表")
    import_.add_argument("--message-file", type=Path, metavar="FILE",
                         help="把建议的提交说明写入此文件（供 git commit -F 使用）")

    schema = commands.add_parser("schema", help="由考核细则重新生成评分文件的 JSON Schema（scores/schema/<年度>.json）")
    schema.add_argument("--check", action="store_true", help="只检查是否最新：有过期的就以 1 退出，不写文件")

    serve = commands.add_parser("serve", help="本地预览，修改 rules/ scores/ content/ theme/ 后自动重建")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    serve.add_argument("--drafts", action="store_true", help="同时显示草稿（标为暂定）")

    rules = commands.add_parser("rules", help="考核细则：从原文件起草新年度的细则（import），显示细则（show）")
    rules_actions = rules.add_subparsers(dest="rules_action", required=True, metavar="ACTION")
    rules_import = rules_actions.add_parser("import", help="从考核细则原文件（.docx 或 .txt）起草 rules/<年度>.yaml")
    rules_import.add_argument("file", type=Path, metavar="FILE", help="原文件：Word（.docx）或文字文件（UTF-8、GBK）")
    rules_import.add_argument("--year", type=int, required=True, help="年度，例如 2012")
    rules_import.add_argument("-o", "--output", type=Path, help="写到这里，默认为 rules/<年度>.yaml")
    rules_import.add_argument("--force", action="store_true", help="覆盖已有的文件")
    rules_show = rules_actions.add_parser("show", help="显示某年度的细则（供核对，或以 JSON 供程序读取）")
    rules_show.add_argument("year", type=int)
    rules_show.add_argument("--format", choices=("text", "json"), default="text")
    rules_show.add_argument("--rules", type=Path, metavar="FILE", help="读这个细则文件，而不是 rules/<年度>.yaml")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    # One-shot commands build a large, long-lived heap of small objects; the cyclic garbage
    # collector would rescan it again and again (a third of the build time at 2,900 counties).
    # Raising its threshold keeps it for real cycles without the rescans.
    gc.set_threshold(100_000, 50, 100)
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
    data_root = args.root.resolve()
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"找不到 {path}")
        if path.resolve() != data_root and data_root not in path.resolve().parents:
            raise UsageError(f"{path} 不在数据目录 {args.root} 之内（评分文件在 scores/ 下）")
    project = check_project(args.root, args.paths or None)
    printer = _printer(args.format)
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
    if args.compare:
        header, rows = _with_changes(project, results, args.drafts, header, rows)
    out.write(f"{rules.title} 总排名\n")
    _write_table(out, header, rows)
    if args.compare and args.year - 1 not in project.rules:
        out.write(f"没有 {args.year - 1} 年的考核结果，无从比较\n")
    if any(s.score.provisional for s in results.standings):
        out.write("* 草稿，成绩为暂定\n")
    return EXIT_OK


def _with_changes(project, results, drafts: bool, header: list[str], rows: list[list[str]]
                  ) -> tuple[list[str], list[list[str]]]:
    """The ranking with last year's rank and total and the changes (新: no result last year)."""
    from .compare import compare_years, rank_change_label, signed

    year = results.year
    previous = (score_year(project.rules[year - 1], project.sheets.get(year - 1, []), drafts)
                if year - 1 in project.rules else None)
    comparison = compare_years(results, previous, project.registry)
    for row, standing in zip(rows, results.standings):
        county = comparison.of(standing.score.slug)
        row += ["" if county.previous is None else str(county.previous_rank), rank_change_label(county),
                "" if county.previous is None else fmt(county.previous_total),  # type: ignore[arg-type]
                signed(county.total_change)]
    return header + ["上年名次", "名次变化", "上年总分", "总分变化"], rows


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


def _printer(chosen: str | None):
    """The chosen report format; under GitHub Actions annotations, else text."""
    return PRINTERS[chosen or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")]


# The site commands import MkDocs and the rendering stages only when run: `check`, which
# staff and CI run most, starts without them.
def _refuse_site_inputs(printer, out: TextIO) -> bool:
    """MkDocs reads mkdocs.yml before any hook runs: a link there (to /dev/zero, say) must be
    refused first; content/ and theme/ are scanned in the same pass."""
    from .inputs import scan_site

    problems = scan_site(PROJECT_DIR / "mkdocs.yml", PROJECT_DIR / "content", PROJECT_DIR / "theme")
    if problems:
        printer(problems, out, len(problems))
        out.write("有不能发布的文件，未构建网站。\n")
    return bool(problems)


def cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    from .inputs import Refused
    from .pipeline import CheckFailed
    from .publish import BuildRequest, SiteDirRefused, build_site, guard_dist_dir, write_zip
    from .hooks import SiteEngineError

    printer = _printer(args.format)
    site_dir = args.site_dir or args.root / "site"
    request = BuildRequest(args.root, site_dir, args.drafts, PROJECT_DIR / "mkdocs.yml", PROJECT_DIR)
    try:
        if args.zip:
            guard_dist_dir(args.root / "dist")
        built = build_site(request)
    except SiteDirRefused as refused:  # a wrong --site-dir is a usage error, not a data problem
        raise UsageError(str(refused)) from None
    except Refused as refused:
        printer(refused.problems, out, len(refused.problems))
        out.write("有不能发布的文件，未构建网站。\n")
        return EXIT_PROBLEMS
    except CheckFailed as failed:
        printer(failed.project.problems, out, failed.project.files_checked)
        out.write("有错误，未构建网站。\n")
        return EXIT_PROBLEMS
    except SiteEngineError as exc:
        out.write(f"构建失败：{exc}\n原有网站未改动。\n")
        return EXIT_PROBLEMS
    if built.prepared.problems:  # warnings: the site is built, the reader of the log sees them
        printer(built.prepared.problems, out, built.prepared.project.files_checked)
    out.write(f"网站已构建：{site_dir}（{built.pages} 个页面）\n")
    if args.zip:
        archive = write_zip(site_dir, args.root / "dist", built.prepared.site)
        out.write(f"离线压缩包：{archive}\n")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    import tempfile
    from .preview import Preview, serve
    from .publish import BuildRequest

    if _refuse_site_inputs(_printer(None), out):
        return EXIT_PROBLEMS
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--dev-addr 应写成 HOST:PORT，例如 127.0.0.1:8000（这里是“{args.dev_addr}”）")
    with tempfile.TemporaryDirectory(prefix="scoreboard-preview-") as folder:
        request = BuildRequest(args.root.resolve(), Path(folder), args.drafts, PROJECT_DIR / "mkdocs.yml", PROJECT_DIR)
        preview = Preview(request, out)
        first = preview.build_all()
        out.write(f"预览地址：http://{args.dev_addr}/  （{first.seconds:.1f} 秒建成；保存后自动更新，Ctrl+C 停止）\n")
        out.flush()

        def report(done) -> None:
            if not done.problems:
                what = "全部重建" if done.whole_site else f"更新了 {done.written} 个文件"
                out.write(f"已{what}（{done.seconds:.2f} 秒）\n")
                out.flush()

        watched = [(args.root / "rules", True), (args.root / "scores", True), (PROJECT_DIR / "content", True),
                   (PROJECT_DIR / "theme", True), (PROJECT_DIR, False)]
        try:
            serve(preview, host, int(port), watched, report)
        except KeyboardInterrupt:
            out.write("预览已停止。\n")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    """Write (or with --check, compare) scores/schema/<year>.json from each year's rules."""
    from .project import display
    from .rules import discover_years, load_rules
    from .schema import schema_path, schema_text, write_schemas

    rules_by_year, problems = {}, []
    for year in discover_years(args.root / "rules"):
        path = args.root / "rules" / f"{year}.yaml"
        rules, found = load_rules(path, display(args.root, path))
        problems += found
        if rules is not None:
            rules_by_year[year] = rules
    if any(p.is_error for p in problems):
        PRINTERS["text"](problems, out, len(rules_by_year) + len(problems))
        return EXIT_PROBLEMS
    if args.check:
        stale = [schema_path(args.root, year) for year, rules in sorted(rules_by_year.items())
                 if not schema_path(args.root, year).is_file()
                 or schema_path(args.root, year).read_text(encoding="utf-8") != schema_text(rules)]
        for path in stale:
            out.write(f"{display(args.root, path)} 与考核细则不一致；请运行 python build.py schema 并提交\n")
        return EXIT_PROBLEMS if stale else EXIT_OK
    for path in write_schemas(args.root, rules_by_year):
        out.write(f"{display(args.root, path)}\n")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    from .diff import (ChangedFilesHaveErrors, UnreadableRevision, as_markdown, as_text, default_base,
                       diff_revisions, refusal_markdown)

    from .git import is_safe_revision

    for given in (args.base, args.head):
        if given is not None and not is_safe_revision(given):
            raise UsageError(f"版本名“{given}”不合规：不能为空、不能以“-”开头、不能含控制字符")
    base = args.base or default_base(args.root)
    if base is None:
        raise UsageError("找不到比较基准：这里不是 git 仓库，或没有 main/master 分支；请指定 BASE")
    try:
        diff = diff_revisions(args.root, base, args.head)
    except UnreadableRevision as exc:
        raise UsageError(str(exc)) from None
    except ChangedFilesHaveErrors as refused:
        head = refused.project
        if args.format == "markdown":
            # CI saves the Markdown as the reviewer's report: it says why there is no
            # table, and the problems also go to stderr, into the job's log.
            PRINTERS["text"](head.problems, sys.stderr, head.files_checked)
            out.write(refusal_markdown(head.problems, head.files_checked))
            return EXIT_PROBLEMS
        PRINTERS["text"](head.problems, out, head.files_checked)
        out.write(f"{refused}，无法比较结果。\n")
        return EXIT_PROBLEMS
    out.write(as_markdown(diff) if args.format == "markdown" else as_text(diff))
    return EXIT_OK


def cmd_sheet(args: argparse.Namespace, out: TextIO) -> int:
    from .sheets import sheet_plan, write_workbook, year_problems

    if not (args.root / "rules" / f"{args.year}.yaml").exists():
        raise UsageError(f"没有 {args.year} 年的考核细则 rules/{args.year}.yaml")
    project = check_project(args.root, [args.root / "scores" / str(args.year)])
    problems = year_problems(project, args.year)
    if any(p.is_error for p in problems) or args.year not in project.rules or project.registry is None:
        PRINTERS["text"](problems, out, project.files_checked)
        out.write("有错误，未生成评分表。\n")
        return EXIT_PROBLEMS
    try:
        planned = sheet_plan(project, args.year, None if args.all else args.department, args.output)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for content, path in planned:
        write_workbook(content, path)
        out.write(f"已写入 {path}（{content.department.name}：{len(content.counties)} 个县市区，"
                  f"{len(content.units)} 个评分项）\n")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from .diff import as_text
    from .sheet_import import commit_message, import_workbooks, refusal_text

    for path in args.files:
        if not path.is_file():
            raise UsageError(f"找不到 {path}")
    result = import_workbooks(args.root, args.files, args.year)
    if result.refusals:
        out.write(refusal_text(result))
        return EXIT_PROBLEMS
    for book in result.workbooks:
        out.write(f"已读取 {book.file}：{book.year}年度 {book.department.name}，{book.counties} 个县市区，"
                  f"{len(book.settings)} 个格子有改动\n")
    if not result.written:
        out.write("评分表与评分文件一致，没有需要写入的改动。\n")
        return EXIT_OK
    out.write("".join(f"已写入 {shown}\n" for shown in result.written) + "\n")
    PRINTERS["text"](result.project.problems, out, result.project.files_checked)
    out.write("\n" + as_text(result.diff))
    message = commit_message(result)
    if args.message_file:
        args.message_file.write_text(message, encoding="utf-8")
        out.write(f"\n提交说明已写入 {args.message_file}（git commit -F {args.message_file}）\n")
    out.write("\n建议的提交说明：\n" + "".join(f"    {line}".rstrip() + "\n" for line in message.splitlines()))
    return exit_code(result.project.problems)


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    from .project import display
    from .rules import load_rules
    from .scaffold import NewCountyRefused, new_county

    rules_path = args.root / "rules" / f"{args.year}.yaml"
    if not rules_path.exists():
        raise UsageError(f"没有 {args.year} 年的考核细则 rules/{args.year}.yaml")
    rules, problems = load_rules(rules_path, display(args.root, rules_path))
    if rules is None:
        PRINTERS["text"](problems, out, 1)
        return EXIT_PROBLEMS
    try:
        written = new_county(args.root, rules, args.slug, args.name)
    except NewCountyRefused as exc:
        raise UsageError(str(exc)) from None
    for path in written:
        out.write(f"已写入 {display(args.root, path)}\n")
    out.write("请逐项核对分值，扣分处写明 note；评完后把 status 改为 final。\n")
    return EXIT_OK


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    """``rules import``: draft a year's rules from the official document, list the doubts and
    self-check the draft (exit 1 when either found something). ``rules show``: print them."""
    import json
    from .problems import sort_problems
    from .project import display
    from .rules import load_rules
    from .rulesdoc import (DocumentError, READ_FAILED, as_json, as_outline, check_text, import_file,
                           load_rules_as, reference_path, write_new)

    if not 1000 <= args.year <= 2999:
        raise UsageError(f"年度应为四位数字，这里是 {args.year}")
    if args.rules_action == "show":
        path = args.rules or args.root / "rules" / f"{args.year}.yaml"
        if not path.is_file():
            raise UsageError(f"找不到细则文件 {path}")
        rules, problems = load_rules_as(path, args.year, display(args.root, path))
        if rules is None:
            PRINTERS["text"](problems, sys.stderr, 1)
            return EXIT_PROBLEMS
        if args.format == "json":
            out.write(json.dumps(as_json(rules), ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(as_outline(rules))
        return EXIT_OK

    if not args.file.exists():
        raise UsageError(f"找不到 {args.file}")
    if not args.file.is_file():
        raise UsageError(f"{args.file} 不是普通文件")
    output = args.output or args.root / "rules" / f"{args.year}.yaml"
    shown = display(args.root, output)
    if output.exists() and not args.force:
        raise UsageError(f"{shown} 已存在，未覆盖；要覆盖请加 --force")
    reference, reference_name = None, ""
    found = reference_path(args.root / "rules", args.year)
    if found is not None:  # read before the draft is written: it may be the same file (--force)
        reference_name = display(args.root, found)
        reference, problems = load_rules(found, reference_name)
        if reference is None:
            out.write(f"参照的 {reference_name} 有错误，未能沿用（先运行 python build.py check）。\n")
            reference_name = ""
    try:
        imported = import_file(args.file, args.year, str(args.file), reference, reference_name)
    except DocumentError as exc:
        out.write(f"{args.file}:0:0: error {READ_FAILED} {exc}\n未写入草稿。\n")
        return EXIT_PROBLEMS
    source = imported.source
    out.write(f"读取 {args.file}：{source.encoding}，{len(source.lines)} {'段' if source.kind == 'docx' else '行'}"
              + ("（以下行号即段落序号）" if source.kind == "docx" else "") + "\n")
    out.write(f"参照 {reference_name}：沿用部门与类别的标识、部门别名、score_step。\n" if reference_name
              else "没有可参照的往年细则：标识、score_step 等为暂定，见下面的疑问。\n")
    for line, note in sorted(imported.notes):
        out.write(f"{args.file}:{line}: 说明：{note}\n" if line else f"{args.file}: 说明：{note}\n")
    try:
        write_new(output, imported.text, args.force)
    except FileExistsError:
        raise UsageError(f"{shown} 已存在，未覆盖；要覆盖请加 --force") from None
    draft = imported.draft
    items = [i for c in draft.categories for i in c.items]
    out.write(f"已写入 {shown}：{len(draft.categories)} 个类别，{len(items)} 条"
              f"（{sum(len(i.parts) for i in items)} 个分项），{len(draft.departments)} 个考核部门。\n")
    _, checked = check_text(imported.text, args.year, shown)
    found_problems = sorted(imported.problems, key=lambda p: (p.line, p.column)) + sort_problems(checked)
    for p in found_problems:
        out.write(f"{p.path}:{p.line}:{p.column}: {p.level.value} {p.code} {p.message}\n")
        if p.hint:
            out.write(f"    提示：{p.hint}\n")
    if not found_problems:
        out.write("没有疑问，细则自检通过。请仍对照原文核对一遍，再提交。\n")
        return EXIT_OK
    out.write(f"共 {len(imported.problems)} 处待核实（也写在草稿开头的注释里），细则自检 {len(checked)} 个错误。"
              f"请对照原文逐条核对、改好 {shown}，再运行 python build.py check。\n")
    return EXIT_PROBLEMS


COMMANDS = {"schema": cmd_schema, "rules": cmd_rules, "new": cmd_new, "check": cmd_check, "rank": cmd_rank, "build": cmd_build, "serve": cmd_serve, "diff": cmd_diff,
            "sheet": cmd_sheet, "import": cmd_import}
