"""Stage 5, publish: build the site into a fresh folder, then swap it in whole.

A failed build never leaves a half-written site: MkDocs writes into a temporary folder
beside the target, and only a complete build replaces the old one. The site carries a
``SHA256SUMS`` of its files so that a copy can be verified.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from . import pipeline

CHECKSUMS = "SHA256SUMS"


def mkdocs_overrides(config_file: Path, root: Path, drafts: bool) -> dict[str, Any]:
    """The settings a command passes to MkDocs: where the data is, whether drafts show."""
    extra = dict(load_config(str(config_file)).extra)
    extra["scoreboard"] = {**(extra.get("scoreboard") or {}), "root": str(root.resolve()), "drafts": drafts}
    return {"extra": extra}


def build_site(config_file: Path, root: Path, site_dir: Path, drafts: bool,
               prepared: pipeline.Prepared) -> None:
    """Build into a temporary sibling of ``site_dir`` and swap it in; raise on failure."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        # Anything in MkDocs that asks for "now" gets the commit's time: reproducible output.
        os.environ["SOURCE_DATE_EPOCH"] = saved_epoch or _commit_epoch(prepared)
        config = load_config(str(config_file), site_dir=str(staging), strict=True,
                             **mkdocs_overrides(config_file, root, drafts))
        pipeline.hand_over(prepared)  # the hooks reuse this check instead of parsing again
        logging.getLogger("mkdocs").setLevel(logging.DEBUG if os.environ.get("SCOREBOARD_DEBUG") else logging.WARNING)
        mkdocs_build(config)
        write_checksums(staging)
        _swap(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        pipeline.hand_over(None)
        if saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _commit_epoch(prepared: pipeline.Prepared) -> str:
    return prepared.site.stamp.epoch or "0"


def _swap(staging: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(old)
    staging.chmod(0o755)  # mkdtemp made it private; a published site is world-readable
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def site_files(site_dir: Path) -> list[Path]:
    return sorted((p for p in site_dir.rglob("*") if p.is_file() and p.name != CHECKSUMS),
                  key=lambda p: p.relative_to(site_dir).as_posix())


def write_checksums(site_dir: Path) -> None:
    lines = []
    for path in site_files(site_dir):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(site_dir).as_posix()}\n")
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
    dist_dir.mkdir(parents=True, exist_ok=True)
    target = dist_dir / f"{name}.zip"
    epoch = max(int(site.stamp.epoch or 0), 315532800)  # zip dates start in 1980
    stamp = time.gmtime(epoch)[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{name}/{path.relative_to(site_dir).as_posix()}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return target


# --- writing the data pages, on every core -------------------------------------------------

# Below this many pages, starting workers costs more than it saves (a city's site).
PARALLEL_PAGES = 600
_job: dict[str, Any] = {}


def write_text(site_dir: Path, path: str, text: str) -> None:
    target = site_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="")


def write_pages(renderer: Any, views: dict, history: Any, site_dir: Path, jobs: int | None = None) -> int:
    """Render every year's pages and write them, on every core.

    The extra cores are forked children that inherit the scored results and the templates,
    so nothing is pickled; the parent renders a share itself instead of waiting, which
    also keeps one process fewer in memory.
    """
    from .render import tasks

    work = [task for view in views.values() for task in tasks(view)]
    _job.update(renderer=renderer, views=views, history=history, site_dir=site_dir)
    jobs = jobs or os.cpu_count() or 1
    try:
        if jobs < 2 or len(work) < PARALLEL_PAGES or not hasattr(os, "fork"):
            return _write_chunk(work)
        shares = _chunks(work, jobs)  # round-robin: big aggregate pages spread over the cores
        children = []
        for share in shares[1:]:
            pid = os.fork()
            if pid == 0:  # the child: write its share, report by exit status, never return
                status = 1
                try:
                    _write_chunk(share)
                    status = 0
                finally:
                    os._exit(status)
            children.append(pid)
        written = _write_chunk(shares[0])
        for pid, share in zip(children, shares[1:]):
            _, status = os.waitpid(pid, 0)
            if status != 0:
                raise RuntimeError("a page-writing process failed")
            written += len(share)
        return written
    finally:
        _job.clear()


def _chunks(work: list, count: int) -> list[list]:
    """Round-robin, so each chunk mixes big aggregate pages and small scorecards."""
    return [work[i::count] for i in range(count) if work[i::count]]


def _write_chunk(chunk: list) -> int:
    renderer, views, history, site_dir = _job["renderer"], _job["views"], _job["history"], _job["site_dir"]
    for task in chunk:
        path, text = renderer.render_task(views[task[0]], history, task)
        write_text(site_dir, path, text)
    return len(chunk)
