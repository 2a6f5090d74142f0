"""The repository's own rules/ and scores/, looked at only the way `build.py` looks at them.

These files hold real results that change every year, so nothing here pins a value: the
data must pass `build.py check` and build into a site. Everything else in the suite tests
the tool on fixtures and passes whatever the data says (`pytest -m "not data"`).
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import REPO
from scoreboard.cli import main

pytestmark = pytest.mark.data


def test_the_repository_data_passes_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    out = io.StringIO()
    code = main(["--root", str(REPO), "check"], out=out)
    assert code == 0, out.getvalue()


def test_the_repository_data_builds(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main(["--root", str(REPO), "build", "--site-dir", str(tmp_path / "site")], out=out)
    assert code == 0, out.getvalue()
    assert (tmp_path / "site" / "index.html").is_file()
