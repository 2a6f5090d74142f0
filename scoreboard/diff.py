"""What a change does to the results: ``build.py diff [BASE [HEAD]]``.

Both sides are loaded and scored like a build (BASE from git, HEAD from git or the work
tree), then compared: per county total and rank before and after, per unit the old and
new value with its note, counties added or removed, and the departments whose items
changed, so that the right departments review the change.
"""
from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .git import checkout_data, git_text, resolve
from .problems import Problem, print_text
from .project import Project, check_project
from .score import score_year
from .values import fmt, visible

MAIN_BRANCHES = ("origin/main", "main", "origin/master", "master")


@dataclass(frozen=True)
class UnitDiff:
    unit_id: str
    old: Decimal | None
    new: Decimal | None
    old_note: str
    new_note: str


@dataclass(frozen=True)
class CountyDiff:
    year: int
    slug: str
    name: str
    before: tuple[Decimal, int] | None  # (total, rank) among published (final) counties
    after: tuple[Decimal, int] | None
    units: tuple[UnitDiff, ...]
    status: tuple[str | None, str | None] = (None, None)


@dataclass
class ResultsDiff:
    base_label: str
    head_label: str
    counties: list[CountyDiff] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.counties


def _standings(project: Project) -> dict[tuple[int, str], tuple[Decimal, int]]:
    places = {}
    for year, rules in project.rules.items():
        for s in score_year(rules, project.sheets.get(year, [])).standings:
            places[(year, s.score.slug)] = (s.score.total, s.rank)
    return places


def _sheets(project: Project) -> dict[tuple[int, str], object]:
    return {(year, s.slug): s for year, sheets in project.sheets.items() for s in sheets}


def compare(base: Project, head: Project, base_label: str, head_label: str) -> ResultsDiff:
    diff = ResultsDiff(base_label, head_label)
    before, after = _standings(base), _standings(head)
    old_sheets, new_sheets = _sheets(base), _sheets(head)
    departments: set[str] = set()
    for key in sorted(set(old_sheets) | set(new_sheets)):
        old, new = old_sheets.get(key), new_sheets.get(key)
        units = _unit_diffs(old, new)
        rules = head.rules.get(key[0]) or base.rules.get(key[0])
        for unit in units:
            unit_rule = rules.units.get(unit.unit_id) if rules else None
            if unit_rule is not None:
                departments.update(rules.items[unit_rule.item_id].departments)
        status = (old.status if old else None, new.status if new else None)
        if units or before.get(key) != after.get(key) or status[0] != status[1]:
            name = (new or old).name
            diff.counties.append(CountyDiff(key[0], key[1], name, before.get(key), after.get(key), units, status))
    order = [d.name for rules in head.rules.values() for d in rules.departments]
    diff.departments = sorted(departments, key=lambda d: (order.index(d) if d in order else len(order), d))
    return diff


def _unit_diffs(old, new) -> tuple[UnitDiff, ...]:
    old_entries = old.entries if old else {}
    new_entries = new.entries if new else {}
    found = []
    for unit_id in dict.fromkeys([*old_entries, *new_entries]):
        a, b = old_entries.get(unit_id), new_entries.get(unit_id)
        if (a and (a.score, a.note)) != (b and (b.score, b.note)):
            found.append(UnitDiff(unit_id, a.score if a else None, b.score if b else None,
                                  a.note if a else "", b.note if b else ""))
    return tuple(found)


def default_base(root: Path) -> str | None:
    for branch in MAIN_BRANCHES:
        base = git_text(root, "merge-base", "HEAD", branch)
        if base:
            return base.strip()
    return None


def load_side(root: Path, revision: str | None, folder: Path) -> Project | None:
    """The project at a revision (None: the work tree itself)."""
    if revision is None:
        return check_project(root)
    commit = resolve(root, revision)
    if commit is None or not checkout_data(root, commit, folder):
        return None
    return check_project(folder)


def label(root: Path, revision: str | None) -> str:
    """How a side is named in the output: 工作区, a short hash, or a name with its short hash."""
    if revision is None:
        return "工作区"
    short = (git_text(root, "rev-parse", "--short", "--end-of-options", revision) or "").strip()
    if not short or revision.startswith(short):
        return short or revision
    return f"{revision}（{short}）"


class UnreadableRevision(Exception):
    """A revision git cannot give (a usage error: the name is wrong, or not in this clone)."""

    def __init__(self, revision: str) -> None:
        super().__init__(f"无法读取版本 {revision}")


class ChangedFilesHaveErrors(Exception):
    """The compared-to side does not pass the check: its problems say why."""

    def __init__(self, project: Project) -> None:
        super().__init__("修改后的评分文件有错误")
        self.project = project


