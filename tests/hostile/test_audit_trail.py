"""Hostile pull requests against the audit trail, on real git repositories.

The trail is evidence: no commit message, author name, file name or never-merged state may
shift a field of it, invent a change, or keep a change from being listed as a correction.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo
from htmltables import rows_by_id
from scoreboard.history import load_history
from sitebuild import build, fixture_project

FORGED_HASH = "f" * 40


def released_repo(root: Path) -> tuple[Repo, str]:
    """The fixture data committed, then tagged published/2011."""
    repo = Repo(fixture_project(root))
    first = repo.commit("2011年度初评结果", "张三", "2012-01-05T10:00:00+08:00")
    repo.git("tag", "-a", "published/2011", "-m", "正式公布", date="2012-01-15T09:00:00+08:00")
    return repo, first


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_a_forged_message_after_the_release_keeps_the_real_fields_and_is_a_correction(tmp_path: Path) -> None:
    repo, _ = released_repo(tmp_path / "repo")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: 3\n", "  1.1: 2\n")
    forged = f"typo\x1e{FORGED_HASH}\x1f县总工会审核组\x1f2011-03-01\x1f依据考核组意见调整"
    real = repo.commit(forged, "攻击者", "2012-03-05T10:00:00+08:00")
    [change] = load_history(repo.root).county(2011, "beishan-xian")[:1]
    assert (change.commit.hash, change.commit.author, change.commit.date) == (real, "攻击者", "2012-03-05")
    assert change.commit.subject == f"typo{FORGED_HASH}县总工会审核组2011-03-01依据考核组意见调整"
    site = tmp_path / "site"
    code, output = build(repo.root, site)
    assert code == 0, output
    card = read(site, "2011/county/beishan-xian.html")
    assert rows_by_id(card)["u-1.1"][5] == f"{real[:7]} 2012-03-05 攻击者"
    assert FORGED_HASH[:7] not in card.replace(f"typo{FORGED_HASH}", "")
    corrections = read(site, "2011/corrections.html")
    assert real[:7] in corrections and "1.1：3 → 2" in corrections


@pytest.mark.parametrize("author", ["审核组\x1f2011-01-01", "a\x1eb", "\u202e组核审", "零\u200b宽"])
def test_author_names_cannot_shift_fields_or_spoof(tmp_path: Path, author: str) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: 3\n", "  1.1: 2\n")
    real = repo.commit("扣分", author, "2012-01-06T10:00:00+08:00")
    change = load_history(repo.root).county(2011, "beishan-xian")[0]
    cleaned = "".join(ch for ch in author if ch not in "\x1e\x1f\u202e\u200b")
    assert (change.commit.hash, change.commit.author, change.commit.date) == (real, cleaned, "2012-01-06")
    code, output = build(repo.root, tmp_path / "site")
    assert code == 0, output


def test_a_file_name_with_separators_anywhere_does_not_break_the_build(tmp_path: Path) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    (repo.root / "notes\x1e\x1f.txt").write_text("x", encoding="utf-8")
    (repo.root / "docs").mkdir()
    (repo.root / "docs" / "a\nb\x1e.md").write_text("x", encoding="utf-8")
    repo.commit("杂项", "张三", "2012-01-05T10:00:00+08:00")
    code, output = build(repo.root, tmp_path / "site")
    assert code == 0, output
    assert len(load_history(repo.root).county(2011, "beishan-xian")) == 1


@pytest.mark.parametrize("decoy", ["scores/old/scores/2011/beishan-xian.yaml", "scores/2011/beishan-xian.yaml\n",
                                   "scores/2011/beishan-xian.yaml.bak", "x/scores/2011/beishan-xian.yaml"])
def test_history_comes_only_from_the_file_the_check_reads(tmp_path: Path, decoy: str) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    real = (repo.root / "scores/2011/beishan-xian.yaml").read_text(encoding="utf-8")
    decoy_path = repo.root / decoy
    decoy_path.parent.mkdir(parents=True, exist_ok=True)
    decoy_path.write_text(real.replace("  1.1: 3\n", "  1.1: {score: 0, note: 捏造的扣分}\n"), encoding="utf-8")
    repo.commit("捏造", "攻击者", "2012-01-06T10:00:00+08:00")
    log = load_history(repo.root).county(2011, "beishan-xian")
    assert [c.commit.author for c in log] == ["张三"]
    site = tmp_path / "site"
    build(repo.root, site)
    if (site / "2011" / "county" / "beishan-xian.html").exists():
        assert "捏造" not in read(site, "2011/county/beishan-xian.html")
        assert "捏造" not in read(site, "2011/changes.html")


def test_a_draft_county_stays_out_of_the_change_log(tmp_path: Path) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))  # xilu-xian is a draft in the fixture
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    repo.edit("scores/2011/xilu-xian.yaml", "  1.1: 3\n", "  1.1: {score: 2, note: 草稿里的说明}\n")
    repo.commit("草稿修改", "李四", "2012-01-06T10:00:00+08:00")
    history = load_history(repo.root)
    assert history.county(2011, "xilu-xian") == []
    site = tmp_path / "site"
    assert build(repo.root, site)[0] == 0
    changes = read(site, "2011/changes.html")
    assert "西麓县" not in changes and "草稿里的说明" not in changes and "xilu-xian" not in changes
    with_drafts = load_history(repo.root, drafts=True).county(2011, "xilu-xian")
    assert [c.commit.author for c in with_drafts] == ["李四", "张三"]


def test_a_draft_phase_of_a_final_file_shows_no_values(tmp_path: Path) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    path = "scores/2011/beishan-xian.yaml"
    final = (repo.root / path).read_text(encoding="utf-8")
    (repo.root / path).write_text(final.replace("status: final", "status: draft").replace(
        "  1.1: 3\n", "  1.1: {score: 1, note: 未定稿的说明}\n"), encoding="utf-8")
    repo.commit("草稿", "张三", "2012-01-05T10:00:00+08:00")
    (repo.root / path).write_text(final, encoding="utf-8")
    repo.commit("定稿", "李四", "2012-01-06T10:00:00+08:00")
    log = load_history(repo.root).county(2011, "beishan-xian")
    assert [c.commit.author for c in log] == ["李四", "张三"]
    assert log[1].notes == ("新建评分文件", "草稿（未公布，分数不显示）") and log[1].units == ()
    assert log[0].opens and "未定稿的说明" not in repr(log)


def test_commits_inside_a_merged_pull_request_are_not_published(tmp_path: Path) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: 3\n", "  1.1: {score: 0, note: 子虚乌有}\n")
    repo.commit("wip", "冒名者", "2012-01-06T10:00:00+08:00")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: {score: 0, note: 子虚乌有}\n", "  1.1: 3\n")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.3: 1\n", "  1.3: {score: 0.5, note: 推优入党未落实}\n")
    repo.commit("修正", "李四", "2012-01-07T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "--no-ff", "-q", "-m", "合并请求 #1：北杉县扣分", "pr", author="王五",
             date="2012-01-08T10:00:00+08:00")
    merge = repo.git("rev-parse", "HEAD")
    log = load_history(repo.root).county(2011, "beishan-xian")
    assert [c.commit.hash for c in log][0] == merge
    step = log[0]
    assert (step.commit.author, step.commit.date, step.commit.subject) == ("王五", "2012-01-08", "合并请求 #1：北杉县扣分")
    assert step.commit.contributors == ("李四", "冒名者")
    assert [u.describe for u in step.units] == ["1.3：1 → 0.5（推优入党未落实）"]
    site = tmp_path / "site"
    assert build(repo.root, site)[0] == 0
    for page in ("2011/county/beishan-xian.html", "2011/changes.html"):
        assert "子虚乌有" not in read(site, page) and "wip" not in read(site, page)


def test_a_revision_that_fails_the_check_is_shown_as_such(tmp_path: Path) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: 3\n", "  1.1: {score: 9, note: 超出满分的捏造}\n")
    repo.commit("直接推送的错误版本", "李四", "2012-01-06T10:00:00+08:00")
    repo.edit("scores/2011/beishan-xian.yaml", "  1.1: {score: 9, note: 超出满分的捏造}\n", "  1.1: 2.5\n")
    repo.commit("改正", "王五", "2012-01-07T10:00:00+08:00")
    log = load_history(repo.root).county(2011, "beishan-xian")
    assert log[1].notes == ("这一版本的文件未通过检查，内容不予显示",) and log[1].units == ()
    assert [u.describe for u in log[0].units] == ["1.1：3 → 2.5"]
    assert "捏造" not in repr(log)


def test_a_symlink_in_history_is_not_read(tmp_path: Path) -> None:
    repo = Repo(fixture_project(tmp_path / "repo"))
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    path = repo.root / "scores/2011/beishan-xian.yaml"
    saved = path.read_bytes()
    path.unlink()
    path.symlink_to("/etc/passwd")
    repo.commit("链接", "攻击者", "2012-01-06T10:00:00+08:00")
    path.unlink()
    path.write_bytes(saved)
    repo.commit("恢复", "张三", "2012-01-07T10:00:00+08:00")
    log = load_history(repo.root).county(2011, "beishan-xian")
    assert log[1].notes[-1] == "这一版本的文件未通过检查，内容不予显示"
    assert "root" not in repr(log)


def test_a_ref_that_looks_like_an_option_is_refused(tmp_path: Path) -> None:
    import io
    from scoreboard.cli import main
    repo = Repo(fixture_project(tmp_path / "repo"))
    repo.commit("初评", "张三", "2012-01-05T10:00:00+08:00")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    for argv in (["diff", "--", f"--output={victim}"], ["diff", "HEAD", f"--output={victim}"]):
        out = io.StringIO()
        assert main(["--root", str(repo.root), *argv], out=out) == 2
    assert victim.read_text(encoding="utf-8") == "keep"
