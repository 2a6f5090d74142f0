"""The audit trail: who changed which published score, when and why; releases; corrections.

Git is the system of record, read through ``scoreboard.git``. The trail holds only what was
published: the first-parent line of the built branch (each merged pull request or direct
commit is one step, so work inside a pull request that never reached the branch is not
shown), and only the exact files the check validates (``scores/<year>/<slug>.yaml`` of
registered counties, in years that have rules). Every revision is loaded and validated as
strictly as the check does; a revision that would not pass is shown as such, never its
content, and drafts stay out unless the site publishes drafts. Without git (a tarball) there
is no history and the site says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import git
from .git import Touch
from .load import decode, parse
from .project import Project
from .rules import Rules
from .validate import validate_sheet
from .values import SLUG_TEXT, YEAR, YEAR_TEXT, fmt

RELEASE_PREFIX = "published/"  # a tag published/2011 marks 2011's results as announced
REGULAR_MODES = (b"100644", b"100755")
REVISION_SIZE_LIMIT = 1 << 20  # the check's limit for a score file
_SCORE_PATH = re.compile(rb"scores/(%b)/(%b)\.yaml" % (YEAR.encode(), SLUG_TEXT.pattern.encode()))


# --- what the trail shows --------------------------------------------------------------------

@dataclass(frozen=True)
class Commit:
    """A step of the published branch as a page shows it."""

    hash: str  # "" for changes not yet committed
    date: str  # when it reached the branch (committer date), YYYY-MM-DD
    author: str
    subject: str
    contributors: tuple[str, ...] = ()  # for a merge: the authors of the commits it brought in

    @property
    def short(self) -> str:
        return self.hash[:7] if self.hash else "未提交"

    @property
    def anchor(self) -> str:
        return f"c-{self.short}" if self.hash else "c-worktree"


WORKTREE = Commit("", "", "", "尚未提交的修改")


@dataclass(frozen=True)
class Revision:
    """One revision of a score file as far as the trail is concerned."""

    valid: bool = True  # passed the check; False: its content is never shown
    status: str = ""  # final | draft
    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit id → (score, note)


EMPTY = Revision()
INVALID = Revision(valid=False)


@dataclass(frozen=True)
class UnitChange:
    unit_id: str
    old: tuple[str, str] | None  # (score, note) before; None: the unit was added
    new: tuple[str, str] | None  # after; None: the unit was removed

    @property
    def describe(self) -> str:
        if self.old is None:
            return f"新增 {self.unit_id}：{self.new[0]}" + _note(self.new[1])
        if self.new is None:
            return f"删除 {self.unit_id}（原为 {self.old[0]}）"
        if self.old[0] != self.new[0]:
            return f"{self.unit_id}：{self.old[0]} → {self.new[0]}" + _note(self.new[1])
        return f"{self.unit_id} 的说明改为“{self.new[1]}”" if self.new[1] else f"{self.unit_id} 删除了说明"


def _note(note: str) -> str:
    return f"（{note}）" if note else ""


def unit_changes(old: Revision, new: Revision) -> tuple[UnitChange, ...]:
    changes = []
    for unit_id in dict.fromkeys([*new.units, *old.units]):
        before, after = old.units.get(unit_id), new.units.get(unit_id)
        if before != after:
            changes.append(UnitChange(unit_id, before, after))
    return tuple(changes)


@dataclass(frozen=True)
class FileChange:
    """One step's change to one county's score file for one year."""

    commit: Commit
    year: int
    slug: str
    name: str
    units: tuple[UnitChange, ...]
    notes: tuple[str, ...] = ()  # file-level events: created, renamed, status changed, removed
    opens: bool = False  # the file's first published values: listing every unit as new is noise

    @property
    def shown_units(self) -> tuple[UnitChange, ...]:
        return () if self.opens else self.units

    @property
    def summary(self) -> str:
        """What the change did, in one line (so that identical changes can be grouped)."""
        return "；".join([*self.notes, *(u.describe for u in self.shown_units)])


@dataclass(frozen=True)
class YearCommit:
    """One step as the year's change log shows it: the counties it changed."""

    commit: Commit
    counties: tuple[FileChange, ...]


