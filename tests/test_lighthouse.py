"""Lighthouse (from npm) audits the ranking and a scorecard over http, as a phone visitor
(its default, mobile preset), in Debian's Chromium: 100 in accessibility, best practices
and SEO. The site is served from the built folder by Python's own http.server."""
from __future__ import annotations

import functools
import json
import os
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO
from conftest import CHROMIUM

LIGHTHOUSE = REPO / ".tools" / "node_modules" / "lighthouse" / "cli" / "index.js"
SETUP = "安装测试工具：bash .ci/install-test-tools.sh"
CATEGORIES = ("accessibility", "best-practices", "seo")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def served(sample_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(sample_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def lighthouse(url: str, report: Path) -> dict:
    assert LIGHTHOUSE.exists(), f"缺少 lighthouse；{SETUP}"
    done = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(report.read_text(encoding="utf-8"))


def shortfalls(result: dict) -> list[str]:
    """Every audit that costs points, with its category, for a readable failure."""
    found = []
    for name, category in result["categories"].items():
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{name}: {ref['id']} ({audit['title']})")
    return found


@pytest.mark.parametrize("page", ["2011/index.html", "2011/county/qihe-qu.html"])
def test_lighthouse_scores_100(served: str, tmp_path: Path, page: str) -> None:
    result = lighthouse(f"{served}/{page}", tmp_path / "report.json")
    assert not result.get("runtimeError"), result.get("runtimeError")
    assert result["configSettings"]["formFactor"] == "mobile"
    scores = {name: result["categories"][name]["score"] for name in CATEGORIES}
    assert scores == {name: 1 for name in CATEGORIES}, shortfalls(result)
