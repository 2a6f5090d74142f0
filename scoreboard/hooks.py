"""The only module that knows MkDocs: the site engine's adapter and its hooks.

``publish.build_site`` calls ``load_settings`` and ``render_site``; MkDocs then calls the
``on_*`` hooks named in mkdocs.yml (``hooks:``). MkDocs renders the hand-written pages of
``content/`` and copies the theme's assets; everything made from data is rendered by
``scoreboard.render`` with the theme's Jinja environment and written by
``publish.start_data_pages`` on every core (from ``on_files`` to ``on_post_build``) while
MkDocs reads and renders the content pages. Generated
pages are registered as files (``DataPage``) whose source *is* their destination and which
MkDocs never copies, so it resolves links to them from Markdown, and no page passes through
Markdown.

The prepared data travels on the MkDocs config object, the one value MkDocs hands to every
hook: no module state. A plain ``mkdocs build`` or ``serve`` (no ``build.py``) prepares it
in ``on_config``. Changing the site engine means rewriting this module only.
"""
from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.structure.files import File, Files

# MkDocs loads this file by path, not as part of the package: make the package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoreboard.git import stamp_for  # noqa: E402
from scoreboard.inputs import scan_site  # noqa: E402
from scoreboard.pipeline import CheckFailed, Prepared, prepare  # noqa: E402
from scoreboard.problems import Problem, print_text  # noqa: E402
from scoreboard.publish import (data_page_paths, prepare_environment, start_data_pages,  # noqa: E402
                                write_search_index)

log = logging.getLogger("mkdocs.scoreboard")
PREPARED = "scoreboard_prepared"  # the attribute of the config that carries the prepared data
CONTENT_ONLY = "scoreboard_content_only"  # set: render the content pages, leave the data pages
ENVIRONMENT = "scoreboard_environment"  # after a build: the theme's Jinja environment
CONTENT = "scoreboard_content"  # after a build: (title, url, text) of the hand-written pages
DIGESTS = "scoreboard_digests"  # after a build: SHA-256 of every data page written, by path
PREVIOUS = "scoreboard_previous"  # during a build: the last site, whose unchanged data pages are linked
WRITER = "scoreboard_writer"  # during a build: the data pages being written (publish.PageWriter)


class SiteEngineError(Exception):
    """MkDocs refused or failed; the message is MkDocs' own."""


# --- called by publish.build_site ------------------------------------------------------------

def load_settings(config_file: Path, root: Path, drafts: bool) -> MkDocsConfig:
    """mkdocs.yml, read once per build, pointed at the data folder and the draft setting."""
    try:
        config = load_config(str(config_file))
    except (MkDocsException, SystemExit) as exc:
        raise SiteEngineError(str(exc)) from None
    config.extra["scoreboard"] = {**(config.extra.get("scoreboard") or {}), "root": str(root.resolve()),
                                  "drafts": drafts}
    return config


def input_folders(settings: MkDocsConfig) -> tuple[Path, Path | None]:
    """What MkDocs itself reads besides its config: the content folder and the theme folder."""
    theme = settings.theme.custom_dir
    return Path(settings.docs_dir), Path(theme) if theme else None


def render_site(settings: MkDocsConfig, prepared: Prepared, site_dir: Path, previous: Path | None = None) -> None:
    """Every page into ``site_dir``: MkDocs for content and theme, our hooks for the data
    (linking what is unchanged from the ``previous`` site, when given)."""
    settings.site_dir = str(site_dir)
    setattr(settings, PREVIOUS, previous)
    settings.strict = True
    setattr(settings, PREPARED, prepared)
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    # Anything in MkDocs that asks for "now" gets the commit's time: reproducible output.
    os.environ["SOURCE_DATE_EPOCH"] = saved_epoch or prepared.site.stamp.epoch or "0"
    logging.getLogger("mkdocs").setLevel(logging.DEBUG if os.environ.get("SCOREBOARD_DEBUG") else logging.WARNING)
    try:
        mkdocs_build(settings)
    except (MkDocsException, SystemExit) as exc:
        raise SiteEngineError(str(exc)) from None
    finally:
        writer = getattr(settings, WRITER, None)
        if writer is not None:  # MkDocs failed after on_env: stop the data pages' workers
            writer.abandon()
            setattr(settings, WRITER, None)
        if saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def render_content(settings: MkDocsConfig, prepared: Prepared, scratch_dir: Path) -> None:
    """The hand-written pages and the theme's files alone, into an empty ``scratch_dir`` (the
    caller copies what changed into the site): the home page shows the latest ranking."""
    settings.site_dir = str(scratch_dir)
    settings.strict = False  # the data pages it links to are not in this folder
    setattr(settings, PREPARED, prepared)
    setattr(settings, CONTENT_ONLY, True)
    level = logging.getLogger("mkdocs").level
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    try:
        mkdocs_build(settings)
    except (MkDocsException, SystemExit) as exc:
        raise SiteEngineError(str(exc)) from None
    finally:
        setattr(settings, CONTENT_ONLY, False)
        logging.getLogger("mkdocs").setLevel(level)


