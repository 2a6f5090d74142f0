"""Stage 5, publish: build the site into a fresh folder, then swap it in whole.

A failed build never leaves a half-written site: MkDocs writes into a temporary folder
beside the target, and only a complete build replaces the old one, in one atomic exchange
where the kernel has it; a page the old site already holds byte for byte is hard-linked
from it rather than written again (``link_unchanged``). The output folder is refused when
it is the project, holds data, or is a non-empty folder without our marker: a wrong
``--site-dir`` must not delete data.
The site carries a ``SHA256SUMS`` of its files so that a copy can be verified.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import hashlib
import os
import shutil
import signal
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import inputs
from .git import stamp_for
from .pipeline import Prepared, prepare
from .render import Renderer, Task, page_paths, release_paths, tasks
from .search import index_path, index_paths, pages_index, year_index

try:
    import fcntl
except ImportError:  # Windows: builds there are one person's, unlocked
    fcntl = None  # type: ignore[assignment]

CHECKSUMS = "SHA256SUMS"


@dataclass(frozen=True)
class BuildRequest:
    root: Path  # the data: rules/ and scores/
    site_dir: Path
    drafts: bool
    config_file: Path  # the site settings (mkdocs.yml): name, theme, content folder
    project_dir: Path  # the tool's own folder, which no output may overwrite


@dataclass(frozen=True)
class Built:
    prepared: Prepared
    site_dir: Path
    pages: int


def build_site(request: BuildRequest) -> Built:
    """The whole build, in order. Whatever stops it raises, and the old site stays as it was:
    SiteDirRefused, inputs.Refused, pipeline.CheckFailed or hooks.SiteEngineError."""
    from . import hooks as site_engine  # the one module that knows MkDocs

    guard_site_dir(request.site_dir, [request.root, request.project_dir])   # 1. the output is a site
    _refuse(inputs.scan_file(request.config_file, request.config_file.name))  # 2. settings: a plain file
    settings = site_engine.load_settings(request.config_file, request.root, request.drafts)  # read once
    _refuse(inputs.scan_site(request.config_file, *site_engine.input_folders(settings)))  # 3. inputs: plain
    prepared = prepare(request.root, settings.site_name, request.drafts,                  # 4. check, score,
                       stamp_for(request.root), settings.repo_url)                          #    history
    site_dir = request.site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(site_dir.parent):
        recover(site_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
        try:
            previous = site_dir if (site_dir / MARKER).is_file() else None  # unchanged pages are linked from it
            site_engine.render_site(settings, prepared, staging, previous)  # 5. data pages, content pages, assets
            write_checksums(staging, site_engine.written_digests(settings))  # 6. checksums, our marker
            (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            _swap(staging, site_dir)                               # 7. the new site in, whole
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            gc.unfreeze()  # prepare() froze the data for the build; a caller's process goes on
    return Built(prepared, site_dir, sum(1 for _ in site_dir.rglob("*.html")))


def _refuse(problems: list) -> None:
    if problems:
        raise inputs.Refused(problems)


# --- the output folder: never anything but a site, swapped in whole -------------------------

MARKER = ".scoreboard-site"
MARKER_TEXT = "This folder is a site written by build.py build; the next build replaces it whole.\n"
# Folders whose presence says "this is a project or its data, not a site".
PROJECT_ENTRIES = ("rules", "scores", "content", "theme", ".git")


class SiteDirRefused(ValueError):
    """The output folder would destroy something that is not a site (the CLI's usage error)."""


def guard_site_dir(site_dir: Path, projects: list[Path]) -> None:
    """Refuse a project, its ancestors and its input folders, and any folder that is not a site."""
    if site_dir.is_symlink():  # a committed `site` link would send the build elsewhere
        raise SiteDirRefused(f"输出目录 {site_dir} 是符号链接，不能写入；请给出真实的目录")
    target = site_dir.resolve()
    for project in (p.resolve() for p in projects):
        if target == project or target in project.parents:
            raise SiteDirRefused(f"输出目录 {site_dir} 是项目目录或其上级目录，构建会删除整个项目；请另选一个目录，例如 site/")
        for name in PROJECT_ENTRIES:
            if target == project / name or (project / name) in target.parents:
                raise SiteDirRefused(f"输出目录 {site_dir} 位于项目的 {name}/ 之中，构建会覆盖数据；请另选一个目录，例如 site/")
    if target.name in PROJECT_ENTRIES:
        raise SiteDirRefused(f"输出目录不能叫 {target.name}：这是项目数据或仓库的目录名；请另选一个目录，例如 site/")
    if target.exists() and not target.is_dir():
        raise SiteDirRefused(f"输出目录 {site_dir} 已存在，但不是文件夹")
    if target.is_dir():
        held = [name for name in PROJECT_ENTRIES if os.path.lexists(target / name)]
        if held:
            raise SiteDirRefused(f"输出目录 {site_dir} 中有 {'、'.join(held)}，像是一个项目而不是网站，不能覆盖")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise SiteDirRefused(f"输出目录 {site_dir} 不是空的，也不是本工具生成的网站（没有 {MARKER}），不能覆盖；"
                                 "请另选一个目录，或确认无用后自己删除它")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time beside a site: the lock is the parent folder itself, so no lock
    file is left behind, and it is released by the kernel when a build is killed."""
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SiteDirRefused(f"另一个构建正在写入 {folder} 中的网站，请等它结束后再试") from None
        yield
    finally:
        os.close(fd)


def leftovers(site_dir: Path) -> list[Path]:
    """Temporary folders of earlier builds of this site: ``.site.building-*`` and ``.site.old-*``."""
    prefixes = (f".{site_dir.name}.building-", f".{site_dir.name}.old-")
    return sorted(p for p in site_dir.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir()
                  and not p.is_symlink())


def recover(site_dir: Path) -> None:
    """Undo what a killed build left, under the lock (so every leftover is a dead build's).

    Killed between the two renames of the fallback swap, the site folder is missing and the
    old site waits as ``.site.old-<pid>``: it is put back. Everything else left is removed.
    """
    if not os.path.lexists(site_dir):
        old = [p for p in leftovers(site_dir) if ".old-" in p.name]
        if old:
            old[-1].rename(site_dir)
    for path in leftovers(site_dir):
        shutil.rmtree(path, ignore_errors=True)


def _swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place so that, at every instant, either the old or the new is there."""
    staging.chmod(0o755)  # mkdtemp made it private; a published site is world-readable
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if exchange(staging, site_dir):  # one atomic step; the old site is now at ``staging``
        shutil.rmtree(staging, ignore_errors=True)
        return
    swap_by_renames(staging, site_dir)


def swap_by_renames(staging: Path, site_dir: Path) -> None:
    """Without renameat2 (another kernel or file system): two renames, and recover() puts
    the old site back if a kill falls between them."""
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # not glibc/musl on Linux: no renameat2
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def site_files(site_dir: Path) -> list[str]:
    """Every file of a site but the checksums and the marker, as sorted "/"-paths relative
    to it: walked with strings, as a decade's site has 32,000 files."""
    found = []
    for folder, _, files in os.walk(site_dir):
        prefix = os.path.relpath(folder, site_dir).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        found.extend(prefix + name for name in files
                     if name not in (CHECKSUMS, MARKER) and os.path.isfile(os.path.join(folder, name)))
    return sorted(found)


def write_checksums(site_dir: Path, known: dict[str, str] | None = None) -> None:
    """SHA256SUMS of every file; ``known`` digests (of what the build just wrote from memory)
    save reading those files back."""
    known = known or {}
    lines = []
    for name in site_files(site_dir):
        digest = known.get(name) or hashlib.sha256((site_dir / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    (site_dir / CHECKSUMS).write_text("".join(lines), encoding="utf-8")



def archive_name(site: Any) -> str:
    """scoreboard-2011-2015-abc1234: the year range and the commit, as the issue asks."""
    years = site.years
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (f"{years[0]}" if years else "none")
    commit = site.stamp.short or "nogit"
    return f"scoreboard-{span}-{commit}{'-dirty' if site.stamp.dirty else ''}"


def write_zip(site_dir: Path, dist_dir: Path, site: Any) -> Path:
    """One archive that works unzipped anywhere from file://; byte-stable for one commit."""
    import time
    import zipfile

    name = archive_name(site)
    guard_dist_dir(dist_dir)
    dist_dir.mkdir(parents=True, exist_ok=True)
    target = dist_dir / f"{name}.zip"
    epoch = max(int(site.stamp.epoch or 0), 315532800)  # zip dates start in 1980
    stamp = time.gmtime(epoch)[:6]
    # Written beside the target and renamed over it: a link committed in the archive's place
    # is replaced, never followed into a file elsewhere.
    handle = tempfile.NamedTemporaryFile(dir=dist_dir, prefix=f".{name}.", suffix=".zip", delete=False)
    try:
        with handle, zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(p for p in site_dir.rglob("*") if p.is_file() and p.name != MARKER):
                info = zipfile.ZipInfo(f"{name}/{path.relative_to(site_dir).as_posix()}", date_time=stamp)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


def guard_dist_dir(dist_dir: Path) -> None:
    """dist/ is in the checkout, so a pull request could commit it as a link to elsewhere."""
    if os.path.lexists(dist_dir) and not inputs.is_plain_dir(dist_dir):
        raise SiteDirRefused(f"{dist_dir} 不是普通文件夹（可能是符号链接），不能在其中写入压缩包")


# --- writing the data pages, on every core -------------------------------------------------

# Below this many pages, starting workers costs more than it saves (a city's site).
PARALLEL_PAGES = 600
# The most jobs a process claims at once: small claims keep the cores evenly busy to the end,
# and the lock is taken a few hundred times per national site.
MOST_CLAIMED = 16

Job = Callable[[], Iterable[tuple[str, "str | bytes"]]]  # makes one or more files: (path, text)


def data_page_paths(prepared: Prepared) -> list[str]:
    """Every page and download made from data, known before rendering, so the site engine
    can resolve links to them from content pages."""
    released = [path for year in prepared.released or {} for path in release_paths(year)]
    return [*page_paths(prepared.views), *released, "search.html", *index_paths(prepared.views)]


def prepare_environment(env: Any, prepared: Prepared) -> Renderer:
    """The theme's Jinja environment made ready for every page, data and content alike:
    our filters and globals (render.configure), this build's site and history."""
    renderer = Renderer(env, prepared.site)
    env.globals["site"] = prepared.site
    env.globals["history"] = prepared.history
    env.globals["navigation"] = renderer.navigation
    return renderer


def write_data_pages(env: Any, prepared: Prepared, site_dir: Path, content_pages: list[tuple[str, str, str]],
                     years: Iterable[int] | None = None, first: Iterable[Task] = (),
                     digests: dict[str, str] | None = None) -> int:
    """The data pages, the downloads as released, the search page and the search index,
    written before returning (``start_data_pages`` for the arguments). Returns the number of
    files written."""
    writer = start_data_pages(env, prepared, site_dir, years, first, digests)
    write_search_index(writer, content_pages)
    return writer.finish()


def start_data_pages(env: Any, prepared: Prepared, site_dir: Path, years: Iterable[int] | None = None,
                     first: Iterable[Task] = (), digests: dict[str, str] | None = None,
                     previous: Path | None = None, fresh: bool = False) -> "PageWriter":
    """Start writing the data pages, the downloads as released and the search page on every
    core, and return at once, so that the site engine renders its own pages meanwhile;
    ``write_search_index`` once the content pages are known, then ``finish()`` the writer.

    ``env`` is the theme's Jinja environment. ``years`` limits the work to those years' pages
    (a preview after a save); ``first`` are written before this returns, so the page a
    person just edited is on disk first; ``digests`` collects the SHA-256 of what is written;
    ``previous`` is the last build's site, whose unchanged files are linked (``SiteFiles``);
    ``fresh``: ``site_dir`` was empty (``SiteFiles``)."""
    renderer = prepare_environment(env, prepared)
    views, history = prepared.views, prepared.history
    chosen = _chosen_years(prepared, years)
    first = [t for t in first if t.year in chosen]
    later = [t for y in chosen for t in tasks(views[y]) if t not in first]

    def page(task: Task) -> Job:
        return lambda: [renderer.render_task(views[task.year], history, task)]

    released: list[Job] = [lambda view=view: renderer.release_downloads(view)
                           for year, view in (prepared.released or {}).items() if year in chosen]
    search: Job = lambda: [("search.html", renderer.render("search.html", "search.html", section="search"))]
    indexes: list[Job] = [lambda view=views[y]: [year_index(view)] for y in chosen]
    # The long jobs (whole-year pages and downloads) go first, so that none is left to one
    # core at the end; the scorecards, all alike, fill in behind them.
    heavy = [page(t) for t in later if not t.per_county] + released + indexes + [search]
    writer = PageWriter(site_dir, heavy + [page(t) for t in later if t.per_county], digests, previous=previous,
                        fresh=fresh)
    writer.run([page(t) for t in first])
    renderer.make_ready(views[y] for y in chosen)  # once, here: the workers inherit it
    writer.start()
    return writer


def write_search_index(writer: "PageWriter", content_pages: list[tuple[str, str, str]]) -> None:
    """The search index of the hand-written pages ((title, url, text) each), written by this
    process: they are known only once the site engine has read them, after the workers
    started (which write the years' indexes)."""
    writer.run([lambda: [(index_path("pages"), pages_index(content_pages))]])


def _chosen_years(prepared: Prepared, years: Iterable[int] | None) -> list[int]:
    return list(prepared.views) if years is None else [y for y in prepared.views if y in set(years)]


class PageWriter:
    """Renders and writes a list of jobs with every core: forked children claim a few jobs at
    a time from a counter they share, until none is left; ``finish()`` has this process
    claim what is left, then waits for the children.

    The children inherit the scored results and the templates, so nothing is pickled; they
    report the digests of what they wrote through a pipe.
    """

    def __init__(self, site_dir: Path, jobs: list[Job], digests: dict[str, str] | None = None,
                 workers: int | None = None, previous: Path | None = None, fresh: bool = False) -> None:
        self.files = SiteFiles(site_dir, previous, fresh)
        self.jobs = jobs
        self.digests = digests
        self.written = 0
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.children: list[tuple[int, int]] = []  # (pid, the pipe its report comes through)
        self.next_job = None

    def run(self, jobs: Iterable[Job], digests: dict[str, str] | None = None) -> int:
        """Write these jobs' files here and now; the number written."""
        found = self.digests if digests is None else digests
        written = 0
        for job in jobs:
            for path, text in job():
                written += self.files.write(path, text, found)
        self.written += written
        return written

    def start(self) -> None:
        """Fork the children, unless there is too little work or a single core."""
        if self.workers < 2 or len(self.jobs) < PARALLEL_PAGES or not hasattr(os, "fork"):
            return
        import multiprocessing  # a counter in memory shared with the children, and its lock
        self.next_job = multiprocessing.get_context("fork").Value("q", 0)
        for _ in range(self.workers - 1):  # this process is the last worker, once MkDocs is done
            reading, writing = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: claim and write jobs, send its digests, report by exit status
                os.close(reading)
                self._child(writing)
            os.close(writing)
            self.children.append((pid, reading))

    def _child(self, report: int) -> None:
        status = 1
        try:
            found: dict[str, str] = {}
            written = 0
            while self._more():
                written += self.run(self._claimed(), found)
            with os.fdopen(report, "w", encoding="utf-8") as pipe:
                pipe.write(f"{written}\n" + "".join(f"{digest} {path}\n" for path, digest in found.items()))
            status = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(status)

    def _more(self) -> bool:
        return self.next_job is None or self.next_job.value < len(self.jobs)

    def _claimed(self) -> list[Job]:
        """The next few jobs nobody has taken yet (fewer as the end nears)."""
        if self.next_job is None:
            return []
        with self.next_job.get_lock():
            start = self.next_job.value
            count = max(1, min(MOST_CLAIMED, (len(self.jobs) - start) // (4 * self.workers)))
            self.next_job.value = start + count
        return self.jobs[start:start + count]

    def finish(self) -> int:
        """Every job written (this process takes its share of what is left); the number of
        files written."""
        try:
            if self.next_job is None:
                self.run(self.jobs)
            else:
                while self._more():
                    self.run(self._claimed())
        except BaseException:
            self.abandon()
            raise
        self.jobs = []
        failed = False
        for pid, reading in self.children:
            with os.fdopen(reading, encoding="utf-8") as pipe:  # read before waiting: a full pipe blocks the child
                reported = pipe.read().splitlines()
            _, status = os.waitpid(pid, 0)
            if status != 0 or not reported:
                failed = True
                continue
            self.written += int(reported[0])
            if self.digests is not None:
                self.digests.update(line.split(" ", 1)[::-1] for line in reported[1:])
        self.children = []
        if failed:
            raise RuntimeError("a page-writing process failed")
        return self.written

    def abandon(self) -> None:
        """Stop the children (the build failed elsewhere and its folder is going away)."""
        for pid, reading in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(reading)
        self.children = []


def write_text(site_dir: Path, path: str, text: str | bytes, digests: dict[str, str] | None = None) -> int:
    """Write one file unless it already holds these bytes (a preview rewrites only what a
    save changed, so the browser and the watcher see only real changes). Returns 1 if written."""
    return SiteFiles(site_dir).write(path, text, digests)


class SiteFiles:
    """Writes files into a site folder: ``write_text`` for one, this for a build's thousands.
    A file the ``previous`` site holds byte for byte is linked from it (``link_unchanged``).

    ``fresh``: the folder was empty when the build started (MkDocs empties it) and only this
    writer's process writes these paths, so nothing is there to compare with, and each
    folder is made once: a national decade writes 32,000 files, and a stat and a mkdir each
    are 64,000 system calls."""

    def __init__(self, site_dir: Path, previous: Path | None = None, fresh: bool = False) -> None:
        self.site_dir = site_dir
        self.previous = previous
        self.fresh = fresh
        self.folders: set[str] = set()  # made (or found) by this writer

    def write(self, path: str, text: str | bytes, digests: dict[str, str] | None = None) -> int:
        """Returns 1 if written (or linked), 0 if the file already held these bytes."""
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        if digests is not None:
            digests[path] = hashlib.sha256(data).hexdigest()
        target = self.site_dir / path
        if self.fresh:
            folder = path.rpartition("/")[0]
            if folder not in self.folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(folder)
        else:
            try:
                if target.stat().st_size == len(data) and target.read_bytes() == data:
                    return 0
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
        if self.previous is None or not link_unchanged(self.previous / path, target, data):
            target.write_bytes(data)
        return 1


def link_unchanged(old: Path, target: Path, data: bytes) -> bool:
    """Hard-link ``old`` (the last build's copy) as ``target`` if it holds exactly ``data``.

    A rebuild then gives an unchanged page the inode it had, and removing the old site frees
    none. New inodes are what is slow: on ext4 without a journal the kernel steps over every
    inode freed in the last minutes before it hands one out (up to 0.7 ms a file after a
    site of 32,000 files was deleted). Only a plain file with no other name qualifies: a
    link planted in the old site is not followed, and a file someone linked elsewhere is
    not shared with the new site."""
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1 or found.st_size != len(data):
            return False
        if os.read(fd, len(data) + 1) != data:
            return False
        os.link(old, target, follow_symlinks=False)
        return True
    except OSError:  # another file system, or links not allowed: write it
        return False
    finally:
        os.close(fd)
