"""The audit trail from git: who changed which score, when and why; releases; the build stamp.

Git is the system of record. One ``git log`` lists every commit that touched a score file
(renames followed), one ``git cat-file --batch`` reads every revision of those files, and
each revision is *loaded as YAML*, so a change reads as ``8.1：5 → 4.5``, not as a line
diff. Without git (a tarball) every function here returns "no history" and the site
still builds.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from .render import Stamp

RELEASE_PREFIX = "published/"  # a tag published/2011 marks 2011's results as announced
_SCORE_PATH = re.compile(r"(?:^|/)scores/([12][0-9]{3})/([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$")


# --- running git -----------------------------------------------------------------------

def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Run git in ``root``; None when git is missing or the folder is not a repository."""
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args],
                              input=stdin, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def git_text(root: Path, *args: str) -> str | None:
    out = git(root, *args)
    return None if out is None else out.decode("utf-8", "replace")


def stamp_for(root: Path) -> Stamp:
    """The HEAD commit and its committer date; dirty when the work tree differs from it."""
    head = git_text(root, "log", "-1", "--format=%H%x00%cs%x00%ct")
    if not head:
        return Stamp()
    commit, date, epoch = head.strip().split("\0")
    status = git_text(root, "status", "--porcelain", "--", ".")
    return Stamp(commit, date, bool(status and status.strip()), epoch)


def read_blobs(root: Path, blob_ids: Iterable[str]) -> dict[str, bytes]:
    """Many blobs through one ``git cat-file --batch``."""
    ids = sorted(set(blob_ids))
    if not ids:
        return {}
    out = git(root, "cat-file", "--batch", stdin=("\n".join(ids) + "\n").encode())
    blobs: dict[str, bytes] = {}
    if out is None:
        return blobs
    position = 0
    for blob_id in ids:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        position = header_end + 1
        if len(header) == 3:
            size = int(header[2])
            blobs[blob_id] = out[position:position + size]
            position += size + 1
    return blobs


# --- what a revision says ------------------------------------------------------------------

@dataclass(frozen=True)
class Revision:
    """The values one revision of a score file gives, read leniently (old revisions may be wrong)."""

    county: str = ""
    status: str = ""
    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit id → (score as written, note)
    readable: bool = True


def read_revision(data: bytes | None) -> Revision:
    """Load one revision's YAML (libyaml's event stream) and keep what the history shows.

    Lenient where the checker is strict: an old revision is what it was, and only the
    county, the status and each unit's score and note matter here. It walks the events
    without building a tree, because a national history has tens of thousands of revisions.
    """
    if data is None:
        return Revision()
    try:
        text = data.decode("utf-8-sig")
        return _walk_revision(text)
    except (UnicodeDecodeError, yaml.YAMLError):
        return Revision(readable=False)


def _walk_revision(text: str) -> Revision:
    top: dict[str, str] = {}
    units: dict[str, tuple[str, str]] = {}
    depth = 0
    key = section = unit = field_name = None
    score = note = None
    parser = yaml.CSafeLoader(text) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
    try:
        check, get = parser.check_event, parser.get_event
        while check():
            event = get()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if depth == 1:  # top level: county, year, status, scores
                    if key is None:
                        key = event.value
                    else:
                        top[key], key = event.value, None
                elif depth == 2 and section == "scores":  # a unit: "8.1: 4.5"
                    if unit is None:
                        unit = event.value
                    else:
                        units[unit], unit = (event.value, ""), None
                elif depth == 3 and unit is not None:  # "8.1: {score: 4.5, note: …}"
                    if field_name is None:
                        field_name = event.value
                    else:
                        if field_name == "score":
                            score = event.value
                        elif field_name == "note":
                            note = event.value
                        field_name = None
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
                if depth == 2:
                    section, key = key, None
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                if depth == 3 and unit is not None:
                    units[unit] = (score if score is not None else "?", (note or "").strip())
                    unit = score = note = None
                elif depth == 2:
                    section = None
                depth -= 1
    finally:
        parser.dispose()
    if not top and not units:
        return Revision(readable=False)
    return Revision(top.get("county", "").strip(), top.get("status", "").strip(), units)


def read_revisions(blobs: dict[str, bytes]) -> dict[str, Revision]:
    """Every blob loaded once. (A process pool was measured here and gained nothing:
    sending the parsed revisions back costs what the second core saves.)"""
    return {blob: read_revision(data) for blob, data in blobs.items()}


