"""The audit trail, from real git repositories: history, blame, releases, corrections, diff."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gitrepo import Repo
from htmltables import rows_by_id
from scoreboard.cli import main
from scoreboard.history import load_history
from sitebuild import build, fixture_project


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, str]]:
    """Four commits by four people, a rename, a release tag, then a correction."""
    root = fixture_project(tmp_path_factory.mktemp("audited") / "repo")
    (root / "scores" / "2011" / "xilu-xian.yaml").unlink()  # keep three final counties
    registry = root / "scores" / "counties.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("  - slug: xilu-xian\n    name: 西麓县\n", ""),
                        encoding="utf-8")
    repo = Repo(root)
    commits = {"A": repo.commit("2011年度初评结果", "张三", "2012-01-05T10:00:00+08:00")}
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: 3\n", "  1.1: {score: 2.5, note: 联席会议未形成纪要}\n")
    commits["B"] = repo.commit("北杉县第1.1项扣分", "李四", "2012-01-10T10:00:00+08:00")
    repo.git("mv", "scores/2011/nanxi-shi.yaml", "scores/2011/nanxi-qu.yaml")
    repo.edit("scores/2011/nanxi-qu.yaml", "county: 南溪市", "county: 南溪区")
    repo.edit("scores/counties.yaml", "  - slug: nanxi-shi\n    name: 南溪市", "  - slug: nanxi-qu\n    name: 南溪区")
    commits["C"] = repo.commit("南溪市撤市设区", "王五", "2012-01-12T10:00:00+08:00")
    repo.git("tag", "-a", "published/2011", "-m", "2011年度考核结果正式公布", date="2012-01-15T09:00:00+08:00")
    repo.edit("scores/2011/dongying-qu.yaml", "  23: {score: 1,", "  23: {score: 1.5,")
    commits["D"] = repo.commit("更正：东滢区第23条复核后加0.5分", "赵六", "2012-02-01T10:00:00+08:00")
    return repo, commits


def test_county_history_newest_first_with_unit_changes(audited) -> None:
    repo, commits = audited
    history = load_history(repo.root)
    log = history.county(2011, "beishan-xian")
    assert [(c.commit.hash, c.commit.author, c.commit.date, c.commit.subject) for c in log] == [
        (commits["B"], "李四", "2012-01-10", "北杉县第1.1项扣分"),
        (commits["A"], "张三", "2012-01-05", "2011年度初评结果")]
    assert [u.describe for u in log[0].units] == ["1.1：3 → 2.5（联席会议未形成纪要）"]
    assert log[1].notes == ("新建评分文件",) and log[1].shown_units == ()


def test_history_follows_renames(audited) -> None:
    repo, commits = audited
    log = load_history(repo.root).county(2011, "nanxi-qu")
    assert [c.commit.hash for c in log] == [commits["C"], commits["A"]]
    assert log[0].notes == ("文件由 scores/2011/nanxi-shi.yaml 改名而来",)
    assert log[0].name == "南溪区"


def test_blame_is_the_commit_that_last_set_each_unit(audited) -> None:
    repo, commits = audited
    blame = load_history(repo.root).last_set(2011, "beishan-xian")
    assert blame["1.1"].hash == commits["B"] and blame["1.2"].hash == commits["A"]


def test_release_and_corrections(audited) -> None:
    repo, commits = audited
    history = load_history(repo.root)
    release = history.releases[2011]
    assert (release.tag, release.commit, release.date) == ("published/2011", commits["C"], "2012-01-15")
    [correction] = history.corrections(2011)
    assert correction.commit.hash == commits["D"]
    assert [(f.slug, [u.describe for u in f.units]) for f in correction.counties] == [
        ("dongying-qu", ["23：1 → 1.5（见 <a href=\"javascript:alert(1)\">说明</a> 与 [链接](javascript:alert(2))）"])]
    assert history.county_corrections(2011, "beishan-xian") == []


def test_year_log_newest_first(audited) -> None:
    repo, commits = audited
    log = load_history(repo.root).year(2011)
    assert [c.commit.hash for c in log] == [commits[k] for k in "DCBA"]
    # The file created as nanxi-shi is nanxi-qu now: its history goes with it.
    assert [(f.slug, f.name) for f in log[3].counties] == [
        ("beishan-xian", "北杉县"), ("dongying-qu", "东滢区"), ("nanxi-qu", "南溪区")]  # its name now


@pytest.fixture(scope="module")
def audited_site(audited, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo, _ = audited
    site = tmp_path_factory.mktemp("audited-site") / "site"
    code, output = build(repo.root, site)
    assert code == 0, output
    return site


def test_scorecard_shows_who_last_set_each_unit(audited, audited_site: Path) -> None:
    _, commits = audited
    card = (audited_site / "2011" / "county" / "dongying-qu.html").read_text(encoding="utf-8")
    rows = rows_by_id(card)
    assert rows["u-23"][5] == f"{commits['D'][:7]} 2012-02-01 赵六"
    assert rows["u-1.1"][5] == f"{commits['A'][:7]} 2012-01-05 张三"
    assert 'id="corrections"' in card and "更正：东滢区第23条复核后加0.5分" in card
    assert "23：1 → 1.5" in card


def test_pages_say_the_year_is_published(audited, audited_site: Path) -> None:
    _, commits = audited
    ranking = (audited_site / "2011" / "index.html").read_text(encoding="utf-8")
    assert "2011年度结果已于 2012-01-15 正式公布" in ranking
    corrections = (audited_site / "2011" / "corrections.html").read_text(encoding="utf-8")
    assert commits["D"][:7] in corrections and "赵六" in corrections and commits["B"][:7] not in corrections
    changes = (audited_site / "2011" / "changes.html").read_text(encoding="utf-8")
    assert [changes.index(commits[k][:7]) for k in "DCBA"] == sorted(changes.index(commits[k][:7]) for k in "DCBA")


def test_results_as_of_the_release_stay_downloadable(audited_site: Path) -> None:
    def unit_23(path: Path) -> str:
        counties = json.loads(path.read_text(encoding="utf-8"))["counties"]
        return str(next(c for c in counties if c["slug"] == "dongying-qu")["units"]["23"])
    assert unit_23(audited_site / "2011" / "published" / "results.json") == "1"
    assert unit_23(audited_site / "2011" / "results.json") == "1.5"
    assert (audited_site / "2011" / "published" / "results.csv").read_text(encoding="utf-8").startswith("\ufeff名次")


def test_footer_stamp_is_the_commit_not_the_clock(audited, audited_site: Path) -> None:
    _, commits = audited
    page = (audited_site / "2011" / "index.html").read_text(encoding="utf-8")
    assert f"数据版本 <code>{commits['D'][:7]}</code>（2012-02-01）" in page
    assert "含未提交的修改" not in page


def test_dirty_tree_is_marked_and_shown_as_uncommitted(audited, tmp_path: Path) -> None:
    repo, _ = audited
    with repo.edited("scores/2011/beishan-xian.yaml", "  1.3: 1\n", "  1.3: {score: 0.5, note: 推优名单未报}\n"):
        code, output = build(repo.root, tmp_path / "site")
        assert code == 0, output
        card = (tmp_path / "site" / "2011" / "county" / "beishan-xian.html").read_text(encoding="utf-8")
        assert rows_by_id(card)["u-1.3"][5] == "未提交"
        assert "含未提交的修改" in card and "1.3：1 → 0.5（推优名单未报）" in card


def test_without_git_the_site_says_so(fixture_site: Path) -> None:
    card = (fixture_site / "2011" / "county" / "beishan-xian.html").read_text(encoding="utf-8")
    assert "本站构建时没有可用的版本记录" in card
    assert "最后修改" not in card


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_diff_between_commits(audited) -> None:
    repo, commits = audited
    code, text = run("--root", str(repo.root), "diff", commits["A"], commits["D"])
    assert code == 0
    assert text == (
        f"比较 {commits['A'][:7]} → {commits['D'][:7]}\n"
        "\n2011年度：\n"
        "  北杉县（beishan-xian）：总分 102 → 101.5，名次 2 → 3\n"
        "    1.1：3 → 2.5（联席会议未形成纪要）\n"
        "  东滢区（dongying-qu）：总分 105 → 105.5，名次 1 → 1\n"
        "    23：1 → 1.5（见 <a href=\"javascript:alert(1)\">说明</a> 与 [链接](javascript:alert(2))）\n"
        "  南溪区（nanxi-qu）［新增］：总分 — → 102，名次 — → 2\n"
        "  南溪市（nanxi-shi）［删除］：总分 102 → —，名次 2 → —\n"
        "\n涉及的考核部门：基层工作部、经审办、女工部、维权帮扶中心、经济工作部、技协办、宣教部、办公室、"
        "工会慈善分会\n")


def test_diff_of_the_work_tree_as_markdown(audited) -> None:
    repo, commits = audited
    with repo.edited("scores/2011/beishan-xian.yaml", "  8.1: 5\n", "  8.1: {score: 4, note: 续签率未达标}\n"):
        code, text = run("--root", str(repo.root), "diff", "HEAD", "--format", "markdown")
        assert code == 0
        assert text == (
            "### 评分变化：HEAD（" + commits["D"][:7] + "） → 工作区\n\n"
            "| 年度 | 县市区 | 总分 | 名次 | 变化 |\n|---|---|---|---|---|\n"
            "| 2011 | 北杉县 | 101.5 → 100.5 | 3 → 3 | 8.1：5 → 4（续签率未达标） |\n\n"
            "**涉及的考核部门**：女工部、维权帮扶中心（请相应部门审核）\n")
        code, text = run("--root", str(repo.root), "diff")  # BASE: the merge-base with main
        assert code == 0 and "8.1：5 → 4（续签率未达标）" in text


def test_diff_refuses_broken_head(audited) -> None:
    repo, _ = audited
    with repo.edited("scores/2011/beishan-xian.yaml", "  8.1: 5\n", "  8.1: 五\n"):
        code, text = run("--root", str(repo.root), "diff", "HEAD")
        assert code == 1 and "E204" in text and "无法比较结果" in text


def test_diff_as_markdown_says_why_it_cannot_compare(audited, capsys) -> None:
    """CI saves the Markdown for the reviewer: it must name the problem, and the job's log
    (stderr) must show it too, not only the file."""
    repo, _ = audited
    with repo.edited("scores/2011/beishan-xian.yaml", "  8.1: 5\n", "  8.1: 五```\u202e \n"):
        code, text = run("--root", str(repo.root), "diff", "HEAD", "--format", "markdown")
    assert code == 1
    assert text.startswith("### 评分变化：无法比较\n") and "有错误，无法比较结果" in text
    [line] = [line for line in text.splitlines() if "E204" in line]
    assert line.startswith("scores/2011/beishan-xian.yaml:")
    fence = text.splitlines()[-1]
    assert set(fence) == {"`"} and len(fence) > 3, "the user's ``` must not close the block"
    assert "\u202e" not in text, "a hidden character must be spelled out, not reverse the report"
    assert "scores/2011/beishan-xian.yaml:" in capsys.readouterr().err


def test_diff_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "p")
    assert run("--root", str(root), "diff")[0] == 2


def test_commits_link_to_the_repository_when_it_is_configured(audited) -> None:
    import jinja2
    from conftest import REPO
    from scoreboard.pipeline import prepare
    from scoreboard.render import Renderer
    repo, commits = audited
    prepared = prepare(repo.root, "测试", repo_url="https://git.example.org/city/scores/")
    renderer = Renderer(jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "theme")), prepared.site)
    _, card = renderer.render_task(prepared.views[2011], prepared.history, (2011, "county", "dongying-qu"))
    link = f'<a href="https://git.example.org/city/scores/commit/{commits["D"]}">{commits["D"][:7]}</a>'
    assert rows_by_id(card)["u-23"][5] == f"{commits['D'][:7]} 2012-02-01 赵六"
    assert f"{link} 2012-02-01 赵六" in card  # the unit's row
    url = f"https://git.example.org/city/scores/commit/{commits['D']}"
    assert f'<a href="{url}"><code>{commits["D"][:7]}</code></a> 2012-02-01 赵六：更正' in card  # the change log


def test_equal_rows_show_their_own_last_commit(tmp_path: Path) -> None:
    # 1.2 ends at 1 with no note on every card, set by the first commit on 南溪市 and by the last on 东滢区: the same
    # row but for 最后修改, which a card must not take from another's.
    root = fixture_project(tmp_path / "repo")
    repo = Repo(root)
    first = repo.commit("2011年度初评结果", "张三", "2012-01-05T10:00:00+08:00")
    repo.edit("scores/2011/dongying-qu.yaml", "  1.2: 1\n", "  1.2: {score: 0.5, note: 示范点未达标}\n")
    repo.commit("东滢区第1.2项扣分", "李四", "2012-01-10T10:00:00+08:00")
    repo.edit("scores/2011/dongying-qu.yaml", "  1.2: {score: 0.5, note: 示范点未达标}\n", "  1.2: 1\n")
    last = repo.commit("东滢区第1.2项复核后恢复", "王五", "2012-01-12T10:00:00+08:00")
    assert build(root, tmp_path / "site")[0] == 0
    cells = {slug: rows_by_id((tmp_path / "site" / "2011" / "county" / f"{slug}.html").read_text(encoding="utf-8"))["u-1.2"]
             for slug in ("dongying-qu", "nanxi-shi")}
    assert {slug: row[2] for slug, row in cells.items()} == {"dongying-qu": "1", "nanxi-shi": "1"}
    assert cells["dongying-qu"][5] == f"{last[:7]} 2012-01-12 王五"
    assert cells["nanxi-shi"][5] == f"{first[:7]} 2012-01-05 张三"
