"""Real temporary git repositories for the audit tests: commits by different people on given dates."""
from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "测试员", date: str = "2012-01-01T09:00:00+08:00") -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "staff@example.org",
               "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "staff@example.org",
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": "/dev/null",
               "GIT_CONFIG_NOSYSTEM": "1"}
        done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
                              cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def commit(self, message: str, author: str, date: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author, date=date)
        return self.git("rev-parse", "HEAD")

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    @contextmanager
    def edited(self, relative: str, old: str, new: str) -> Iterator[None]:
        """An uncommitted edit for the length of a test, then the file as it was."""
        path = self.root / relative
        original = path.read_text(encoding="utf-8")
        self.edit(relative, old, new)
        try:
            yield
        finally:
            path.write_text(original, encoding="utf-8")