# --- changes ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Commit:
    hash: str  # "" for changes not yet committed
    date: str  # author date, YYYY-MM-DD
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.hash[:7] if self.hash else "未提交"

    @property
    def anchor(self) -> str:
        return f"c-{self.short}" if self.hash else "c-worktree"


WORKTREE = Commit("", "", "", "尚未提交的修改")


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
    for unit_id in list(dict.fromkeys([*new.units, *old.units])):
        before, after = old.units.get(unit_id), new.units.get(unit_id)
        if before != after:
            changes.append(UnitChange(unit_id, before, after))
    return tuple(changes)


@dataclass(frozen=True)
class FileChange:
    """One commit's change to one county's score file for one year."""

    commit: Commit
    year: int
    slug: str
    name: str
    units: tuple[UnitChange, ...]
    notes: tuple[str, ...] = ()  # file-level events: created, renamed, status changed, removed

    @property
    def shown_units(self) -> tuple[UnitChange, ...]:
        """A new file's every unit is "added": its notes say so, the list would be noise."""
        return () if "新建评分文件" in self.notes else self.units

    @property
    def summary(self) -> str:
        """What the change did, in one line (so that identical changes can be grouped)."""
        return "；".join([*self.notes, *(u.describe for u in self.shown_units)])


@dataclass(frozen=True)
class YearCommit:
    """One commit as the year's change log shows it: the counties it changed."""

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
    """Every change to every score file, newest first, with blame and releases."""

    changes: list[FileChange]
    releases: dict[int, Release] = field(default_factory=dict)
    after_release: dict[int, set[str]] = field(default_factory=dict)  # year → commits after its tag
    _by_county: dict[tuple[int, str], list[FileChange]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for change in self.changes:
            self._by_county.setdefault((change.year, change.slug), []).append(change)

    def county(self, year: int, slug: str) -> list[FileChange]:
        return self._by_county.get((year, slug), [])

    def year(self, year: int) -> list[YearCommit]:
        return _group(c for c in self.changes if c.year == year)

    def last_set(self, year: int, slug: str) -> dict[str, Commit]:
        """Blame: for every unit, the newest commit that set its score or note."""
        blame: dict[str, Commit] = {}
        for change in reversed(self.county(year, slug)):  # oldest first, newer overwrite
            for unit in change.units:
                if unit.new is None:
                    blame.pop(unit.unit_id, None)
                else:
                    blame[unit.unit_id] = change.commit
        return blame

    def is_correction(self, change: FileChange) -> bool:
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


# --- reading the whole history in one pass -------------------------------------------------

@dataclass(frozen=True)
class _Touch:
    commit: Commit
    status: str  # A, M, D, R…
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


_NULL_BLOB = "0" * 40


def _log(root: Path) -> Iterator[_Touch]:
    """Every commit touching scores/, newest first, as (file, old blob, new blob) touches."""
    # No pathspec: limiting the log to scores/ makes git diff every tree twice (twice the
    # time on a national history); the few other files are skipped below.
    out = git_text(root, "log", "--raw", "-M", "--no-abbrev", "-z", "--date=short",
                   "--format=%x1e%H%x1f%an%x1f%ad%x1f%s")
    for record in (out or "").split("\x1e")[1:]:
        header, _, rest = record.partition("\0")
        hash_, author, date, subject = header.split("\x1f")
        commit = Commit(hash_, date, author, subject)
        tokens = rest.lstrip("\n").split("\0")
        i = 0
        while i < len(tokens) and tokens[i].startswith(":"):
            meta = tokens[i].split()
            status, old_blob, new_blob = meta[4], meta[2], meta[3]
            if status[0] in "RC":
                old_path, new_path = tokens[i + 1], tokens[i + 2]
                i += 3
            else:
                old_path = new_path = tokens[i + 1]
                i += 2
            yield _Touch(commit, status[0],
                         None if status == "A" else old_path, None if status == "D" else new_path,
                         None if old_blob == _NULL_BLOB else old_blob, None if new_blob == _NULL_BLOB else new_blob)


def _is_score_file(touch: _Touch, prefix: str) -> bool:
    return any(p is not None and p.startswith(prefix + "scores/") for p in (touch.old_path, touch.new_path))


def _prefix(root: Path) -> str | None:
    """The data folder's path inside the repository ("" at the top, "sub/" below it)."""
    prefix = git_text(root, "rev-parse", "--show-prefix")
    return None if prefix is None else prefix.strip()


def load_history(root: Path) -> History | None:
    """The whole history of the score files under ``root``; None without git."""
    prefix = _prefix(root)
    if prefix is None or git_text(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return None
    touches = [t for t in _log(root) if _is_score_file(t, prefix)]
    revisions = read_revisions(read_blobs(root, [b for t in touches for b in (t.old_blob, t.new_blob) if b]))

    def revision(blob: str | None) -> Revision:
        return Revision(readable=True) if blob is None else revisions.get(blob, Revision(readable=False))

    logical: dict[str, str] = {}  # a path in an older commit → the path the file has now
    changes: list[FileChange] = list(_worktree_changes(root, prefix))
    for touch in touches:
        path = touch.new_path or touch.old_path or ""
        current = logical.get(path, path)
        if touch.status == "R" and touch.old_path:
            logical[touch.old_path] = current
        match = _SCORE_PATH.search(current[len(prefix):] if current.startswith(prefix) else current)
        if not match:
            continue
        old, new = revision(touch.old_blob), revision(touch.new_blob)
        notes = _file_notes(touch, old, new, prefix)
        changes.append(FileChange(touch.commit, int(match[1]), match[2], new.county or old.county,
                                  unit_changes(old, new), notes))
    history = History(changes)
    _add_releases(root, history)
    return history


def _file_notes(touch: _Touch, old: Revision, new: Revision, prefix: str) -> tuple[str, ...]:
    notes = []
    if touch.status == "A":
        notes.append("新建评分文件")
    elif touch.status == "D":
        notes.append("删除评分文件")
    elif touch.status == "R":
        notes.append(f"文件由 {touch.old_path[len(prefix):]} 改名而来")
    if old.status and new.status and old.status != new.status:
        notes.append(f"状态：{old.status} → {new.status}")
    if not new.readable:
        notes.append("这一版本的文件无法读取（格式错误）")
    if not notes and old.units == new.units and old.county == new.county:
        notes.append("分数未变（只改了注释或格式）")
    return tuple(notes)


def _worktree_changes(root: Path, prefix: str) -> Iterator[FileChange]:
    """Score files that differ from HEAD in the work tree: shown as not yet committed."""
    out = git_text(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "scores")
    for entry in (out or "").split("\0"):
        if len(entry) < 4:
            continue
        path = entry[3:]
        match = _SCORE_PATH.search(path)
        if not match:
            continue
        relative = path[len(prefix):] if path.startswith(prefix) else path
        head = git(root, "show", f"HEAD:{prefix}{relative}".replace("//", "/")) if entry[:2] != "??" else None
        file = root / relative
        new = read_revision(file.read_bytes()) if file.exists() else Revision()
        old = read_revision(head) if head is not None else Revision()
        units = unit_changes(old, new)
        if units:
            yield FileChange(WORKTREE, int(match[1]), match[2], new.county or old.county, units)


def _add_releases(root: Path, history: History) -> None:
    refs = git_text(root, "for-each-ref", "--format=%(refname:strip=2)%1f%(objectname)%1f%(*objectname)%1f"
                    "%(creatordate:short)", f"refs/tags/{RELEASE_PREFIX}")
    for line in (refs or "").splitlines():
        tag, obj, peeled, date = line.split("\x1f")
        year_text = tag[len(RELEASE_PREFIX):]
        if not re.fullmatch(r"[12][0-9]{3}", year_text):
            continue
        commit = peeled or obj
        history.releases[int(year_text)] = Release(int(year_text), tag, commit, date)
        later = git_text(root, "rev-list", "HEAD", f"^{commit}")
        history.after_release[int(year_text)] = set((later or "").split())


# --- the data as of a commit -----------------------------------------------------------------

def checkout_data(root: Path, commit: str, target: Path) -> bool:
    """Write ``rules/`` and ``scores/`` as they were at ``commit`` into ``target`` (one git archive)."""
    import io
    import tarfile

    prefix = _prefix(root)
    if prefix is None:
        return False
    paths = [f"{prefix}rules", f"{prefix}scores"]
    out = git(root, "archive", "--format=tar", commit, "--", *paths)
    if out is None:
        out = git(root, "archive", "--format=tar", commit, "--", f"{prefix}scores")
        if out is None:
            return False
    with tarfile.open(fileobj=io.BytesIO(out)) as archive:
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith(prefix):
                continue
            relative = Path(member.name[len(prefix):])
            if ".." in relative.parts:  # never write outside the target folder
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
    return True
