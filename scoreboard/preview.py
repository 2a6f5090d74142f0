"""``build.py serve``: the site built once, then after each save only what the save changed.

A save of a score file re-reads that file alone (``pipeline.Session``), scores its year again,
and writes that county's scorecard first, then the year's rankings, then the rest of the
year and every later year (they compare with it, and their time charts and the county pages
show it); a page is written only when its bytes change, and earlier years are not rendered
at all. The result is the same, byte for byte, as a full build (tests/test_serve.py holds it
to that, over three years), except that a
preview writes no ``SHA256SUMS``. A change to the rules, the registry, the content pages, the
theme or ``mkdocs.yml`` rebuilds everything, as does the first save that makes the work tree
differ from its commit (every page's footer says so).

The preview is served over HTTP on the given address; an HTML page gets a small script that
reloads it when the site changes (added on the way out, never written to the site folder).
"""
from __future__ import annotations

import http.server
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, TextIO

from . import hooks as site_engine
from .git import stamp_for
from .pipeline import CheckFailed, Prepared, Session, prepare
from .problems import print_text
from .project import Project, recheck
from .publish import BuildRequest, write_data_pages, write_text
from .render import COUNTY, SECTION, Task

# Whatever is saved under these, the site is built again from the start.
WHOLE_SITE_INPUTS = ("content", "theme", "mkdocs.yml")
RELOAD_SCRIPT = "__reload.js"
VERSION_PATH = "/__version"


@dataclass
class Refreshed:
    """What one save did."""

    seconds: float = 0.0
    written: int = 0
    whole_site: bool = False
    problems: int = 0


@dataclass
class Preview:
    request: BuildRequest
    out: TextIO
    session: Session = field(default_factory=Session)
    settings: object | None = None
    version: int = 0

    def build_all(self) -> Refreshed:
        """Everything, as ``build`` makes it, into the preview folder."""
        started = time.perf_counter()
        request = self.request
        settings = site_engine.load_settings(request.config_file, request.root, request.drafts)
        try:
            prepared = self._prepare(settings)
        except CheckFailed as failed:
            return self._refused(failed, started)
        site_engine.render_site(settings, prepared, request.site_dir)
        self.settings = settings
        self.version += 1
        return Refreshed(time.perf_counter() - started, whole_site=True)

    def refresh(self, changed: set[Path]) -> Refreshed:
        """After a save: everything for the site's frame or content, else only the data."""
        root = self.request.config_file.parent
        if self.settings is None or any(_under(path, root / name) for path in changed for name in WHOLE_SITE_INPUTS):
            return self.build_all()
        started = time.perf_counter()
        last = self.session.last
        saved = {path for path in changed if path.suffix == ".yaml" and path.parent.parent == self.request.root / "scores"}
        project = recheck(last.project, saved, self.session.check) if last and saved == changed else None
        try:
            prepared = self._prepare(self.settings, project)
        except CheckFailed as failed:
            return self._refused(failed, started)
        if last is None or _frame_changed(last, prepared):
            return self.build_all()
        changed_years = [year for year, view in prepared.views.items() if view is not last.views.get(year)]
        # A year's pages show every county up to that year (time charts, county pages): from
        # the first year that changed, every later year is rendered again too.
        years = [year for year in prepared.views if changed_years and year >= min(changed_years)]
        first = _edited_first(last, prepared, changed_years)
        written = write_data_pages(site_engine.theme_environment(self.settings), prepared, self.request.site_dir,
                                   site_engine.content_pages(self.settings), years=years, first=first)
        if prepared.site.latest in years:  # the home page shows the latest ranking
            written += self._refresh_content(prepared)
        self.version += 1
        return Refreshed(time.perf_counter() - started, written)

    def _refresh_content(self, prepared: Prepared) -> int:
        """The content pages built apart, then copied over where their bytes differ."""
        with tempfile.TemporaryDirectory(prefix="scoreboard-content-") as scratch:
            site_engine.render_content(self.settings, prepared, Path(scratch))
            self.settings.site_dir = str(self.request.site_dir)  # type: ignore[attr-defined]
            return sum(write_text(self.request.site_dir, path.relative_to(scratch).as_posix(), path.read_bytes())
                       for path in sorted(Path(scratch).rglob("*")) if path.is_file())

    def _prepare(self, settings, project: Project | None = None) -> Prepared:
        request = self.request
        if project is not None and project.has_errors:
            raise CheckFailed(project)
        return prepare(request.root, settings.site_name, request.drafts, stamp_for(request.root),
                       settings.repo_url, session=self.session, project=project)

    def _refused(self, failed: CheckFailed, started: float) -> Refreshed:
        """The data has errors: the preview keeps the last good site and says why."""
        print_text(failed.project.problems, self.out, failed.project.files_checked)
        self.out.write("有错误，预览保持上一次的结果。\n")
        self.out.flush()
        return Refreshed(seconds=time.perf_counter() - started, problems=len(failed.project.problems))


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _frame_changed(last: Prepared, prepared: Prepared) -> bool:
    """What every page shows: the site's frame (years, stamp, demo note) and the releases."""
    releases = (lambda p: p.history.releases if p.history else {})
    return prepared.site != last.site or releases(prepared) != releases(last)