def theme_environment(settings: MkDocsConfig) -> Any:
    """The Jinja environment of the last build: data pages are rendered with it."""
    return getattr(settings, ENVIRONMENT)


def written_digests(settings: MkDocsConfig) -> dict[str, str]:
    """The SHA-256 of each data page of the last build, so the checksums need not read them back."""
    return getattr(settings, DIGESTS, {})


def content_pages(settings: MkDocsConfig) -> list[tuple[str, str, str]]:
    """(title, url, text) of the hand-written pages of the last build, for the search index."""
    return getattr(settings, CONTENT)


# --- the hooks MkDocs calls --------------------------------------------------------------------

def options(config: MkDocsConfig) -> tuple[Path, bool]:
    """Where the data is and whether drafts are shown: ``extra.scoreboard`` in mkdocs.yml."""
    extra = config.extra.get("scoreboard") or {}
    base = Path(config.config_file_path or ".").resolve().parent
    root = Path(extra.get("root") or base)
    return (root if root.is_absolute() else base / root), bool(extra.get("drafts", False))


def _prepared(config: MkDocsConfig) -> Prepared:
    return getattr(config, PREPARED)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # MkDocs' sitemap would list only the hand-written pages and carry the build's clock.
    config.theme.static_templates.discard("sitemap.xml")
    if getattr(config, PREPARED, None) is not None:  # build.py prepared it already
        return config
    # `serve` and a plain `mkdocs build` come here without build.py's scan: MkDocs would
    # follow a symlink in docs_dir and publish its target.
    docs_dir, theme_dir = input_folders(config)
    refused = scan_site(Path(config.config_file_path), docs_dir, theme_dir)
    if refused:
        raise Abort("有不能发布的文件，未构建网站：\n" + _report(refused, len(refused)))
    root, drafts = options(config)
    try:
        setattr(config, PREPARED, prepare(root, config.site_name, drafts, stamp_for(root), config.repo_url))
    except CheckFailed as failed:
        raise Abort("评分数据有错误，未构建网站：\n" + _report(failed.project.problems, failed.project.files_checked))
    return config


def _report(problems: list[Problem], files_checked: int) -> str:
    report = io.StringIO()
    print_text(problems, report, files_checked)
    return report.getvalue()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Register the data pages, and start writing them on every core (with an environment
    of the theme's own) while MkDocs reads and renders the content pages."""
    sitemap = files.get_file_from_path("sitemap.xml")  # MkDocs' template, no longer rendered
    if sitemap is not None:
        files.remove(sitemap)
    if getattr(config, CONTENT_ONLY, False):  # the data pages are not in this folder
        return files
    prepared = _prepared(config)
    for path in data_page_paths(prepared):
        files.append(DataPage(path, config.site_dir, config.site_dir, use_directory_urls=False))
    digests: dict[str, str] = {}
    setattr(config, DIGESTS, digests)
    # MkDocs has emptied the site folder by now (its clean step precedes this hook).
    setattr(config, WRITER, start_data_pages(config.theme.get_env(), prepared, Path(config.site_dir), digests=digests,
                                             previous=getattr(config, PREVIOUS, None), fresh=True))
    return files


class DataPage(File):
    """A page or download the scoreboard writes itself (during the build, from on_env on):
    MkDocs resolves links to it from content pages, and never copies it."""

    def copy_file(self, dirty: bool = False) -> None:
        return None


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """All content pages are read by now: their environment gets our filters and globals,
    and their text goes into the search index."""
    content = [(f.page.title or "", f.url, f.page.content or "") for f in files.documentation_pages() if f.page]
    setattr(config, ENVIRONMENT, env)
    setattr(config, CONTENT, content)
    prepare_environment(env, _prepared(config))
    writer = getattr(config, WRITER, None)
    if writer is not None:
        write_search_index(writer, content)
    return env


def on_post_build(config: MkDocsConfig) -> None:
    """MkDocs has written its pages: help with the data pages left, and wait for them all."""
    writer = getattr(config, WRITER, None)
    if writer is None:
        return
    setattr(config, WRITER, None)
    log.info(f"scoreboard: wrote {writer.finish()} data pages and downloads")


def on_page_context(context: dict, page: Any, config: MkDocsConfig, nav: Any) -> dict:
    prepared = _prepared(config)
    context["section"] = "home" if page.is_homepage else page.file.name
    if page.is_homepage:
        context["home"] = {"view": prepared.views.get(prepared.site.latest)}
    return context


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    """404.html is served from any depth, so MkDocs gives it a root-absolute base: "/" would
    make our "{{ base_url }}/x.html" links protocol-relative ("//x.html")."""
    context["base_url"] = context.get("base_url", "").rstrip("/")
    return context
