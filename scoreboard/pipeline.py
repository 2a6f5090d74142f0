"""From a project folder to everything the site shows: check, score, per-year views.

Called once per build by ``publish.build_site`` (or, for a plain ``mkdocs build`` or
``serve``, by the hooks), so a site is always built from exactly what ``check`` accepted.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tempfile

from .compare import compare_all, compare_years
from .history import History, checkout_data, load_history
from .problems import Problem
from .project import Project, check_project
from .git import Stamp
from .render import Site, YearView
from .score import score_year


@dataclass(frozen=True)
class Prepared:
    project: Project
    site: Site
    views: dict[int, YearView]
    history: History | None = None
    released: dict[int, YearView] | None = None  # each released year as of its tag

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
    results = {year: score_year(rules, project.sheets.get(year, []), include_drafts=drafts)
               for year, rules in sorted(project.rules.items())}
    comparisons = compare_all(results, project.registry)
    views = {year: YearView.of(results[year], comparisons.get(year)) for year in results}
    demo = bool(project.registry and project.registry.demo)
    site = Site(site_name, tuple(views), demo=demo, drafts=drafts, stamp=stamp or Stamp(), repo_url=repo_url)
    history = load_history(root, project, drafts) if with_history else None
    released = {}
    for year, release in (history.releases.items() if history else []):
        view = view_at(root, release.commit, year)
        if view is not None:
            released[year] = view
    return Prepared(project, site, views, history, released)


def view_at(root: Path, commit: str, year: int) -> YearView | None:
    """One year as it was at a commit, compared with the year before as it was then (None if
    that data did not check clean). Drafts are never part of an announced result."""
    with tempfile.TemporaryDirectory(prefix="scoreboard-at-") as folder:
        if not checkout_data(root, commit, Path(folder)):
            return None
        project = check_project(Path(folder))
        if project.has_errors or year not in project.rules:
            return None
        results = score_year(project.rules[year], project.sheets.get(year, []))
        previous = (score_year(project.rules[year - 1], project.sheets.get(year - 1, []))
                    if year - 1 in project.rules else None)
        return YearView.of(results, compare_years(results, previous, project.registry))
