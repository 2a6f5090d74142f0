"""Finds a project's rules and score files and runs load → validate over all of them.

Multi-year from the start: ``rules/<year>.yaml`` and ``scores/<year>/<slug>.yaml``. Every
problem in every file is collected before anything is reported.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable
from pathlib import Path

from .cores import map_on_cores
from .inputs import is_plain_dir, is_plain_file, scan_project
from .compare import link_problems
from .load import load_file
from .problems import Problem, error, sort_problems
from .registry import Registry, load_registry
from .rules import Rules, load_rules
from .validate import ScoreSheet, validate_sheet
from .values import SLUG_TEXT, YEAR, YEAR_TEXT, visible

# Below this many files a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 400


@dataclass
class Project:
    root: Path
    registry: Registry | None = None
    rules: dict[int, Rules] = field(default_factory=dict)
    sheets: dict[int, list[ScoreSheet]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    @property
    def years(self) -> list[int]:
        return sorted(self.rules)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def display(root: Path, path: Path) -> str:
    """A path as every report shows it: relative to the data folder, valid UTF-8, one line.

    File names come from pull requests: bytes that are not UTF-8, a newline or a bidi control
    in a name must not break the ``path:line:col`` form, an annotation or a JSON report."""
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return visible(os.fsencode(shown).decode("utf-8", "replace"))


def display_score_file(path: Path) -> str:
    """``display`` of a score file found by ``score_files`` (root/scores/<year>/<name>, every
    part of it a plain folder or file), without resolving the path again for each file."""
    return visible(os.fsencode(f"scores/{path.parent.name}/{path.name}").decode("utf-8", "replace"))


def score_files(root: Path) -> dict[int, list[Path]]:
    """Score files by year, in name order; a year is a folder named by four digits."""
    by_year: dict[int, list[Path]] = {}
    scores_dir = root / "scores"
    # Links and special files are never read (inputs.scan_project reports them).
    if not is_plain_dir(scores_dir):
        return by_year
    for year_dir in _entries(scores_dir, directories=True):
        if YEAR_TEXT.fullmatch(year_dir.name):
            by_year[int(year_dir.name)] = [p for p in _entries(year_dir, directories=False)
                                           if p.suffix in (".yaml", ".yml")]
    return by_year


def _entries(folder: Path, directories: bool) -> list[Path]:
    """A folder's plain folders (or plain files) in name order, links and special files left
    out; none when it cannot be listed (reported by ``stray_files``). The directory listing
    says what each entry is, so 29,000 files need no lstat each; names are sorted as text:
    sorting Path objects costs ten times more."""
    try:
        with os.scandir(folder) as listing:
            names = sorted(entry.name for entry in listing
                           if (entry.is_dir(follow_symlinks=False) if directories else entry.is_file(follow_symlinks=False)))
    except OSError:
        return []
    return [folder / name for name in names]


# What may live in scores/ besides the year folders' score files. Anything else is reported:
# a file the check does not read must not look like data (or feed the audit trail).
_SCORES_EXTRAS = re.compile(rf"counties\.yaml|schema/{YEAR}\.json|(?:[^/]+/)*\.gitkeep")
_SCORE_FILE = re.compile(rf"{YEAR}/[^/]+\.ya?ml")


def stray_files(root: Path) -> list[Problem]:
    """Files under scores/ that the check would not read, and folders it cannot list."""
    problems = []
    scores_dir = root / "scores"
    if not is_plain_dir(scores_dir):
        return problems
    for folder, dirs, files in os.walk(scores_dir, onerror=lambda exc: problems.append(
            error(display(root, Path(exc.filename or scores_dir)), 0, 0, "E000", f"无法读取文件夹：{exc.strerror}",
                  "确认文件夹存在并有读取权限"))):
        dirs.sort()
        # Strings, not Path objects: a national scores/ has 29,000 files, nearly all expected.
        prefix = os.path.relpath(folder, scores_dir).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        for name in sorted(files):
            relative = prefix + name
            if _SCORE_FILE.fullmatch(relative) or _SCORES_EXTRAS.fullmatch(relative):
                continue
            path = Path(folder) / name
            if not is_plain_file(path):
                continue  # links and special files: reported by scan_project
            problems.append(error(display(root, path), 0, 0, "E113", "scores/ 中有检查不会读取的文件",
                                  "scores/ 下只放 counties.yaml 和“年度/标识.yaml”评分文件；删除它或移到别处"))
    return problems


FileKey = tuple[int, int, int]  # (modification time in ns, size, inode): "the same file as before"


def file_key(path: Path) -> FileKey | None:
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


@dataclass
class CheckCache:
    """What a preview session (``build.py serve``) has read, by file, reused while the file's
    time, size and inode stay the same. Score files depend on the registry and the rules:
    when one of those changes, every score file is validated again."""

    loaded: dict[Path, tuple[FileKey | None, Any]] = field(default_factory=dict)
    depends_on: tuple = ()

    def get(self, path: Path, load: Callable[[], Any]) -> Any:
        key = file_key(path)
        cached = self.loaded.get(path)
        if cached is None or cached[0] != key or key is None:
            cached = self.loaded[path] = (key, load())
        return cached[1]

    def forget_score_files(self, depends_on: tuple) -> None:
        if depends_on != self.depends_on:
            self.loaded = {p: v for p, v in self.loaded.items() if not _is_score_file(p)}
            self.depends_on = depends_on


def _is_score_file(path: Path) -> bool:
    return path.parent.parent.name == "scores" and YEAR_TEXT.fullmatch(path.parent.name) is not None


def check_project(root: Path, paths: list[Path] | None = None, jobs: int | None = None,
                  cache: CheckCache | None = None) -> Project:
    """Load the registry and every year's rules, then validate the chosen score files.

    With ``paths``, only those files (or the files under those folders) are validated, and
    the "registered county without a file" check runs only for year folders given whole.
    With ``cache`` (a preview session), files unchanged since the last call are not read again.
    """
    cache = cache or CheckCache()
    project = Project(root)
    project.problems.extend(scan_project(root))
    registry_path = root / "scores" / "counties.yaml"
    if is_plain_dir(root / "scores") or not os.path.lexists(root / "scores"):
        project.registry, problems = cache.get(registry_path,
                                               lambda: load_registry(registry_path, "scores/counties.yaml"))
        project.problems.extend(problems)
    project.files_checked = 1
    files_by_year = score_files(root)
    rule_paths = {int(p.stem): p for p in sorted((root / "rules").glob("*.yaml"))
                  if YEAR_TEXT.fullmatch(p.stem) and is_plain_file(p)} if is_plain_dir(root / "rules") else {}
    for year, path in rule_paths.items():
        rules, problems = cache.get(path, lambda path=path: load_rules(path, display(root, path)))
        project.problems.extend(problems)
        project.files_checked += 1
        if rules is not None:
            project.rules[year] = rules
    # compare_with names last year's ids: checked once every year's rules are read.
    project.problems.extend(link_problems(project.rules, unreadable=set(rule_paths) - set(project.rules)))
    if paths is None:
        project.problems.extend(stray_files(root))
    for year in files_by_year:
        if year not in rule_paths:
            project.problems.append(error(f"scores/{year}", 0, 0, "E111", f"有 {year} 年的评分文件夹，但没有 rules/{year}.yaml",
                                          "先添加该年度的考核细则"))
    selected, whole_years = _select(root, files_by_year, paths)
    tasks = [(year, path) for year, files in files_by_year.items() if year in project.rules
             for path in files if path in selected]
    cache.forget_score_files((file_key(registry_path), *(file_key(p) for p in rule_paths.values())))
    for (year, _), (sheet, problems) in zip(tasks, _validate_all(root, tasks, project, jobs, cache)):
        project.problems.extend(problems)
        if sheet is not None:
            project.sheets.setdefault(year, []).append(sheet)
    project.files_checked += len(tasks)
    if paths is None:  # a year whose folder was deleted is checked whole too
        whole_years |= set(project.rules)
        project.problems.extend(_years_without_files(project, rule_paths, files_by_year))
    for year in whole_years:
        if year in project.rules:
            project.problems.extend(_missing_files(project, year, files_by_year.get(year, [])))
    project.problems = sort_problems(project.problems)
    return project


def recheck(project: Project, saved: set[Path], cache: CheckCache) -> Project | None:
    """``project`` with these score files read again, when that is all a save can have
    changed: each was a valid score file of the last check and is still a plain file. None
    when a full check is needed (a file created, removed or renamed, or one that was broken)."""
    changed: dict[Path, tuple[ScoreSheet | None, list[Problem]]] = {}
    for path in saved:
        cached = cache.loaded.get(path)
        year = int(path.parent.name) if YEAR_TEXT.fullmatch(path.parent.name) else None
        if cached is None or cached[1][0] is None or year not in project.rules or not is_plain_file(path):
            return None
        changed[path] = cached[1]
    found = _validate_all(project.root, [(int(p.parent.name), p) for p in changed], project, 1, cache)
    replaced = {id(old[0]): new[0] for old, new in zip(changed.values(), found)}
    shown = {display(project.root, path) for path in changed}
    updated = Project(project.root, project.registry, project.rules, files_checked=project.files_checked)
    updated.sheets = {year: [replaced.get(id(s), s) for s in sheets if replaced.get(id(s), s) is not None]
                      for year, sheets in project.sheets.items()}
    updated.problems = sort_problems([p for p in project.problems if p.path not in shown]
                                     + [p for _, problems in found for p in problems])
    return updated


def _select(root: Path, files_by_year: dict[int, list[Path]], paths: list[Path] | None) -> tuple[set[Path], set[int]]:
    every = {p for files in files_by_year.values() for p in files}
    if not paths:
        return every, set(files_by_year)
    chosen: set[Path] = set()
    whole_years: set[int] = set()
    for given in (p.resolve() for p in paths):
        for path in every:
            resolved = path.resolve()
            if resolved == given or given in resolved.parents:
                chosen.add(path)
        if given == (root / "scores").resolve():
            whole_years.update(files_by_year)
        elif given.parent == (root / "scores").resolve() and YEAR_TEXT.fullmatch(given.name):
            whole_years.add(int(given.name))
    return chosen, whole_years


def _validate_all(root: Path, tasks: list[tuple[int, Path]], project: Project, jobs: int | None,
                  cache: CheckCache) -> list[tuple[ScoreSheet | None, list[Problem]]]:
    """Every task's (sheet, problems): from the cache where the file is unchanged, else
    validated, on every core when there are many."""
    keys = [file_key(path) for _, path in tasks]
    results: list = [None] * len(tasks)
    todo = []
    for index, ((year, path), key) in enumerate(zip(tasks, keys)):
        cached = cache.loaded.get(path)
        if key is not None and cached is not None and cached[0] == key:
            results[index] = cached[1]
        else:
            todo.append(index)
    args = [(str(root), tasks[i][0], str(tasks[i][1])) for i in todo]
    validate = partial(_validate_task, rules=project.rules, registry=project.registry)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    # Parsing is most of the cost and each file is independent: use every core.
    found = map_on_cores(validate, args, jobs if len(args) >= PARALLEL_THRESHOLD else 1)
    for index, result in zip(todo, found):
        results[index] = result
        cache.loaded[tasks[index][1]] = (keys[index], result)
    return results


def _validate_task(arg: tuple[str, int, str], rules: dict[int, Rules], registry: Registry | None
                   ) -> tuple[ScoreSheet | None, list[Problem]]:
    root, year, path_text = arg
    path = Path(path_text)
    shown = display_score_file(path)
    if path.suffix == ".yml":
        return None, [error(shown, 0, 0, "E112", "评分文件的扩展名应为 .yaml", f"把文件改名为 {path.stem}.yaml")]
    if not SLUG_TEXT.fullmatch(path.stem):
        return None, [error(shown, 0, 0, "E107", f"文件名“{shown.rsplit('/', 1)[-1]}”不合规：只能用小写字母、数字和连字符",
                            "文件名即县市区的 slug，例如 luyu-xian.yaml")]
    tree, problems = load_file(path, shown)
    if tree is None or any(p.is_error for p in problems):
        return None, problems
    sheet, more = validate_sheet(tree, shown, path.stem, year, rules[year], registry)
    return sheet, problems + more


def _years_without_files(project: Project, rule_paths: dict[int, Path], files_by_year: dict[int, list[Path]]
                         ) -> list[Problem]:
    """A year with rules must have its results: deleting scores/<year>/ is not unpublishing."""
    return [error(display(project.root, rule_paths[year]), 0, 0, "E114",
                  f"有 {year} 年的考核细则，但 scores/{year}/ 中没有任何评分文件",
                  f"为每个县市区建立 scores/{year}/<标识>.yaml（可用 build.py new {year} 标识 --name 名称）；"
                  "如果该年度不考核，请删除 rules/" f"{year}.yaml")
            for year in sorted(project.rules) if not files_by_year.get(year)]


def _missing_files(project: Project, year: int, files: list[Path]) -> list[Problem]:
    if project.registry is None:
        return []
    present = {p.stem for p in files}
    return [
        error(project.registry.path, county.line, county.column, "E110",
              f"{county.name}（{county.slug}）登记为参加 {year} 年考核，但没有 scores/{year}/{county.slug}.yaml",
              "新建该评分文件；如果该县市区当年不参加，请在 counties.yaml 中用 from/until 限定年份")
        for county in project.registry.active_in(year) if county.slug not in present
    ]
