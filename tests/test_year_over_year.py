"""Year after year on the pages (issue 10): the ranking, the category rankings, the 进步榜, every
scorecard and the county pages say what the exports say, for the sample's 2012 (a rename, a new
county, a tie, a fall) and for a two-year site built from other data; the first year shows no
change columns; an example year says so on every page."""
from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, RULES_2011
from htmltables import rows_by_id, table_rows
from scoreboard.compare import compare_all, county_timeline, links, rank_change_label
from scoreboard.project import check_project
from scoreboard.render import YearView, rank_delta, tasks, years_through
from scoreboard.rules import load_rules
from scoreboard.score import score_year
from sitebuild import build, fixture_project
from test_links import test_every_link_of_the_site_leads_somewhere as every_link_leads_somewhere

RULES_2012, _ = load_rules(FIXTURES / "rules" / "2012.yaml", "rules/2012.yaml")


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def exported(site: Path, year: int) -> dict:
    return json.loads(read(site, f"{year}/results.json"), parse_float=Decimal)


def rank_text(change: int | None) -> str:
    """How the pages write a change of rank, written here independently of render.py."""
    if change is None:
        return "新"
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "="


def points_text(change: Decimal | int | None) -> str:
    if change is None:
        return "—"
    change = Decimal(str(change))
    text = format(abs(change).normalize(), "f") if change != change.to_integral_value() else str(abs(int(change)))
    return "+" + text if change > 0 else "−" + text if change < 0 else "0"


def plain(value) -> str:
    return "—" if value is None else format(Decimal(str(value)).normalize(), "f") if Decimal(str(value)) != int(Decimal(str(value))) else str(int(Decimal(str(value))))


def header_table(html: str, caption_starts: str | None = None) -> list[dict[str, str]]:
    """The rows of the first sortable table (or the one whose caption starts so), by header."""
    if caption_starts is not None:
        start = html.index(f"<caption>{caption_starts}")
        html = html[html.rindex("<table", 0, start):html.index("</table>", start) + len("</table>")]
    rows = [cells for _, cells in table_rows(html[html.index("<table"):html.index("</table>")])]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, cells)) for cells in body]


@pytest.fixture(scope="module")
def two_year_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data the sample does not have: the small fixture project (real 2011 rules) with a 2012
    of other rules (tests/fixtures/rules-2012.yaml), a county that drops out and one new."""
    root = fixture_project(tmp_path_factory.mktemp("two-years") / "p")
    shutil.copy(FIXTURES / "rules-2012.yaml", root / "rules" / "2012.yaml")
    (root / "scores" / "2012").mkdir()
    for slug, name, first in (("beishan-xian", "北杉县", "4"), ("dongying-qu", "东滢区", "3.5"),
                              ("nanxi-shi", "南溪市", "3"), ("xilu-xian", "西麓县", "4")):
        (root / "scores" / "2012" / f"{slug}.yaml").write_text(
            f"county: {name}\nyear: 2012\nstatus: final\nscores:\n  1.1: {first}\n  1.2: 2\n  2: 3.5\n  3: 10\n",
            encoding="utf-8")
    site = root / "site"
    code, output = build(root, site)
    assert code == 0, output
    return site


SITES = ["sample_site", "two_year_site"]
GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("page, golden", [("2012/index.html", "ranking-2012.html"),
                                           ("2012/county/luyu-qu.html", "scorecard-2012.html"),
                                           ("2012/improved.html", "improved-2012.html"),
                                           ("county/luyu-qu.html", "county-luyu-qu.html")])
def test_golden_pages_of_a_compared_year(sample_site: Path, page: str, golden: str,
                                         request: pytest.FixtureRequest) -> None:
    """The sample's 2012 as a reader gets it (rewritten on purpose with pytest --update-golden)."""
    actual = read(sample_site, page)
    target = GOLDEN / golden
    if request.config.getoption("--update-golden"):
        target.write_text(actual, encoding="utf-8")
    assert actual == target.read_text(encoding="utf-8"), f"{page} differs from {target}; run pytest --update-golden"


@pytest.mark.parametrize("site_name", SITES)
def test_every_link_leads_somewhere(site_name: str, request: pytest.FixtureRequest) -> None:
    """The county pages, the 进步榜 and the year against year links of two-year sites."""
    every_link_leads_somewhere(request.getfixturevalue(site_name))


@pytest.mark.parametrize("site_name", SITES)
def test_the_ranking_shows_what_results_json_says(site_name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_name)
    counties = {c["name"]: c for c in exported(site, 2012)["counties"]}
    page = read(site, "2012/index.html")
    rows = header_table(page)
    assert len(rows) == len(counties)
    for row in rows:
        county = counties[row["县市区"].replace(" 暂定", "")]
        assert row["名次"] == str(county["rank"])
        assert row["名次变化"] == rank_text(county["rank_change"]), county["slug"]
        assert row["上年名次"] == plain(county["previous_rank"]), county["slug"]
        assert row["上年总分"] == plain(county["previous_total"]), county["slug"]
        assert row["总分变化"] == points_text(county["total_change"]), county["slug"]
    # The sorter reads the change's number, not its arrow; 新 has none (it sorts last).
    sorts = re.findall(r'<td class="num change [a-z]*" data-sort="(-?[0-9]*)">', page)
    assert sorts == ["" if c["rank_change"] is None else str(c["rank_change"]) for c in exported(site, 2012)["counties"]]


