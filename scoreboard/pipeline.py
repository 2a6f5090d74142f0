"""From a project folder to everything the site shows: check, score, per-year views.

Called once per build by ``publish.build_site`` (or, for a plain ``mkdocs build`` or
``serve``, by the hooks), so a site is always built from exactly what ``check`` accepted.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tempfile

from .history import History, checkout_data, load_history
from .problems import Problem
from .project import Project, check_project
from .git import Stamp
from .render import Site, YearView
from .score import YearResults, score_year


@dataclass(frozen=True)
class Prepared:
    project: Project
    site: Site
    views: dict[int, YearView]
    history: History | None = None
    released: dict[int, YearResults] | None = None  # each released year's results as of its tag

    @property
    def problems(self) -> list[Problem]:
        return self.project.problems


class CheckFailed(Exception):
    """The data has errors: nothing is built."""

    def __init__(self, project: Project) -> None:
        super().__init__(f"{sum(p.is_error for p in project.problems)} 个错误")
        self.project = project


def prepare(root: Path, site_name: str, drafts: bool = False, stamp: Stamp | None = None,
            repo_url: str | None = None, with_history: bool = True) -> Prepared:
    project = check_project(root)
    if project.has_errors:
        raise CheckFailed(project)
    views = {
        year: YearView.of(score_year(rules, project.sheets.get(year, []), include_drafts=drafts))
        for year, rules in sorted(project.rules.items())
    }
    demo = bool(project.registry and project.registry.demo)
    site = Site(site_name, tuple(views), demo=demo, drafts=drafts, stamp=stamp or Stamp(), repo_url=repo_url)
    history = load_history(root, project, drafts) if with_history else None
    released = {}
    for year, release in (history.releases.items() if history else []):
        results = results_at(root, release.commit, year)
        if results is not None:
            released[year] = results
    return Prepared(project, site, views, history, released)


def results_at(root: Path, commit: str, year: int, drafts: bool = False) -> YearResults | None:
    """One year's results as they were at a commit (None if that data did not check clean)."""
    with tempfile.TemporaryDirectory(prefix="scoreboard-at-") as folder:
        if not checkout_data(root, commit, Path(folder)):
            return None
        project = check_project(Path(folder))
        if project.has_errors or year not in project.rules:
            return None
        return score_year(project.rules[year], project.sheets.get(year, []), include_drafts=drafts)
