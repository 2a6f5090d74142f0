"""Git plumbing: the only module that runs git, and it reads git by contract.

Everything a pull request controls (commit messages, author names, file names) is data
here, never structure: output is NUL-delimited (``-z``) or size-prefixed (``cat-file
--batch``), paths stay bytes until matched against the exact names the check accepts, and
commit metadata is parsed from the commit object itself, where a header is one line and the
message comes after the first blank line. No field can be shifted by what another contains.
User-given revisions pass ``--end-of-options`` so that ``--output=FILE`` stays a revision.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator

HEX40 = re.compile(rb"[0-9a-f]{40}")
NULL_OBJECT = b"0" * 40
# Characters that let a name or subject lie about itself on a page: controls, bidi
# overrides and isolates, zero-width characters. Removed from what the audit trail shows.
DECEPTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
SHOWN_TEXT_LIMIT = 200


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Run git in ``root``; None when git is missing, the folder is no repository, or git fails."""
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args],
                              input=stdin, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def git_text(root: Path, *args: str) -> str | None:
    out = git(root, *args)
    return None if out is None else out.decode("utf-8", "replace")


def prefix_in_repository(root: Path) -> bytes | None:
    """The data folder's path inside the repository (b"" at the top, b"sub/" below it)."""
    out = git(root, "rev-parse", "--show-prefix")
    return None if out is None else out.rstrip(b"\n")


def head(root: Path) -> str | None:
    """The commit HEAD names, or None."""
    out = git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}")
    return out.decode("ascii").strip() if out and HEX40.fullmatch(out.strip()) else None


def has_head(root: Path) -> bool:
    return git(root, "rev-parse", "--verify", "-q", "HEAD") is not None


def is_safe_revision(revision: str) -> bool:
    """A revision given by a person: never an option, never empty, no control characters."""
    return bool(revision) and not revision.startswith("-") and not DECEPTIVE.search(revision)


def resolve(root: Path, revision: str) -> str | None:
    """The commit a user-given revision names, or None."""
    if not is_safe_revision(revision):
        return None
    out = git(root, "rev-parse", "--verify", "-q", "--end-of-options", f"{revision}^{{commit}}")
    return out.decode("ascii").strip() if out and HEX40.fullmatch(out.strip()) else None


# --- objects ---------------------------------------------------------------------------------

def read_objects(root: Path, object_ids: Iterable[bytes]) -> dict[bytes, bytes]:
    """Many objects through one ``git cat-file --batch``; each answer is size-prefixed."""
    ids = sorted({i for i in object_ids if HEX40.fullmatch(i)})
    if not ids:
        return {}
    out = git(root, "cat-file", "--batch", stdin=b"".join(i + b"\n" for i in ids))
    found: dict[bytes, bytes] = {}
    position = 0
    for object_id in ids:
        if out is None or position >= len(out):
            break
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split(b" ")
        position = header_end + 1
        if len(header) == 3 and header[0] == object_id:
            size = int(header[2])
            found[object_id] = out[position:position + size]
            position += size + 1
    return found


@dataclass(frozen=True)
class CommitInfo:
    """What a commit object says about itself, cleaned for display."""

    hash: str
    parents: tuple[str, ...]
    author: str
    committer: str
    date: str  # the committer's date, YYYY-MM-DD in the committer's zone: when it reached the branch
    subject: str


_PERSON = re.compile(rb"^(.*) <[^<>\n]*> (\d{1,12}) ([+-])(\d\d)(\d\d)$")


def shown(text: str) -> str:
    """Text from a commit as a page may show it: one line, no deceptive characters, bounded."""
    cleaned = DECEPTIVE.sub("", text).strip()
    return cleaned if len(cleaned) <= SHOWN_TEXT_LIMIT else cleaned[:SHOWN_TEXT_LIMIT] + "…"