def diff_revisions(root: Path, base: str, head: str | None) -> ResultsDiff:
    """Compare two revisions (``head`` None: the work tree). Raises UnreadableRevision or
    ChangedFilesHaveErrors."""
    with tempfile.TemporaryDirectory(prefix="scoreboard-diff-") as folder:
        base_project = load_side(root, base, Path(folder) / "base")
        if base_project is None:
            raise UnreadableRevision(base)
        head_project = load_side(root, head, Path(folder) / "head")
        if head_project is None:
            raise UnreadableRevision(head or "工作区")
        if head_project.has_errors:
            raise ChangedFilesHaveErrors(head_project)
        return compare(base_project, head_project, label(root, base), label(root, head))


# --- output -------------------------------------------------------------------------------

def _place(place: tuple[Decimal, int] | None) -> tuple[str, str]:
    return ("—", "—") if place is None else (fmt(place[0]), str(place[1]))


def _unit_text(unit: UnitDiff, quote=lambda text: text) -> str:
    old = "—" if unit.old is None else fmt(unit.old)
    new = "（删除）" if unit.new is None else fmt(unit.new)
    note = unit.new_note if unit.new is not None else ""
    note_changed = unit.old_note != unit.new_note and unit.new is not None
    return f"{unit.unit_id}：{old} → {new}" + (f"（{quote(note)}）" if note and (note_changed or unit.old != unit.new) else "")


def _county_event(county: CountyDiff) -> str:
    if county.status[0] is None:
        return "新增"
    if county.status[1] is None:
        return "删除"
    if county.status[0] != county.status[1]:
        return f"状态 {county.status[0]} → {county.status[1]}"
    return ""


def as_text(diff: ResultsDiff) -> str:
    lines = [f"比较 {diff.base_label} → {diff.head_label}"]
    if diff.empty:
        return "\n".join(lines + ["结果没有变化。"]) + "\n"
    for year in sorted({c.year for c in diff.counties}):
        lines.append(f"\n{year}年度：")
        for county in (c for c in diff.counties if c.year == year):
            (t0, r0), (t1, r1) = _place(county.before), _place(county.after)
            event = _county_event(county)
            lines.append(f"  {county.name}（{county.slug}）{('［' + event + '］') if event else ''}："
                         f"总分 {t0} → {t1}，名次 {r0} → {r1}")
            if not event or event.startswith("状态"):  # an added or removed file: its total says it
                lines += [f"    {_unit_text(u)}" for u in county.units]
    if diff.departments:
        lines.append(f"\n涉及的考核部门：{'、'.join(diff.departments)}")
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~.:])")


def _literal(text: str) -> str:
    """Text from a score file as literal Markdown: no link, image, HTML, emphasis or table
    break can come out of a name or a note in the job summary."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def refusal_markdown(problems: list[Problem], files_checked: int) -> str:
    """The Markdown report when the changed files have errors: CI saves it for the reviewer,
    so it says why there is no table and lists the problems as the check prints them."""
    listing = io.StringIO()
    print_text(problems, listing, files_checked)
    # Messages quote the user's text: hidden characters are spelled out, as on the site.
    body = "\n".join(visible(line) for line in listing.getvalue().splitlines())
    # A fence longer than any run of backticks in the messages (they quote the user's text).
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
    return "\n".join(["### 评分变化：无法比较", "",
                      "修改后的评分文件有错误，无法比较结果，也不能发布。请按下列位置改正（检查任务 check 列出的是同样的问题）：",
                      "", f"{fence}text", body, fence]) + "\n"


def as_markdown(diff: ResultsDiff) -> str:
    lines = [f"### 评分变化：{_literal(diff.base_label)} → {_literal(diff.head_label)}", ""]
    if diff.empty:
        return "\n".join(lines + ["结果没有变化。"]) + "\n"
    lines += ["| 年度 | 县市区 | 总分 | 名次 | 变化 |", "|---|---|---|---|---|"]
    for county in diff.counties:
        (t0, r0), (t1, r1) = _place(county.before), _place(county.after)
        event = _county_event(county)
        listed = county.units if not event or event.startswith("状态") else ()
        changes = "<br>".join(_cell(_unit_text(u, _literal)) for u in listed) or _cell(event) or "—"
        name = f"{_literal(county.name)}{'（' + event + '）' if event else ''}"
        lines.append(f"| {county.year} | {name} | {t0} → {t1} | {r0} → {r1} | {changes} |")
    if diff.departments:
        lines += ["", f"**涉及的考核部门**：{'、'.join(diff.departments)}（请相应部门审核）"]
    return "\n".join(lines) + "\n"
