"""A pull request controls file types: links, FIFOs, devices and odd content files are refused.

Every case is a real file tree: real symlinks (to /proc/self/environ, /etc/passwd, /dev/zero,
a folder outside the project), a real FIFO, a real socket. Nothing may be read through them,
the check names each with its code, and the build refuses before MkDocs sees the folder.
"""
from __future__ import annotations

import io
import os
import socket
import threading
from pathlib import Path

import pytest

from conftest import REPO, ProjectDir
from scoreboard.cli import main
from scoreboard.inputs import YAML_LIMIT, Unreadable, read_input
from sitebuild import build, fixture_project

LINK_MESSAGE = "不是普通文件（是符号链接），不会被读取或发布"
HINT = "只能提交普通文件和文件夹：删除它，把内容直接写进一个普通文件"


def check(root: Path, *paths: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--root", str(root), "check", "--format", "text", *paths], out=out)
    return code, out.getvalue()


def lines_with(output: str, code: str) -> list[str]:
    return [line for line in output.splitlines() if f" {code} " in line]


@pytest.fixture
def sample(project: ProjectDir) -> ProjectDir:
    project.add_county("luyu-xian", "鹭屿县")
    assert check(project.root)[0] == 0
    return project


@pytest.mark.parametrize("relative, target", [
    ("content/e.txt", "/proc/self/environ"),
    ("content/passwd.md", "/etc/passwd"),
    ("scores/2011/zero.yaml", "/dev/zero"),
    ("rules/2012.yaml", "/dev/urandom"),
    ("theme/main.html", "/etc/passwd"),
    ("mkdocs.yml", "/etc/passwd"),
])
def test_a_symlink_to_a_file_outside_is_an_error_with_its_path(sample: ProjectDir, relative: str, target: str) -> None:
    link = sample.root / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)
    code, output = check(sample.root)
    assert code == 1
    assert lines_with(output, "E009") == [f"{relative}:0:0: error E009 {LINK_MESSAGE}"]
    assert f"    提示：{HINT}" in output
    assert "root:" not in output  # nothing of /etc/passwd or the environment reaches the report


