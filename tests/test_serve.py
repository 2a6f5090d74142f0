"""`build.py serve`: the live preview rebuilds when a score file changes (on loopback only)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import REPO
from sitebuild import fixture_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(condition, seconds: float) -> float:
    """Poll until condition() is true; return how long it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


def test_serve_rebuilds_after_a_score_edit(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "p")
    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve",
                               "--dev-addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/2011/county/nanxi-shi.html"
    try:
        wait_for(lambda: fetch(url) is not None, 60)
        assert '<dd class="big">102</dd>' in fetch(url)
        time.sleep(0.5)  # let the watcher settle before the edit
        score = root / "scores" / "2011" / "nanxi-shi.yaml"
        score.write_text(score.read_text(encoding="utf-8").replace("  31: 3\n", "  31: 5\n"), encoding="utf-8")
        took = wait_for(lambda: '<dd class="big">104</dd>' in (fetch(url) or ""), 20)
        print(f"serve showed the edit after {took:.2f} s")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "Traceback" not in output


# --- the preview's incremental rebuild: the same bytes as a full build ---------------------------

def _sample_without_git(target: Path) -> Path:
    from sitebuild import sample_project
    return sample_project(target, commit=False)


def _tree(site: Path) -> dict[str, bytes]:
    skipped = {"SHA256SUMS", ".scoreboard-site"}  # a preview writes neither
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name not in skipped}


def _full_build(root: Path, site: Path) -> dict[str, bytes]:
    from scoreboard.publish import BuildRequest, build_site
    build_site(BuildRequest(root, site, False, REPO / "mkdocs.yml", REPO))
    return _tree(site)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_unit_line(path: Path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("  1.1:"))


def test_a_save_rewrites_only_what_it_changed_and_equals_a_full_build(tmp_path: Path) -> None:
    import io
    from scoreboard.preview import Preview
    from scoreboard.publish import BuildRequest

    root = _sample_without_git(tmp_path / "p")
    preview = Preview(BuildRequest(root, tmp_path / "preview", False, REPO / "mkdocs.yml", REPO), io.StringIO())
    assert preview.build_all().whole_site
    assert _tree(tmp_path / "preview") == _full_build(root, tmp_path / "full-0")

    # A 2011 score: 2011's pages change, and 2012's, which compare with 2011; the home page not.
    older = root / "scores" / "2011" / "qihe-qu.yaml"
    _edit(older, _first_unit_line(older), "  1.1: {score: 1.5, note: 复核后扣分}\n")
    done = preview.refresh({older})
    assert not done.whole_site and 0 < done.written < 60
    after = _tree(tmp_path / "preview")
    assert after == _full_build(root, tmp_path / "full-1")
    assert "复核后扣分" in after["2011/county/qihe-qu.html"].decode()

    # The latest year: the home page shows its ranking, so the content pages follow.
    latest = sorted((root / "scores" / "2012").glob("*.yaml"))[0]
    _edit(latest, _first_unit_line(latest), "  1.1: 0\n")
    done = preview.refresh({latest})
    assert not done.whole_site and done.written > 0
    assert _tree(tmp_path / "preview") == _full_build(root, tmp_path / "full-2")

    # Nothing changed: nothing is written.
    assert preview.refresh({latest}).written <= 1  # the pages' search index at most


def test_a_broken_save_keeps_the_last_good_preview(tmp_path: Path) -> None:
    import io
    from scoreboard.preview import Preview
    from scoreboard.publish import BuildRequest

    root = fixture_project(tmp_path / "p")
    out = io.StringIO()
    preview = Preview(BuildRequest(root, tmp_path / "preview", False, REPO / "mkdocs.yml", REPO), out)
    preview.build_all()
    before = _tree(tmp_path / "preview")
    score = root / "scores" / "2011" / "nanxi-shi.yaml"
    _edit(score, "  31: 3\n", "  31: 3分\n")
    done = preview.refresh({score})
    assert done.problems >= 1 and "nanxi-shi.yaml:" in out.getvalue() and "E204" in out.getvalue() and "预览保持上一次的结果" in out.getvalue()
    assert _tree(tmp_path / "preview") == before


def _third_year(root: Path) -> None:
    """2013, a copy of 2012 (rules and scores with their year changed): three years, so that a
    save in the first one moves pages two years later (time charts, county pages)."""
    from conftest import RULES_2012_FILE
    (root / "rules" / "2013.yaml").write_text(
        RULES_2012_FILE.read_text(encoding="utf-8").replace("year: 2012", "year: 2013", 1), encoding="utf-8")
    (root / "scores" / "2013").mkdir()
    for path in (root / "scores" / "2012").glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace("year: 2012", "year: 2013", 1)
        (root / "scores" / "2013" / path.name).write_text(text, encoding="utf-8")


def test_a_save_in_the_first_of_three_years_equals_a_full_build(tmp_path: Path) -> None:
    import io
    from scoreboard.preview import Preview
    from scoreboard.publish import BuildRequest

    root = _sample_without_git(tmp_path / "p")
    _third_year(root)
    preview = Preview(BuildRequest(root, tmp_path / "preview", False, REPO / "mkdocs.yml", REPO), io.StringIO())
    assert preview.build_all().whole_site and (tmp_path / "preview" / "2013" / "index.html").is_file()
    oldest = root / "scores" / "2011" / "qihe-qu.yaml"
    _edit(oldest, _first_unit_line(oldest), "  1.1: {score: 0.5, note: 三年后仍在图上}\n")
    done = preview.refresh({oldest})
    assert not done.whole_site and done.written > 0
    assert _tree(tmp_path / "preview") == _full_build(root, tmp_path / "full")