def _edited_first(last: Prepared, prepared: Prepared, years: list[int]) -> list[Task]:
    """The scorecards of the counties whose files changed, then each changed year's ranking."""
    first: list[Task] = []
    for year in years:
        before = {id(sheet) for sheet in last.project.sheets.get(year, [])}
        shown = prepared.views[year].results.by_slug()
        first += [Task(year, COUNTY, sheet.slug) for sheet in prepared.project.sheets.get(year, [])
                  if id(sheet) not in before and sheet.slug in shown]
    return first + [Task(year, SECTION, "index") for year in years]


# --- serving it -------------------------------------------------------------------------------

_RELOAD_JS = """\
// build.py serve: reload the page when the preview has been rebuilt (never published).
(function () {
  var seen = null;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { location.reload(); }
      seen = v;
    }).catch(function () {}).then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
""" % VERSION_PATH


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The preview folder, with the reload script added to every HTML page on the way out."""

    preview: Preview

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows rebuilds
        return

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == VERSION_PATH:
            return self._send(str(self.preview.version).encode(), "text/plain")
        if path == "/" + RELOAD_SCRIPT:
            return self._send(_RELOAD_JS.encode(), "text/javascript")
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            page = file.read_bytes().replace(b"</body>", f'<script src="/{RELOAD_SCRIPT}"></script></body>'.encode(), 1)
            return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(preview: Preview, host: str, port: int, watched: list[tuple[Path, bool]],
          report: Callable[[Refreshed], None]) -> None:
    """Serve the preview folder and rebuild after every save, until interrupted."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changed: set[Path] = set()
    wake = threading.Event()

    class Saved(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            # Only writes count: watchdog also reports every open and close, and the build
            # itself opens every input.
            if event.event_type not in ("created", "modified", "deleted", "moved") or (
                    event.is_directory and event.event_type == "modified"):
                return
            for name in ("src_path", "dest_path"):
                if getattr(event, name, ""):
                    changed.add(Path(getattr(event, name)))
            wake.set()

    # A subclass per server: the preview it serves is its own, not state of this module.
    handler = partial(type("PreviewHandler", (_Handler,), {"preview": preview}),
                      directory=str(preview.request.site_dir))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    observer = Observer()
    for path, recursive in watched:  # (folder, with its subfolders?)
        if path.is_dir():
            observer.schedule(Saved(), str(path), recursive=recursive)
    observer.start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        while True:
            wake.wait()
            time.sleep(0.02)  # an editor's save is often two events: take them together
            wake.clear()
            batch = set(changed)
            changed.difference_update(batch)
            report(preview.refresh(batch))
    finally:
        observer.stop()
        server.shutdown()