def _person(line: bytes) -> tuple[str, str]:
    """(name, YYYY-MM-DD) from an ``author``/``committer`` header value."""
    match = _PERSON.match(line)
    if not match:
        return "（无法识别）", ""
    sign = 1 if match[3] == b"+" else -1
    zone = timezone(sign * timedelta(hours=int(match[4]), minutes=int(match[5])))
    try:
        day = datetime.fromtimestamp(int(match[2]), zone).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        day = ""
    return shown(match[1].decode("utf-8", "replace")) or "（无名）", day


def parse_commit(commit_hash: bytes, body: bytes) -> CommitInfo:
    """A commit object: header lines up to the first blank line, then the message."""
    head, _, message = body.partition(b"\n\n")
    parents: list[str] = []
    author = committer = ("（无法识别）", "")
    for line in head.split(b"\n"):
        field, _, value = line.partition(b" ")
        if field == b"parent" and HEX40.fullmatch(value):
            parents.append(value.decode("ascii"))
        elif field == b"author":
            author = _person(value)
        elif field == b"committer":
            committer = _person(value)
    subject = message.decode("utf-8", "replace").split("\n", 1)[0]
    return CommitInfo(commit_hash.decode("ascii"), tuple(parents), author[0], committer[0], committer[1],
                      shown(subject))


def read_commits(root: Path, hashes: Iterable[bytes]) -> dict[bytes, CommitInfo]:
    return {h: parse_commit(h, body) for h, body in read_objects(root, hashes).items()}


# --- the first-parent line -------------------------------------------------------------------

@dataclass(frozen=True)
class Touch:
    """One file changed by one first-parent step (paths as bytes, None where absent)."""

    commit: bytes
    status: str  # A, M, D, R, T
    old_path: bytes | None
    new_path: bytes | None
    old_blob: bytes | None
    new_blob: bytes | None
    new_mode: bytes


def first_parent_touches(root: Path) -> Iterator[Touch] | None:
    """Every file change on HEAD's first-parent line, newest first; a merge as one step."""
    # No pathspec: limiting the log to scores/ makes git diff every tree twice; callers
    # keep the exact paths they want. --diff-merges=first-parent shows a merge as the change
    # it brought to the branch.
    out = git(root, "log", "--first-parent", "--diff-merges=first-parent", "--raw", "-M", "--no-abbrev",
              "-z", "--no-show-signature", "--format=%H", "HEAD", "--")
    if out is None:
        return None
    return _parse_raw_log(out)


def _parse_raw_log(out: bytes) -> Iterator[Touch]:
    """``<hash>\\0`` then for each file ``:meta\\0path\\0`` (two paths for a rename or copy)."""
    tokens = out.split(b"\0")
    commit = b""
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token.startswith(b":"):
            if HEX40.fullmatch(token):
                commit = token
            continue
        meta = token[1:].split(b" ")
        status = meta[4][:1].decode("ascii", "replace")
        paths = 2 if status in ("R", "C") else 1
        old_path, new_path = tokens[i], tokens[i + paths - 1]
        i += paths
        yield Touch(commit, status,
                    None if status == "A" else old_path, None if status == "D" else new_path,
                    None if meta[2] == NULL_OBJECT else meta[2], None if meta[3] == NULL_OBJECT else meta[3],
                    meta[1])


def merged_commits(root: Path, merge: CommitInfo) -> list[bytes]:
    """The commits a merge brought to the branch (its first parent's line excluded)."""
    if len(merge.parents) < 2:
        return []
    out = git(root, "rev-list", "--no-merges", merge.hash, f"^{merge.parents[0]}", "--")
    return [line for line in (out or b"").split(b"\n") if HEX40.fullmatch(line)]


def first_parent_after(root: Path, commit: str) -> set[str]:
    """The first-parent steps of HEAD that came after ``commit``."""
    out = git(root, "rev-list", "--first-parent", "HEAD", f"^{commit}", "--")
    return {line.decode("ascii") for line in (out or b"").split(b"\n") if HEX40.fullmatch(line)}


