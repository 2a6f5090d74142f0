"""What the site shows: golden pages, data held against pages, exports equal to pages, safety."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from decimal import Decimal

from conftest import FIXTURES, REPO, RULES_2011, SAMPLE
from scoreboard.values import fmt
from htmltables import rows_by_id, table_rows
from sitebuild import build, fixture_project

GOLDEN = REPO / "tests" / "golden"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("page, golden", [("2011/index.html", "ranking.html"),
                                           ("2011/county/dongying-qu.html", "scorecard.html")])
def test_golden_pages(fixture_site: Path, page: str, golden: str, request: pytest.FixtureRequest) -> None:
    actual = read(fixture_site, page)
    target = GOLDEN / golden
    if request.config.getoption("--update-golden"):
        target.parent.mkdir(exist_ok=True)
        target.write_text(actual, encoding="utf-8")
    assert actual == target.read_text(encoding="utf-8"), f"{page} differs from {target}; run pytest --update-golden"


def test_one_year_has_no_pages_over_the_years(fixture_site: Path, sample_site: Path) -> None:
    """A site of one year has no county pages over all years and no time charts (they would
    repeat each scorecard); from the second year on, every county has both."""
    assert not (fixture_site / "county").exists()
    assert all('class="trend"' not in card.read_text(encoding="utf-8")
               for card in (fixture_site / "2011" / "county").glob("*.html"))
    cards = sorted((sample_site / "2012" / "county").glob("*.html"))
    assert cards and all('<figure class="trend">' in card.read_text(encoding="utf-8") for card in cards)
    assert (sample_site / "county" / "luyu-qu.html").is_file()


def test_ranking_rows_with_shared_ranks(fixture_site: Path) -> None:
    rows = [cells for _, cells in table_rows(read(fixture_site, "2011/index.html"))][1:]
    assert [(r[0], r[1], r[2]) for r in rows] == [("1", "东滢区", "105"), ("2", "北杉县", "102"), ("2", "南溪市", "102")]


def test_every_criterion_is_on_the_criteria_page(sample_site: Path) -> None:
    page = read(sample_site, "2011/criteria.html")
    assert html.escape(RULES_2011.intro, quote=False) in page
    for item in RULES_2011.items.values():
        assert f'id="item-{item.id}"' in page
        assert html.escape(item.text, quote=False) in page, item.id
        for department in item.departments:
            assert department in page


@pytest.mark.parametrize("site_name", ["sample_site", "fixture_site"])
def test_exports_equal_the_pages(site_name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_name)
    results = json.loads(read(site, "2011/results.json"))
    ranking = {cells[1].replace(" 暂定", ""): cells for _, cells in table_rows(read(site, "2011/index.html"))[1:]}
    with io.StringIO(read(site, "2011/results.csv").lstrip("\ufeff")) as text:
        csv_rows = {row["标识"]: row for row in csv.DictReader(text)}
    assert read(site, "2011/results.csv").startswith("\ufeff名次,标识,县市区")
    assert len(results["counties"]) == len(ranking) == len(csv_rows)
    for county in results["counties"]:
        row = ranking[county["name"]]
        assert row[:5] == [str(county["rank"]), row[1], str(county["total"]), str(county["base"]), str(county["bonus"])]
        assert row[5:] == [str(county["categories"][c["id"]]) for c in results["categories"] if c["kind"] == "base"]
        card = read(site, f"2011/county/{county['slug']}.html")
        assert f'<dd class="big">{county["total"]}</dd>' in card
        units = rows_by_id(card)
        for unit_id, points in county["units"].items():
            assert units[f"u-{unit_id}"][2] == ("待评" if points is None else str(points)), (county["slug"], unit_id)
            note = county["notes"].get(unit_id, "")
            lost = Decimal(str(RULES_2011.units[unit_id].max)) - Decimal(str(points)) if points is not None else 0
            if lost and not RULES_2011.units[unit_id].is_bonus:
                note = f"扣 {fmt(lost)} 分" + (f"：{note}" if note else "")
            assert units[f"u-{unit_id}"][4] == note, (county["slug"], unit_id)
        exported = csv_rows[county["slug"]]
        assert (exported["名次"], exported["总分"], exported["县市区"]) == (str(county["rank"]), str(county["total"]), county["name"])
        for item_id, points in county["items"].items():
            assert exported[f"第{item_id}条"] == str(points)


def test_every_county_has_a_page_and_a_row(sample_site: Path) -> None:
    results = json.loads(read(sample_site, "2011/results.json"))
    registry = (SAMPLE / "counties.yaml").read_text(encoding="utf-8")
    slugs = re.findall(r"slug: (\S+)", registry)
    published = {c["slug"] for c in results["counties"]}
    # The one draft is not published; luyu-qu (renamed) and chengxia-qu (new) start in 2012.
    assert published == set(slugs) - {"weizhu-qu", "luyu-qu", "chengxia-qu"}
    for slug in published:
        assert (sample_site / "2011" / "county" / f"{slug}.html").exists()
    assert not (sample_site / "2011" / "county" / "weizhu-qu.html").exists()


def test_notes_are_text_never_html(fixture_site: Path) -> None:
    card = read(fixture_site, "2011/county/dongying-qu.html")
    assert "培训人数不足：&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;说明&lt;/a&gt; 与 [链接](javascript:alert(2))" in card
    for path in fixture_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and 'href="javascript:' not in text, path
    index = read(fixture_site, "assets/search/2011.js")
    assert "<\\/script>" in index and "</script>" not in index


def test_nothing_outside_the_site_is_referenced(sample_site: Path) -> None:
    allowed = {"http://www.w3.org/2000/svg"}
    for path in sample_site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            found = set(re.findall(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", path.read_text(encoding="utf-8")))
            assert found <= allowed, (path, found - allowed)


def test_demo_banner_and_stamp(sample_site: Path, fixture_site: Path) -> None:
    for site in (sample_site, fixture_site):
        for page in ("index.html", "2011/index.html", "2011/county/" + next((site / "2011" / "county").iterdir()).name):
            assert "示例数据" in read(site, page)
    assert "数据版本：无版本记录" in read(fixture_site, "2011/index.html")
    assert re.search(r"数据版本 <code>[0-9a-f]{7}</code>（\d{4}-\d\d-\d\d）", read(sample_site, "2011/index.html"))


def test_scorecards_stay_small(sample_site: Path) -> None:
    """25 KB for a first year's card; a card compared with last year adds two cells a unit
    row, its header's and categories' changes and the time chart (about 4 KB)."""
    first = [p.stat().st_size for p in (sample_site / "2011" / "county").glob("*.html")]
    assert max(first) <= 27 * 1024
    compared = [p.stat().st_size for p in (sample_site / "2012" / "county").glob("*.html")]
    assert max(compared) <= 31 * 1024


def test_home_page_shows_the_latest_ranking(sample_site: Path) -> None:
    home = read(sample_site, "index.html")
    assert "2012年度总排名" in home and 'href="./2012/county/luyu-qu.html"' in home  # the sample's latest year
    assert 'href="2011/criteria.html"' in home  # a Markdown link to a generated page resolved


def test_drafts_only_on_request(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "p")
    code, output = build(root, tmp_path / "site", "--drafts")
    assert code == 0, output
    ranking = read(tmp_path / "site", "2011/index.html")
    assert "西麓县</a> <span class=\"tag\">暂定</span>" in ranking
    card = read(tmp_path / "site", "2011/county/xilu-xian.html")
    assert "9 个评分项待评" in card and rows_by_id(card)["u-9"][2] == "待评"


def test_a_failed_check_leaves_the_old_site(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "p")
    site = tmp_path / "site"
    assert build(root, site)[0] == 0
    before = read(site, "2011/index.html")
    bad = root / "scores" / "2011" / "nanxi-shi.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("  1.1: 3\n", "  1.1: 3分\n"), encoding="utf-8")
    code, output = build(root, site)
    assert code == 1
    assert "scores/2011/nanxi-shi.yaml:5:8: error E204" in output and "有错误，未构建网站。" in output
    assert read(site, "2011/index.html") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_same_input_same_bytes(tmp_path: Path, fixture_site: Path) -> None:
    root = fixture_project(tmp_path / "p")
    assert build(root, tmp_path / "again")[0] == 0
    assert read(tmp_path / "again", "SHA256SUMS") == read(fixture_site, "SHA256SUMS")
    listed = [line.split("  ", 1)[1] for line in read(fixture_site, "SHA256SUMS").splitlines()]
    assert listed == sorted(listed) and "2011/results.json" in listed


def test_mkdocs_build_strict_is_clean(tmp_path: Path, sample_project: Path) -> None:
    # mkdocs.yml with the data root pointed at the sample (MkDocs' own INHERIT mechanism).
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: {REPO / 'content'}\n"
                      f"theme:\n  name: null\n  custom_dir: {REPO / 'theme'}\n  locale: zh\n"
                      f"  static_templates: [404.html]\nhooks: [{REPO / 'scoreboard' / 'hooks.py'}]\n"
                      f"extra:\n  scoreboard:\n    root: {sample_project}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config),
                           "-d", str(tmp_path / "site")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    assert (tmp_path / "site" / "2011" / "criteria.html").exists()


def test_zip_and_site_are_reproducible_and_carry_no_local_paths(tmp_path: Path) -> None:
    digests = []
    for name in ("first", "second"):
        root = fixture_project(tmp_path / name)
        assert build(root, root / "site", "--zip")[0] == 0
        digests.append(((root / "dist" / "scoreboard-2011-nogit.zip").read_bytes(), read(root / "site", "SHA256SUMS")))
        for path in (root / "site").rglob("*"):
            if path.is_file():
                assert str(tmp_path) not in path.read_text(encoding="utf-8", errors="replace"), path
    assert digests[0] == digests[1]


def test_two_years_latest_at_the_root_with_a_year_switcher(tmp_path: Path) -> None:
    import shutil
    root = fixture_project(tmp_path / "p")
    shutil.copy(FIXTURES / "rules-2012.yaml", root / "rules" / "2012.yaml")
    (root / "scores" / "2012").mkdir()
    for slug, name in (("beishan-xian", "北杉县"), ("dongying-qu", "东滢区"), ("nanxi-shi", "南溪市"), ("xilu-xian", "西麓县")):
        (root / "scores" / "2012" / f"{slug}.yaml").write_text(
            f"county: {name}\nyear: 2012\nstatus: final\nscores:\n  1.1: 4\n  1.2: 2\n  2: 3.5\n  3: 10\n",
            encoding="utf-8")
    code, output = build(root, tmp_path / "site")
    assert code == 0, output
    site = tmp_path / "site"
    home = read(site, "index.html")
    assert "2012年度总排名" in home
    card = read(site, "2011/county/beishan-xian.html")
    assert '<a href="../../2012/index.html">2012</a>' in card
    assert '<a href="../../2011/index.html" aria-current="true">2011</a>' in card
    criteria = read(site, "2012/criteria.html")
    assert '<a href="../2011/criteria.html">2011</a>' in criteria
    assert (site / "assets" / "search" / "2011.js").exists() and (site / "assets" / "search" / "2012.js").exists()
    assert '<option value="all">全部年度</option>' in read(site, "search.html")
    ranking = [cells for _, cells in table_rows(read(site, "2012/index.html"))][1:]
    # 名次, 县市区, 名次变化 (2011's ranks: 2, 1, 2; 西麓县 had a draft: 新), 总分
    assert [r[:4] for r in ranking] == [["1", "北杉县", "↑1", "19.5"], ["1", "东滢区", "=", "19.5"],
                                        ["1", "南溪市", "↑1", "19.5"], ["1", "西麓县", "新", "19.5"]]


def test_second_year_exports_compare_with_the_first(sample_site: Path) -> None:
    """results.json and results.csv of 2012 carry 2011's rank and total, following the rename
    declared in the registry (luyu-qu continues luyu-xian); a new county has nulls."""
    from decimal import Decimal
    first = {c["slug"]: c for c in json.loads(read(sample_site, "2011/results.json"))["counties"]}
    second = json.loads(read(sample_site, "2012/results.json"), parse_float=Decimal)["counties"]
    continued = {"luyu-qu": "luyu-xian"}
    csv_rows = {row[1]: row for row in csv.reader(io.StringIO(read(sample_site, "2012/results.csv").lstrip("\ufeff")))}
    header = csv_rows.pop("标识")
    for row in second:
        before = first.get(continued.get(row["slug"], row["slug"]))
        if before is None:
            expected = (None, None, None, None)
        else:
            total = Decimal(str(before["total"]))
            expected = (total, before["rank"], Decimal(str(row["total"])) - total, before["rank"] - row["rank"])
        found = (row["previous_total"], row["previous_rank"], row["total_change"], row["rank_change"])
        assert found == expected, row["slug"]
        cells = [csv_rows[row["slug"]][header.index(h)] for h in ("上年总分", "上年名次", "总分变化", "名次变化")]
        assert [Decimal(c) if c else None for c in cells] == list(expected), row["slug"]
    assert any(r["slug"] == "luyu-qu" and r["previous_rank"] for r in second)
    assert any(r["previous_rank"] is None for r in second)