def test_the_sample_has_every_kind_of_change(sample_site: Path) -> None:
    rows = {r["县市区"]: r for r in header_table(read(sample_site, "2012/index.html"))}
    assert rows["鹭屿区"]["名次变化"] == "↑2" and rows["鹭屿区"]["上年名次"] == "3"  # renamed: continues 鹭屿县
    assert rows["澄霞区"]["名次变化"] == "新" and rows["澄霞区"]["上年总分"] == "—"  # new in 2012
    assert {r["名次变化"][0] for r in rows.values()} >= {"↑", "↓", "=", "新"}
    assert any(r["总分变化"].startswith("−") for r in rows.values())


@pytest.mark.parametrize("site_name", SITES)
def test_category_rankings_show_last_years_category(site_name: str, request: pytest.FixtureRequest) -> None:
    """Each category (they compare with last year's of the same id) against 2011's export."""
    site: Path = request.getfixturevalue(site_name)
    before = {c["slug"]: c for c in exported(site, 2011)["counties"]}
    now = exported(site, 2012)
    slugs = {c["name"]: c["slug"] for c in now["counties"]}
    continued = {"luyu-qu": "luyu-xian"}
    page = read(site, "2012/categories.html")
    old_ids = {c["id"] for c in exported(site, 2011)["categories"]}
    for category in now["categories"]:
        cid = category["id"]
        rows = header_table(page, f"{category['name']}：")
        if cid not in old_ids:
            assert "名次变化" not in rows[0]
            continue
        for row in rows:
            slug = slugs[row["县市区"].replace(" 暂定", "")]
            county = next(c for c in now["counties"] if c["slug"] == slug)
            old = before.get(continued.get(slug, slug))
            if old is None:
                assert (row["名次变化"], row["上年名次"], row["上年得分"], row["得分变化"]) == ("新", "—", "—", "—")
                continue
            assert row["上年名次"] == str(old["category_ranks"][cid])
            assert row["名次变化"] == rank_text(old["category_ranks"][cid] - county["category_ranks"][cid])
            assert row["上年得分"] == plain(old["categories"][cid])
            assert row["得分变化"] == points_text(Decimal(str(county["categories"][cid])) - Decimal(str(old["categories"][cid])))


def test_improved_lists_follow_the_exports(sample_site: Path) -> None:
    """The total's 进步榜: by total_change, then rank_change, then rank; places shared by equal
    changes; new counties left out."""
    counties = [c for c in exported(sample_site, 2012)["counties"] if c["previous_rank"] is not None]
    expected = sorted(counties, key=lambda c: (-c["total_change"], -c["rank_change"], c["rank"], c["slug"]))
    page = read(sample_site, "2012/improved.html")
    rows = header_table(page, "总分：")
    assert [r["县市区"] for r in rows] == [c["name"] for c in expected[:len(rows)]]
    assert 10 <= len(rows) <= len(expected)
    for row, county in zip(rows, expected):
        assert row["总分变化"] == points_text(county["total_change"])
        assert row["名次变化"] == rank_text(county["rank_change"])
    places = [int(r["位次"]) for r in rows]
    assert places[0] == 1 and places == sorted(places)
    for category in RULES_2012.categories:
        assert f'id="h-{category.id}"' in page


def test_every_scorecard_compares_its_units(sample_site: Path) -> None:
    before = {c["slug"]: c for c in exported(sample_site, 2011)["counties"]}
    year_links = links(RULES_2012, RULES_2011)
    assert "8.1" in year_links.units and "16" not in year_links.units  # compare_with, both ways
    continued = {"luyu-qu": "luyu-xian"}
    for county in exported(sample_site, 2012)["counties"]:
        card = read(sample_site, f"2012/county/{county['slug']}.html")
        old = before.get(continued.get(county["slug"], county["slug"]))
        if old is None:
            assert "本年度不与上年比较" in card and "<th scope=\"col\">上年</th>" not in card
            continue
        assert card.count('<th scope="col">上年</th><th scope="col">变化</th>') == len(RULES_2012.categories)
        assert f"上年 {plain(old['total'])} · " in card and f"上年第 {old['rank']} 名 · " in card
        units = rows_by_id(card)
        for unit_id, points in county["units"].items():
            cells = units[f"u-{unit_id}"]  # 条目, 内容, 得分, 满分, 上年, 变化, 说明, 最后修改
            old_id = year_links.units.get(unit_id)
            if old_id is None:
                assert cells[4:6] == ["—", "不可比"], (county["slug"], unit_id)
            else:
                was = old["units"][old_id]
                assert cells[4] == plain(was), (county["slug"], unit_id)
                assert cells[5] == points_text(Decimal(str(points)) - Decimal(str(was))), (county["slug"], unit_id)


