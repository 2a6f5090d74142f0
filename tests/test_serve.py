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
