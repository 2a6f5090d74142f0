"""A content page from a pull request runs no script of its own, in real Chromium.

Raw HTML in content/*.md is allowed (SECURITY.md): the Content-Security-Policy of
theme/base.html is what keeps it from running script. The proof is a built site with a
hostile page — an inline <script>, an onerror= handler, a javascript: link, an outside
script, an inline style — opened over http (a local http.server on 127.0.0.1) and from
file://: none of it runs, while our own site.js and search.js still sort and search.
"""
from __future__ import annotations

import contextlib
import functools
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page

from conftest import REPO
from sitebuild import fixture_project

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-src 'none'")
HOSTILE = """# 公告

<script>window.__pwned = (window.__pwned || []).concat("inline-script");</script>

<img id="trap" src="missing.png" onerror="window.__pwned = (window.__pwned || []).concat('onerror')">

<script src="{evil}/evil.js"></script>

<p><a id="jsurl" href="javascript:window.__pwned=['javascript-url']">点这里</a></p>

<p id="styled" style="color: rgb(255, 0, 0)">红字</p>

<base href="{evil}/">

<p>正文。</p>
"""
# Recorded from the first script of every document: added through the DevTools protocol,
# which the page's policy does not govern, so it sees every refusal.
RECORDER = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__refused = window.__refused || []).push(e.effectiveDirective);
});"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serving(folder: Path, handler: type[SimpleHTTPRequestHandler] = Quiet) -> Iterator[str]:
    """A local http.server on 127.0.0.1 for the module's tests, shut down after them."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class Recording(Quiet):
    """The attacker's server: every request it receives is a script that got out."""
    hits: list[str] = []

    def do_GET(self) -> None:
        Recording.hits.append(self.path)
        super().do_GET()


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil.js").write_text("window.__pwned = ['outside-script'];", encoding="utf-8")
    with serving(folder, Recording) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory, evil: str) -> Path:
    """The fixture data, the real theme and hooks, and content/ with one hostile page."""
    from scoreboard.publish import BuildRequest, build_site

    base = tmp_path_factory.mktemp("csp")
    root = fixture_project(base / "p")
    docs = base / "docs"
    shutil.copytree(REPO / "content", docs)
    (docs / "notice.md").write_text(HOSTILE.replace("{evil}", evil), encoding="utf-8")
    config = base / "mkdocs.yml"
    config.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: {docs}\n"
                      f"theme:\n  name: null\n  custom_dir: {REPO / 'theme'}\n  locale: zh\n"
                      f"  static_templates: [404.html]\nhooks: [{REPO / 'scoreboard' / 'hooks.py'}]\n"
                      "nav:\n  - 首页: index.md\n  - 计分方法: about.md\n  - 工作人员指南: guide.md\n"
                      "  - 公告: notice.md\n", encoding="utf-8")
    site = base / "site"
    build_site(BuildRequest(root, site, False, config, REPO))
    return site


def test_every_page_carries_the_policy_before_anything_it_governs(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
        assert policy is not None, page
        assert policy.group(1) == POLICY, page
        first = min((head.find(tag) for tag in ("<script", "<link", "<style") if tag in head), default=len(head))
        assert policy.start() < first, page
    notice = (hostile_site / "notice.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" in notice and 'onerror="window.__pwned' in notice  # raw HTML did pass


@pytest.fixture(scope="module")
def served(hostile_site: Path) -> Iterator[str]:
    with serving(hostile_site) as url:
        yield url



@pytest.fixture(params=["http", "file"])
def origin(request: pytest.FixtureRequest, served: str, hostile_site: Path) -> str:
    return served if request.param == "http" else hostile_site.resolve().as_uri()


def open_page(browser: Browser, url: str) -> tuple[Page, list[str]]:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.add_init_script(RECORDER)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, requests


def test_the_hostile_page_runs_nothing(browser: Browser, origin: str) -> None:
    Recording.hits.clear()
    page, requests = open_page(browser, f"{origin}/notice.html")
    page.wait_for_function("document.getElementById('trap').complete")
    page.click("#jsurl")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    refused = page.evaluate("window.__refused")
    # Each attempt was refused by the policy, not merely failed.
    assert {"script-src-elem", "script-src-attr", "style-src-attr"} <= set(refused), refused
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    assert Recording.hits == []  # the outside script was never even fetched
    # Our own script ran on the same page: the base of every page still works.
    assert page.evaluate("document.baseURI") == page.url
    page.context.close()


def test_our_scripts_still_sort_and_search(browser: Browser, origin: str) -> None:
    page, _ = open_page(browser, f"{origin}/2011/index.html")
    page.locator("table.ranking thead th", has_text="总分").locator("button").click()
    totals = [float(t) for t in page.locator("table.ranking tbody tr td.total").all_inner_texts()]
    assert totals == sorted(totals) and len(totals) > 2
    page.fill(".search-form input[name=q]", "北杉")
    page.press(".search-form input[name=q]", "Enter")  # form-action 'self' lets our own form go
    page.wait_for_selector("#search-results li")
    assert "找到" in page.inner_text("#search-status")
    assert page.locator("#search-results li a").first.inner_text().startswith("北杉县")
    assert page.evaluate("window.__refused") is None  # our pages break no rule of their own policy
    page.context.close()
