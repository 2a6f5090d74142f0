"""Only regular files are input: the scan of the project's folders, and the defensive read.

Everything under ``rules/``, ``scores/``, ``content/``, ``theme/`` and ``mkdocs.yml`` comes
from pull requests. A symlink there would let a pull request publish any file of the CI
machine (``/proc/self/environ`` holds the job's secrets), and a device or FIFO would flood
the disk or hang the build. So every entry must be a plain file or a plain folder, and
``content/`` may hold only what a page needs. The scan runs before anything reads the
folders (MkDocs follows symlinks in its docs_dir by itself); ``read_input`` is the second
line, for a race or a path the scan did not cover: it never follows a link, never blocks,
and never reads more than a cap.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .problems import Problem, error

FOLDERS = ("rules", "scores", "content", "theme")
FILES = ("mkdocs.yml",)
# What a content page needs: the page, its images, a PDF to download. No SVG: it can carry script.
CONTENT_TYPES = frozenset({".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"})
YAML_LIMIT = 1 << 20          # a score or rules file is a few kilobytes; a megabyte is not data
CONTENT_LIMIT = 20 << 20      # a scanned PDF of an official document fits

NOT_REGULAR_HINT = "只能提交普通文件和文件夹：删除它，把内容直接写进一个普通文件"


class Refused(Exception):
    """Input the build must not touch; carries the problems to report."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个输入文件不合规")
        self.problems = problems


class Unreadable(Exception):
    """``read_input`` refused a file; ``problem`` says why, in the user's words."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def kind_of(mode: int) -> str:
    """What a non-regular entry is, in words staff can look up."""
    if stat.S_ISLNK(mode):
        return "符号链接"
    if stat.S_ISFIFO(mode):
        return "命名管道 FIFO"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def not_regular(shown: str, mode: int) -> Problem:
    return error(shown, 0, 0, "E009", f"不是普通文件（是{kind_of(mode)}），不会被读取或发布", NOT_REGULAR_HINT)


def too_large(shown: str, size: int, limit: int) -> Problem:
    return error(shown, 0, 0, "E011", f"文件过大（{size:,} 字节，上限 {limit:,} 字节），不会被读取",
                 "检查是否放错了文件；评分文件和细则只有几千字节")


def is_plain_dir(path: Path) -> bool:
    """A folder itself, not a link to one (the scan reports links; the readers skip them)."""
    return stat.S_ISDIR(_lmode(path))


def is_plain_file(path: Path) -> bool:
    return stat.S_ISREG(_lmode(path))


def _lmode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def scan_project(root: Path) -> list[Problem]:
    """Every refused entry under the project's input folders and files, with its path from ``root``."""
    problems: list[Problem] = []
    for name in FOLDERS:
        problems.extend(scan_folder(root / name, name, content=name == "content"))
    for name in FILES:
        problems.extend(scan_file(root / name, name))
    return problems


def scan_site(config_file: Path, docs_dir: Path, theme_dir: Path | None) -> list[Problem]:
    """The same rules for what MkDocs itself reads: its config, docs_dir and theme folder."""
    base = config_file.parent
    problems = scan_file(config_file, _shown(base, config_file))
    problems.extend(scan_folder(docs_dir, _shown(base, docs_dir), content=True))
    if theme_dir is not None:
        problems.extend(scan_folder(theme_dir, _shown(base, theme_dir), content=False))
    return problems


def _shown(base: Path, path: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def scan_file(path: Path, shown: str) -> list[Problem]:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return []
    return [] if stat.S_ISREG(mode) else [not_regular(shown, mode)]


def scan_folder(folder: Path, shown: str, content: bool) -> list[Problem]:
    """Walk ``folder`` without following links; a missing folder is not this scan's business."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return []
    if not stat.S_ISDIR(mode):
        return [not_regular(shown, mode)]
    problems: list[Problem] = []
    pending = [(folder, shown)]
    while pending:
        here, here_shown = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    entry_shown = f"{here_shown}/{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((Path(entry.path), entry_shown))
                    elif not entry.is_file(follow_symlinks=False):
                        problems.append(not_regular(entry_shown, entry.stat(follow_symlinks=False).st_mode))
                    elif content:
                        problems.extend(_content_file(entry, entry_shown))
        except OSError as exc:  # an unreadable folder, or one removed while we looked
            problems.append(error(here_shown, 0, 0, "E000", f"无法读取文件夹：{exc.strerror}"))
    return problems


def _content_file(entry: os.DirEntry, shown: str) -> list[Problem]:
    suffix = os.path.splitext(entry.name)[1].lower()
    if suffix not in CONTENT_TYPES:
        return [error(shown, 0, 0, "E010", f"content/ 中不允许“{suffix or '无扩展名'}”类型的文件",
                      "content/ 只能放页面（.md）、图片（.png .jpg .jpeg .gif .webp）和 PDF；"
                      "SVG、网页和脚本文件不能发布")]
    size = entry.stat(follow_symlinks=False).st_size
    return [too_large(shown, size, CONTENT_LIMIT)] if size > CONTENT_LIMIT else []


def read_input(path: Path, shown: str, limit: int = YAML_LIMIT) -> bytes:
    """The bytes of a regular file, at most ``limit``; raise Unreadable otherwise.

    O_NOFOLLOW refuses a symlink as the last component, O_NONBLOCK keeps a FIFO from
    hanging the open, and fstat on the open descriptor judges the very file that is read.
    """
    # Windows has neither flag (the scan's lstat still finds links there) and opens text mode
    # unless told O_BINARY, which would turn CRLF into LF and stop at Ctrl-Z.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise Unreadable(not_regular(shown, stat.S_IFLNK)) from None
        raise Unreadable(error(shown, 0, 0, "E000", f"无法读取文件：{exc.strerror}")) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(not_regular(shown, info.st_mode))
        if info.st_size > limit:
            raise Unreadable(too_large(shown, info.st_size, limit))
        return _read_at_most(fd, shown, limit)
    finally:
        os.close(fd)


def _read_at_most(fd: int, shown: str, limit: int) -> bytes:
    """Read to the end, but stop past ``limit``: the file may grow after fstat."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(1 << 16, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise Unreadable(too_large(shown, total, limit))
