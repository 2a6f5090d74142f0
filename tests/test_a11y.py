"""Accessibility by a tool nobody on the team wrote: axe-core (from npm) injected into every
page type of the built site in Debian's Chromium, at a desktop and a phone width, must find
no violation at all, of any impact."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import REPO

AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
SETUP = "安装测试工具：bash .ci/install-test-tools.sh"

# One page of every template, from the sample site (a git repository, so the change log
# has entries), found by the shape of the path, so that a new kind of page is checked as
# soon as it is built. The search page runs a query so that its results are checked too.
SAMPLE_TYPES = ["index.html", "about.html", "guide.html", "404.html", "search.html?q=县",
                "2011/index.html", "2011/matrix.html", "2011/county/qihe-qu.html", "2011/department/nvgongbu.html",
                "2011/improved.html", "county/luyu-qu.html"]


def page_kind(path: str) -> str:
    """2011/county/qihe-qu.html and 2012/county/x.html are one kind: county pages; so are all
    of county/x.html (a county over the years)."""
    kind = re.sub(r"^[0-9]{4}/", "YEAR/", path)
    return re.sub(r"^((?:YEAR/)?[a-z]+/)[^/]+\.html$", r"\1*.html", kind)


# A page kind looks different in a year compared with the year before (change columns, the
# 进步榜's lists, a scorecard's 上年 and 变化): those pages are checked as well.
COMPARED = ["2012/index.html", "2012/categories.html", "2012/improved.html", "2012/county/luyu-qu.html"]


def page_types(site: Path) -> list[str]:
    first: dict[str, str] = {}
    for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        first.setdefault(page_kind(path), path)
    return sorted(first.values())


WIDTHS = [1280, 360]



def axe_violations(browser: Browser, site: Path, path: str, width: int) -> list[str]:
    assert AXE.exists(), f"缺少 axe-core；{SETUP}"
    # bypass_csp: the pages allow only their own scripts; the test injects axe all the same
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    try:
        page = context.new_page()
        path, _, query = path.partition("?")
        page.goto((site / path).as_uri() + (f"?{query}" if query else ""))
        if path == "search.html":
            page.wait_for_selector("#search-results li")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")), count: v.nodes.length}));
        }""")
    finally:
        context.close()
    return [f"{v['id']} ({v['impact']}, {v['count']} nodes): {json.dumps(v['nodes'], ensure_ascii=False)}"
            for v in result]


def test_axe_is_the_pinned_version():
    assert AXE.exists(), f"缺少 axe-core；{SETUP}"
    version = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    assert version.startswith("4."), version


def test_every_kind_of_page_is_found(sample_site: Path) -> None:
    found = page_types(sample_site)
    kinds = {page_kind(p) for p in found}
    assert {page_kind(p.partition("?")[0]) for p in SAMPLE_TYPES} <= kinds
    assert len(found) == len(kinds) >= 14


@pytest.mark.parametrize("width", WIDTHS)
def test_no_axe_violation_on_any_kind_of_page(browser: Browser, sample_site: Path, width: int) -> None:
    pages = [p if p != "search.html" else "search.html?q=县" for p in page_types(sample_site)] + COMPARED
    found = {path: v for path in pages if (v := axe_violations(browser, sample_site, path, width))}
    assert found == {}


def test_axe_finds_a_planted_fault(browser: Browser, sample_site: Path, tmp_path: Path) -> None:
    """The harness itself can fail: a link inside a sort button (the old matrix header) is reported."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="zh-CN"><head><title>x</title></head><body><main>'
                    '<table><thead><tr><th><button type="button"><a href="#x">1</a></button></th></tr></thead></table></main></body></html>', encoding="utf-8")
    found = axe_violations(browser, tmp_path, "bad.html", 1280)
    assert any(v.startswith("nested-interactive") for v in found), found