def test_the_first_year_has_no_change_columns(sample_site: Path) -> None:
    ranking = read(sample_site, "2011/index.html")
    assert "名次变化" not in ranking and "上年" not in ranking
    assert "名次变化" not in read(sample_site, "2011/categories.html")
    card = read(sample_site, "2011/county/luyu-xian.html")
    assert '<th scope="col">上年</th>' not in card and 'class="units compared"' not in card
    assert "没有上一年度的考核结果可比较" in read(sample_site, "2011/improved.html")
    # 进步榜 is in 2012's menu, not in 2011's
    assert ">进步榜</a>" in read(sample_site, "2012/criteria.html")
    assert ">进步榜</a>" not in read(sample_site, "2011/criteria.html")


def test_county_pages_list_every_year(sample_site: Path) -> None:
    project = check_project(sample_site.parent / "project")
    results = {year: score_year(rules, project.sheets.get(year, [])) for year, rules in project.rules.items()}
    slugs = {s.score.slug for r in results.values() for s in r.standings}
    assert {"luyu-xian", "luyu-qu", "chengxia-qu"} <= slugs
    for slug in slugs:
        page = read(sample_site, f"county/{slug}.html")
        timeline = county_timeline(results, project.registry, slug)
        rows = table_rows(page[page.index("<table"):])[1:]
        assert [cells[0].split("年度")[0] for _, cells in rows] == [str(p.year) for p in reversed(timeline)]
        for point in timeline:
            link = f'href="../{point.year}/county/{point.slug}.html"'
            assert link in page, (slug, point)
            assert (sample_site / str(point.year) / "county" / f"{point.slug}.html").exists()
        assert page.count("<circle") == page.count("<rect") == len(timeline)
        # every scorecard of the county links here and charts the years up to its own
        for point in timeline:
            card = read(sample_site, f"{point.year}/county/{point.slug}.html")
            assert f'href="../../county/{point.slug}.html"' in card
            assert card.count("<circle") == len([p for p in timeline if p.year <= point.year])
    both = read(sample_site, "county/luyu-xian.html")
    assert "鹭屿县（2011年） → 鹭屿区（2012年）" in both and both.count("年度成绩单") == 2


def test_timelines_equal_county_timeline(sample_project: Path) -> None:
    """The one-pass timelines the pages use say what compare.county_timeline says, per slug;
    the years are found through the links YearView.of leaves on each year's results."""
    project = check_project(sample_project)
    results = {year: score_year(rules, project.sheets.get(year, [])) for year, rules in project.rules.items()}
    comparisons = compare_all(results, project.registry)
    views = {year: YearView.of(results[year], comparisons[year]) for year in results}
    assert years_through(views[2012].results) == results and not views[2011].latest and views[2012].latest
    timelines = views[2012].timelines()
    for slug in project.registry.counties:
        assert timelines.of(slug) == county_timeline(results, project.registry, slug), slug
    assert timelines.of("luyu-xian") is timelines.of("luyu-qu") and len(timelines.of("luyu-qu")) == 2
    assert [p.year for p in views[2011].timelines().of("luyu-xian")] == [2011]  # a card: up to its year
    tasks_2012 = [t.key for t in tasks(views[2012]) if t.kind == "history"]
    assert "luyu-xian" in tasks_2012 and "chengxia-qu" in tasks_2012
    assert not [t for t in tasks(views[2011]) if t.kind == "history"]


def test_rank_changes_are_written_as_the_terminal_writes_them(sample_project: Path) -> None:
    project = check_project(sample_project)
    results = {year: score_year(rules, project.sheets.get(year, [])) for year, rules in project.rules.items()}
    for county in compare_all(results, project.registry)[2012].counties.values():
        assert rank_delta(county.rank_change).text == rank_change_label(county)


def test_an_example_year_says_so_on_every_page(sample_site: Path) -> None:
    assert RULES_2012.example and not RULES_2011.example
    for path in sorted((sample_site / "2012").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert "2012年度的考核细则是以2011年度细则为基础虚构的示例，不是正式文件" in text, path
    for path in sorted((sample_site / "2011").rglob("*.html")):
        assert "虚构的示例，不是正式文件" not in path.read_text(encoding="utf-8"), path
    assert "2012年度的考核细则是以2011年度细则为基础虚构的示例" in read(sample_site, "index.html")  # home: 2012


def test_the_methodology_explains_different_maxima(sample_site: Path) -> None:
    about = read(sample_site, "about.html")
    assert "与上年比较" in about and "满分不同" in about and "得分率" in about
