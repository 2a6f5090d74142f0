"""What a person sees and clicks, in real Chromium (Debian's), opening the site from file://."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from playwright.sync_api import Browser, Page


class Visit:
    """A page that records console errors and every request it makes."""

    def __init__(self, browser: Browser, site: Path, width: int = 1280, javascript: bool = True) -> None:
        self.site = site
        self.context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str) -> Page:
        path, _, query = path.partition("?")
        self.page.goto((self.site / path).as_uri() + (f"?{quote(query, safe='=&')}" if query else ""))
        return self.page

    def close(self) -> None:
        self.context.close()
        assert self.errors == []
        root = self.site.resolve().as_uri()
        outside = [u for u in self.requests if not u.startswith(root + "/")]
        assert outside == [], outside


@pytest.fixture
def visit(browser: Browser, sample_site: Path) -> Iterator[Visit]:
    v = Visit(browser, sample_site)
    yield v
    v.close()


def test_first_ranking_row(visit: Visit) -> None:
    page = visit.open("2011/index.html")
    first = page.locator("table.ranking tbody tr").first
    cells = [c.strip() for c in first.locator("td, th").all_inner_texts()]
    assert cells[:3] == ["1", "芷澜县", "111"]
    third, fourth = (page.locator("table.ranking tbody tr").nth(i).locator("td").first.inner_text() for i in (2, 3))
    assert third == fourth == "3"


def test_search_chinese_and_follow_a_result(visit: Visit) -> None:
    page = visit.open("index.html")
    page.fill(".search-form input[name=q]", "扶贫")
    page.press(".search-form input[name=q]", "Enter")
    page.wait_for_selector("#search-results li")
    assert "找到" in page.inner_text("#search-status")
    page.locator("#search-results li", has_text="考核条目").first.locator("a").click()
    page.wait_for_load_state()
    assert "/2012/criteria.html#item-" in page.url  # the latest year is searched by default
    anchor = page.url.split("#")[1]
    assert page.locator(f"#fupin-bangkun [id='{anchor}']").is_visible()  # an item of 扶贫帮困


def test_search_a_county_name_and_one_character(visit: Visit) -> None:
    page = visit.open("search.html?q=鹭屿&year=2011")
    page.wait_for_selector("#search-results li")
    page.locator("#search-results li a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/2011/county/luyu-xian.html")
    assert page.locator("h1").inner_text().startswith("鹭屿县")
    page = visit.open("search.html?q=鹭屿")  # the latest year: the county became a district
    page.wait_for_selector("#search-results li")
    page.locator("#search-results li a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/2012/county/luyu-qu.html")
    page = visit.open("search.html?q=榆")
    page.wait_for_selector("#search-results li")
    assert "榆湾市" in page.inner_text("#search-results")


def test_search_finds_notes_and_lands_on_the_unit(visit: Visit) -> None:
    page = visit.open("search.html?q=职代会建制率")
    page.wait_for_selector("#search-results li")
    link = page.locator("#search-results li", has_text="扣分说明").first.locator("a")
    link.click()
    page.wait_for_load_state()
    assert "#u-" in page.url and "/county/" in page.url


def every_page(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.mark.parametrize("site_name", ["sample_site", "fixture_site"])
def test_phone_width_has_no_page_scroll_on_any_page(browser: Browser, site_name: str,
                                                    request: pytest.FixtureRequest) -> None:
    """Every page of the built site, not only the sample ones, fits a 360 px phone."""
    site = request.getfixturevalue(site_name)
    pages = every_page(site)
    assert len(pages) >= 20 and "guide.html" in pages and "404.html" in pages
    v = Visit(browser, site, width=360)
    wide = {}
    for path in pages + ["search.html?q=县"]:
        page = v.open(path)
        if path.startswith("search.html?"):
            page.wait_for_selector("#search-results li")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[path] = width
    v.close()
    assert wide == {}, f"pages wider than a 360px viewport: {wide}"


def test_code_examples_wrap_inside_their_box_on_a_phone(browser: Browser, sample_site: Path) -> None:
    v = Visit(browser, sample_site, width=360)
    page = v.open("guide.html")
    boxes = page.evaluate("""() => [...document.querySelectorAll('pre')].map(p => [p.scrollWidth, p.clientWidth,
        p.getBoundingClientRect().right])""")
    v.close()
    assert len(boxes) >= 3
    for scroll, client, right in boxes:
        assert scroll <= client and right <= 360, boxes


def test_sorting_by_a_column(visit: Visit) -> None:
    page = visit.open("2011/index.html")
    page.locator("table.ranking thead th", has_text="总分").locator("button").click()
    totals = page.locator("table.ranking tbody tr td.total").all_inner_texts()
    assert [float(t) for t in totals] == sorted(float(t) for t in totals)


def test_scorecard_reads_without_javascript(browser: Browser, sample_site: Path) -> None:
    v = Visit(browser, sample_site, javascript=False)
    page = v.open("2011/county/yuwan-shi.html")
    assert page.locator("dd.big").first.inner_text() == "104"
    assert page.locator("tr#u-8\\.1 td").nth(1).inner_text() != ""
    assert page.locator("svg[role=img]").count() == 2  # the categories, and the total and rank over the years
    v.close()


def test_print_hides_navigation(visit: Visit, tmp_path: Path) -> None:
    import re
    page = visit.open("2011/county/qihe-qu.html")
    page.emulate_media(media="print")
    assert page.locator("nav.sections").is_hidden()
    assert page.locator(".search-form").is_hidden()
    assert page.locator("table.units").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, f"a scorecard prints on {pages} A4 pages"
    # compared with last year (two more columns), the longest cards of the sample still do
    for path in ("2012/county/qihe-qu.html", "2012/county/wugang-qu.html"):
        page = visit.open(path)
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 3, f"{path} prints on {pages} A4 pages"


def test_offline_zip_works_unpacked_anywhere(browser: Browser, tmp_path: Path) -> None:
    import zipfile
    from sitebuild import build, fixture_project
    root = fixture_project(tmp_path / "p")
    code, output = build(root, tmp_path / "site", "--zip")
    assert code == 0, output
    [archive] = (root / "dist").glob("*.zip")
    assert archive.name == "scoreboard-2011-nogit.zip"
    unpacked = tmp_path / "elsewhere"
    with zipfile.ZipFile(archive) as z:
        z.extractall(unpacked)
    site = unpacked / "scoreboard-2011-nogit"
    v = Visit(browser, site)
    page = v.open("search.html?q=北杉")
    page.wait_for_selector("#search-results li")
    page.locator("#search-results li a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/2011/county/beishan-xian.html")
    assert page.locator("h1").inner_text().startswith("北杉县")
    page = v.open("2011/downloads.html")
    assert page.locator("a[href$='results.csv']").count() == 1
    assert (site / "2011" / "results.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    v.close()


def test_matrix_header_is_one_sort_control(browser: Browser, sample_site: Path) -> None:
    """Clicking a column's item number sorts the column, and the keyboard stops once per
    column; without JavaScript the number links to the criterion instead."""
    v = Visit(browser, sample_site)
    page = v.open("2011/matrix.html")
    headers = page.locator("table.matrix thead th")
    header = headers.nth(5)
    assert header.locator("a").count() == 0 and header.locator("button.sort").count() == 1
    assert header.get_attribute("title")  # the criterion text, on hover
    button = header.locator("button.sort")
    assert button.inner_text().startswith("5")
    button.click(position={"x": 3, "y": 8})  # on the number itself
    assert page.url.endswith("/2011/matrix.html")
    assert header.get_attribute("aria-sort") == "ascending"
    column = page.locator("table.matrix tbody tr td:nth-of-type(5)").all_inner_texts()
    assert [float(x) for x in column] == sorted(float(x) for x in column)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('th').cellIndex") == 6
    assert page.locator("main p.lede a[href$='criteria.html']").count() == 1
    v.close()
    v = Visit(browser, sample_site, javascript=False)
    page = v.open("2011/matrix.html")
    assert page.locator("table.matrix thead th").nth(5).locator("a").get_attribute("href").endswith("criteria.html#item-5")
    v.close()


def test_404_page_works_from_file_and_under_a_sub_path(browser: Browser, sample_site: Path, tmp_path: Path,
                                                      sample_project: Path) -> None:
    import re
    import subprocess
    import sys
    from conftest import REPO
    v = Visit(browser, sample_site)
    page = v.open("404.html")
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.locator("main a", has_text="首页").click()
    page.wait_for_load_state()
    assert page.url == (sample_site / "index.html").as_uri()
    v.close()
    text = (sample_site / "404.html").read_text(encoding="utf-8")
    assert not re.search(r'(href|src|action)="/', text)
    # Published under a sub-path (a project Pages site): links start there, right at any depth.
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: {REPO / 'content'}\n"
                      "site_url: https://example.org/scoreboard/\n"
                      f"theme:\n  name: null\n  custom_dir: {REPO / 'theme'}\n  locale: zh\n"
                      f"  static_templates: [404.html]\nhooks: [{REPO / 'scoreboard' / 'hooks.py'}]\n"
                      f"extra:\n  scoreboard:\n    root: {sample_project}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                           "-d", str(tmp_path / "site")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    links = re.findall(r'(?:href|src|action)="([^"#]+)"', (tmp_path / "site" / "404.html").read_text(encoding="utf-8"))
    assert links and all(link.startswith("/scoreboard/") for link in links), links
    assert "/scoreboard/assets/style.css" in links


def test_print_footer_chart_and_columns(visit: Visit) -> None:
    page = visit.open("2011/county/qihe-qu.html")
    page.emulate_media(media="print")
    footer = page.locator("footer.colophon").inner_text().strip()
    assert not footer.endswith("·") and "·" in footer, footer
    # the chart's text prints at 8 pt or more (its drawing is 600 units wide)
    points = page.evaluate("""() => { const svg = document.querySelector('.chart svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale * 0.75); }""")
    assert points and min(points) >= 8, points
    # the score columns line up from one category's table to the next
    columns = page.evaluate("""() => [...document.querySelectorAll('table.units')].map(t =>
        [...t.tHead.rows[0].cells].filter(c => c.offsetParent).map(c => Math.round(c.getBoundingClientRect().left)))""")
    assert len(columns) >= 4 and all(c == columns[0] for c in columns), columns


# --- year after year (issue 10) ------------------------------------------------------------------

def test_time_chart_has_one_point_per_year(visit: Visit) -> None:
    """The chart draws (a real box, not an empty SVG), one circle (total) and one square (rank)
    per year: on the 2012 scorecard of a renamed county both years, on its page both too."""
    for path, years in (("2012/county/luyu-qu.html", 2), ("county/luyu-qu.html", 2), ("county/luyu-xian.html", 2),
                        ("2011/county/luyu-xian.html", 1), ("county/chengxia-qu.html", 1)):
        page = visit.open(path)
        svg = page.locator("figure.trend svg")
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80, (path, box)
        marks = page.evaluate("""() => [...document.querySelectorAll('figure.trend svg circle, figure.trend svg rect')]
            .map(m => { const r = m.getBoundingClientRect(); return [m.tagName, r.width > 0 && r.height > 0]; })""")
        assert sorted(marks) == [["circle", True]] * years + [["rect", True]] * years, (path, marks)
        assert len(set(page.locator("figure.trend svg text.yr").all_text_contents())) == years
    page = visit.open("2012/county/luyu-qu.html")
    assert page.locator("figure.trend svg circle.here").count() == 1  # this card's year stands out
    page.locator("figure.trend a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/county/luyu-qu.html")
    page.locator("table.history-table a", has_text="2011").click()
    page.wait_for_load_state()
    assert page.url.endswith("/2011/county/luyu-xian.html")


def test_ranking_keeps_the_change_column_in_sight_on_a_phone(browser: Browser, sample_site: Path) -> None:
    v = Visit(browser, sample_site, width=360)
    for path in ("2012/index.html", "2012/categories.html", "index.html"):
        page = v.open(path)
        header = page.locator("table.sortable thead th", has_text="名次变化").first
        box = header.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (path, box)
        cell = page.locator("table.sortable tbody td.change").first
        box = cell.bounding_box()
        assert box and box["x"] + box["width"] <= 360, (path, box)
        assert cell.inner_text() in ("新", "=") or cell.inner_text()[0] in "↑↓", path
    v.close()


def test_sorting_by_the_change_uses_its_number(visit: Visit) -> None:
    """名次变化 sorts by the cells' data-sort (↑5 above ↑2, ↓1 above ↓3), biggest first on
    the first click; 新 (no number) stays last either way."""
    page = visit.open("2012/index.html")
    button = page.locator("table.ranking thead th", has_text="名次变化").locator("button")

    def column() -> list[str]:
        return page.locator("table.ranking tbody td.change").all_inner_texts()

    def number(text: str) -> int:
        return {"↑": 1, "↓": -1}.get(text[0], 0) * int(text[1:] or 0) if text != "=" else 0

    before = column()
    assert "新" in before and any(t.startswith("↑") for t in before) and any(t.startswith("↓") for t in before)
    button.click()
    assert page.locator("table.ranking thead th", has_text="名次变化").get_attribute("aria-sort") == "descending"
    shown = column()
    known = [t for t in shown if t != "新"]
    assert shown == known + ["新"] * (len(shown) - len(known))
    assert [number(t) for t in known] == sorted((number(t) for t in known), reverse=True)
    button.click()
    shown = column()
    known = [t for t in shown if t != "新"]
    assert shown == known + ["新"] * (len(shown) - len(known))
    assert [number(t) for t in known] == sorted(number(t) for t in known)
    # the total's change, with its true minus sign
    page.locator("table.ranking thead th", has_text="总分变化").locator("button").click()
    changes = [t.replace("−", "-") for t in page.locator("table.ranking tbody tr td:nth-child(5)").all_inner_texts()]
    numbers = [float(t) for t in changes if t != "—"]
    assert numbers == sorted(numbers, reverse=True) and changes[-1] == "—"


def test_changes_read_without_javascript(browser: Browser, sample_site: Path) -> None:
    v = Visit(browser, sample_site, javascript=False)
    page = v.open("2012/index.html")
    row = page.locator("table.ranking tbody tr", has_text="鹭屿区")
    assert [c.strip() for c in row.locator("td, th").all_inner_texts()][:5] == ["1", "鹭屿区", "↑2", "113", "+9"]
    page = v.open("2012/county/luyu-qu.html")
    assert page.locator("tr#u-16 td").nth(4).inner_text() == "不可比"
    assert "上年第 3 名" in page.locator("dl.totals").inner_text()
    page = v.open("2012/improved.html")
    assert page.locator("table.improved").count() >= 2
    v.close()
