"""The audit trail from git: which commit the site was built from, and who changed what.

Git is the system of record; without git (a tarball) everything here degrades to
"no history" and the site still builds.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from .render import Stamp


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:  # git is not installed
        return None
    return done.stdout if done.returncode == 0 else None


def stamp_for(root: Path) -> Stamp:
    """The HEAD commit and its committer date; dirty when the work tree differs from it."""
    head = _git(root, "log", "-1", "--format=%H%x00%cs%x00%ct")
    if not head:
        return Stamp()
    commit, date, epoch = head.strip().split("\0")
    status = _git(root, "status", "--porcelain", "--", ".")
    return Stamp(commit, date, bool(status and status.strip()), epoch)