_TAG_LINE = re.compile(rb"^refs/tags/([^\0]+)\0([0-9a-f]{40})\0([0-9a-f]{40})?\0(\d{4}-\d\d-\d\d)?$")


def tags(root: Path, prefix: str) -> list[tuple[str, str, str]]:
    """(tag name, commit, date) for every tag under ``refs/tags/<prefix>``."""
    out = git(root, "for-each-ref", "--format=%(refname)%00%(objectname)%00%(*objectname)%00%(creatordate:short)",
              f"refs/tags/{prefix}")
    found = []
    for line in (out or b"").split(b"\n"):
        match = _TAG_LINE.match(line)
        if match:
            found.append((match[1].decode("utf-8", "replace"), (match[3] or match[2]).decode("ascii"),
                          (match[4] or b"").decode("ascii")))
    return found


def changed_in_worktree(root: Path, pathspec: str) -> list[tuple[bytes, bool]]:
    """Paths under ``pathspec`` that differ from HEAD: (path from the top, untracked?)."""
    out = git(root, "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--", pathspec)
    entries = []
    for entry in (out or b"").split(b"\0"):
        if len(entry) > 3 and entry[2:3] == b" ":
            entries.append((entry[3:], entry[:2] == b"??"))
    return entries


def file_at(root: Path, commit: str, path: bytes) -> bytes | None:
    """A file's bytes at a commit (regular files only), through cat-file."""
    listing = git(root, "ls-tree", "-z", "--full-tree", commit, "--", path.decode("utf-8", "surrogateescape"))
    fields = (listing or b"").split(b"\0")[0].split(b"\t", 1)[0].split(b" ")
    if len(fields) != 3 or fields[0] not in (b"100644", b"100755") or fields[1] != b"blob":
        return None
    return read_objects(root, [fields[2]]).get(fields[2])


# --- the build stamp -------------------------------------------------------------------------

@dataclass(frozen=True)
class Stamp:
    """Which source the site was built from: the commit, its date, whether the tree was dirty."""

    commit: str | None = None
    date: str | None = None  # the commit's date (YYYY-MM-DD), never the build machine's clock
    dirty: bool = False
    epoch: str | None = None  # the commit's time in seconds, for SOURCE_DATE_EPOCH

    @property
    def short(self) -> str:
        return (self.commit or "")[:7]


def stamp_for(root: Path) -> Stamp:
    """The HEAD commit and its committer date; dirty when the work tree differs from it."""
    head = git(root, "log", "-1", "--no-show-signature", "--format=%H%x00%cs%x00%ct", "HEAD", "--")
    fields = (head or b"").strip().split(b"\0")
    if len(fields) != 3 or not HEX40.fullmatch(fields[0]):
        return Stamp()
    status = git(root, "status", "--porcelain", "-z", "--", ".")
    commit, date, epoch = (f.decode("ascii", "replace") for f in fields)
    return Stamp(commit, date, bool(status and status.strip(b"\0")), epoch)


# --- the data as of a commit -----------------------------------------------------------------

def checkout_data(root: Path, commit: str, target: Path, folders: tuple[str, ...] = ("rules", "scores")) -> bool:
    """Write the regular files of ``folders`` as they were at ``commit`` into ``target``."""
    import io
    import tarfile

    prefix = prefix_in_repository(root)
    if prefix is None or not is_safe_revision(commit):
        return False
    top = prefix.decode("utf-8", "surrogateescape")
    wanted = [f"{top}{folder}" for folder in folders]
    out = git(root, "archive", "--format=tar", commit, "--", *wanted)
    if out is None:
        out = git(root, "archive", "--format=tar", commit, "--", f"{top}scores")
        if out is None:
            return False
    with tarfile.open(fileobj=io.BytesIO(out)) as archive:
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith(top):  # symlinks are not files here
                continue
            relative = Path(member.name[len(top):])
            if relative.is_absolute() or ".." in relative.parts:  # never write outside the target
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
    return True
