"""The only module that knows MkDocs: hooks named in mkdocs.yml (``hooks:``).

MkDocs renders the hand-written pages of ``content/``; everything made from data is
rendered by ``scoreboard.render`` with the theme's Jinja environment and written straight
into the site folder. Generated pages are registered as files whose source *is* their
destination, so MkDocs resolves links to them from Markdown but never copies them
(its ``copy_file`` skips a file onto itself), and no page passes through Markdown.
Changing the site engine means rewriting this module only.
"""
from __future__ import annotations

import io
import logging
import sys
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

# MkDocs loads this file by path, not as part of the package: make the package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoreboard.history import stamp_for  # noqa: E402
from scoreboard.inputs import scan_site  # noqa: E402
from scoreboard.pipeline import CheckFailed, Prepared, prepare, take_over  # noqa: E402
from scoreboard.problems import print_text  # noqa: E402
from scoreboard.publish import write_pages, write_text  # noqa: E402
from scoreboard.render import Renderer, page_paths, release_paths  # noqa: E402
from scoreboard.search import index_files, index_paths  # noqa: E402

log = logging.getLogger("mkdocs.scoreboard")
_state: dict[str, Any] = {}


def options(config: MkDocsConfig) -> tuple[Path, bool]:
    """Where the data is and whether drafts are shown: ``extra.scoreboard`` in mkdocs.yml."""
    extra = config.extra.get("scoreboard") or {}
    base = Path(config.config_file_path or ".").resolve().parent
    root = Path(extra.get("root") or base)
    return (root if root.is_absolute() else base / root), bool(extra.get("drafts", False))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # MkDocs' sitemap would list only the hand-written pages and carry the build's clock.
    config.theme.static_templates.discard("sitemap.xml")
    root, drafts = options(config)
    handed = take_over(root, drafts)
    if handed is not None:
        _state["prepared"] = handed
        return config
    # `serve` and a plain `mkdocs build` come here without build.py's scan: MkDocs would
    # follow a symlink in docs_dir and publish its target.
    refused = scan_site(Path(config.config_file_path), Path(config.docs_dir),
                        Path(config.theme.custom_dir) if config.theme.custom_dir else None)
    if refused:
        report = io.StringIO()
        print_text(refused, report, len(refused))
        raise Abort("有不能发布的文件，未构建网站：\n" + report.getvalue())
    try:
        _state["prepared"] = prepare(root, config.site_name, drafts, stamp_for(root), config.repo_url)
    except CheckFailed as failed:
        report = io.StringIO()
        print_text(failed.project.problems, report, failed.project.files_checked)
        raise Abort("评分数据有错误，未构建网站：\n" + report.getvalue())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    prepared: Prepared = _state["prepared"]
    sitemap = files.get_file_from_path("sitemap.xml")  # MkDocs' template, no longer rendered
    if sitemap is not None:
        files.remove(sitemap)
    released = [path for year in prepared.released or {} for path in release_paths(year)]
    for path in [*page_paths(prepared.views), *released, "search.html", *index_paths(prepared.views)]:
        files.append(File(path, config.site_dir, config.site_dir, use_directory_urls=False))
    return files


def on_env(env, config: MkDocsConfig, files: Files):
    """All content pages are read by now: render the data pages and the search index."""
    prepared: Prepared = _state["prepared"]
    renderer = Renderer(env, prepared.site)
    env.globals["site"] = prepared.site
    env.globals["history"] = prepared.history
    site_dir = Path(config.site_dir)
    started = time.perf_counter()
    written = write_pages(renderer, prepared.views, prepared.history, site_dir)
    log.info(f"scoreboard: rendered {written} data pages and downloads in {time.perf_counter() - started:.2f} s")
    for results in (prepared.released or {}).values():
        for path, text in renderer.release_downloads(results):
            write_text(site_dir, path, text)
    write_text(site_dir, "search.html", renderer.render("search.html", "search.html", section="search"))
    pages = [(f.page.title or "", f.url, f.page.content or "") for f in files.documentation_pages() if f.page]
    for path, text in index_files(prepared.views, pages).items():
        write_text(site_dir, path, text)
    return env


def on_page_context(context: dict, page, config: MkDocsConfig, nav) -> dict:
    prepared: Prepared = _state["prepared"]
    context["section"] = "home" if page.is_homepage else page.file.name
    if page.is_homepage:
        context["home"] = {"view": prepared.views.get(prepared.site.latest)}
    return context


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    """404.html is served from any depth, so MkDocs gives it a root-absolute base: "/" would
    make our "{{ base_url }}/x.html" links protocol-relative ("//x.html")."""
    context["base_url"] = context.get("base_url", "").rstrip("/")
    return context