@dataclass(frozen=True)
class Release:
    year: int
    tag: str
    commit: str
    date: str


@dataclass
class History:
    """Every published change to every score file, newest first, with blame and releases."""

    changes: list[FileChange]
    releases: dict[int, Release] = field(default_factory=dict)
    after_release: dict[int, set[str]] = field(default_factory=dict)  # year → steps after its tag
    _by_county: dict[tuple[int, str], list[FileChange]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for change in self.changes:
            self._by_county.setdefault((change.year, change.slug), []).append(change)

    def county(self, year: int, slug: str) -> list[FileChange]:
        return self._by_county.get((year, slug), [])

    def year(self, year: int) -> list[YearCommit]:
        return _group(c for c in self.changes if c.year == year)

    def last_set(self, year: int, slug: str) -> dict[str, Commit]:
        """Blame: for every unit, the newest step that set its score or note."""
        blame: dict[str, Commit] = {}
        for change in reversed(self.county(year, slug)):  # oldest first, newer overwrite
            for unit in change.units:
                if unit.new is None:
                    blame.pop(unit.unit_id, None)
                else:
                    blame[unit.unit_id] = change.commit
        return blame

    def is_correction(self, change: FileChange) -> bool:
        """After a year's release tag, every step that changed the year is a correction."""
        later = self.after_release.get(change.year)
        return later is not None and (change.commit.hash in later or not change.commit.hash)

    def corrections(self, year: int) -> list[YearCommit]:
        return _group(c for c in self.changes if c.year == year and self.is_correction(c))

    def county_corrections(self, year: int, slug: str) -> list[FileChange]:
        return [c for c in self.county(year, slug) if self.is_correction(c)]


def _group(changes: Iterable[FileChange]) -> list[YearCommit]:
    grouped: dict[str, list[FileChange]] = {}
    commits: dict[str, Commit] = {}
    for change in changes:
        key = change.commit.hash
        grouped.setdefault(key, []).append(change)
        commits[key] = change.commit
    return [YearCommit(commits[k], tuple(sorted(v, key=lambda c: c.slug))) for k, v in grouped.items()]


# --- which files the trail covers ------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Exactly the files the check validated and the site publishes, by path from the top."""

    files: dict[bytes, tuple[int, str, str]]  # path → (year, slug, registered name)
    rules: dict[int, Rules]
    drafts: bool

    @classmethod
    def of(cls, project: Project, prefix: bytes, drafts: bool) -> "Scope":
        files: dict[bytes, tuple[int, str, str]] = {}
        registry = project.registry
        for year, sheets in project.sheets.items():
            for sheet in sheets:
                if sheet.is_draft and not drafts:
                    continue  # not published: neither are its changes
                county = registry.counties.get(sheet.slug) if registry else None
                path = prefix + f"scores/{year}/{sheet.slug}.yaml".encode()
                files[path] = (year, sheet.slug, county.name if county else sheet.name)
        return cls(files, dict(project.rules), drafts)


def read_revision(data: bytes | None, path: str, year: int, slug: str, rules: Rules | None) -> Revision:
    """A revision loaded and validated as the check does; INVALID unless it passes."""
    if data is None or rules is None or len(data) > REVISION_SIZE_LIMIT:
        return INVALID
    text, problems = decode(data, path)
    if text is None:
        return INVALID
    tree, problems = parse(text, path)
    if tree is None or any(p.is_error for p in problems):
        return INVALID
    sheet, problems = validate_sheet(tree, path, slug, year, rules, None)
    if sheet is None:
        return INVALID
    return Revision(True, sheet.status, {u: (fmt(e.score), e.note) for u, e in sheet.entries.items()})


# --- reading the whole trail in one pass -----------------------------------------------------

@dataclass
class HistoryCache:
    """A preview session's committed trail, kept while HEAD, the tags and the files in scope
    stay the same: a save changes only the work tree, and only that part is read again."""

    key: tuple = ()
    committed: list[FileChange] = field(default_factory=list)
    last_shown: dict[bytes, Revision] = field(default_factory=dict)
    releases: dict[int, Release] = field(default_factory=dict)
    after_release: dict[int, set[str]] = field(default_factory=dict)


def load_history(root: Path, project: Project | None = None, drafts: bool = False,
                 cache: HistoryCache | None = None) -> History | None:
    """The trail of the published score files under ``root``; None without git."""
    prefix = git.prefix_in_repository(root)
    if prefix is None or not git.has_head(root):
        return None
    if project is None:
        from .project import check_project
        project = check_project(root)
    scope = Scope.of(project, prefix, drafts)
    cache = cache or HistoryCache()
    key = (git.head(root), tuple(git.tags(root, RELEASE_PREFIX)), tuple(sorted(scope.files.items())), drafts)
    if cache.key != key or key[0] is None:
        if not _read_committed(root, prefix, scope, cache):
            return None
        cache.key = key
    worktree = list(_worktree_changes(root, prefix, scope, cache.last_shown))
    return History(worktree + cache.committed, dict(cache.releases), dict(cache.after_release))


def _read_committed(root: Path, prefix: bytes, scope: Scope, cache: HistoryCache) -> bool:
    """Every published change of every file in scope, newest first, and the releases."""
    touches = git.first_parent_touches(root)
    if touches is None:
        return False
    chains, steps = _chains(touches, scope)
    commits = _commits(root, steps)
    changes: list[tuple[int, FileChange]] = []
    cache.last_shown = {}
    blobs = git.read_objects(root, [t.new_blob for chain in chains.values() for _, t in chain if t.new_blob])
    for path, chain in chains.items():
        year, slug, name = scope.files[path]
        reader = _RevisionReader(blobs, path, year, slug, scope)
        shown = EMPTY
        for order, touch in reversed(chain):  # oldest first
            change, shown = _step_change(touch, reader, shown, commits[touch.commit], scope, prefix, (year, slug, name))
            changes.append((order, change))
        cache.last_shown[path] = shown
    changes.sort(key=lambda pair: pair[0])
    cache.committed = [change for _, change in changes]
    releases = History([])
    _add_releases(root, releases)
    cache.releases, cache.after_release = releases.releases, releases.after_release
    return True


def _chains(touches: Iterable[Touch], scope: Scope) -> tuple[dict[bytes, list[tuple[int, Touch]]], list[bytes]]:
    """The touches of each file in scope, newest first, following renames within a year."""
    logical: dict[bytes, bytes] = {}  # a path in an older step → the path the file has now
    chains: dict[bytes, list[tuple[int, Touch]]] = {}
    steps: dict[bytes, None] = {}
    for order, touch in enumerate(touches):
        path = touch.new_path or touch.old_path or b""
        current = logical.get(path, path)
        if current not in scope.files:
            continue
        if touch.status == "R" and touch.old_path and _same_year_score_path(touch.old_path, current):
            logical[touch.old_path] = current
        chains.setdefault(current, []).append((order, touch))
        steps[touch.commit] = None
    return chains, list(steps)


def _same_year_score_path(old: bytes, current: bytes) -> bool:
    """Renames are followed only from another county file of the same year."""
    old_match, new_match = _SCORE_PATH.search(old), _SCORE_PATH.search(current)
    return bool(old_match and new_match and old_match.end() == len(old) and old_match[1] == new_match[1]
                and old[:old_match.start()] == current[:new_match.start()])


def _commits(root: Path, steps: list[bytes]) -> dict[bytes, Commit]:
    """Each step as shown: its own hash, committer date, author and subject; for a merge, the
    authors of the commits it brought in (read from their commit objects, never from text)."""
    infos = git.read_commits(root, steps)
    brought: dict[bytes, list[bytes]] = {h: git.merged_commits(root, info) for h, info in infos.items()}
    authors = git.read_commits(root, [c for merged in brought.values() for c in merged])
    commits = {}
    for step, info in infos.items():
        contributors = tuple(dict.fromkeys(authors[c].author for c in brought[step] if c in authors))
        commits[step] = Commit(info.hash, info.date, info.author, info.subject, contributors)
    return commits


class _RevisionReader:
    """Revisions of one file, each blob loaded and validated once."""

    def __init__(self, blobs: dict[bytes, bytes], path: bytes, year: int, slug: str, scope: Scope) -> None:
        self.blobs, self.year, self.slug, self.rules = blobs, year, slug, scope.rules.get(year)
        self.path = path.decode("utf-8", "replace")
        self.seen: dict[bytes, Revision] = {}

    def __call__(self, touch: Touch) -> Revision:
        if touch.new_blob is None:
            return EMPTY
        if touch.new_mode not in REGULAR_MODES:
            return INVALID  # a symlink or submodule recorded at this path
        if touch.new_blob not in self.seen:
            self.seen[touch.new_blob] = read_revision(self.blobs.get(touch.new_blob), self.path, self.year,
                                                      self.slug, self.rules)
        return self.seen[touch.new_blob]


def _step_change(touch: Touch, read: _RevisionReader, shown: Revision, commit: Commit, scope: Scope,
                 prefix: bytes, county: tuple[int, str, str]) -> tuple[FileChange, Revision]:
    """What one step did to a file, against the last values the trail showed."""
    year, slug, name = county
    new = read(touch)
    notes = _file_notes(touch, prefix)
    if touch.status == "D":
        return FileChange(commit, year, slug, name, (), notes), EMPTY
    if not new.valid:
        return FileChange(commit, year, slug, name, (), (*notes, "这一版本的文件未通过检查，内容不予显示")), shown
    if new.status == "draft" and not scope.drafts:
        return FileChange(commit, year, slug, name, (), (*notes, "草稿（未公布，分数不显示）")), shown
    if shown.status and new.status != shown.status:
        notes = (*notes, f"状态：{shown.status} → {new.status}")
    units = unit_changes(shown, new)
    if not notes and not units:
        notes = ("分数未变（只改了注释或格式）",)
    opens = not shown.units and bool(new.units)
    return FileChange(commit, year, slug, name, units, notes, opens), new


def _file_notes(touch: Touch, prefix: bytes) -> tuple[str, ...]:
    if touch.status == "A":
        return ("新建评分文件",)
    if touch.status == "D":
        return ("删除评分文件",)
    if touch.status == "R" and touch.old_path:
        old = touch.old_path[len(prefix):] if touch.old_path.startswith(prefix) else touch.old_path
        return (f"文件由 {old.decode('utf-8', 'replace')} 改名而来",)
    return ()


def _worktree_changes(root: Path, prefix: bytes, scope: Scope, last_shown: dict[bytes, Revision]):
    """Score files that differ from HEAD in the work tree: shown as not yet committed."""
    for path, _untracked in git.changed_in_worktree(root, "scores"):
        if path not in scope.files:
            continue
        year, slug, name = scope.files[path]
        file = root / path[len(prefix):].decode("utf-8", "surrogateescape")
        data = file.read_bytes() if file.is_file() and not file.is_symlink() else None
        new = read_revision(data, path.decode("utf-8", "replace"), year, slug, scope.rules.get(year))
        old = last_shown.get(path, EMPTY)
        if not new.valid or (new.status == "draft" and not scope.drafts):
            continue
        units = unit_changes(old, new)
        if units:
            yield FileChange(WORKTREE, year, slug, name, units, (), not old.units)


def _add_releases(root: Path, history: History) -> None:
    for tag, commit, date in git.tags(root, RELEASE_PREFIX):
        year_text = tag[len(RELEASE_PREFIX):]
        if not YEAR_TEXT.fullmatch(year_text):
            continue
        history.releases[int(year_text)] = Release(int(year_text), tag, commit, date)
        history.after_release[int(year_text)] = git.first_parent_after(root, commit)