def test_a_symlinked_folder_is_reported_and_not_entered(sample: ProjectDir, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("county: 外部\n", encoding="utf-8")
    os.symlink(outside, sample.root / "scores" / "2012")
    os.symlink(outside, sample.root / "content")
    code, output = check(sample.root)
    assert code == 1
    assert lines_with(output, "E009") == [f"content:0:0: error E009 {LINK_MESSAGE}",
                                          f"scores/2012:0:0: error E009 {LINK_MESSAGE}"]
    assert "外部" not in output and "secret" not in output
    assert lines_with(output, "E111") == []  # the linked year folder is not read as a year


def test_a_score_file_linked_to_yaml_outside_prints_none_of_its_values(sample: ProjectDir, tmp_path: Path) -> None:
    secret = tmp_path / "ci-secrets.yaml"
    secret.write_text("county: TOKEN-abc123\nyear: 2011\nstatus: final\nscores:\n  1.1: ghp_secret\n", encoding="utf-8")
    target = sample.root / "scores" / "2011" / "luyu-xian.yaml"
    target.unlink()
    os.symlink(secret, target)
    code, output = check(sample.root, "--format", "github")
    assert code == 1
    assert "TOKEN-abc123" not in output and "ghp_secret" not in output
    assert "::error file=scores/2011/luyu-xian.yaml" in output and "E009" in output


def test_the_whole_scores_folder_as_a_link_is_refused(project: ProjectDir, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (project.root / "scores").rename(elsewhere)
    (project.root / "scores").symlink_to(elsewhere, target_is_directory=True)
    code, output = check(project.root)
    assert code == 1
    assert lines_with(output, "E009") == [f"scores:0:0: error E009 {LINK_MESSAGE}"]
    assert lines_with(output, "E401") == []  # the registry behind the link is not even looked for


def test_a_fifo_does_not_hang_the_check(sample: ProjectDir) -> None:
    os.mkfifo(sample.root / "scores" / "2011" / "pipe.yaml")
    os.mkfifo(sample.root / "rules" / "2013.yaml")
    result: list[tuple[int, str]] = []
    worker = threading.Thread(target=lambda: result.append(check(sample.root)), daemon=True)
    worker.start()
    worker.join(60)
    assert result, "check hung on a FIFO"
    code, output = result[0]
    assert code == 1
    assert lines_with(output, "E009") == [
        "rules/2013.yaml:0:0: error E009 不是普通文件（是命名管道 FIFO），不会被读取或发布",
        "scores/2011/pipe.yaml:0:0: error E009 不是普通文件（是命名管道 FIFO），不会被读取或发布"]


def test_a_socket_is_refused(sample: ProjectDir) -> None:
    path = sample.root / "content" / "s.md"
    path.parent.mkdir()
    # AF_UNIX paths are limited to about 100 bytes: bind from inside the folder.
    here = os.getcwd()
    server = socket.socket(socket.AF_UNIX)
    try:
        os.chdir(path.parent)
        server.bind("s.md")
    finally:
        os.chdir(here)
    try:
        code, output = check(sample.root)
    finally:
        server.close()
    assert code == 1
    assert lines_with(output, "E009") == ["content/s.md:0:0: error E009 不是普通文件（是套接字），不会被读取或发布"]


@pytest.mark.parametrize("name, suffix", [
    ("logo.svg", ".svg"), ("page.html", ".html"), ("x.js", ".js"), ("e.txt", ".txt"), ("README", "无扩展名"),
])
def test_content_publishes_only_pages_images_and_pdf(sample: ProjectDir, name: str, suffix: str) -> None:
    sample.write("content/index.md", "# 首页\n")
    sample.write("content/img/a.PNG", b"\x89PNG\r\n")
    sample.write("content/doc.pdf", b"%PDF-1.4\n")
    sample.write(f"content/{name}", "<script>alert(1)</script>")
    code, output = check(sample.root)
    assert code == 1
    assert lines_with(output, "E010") == [f"content/{name}:0:0: error E010 content/ 中不允许“{suffix}”类型的文件"]
    assert "提示：content/ 只能放页面（.md）、图片（.png .jpg .jpeg .gif .webp）和 PDF；SVG、网页和脚本文件不能发布" in output


def test_an_oversized_score_file_is_not_read(sample: ProjectDir) -> None:
    big = sample.root / "scores" / "2011" / "luyu-xian.yaml"
    with big.open("ab") as handle:
        handle.write(b"#" * YAML_LIMIT)
    size = big.stat().st_size
    code, output = check(sample.root)
    assert code == 1
    assert lines_with(output, "E011") == [
        f"scores/2011/luyu-xian.yaml:0:0: error E011 文件过大（{size:,} 字节，上限 {YAML_LIMIT:,} 字节），不会被读取"]


def test_read_input_refuses_devices_links_and_growth(tmp_path: Path) -> None:
    with pytest.raises(Unreadable) as device:
        read_input(Path("/dev/zero"), "zero.yaml")
    assert (device.value.problem.code, device.value.problem.message) == (
        "E009", "不是普通文件（是设备文件），不会被读取或发布")
    os.symlink("/etc/passwd", tmp_path / "link.yaml")
    with pytest.raises(Unreadable) as link:
        read_input(tmp_path / "link.yaml", "link.yaml")
    assert link.value.problem.code == "E009"
    small = tmp_path / "small.yaml"
    small.write_bytes(b"a" * 11)
    assert read_input(small, "small.yaml", limit=11) == b"a" * 11
    with pytest.raises(Unreadable) as over:
        read_input(small, "small.yaml", limit=10)
    assert over.value.problem.code == "E011"


def test_the_build_refuses_and_leaves_the_old_site(tmp_path: Path) -> None:
    root = fixture_project(tmp_path / "p")
    site = tmp_path / "site"
    assert build(root, site)[0] == 0
    before = (site / "2011" / "index.html").read_bytes()
    os.symlink("/dev/zero", root / "scores" / "2011" / "zero.yaml")
    code, output = build(root, site)
    assert code == 1
    assert f"scores/2011/zero.yaml:0:0: error E009 {LINK_MESSAGE}" in output
    assert "有错误，未构建网站。" in output
    assert (site / "2011" / "index.html").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def _site_config(tmp_path: Path, content: Path) -> Path:
    """mkdocs.yml with a hostile docs_dir and the real theme and hooks (as test_site does)."""
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: {content}\n"
                      f"theme:\n  name: null\n  custom_dir: {REPO / 'theme'}\n  locale: zh\n"
                      f"  static_templates: [404.html]\nhooks: [{REPO / 'scoreboard' / 'hooks.py'}]\n", encoding="utf-8")
    return config


def test_build_site_scans_what_mkdocs_reads_before_it_runs(tmp_path: Path) -> None:
    from scoreboard.inputs import Refused
    from scoreboard.publish import BuildRequest, build_site

    root = fixture_project(tmp_path / "p")
    content = tmp_path / "docs"
    content.mkdir()
    (content / "index.md").write_text("# 首页\n", encoding="utf-8")
    (content / "about.md").write_text("# 关于\n", encoding="utf-8")
    (content / "guide.md").write_text("# 指南\n", encoding="utf-8")
    os.symlink("/proc/self/environ", content / "env.md")
    config = _site_config(tmp_path, content)
    with pytest.raises(Refused) as refused:
        build_site(BuildRequest(root, tmp_path / "site", False, config, REPO))
    assert [(p.path, p.code) for p in refused.value.problems] == [("docs/env.md", "E009")]
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_mkdocs_serve_path_refuses_too(tmp_path: Path) -> None:
    """Without build.py (``mkdocs build`` or ``serve``), the hook's scan stops MkDocs."""
    import subprocess
    import sys

    root = fixture_project(tmp_path / "p")
    content = tmp_path / "docs"
    content.mkdir()
    (content / "index.md").write_text("# 首页\n", encoding="utf-8")
    os.symlink("/etc/passwd", content / "passwd.md")
    config = _site_config(tmp_path, content)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"extra:\n  scoreboard:\n    root: {root}\n")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 1
    report = done.stdout + done.stderr
    assert f"docs/passwd.md:0:0: error E009 {LINK_MESSAGE}" in report
    assert "root:x:0:0" not in report
    assert not (tmp_path / "out" / "passwd.html").exists()


def _tool_copy(target: Path) -> Path:
    """A copy of the tool itself (build.py, scoreboard/, theme/, content/, mkdocs.yml): the
    project folder whose mkdocs.yml and content/ build.py uses, made hostile by the test."""
    import shutil

    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("scoreboard", "theme", "content"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    for name in ("build.py", "mkdocs.yml"):
        shutil.copy(REPO / name, target / name)
    return target


@pytest.mark.parametrize("command", [["build"], ["serve", "--dev-addr", "127.0.0.1:0"]])
@pytest.mark.parametrize("relative, target", [
    ("mkdocs.yml", "/dev/zero"),             # read by MkDocs before any hook: would never end
    ("content/env.md", "/proc/self/environ"),  # the CI job's secrets as a page
    ("theme/assets/x.js", "/etc/passwd"),
])
def test_build_py_refuses_its_own_site_inputs_first(tmp_path: Path, command: list[str], relative: str, target: str) -> None:
    import subprocess
    import sys

    tool = _tool_copy(tmp_path / "tool")
    link = tool / relative
    link.unlink(missing_ok=True)
    os.symlink(target, link)
    root = fixture_project(tmp_path / "p")
    done = subprocess.run([sys.executable, str(tool / "build.py"), "--root", str(root), *command],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{relative}:0:0: error E009 {LINK_MESSAGE}" in done.stdout
    assert done.stdout.endswith("有不能发布的文件，未构建网站。\n")
    assert not (root / "site").exists()
