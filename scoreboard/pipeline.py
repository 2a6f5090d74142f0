"""From a project folder to everything the site shows: check, score, per-year views.

Called once per build by ``publish.build_site`` (or, for a plain ``mkdocs build`` or
``serve``, by the hooks), so a site is always built from exactly what ``check`` accepted.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

import tempfile

from .compare import compare_years
from .history import History, HistoryCache, load_history
from .problems import Problem
from .project import CheckCache, Project, check_project
from .git import Stamp, checkout_data
from .render import Site, YearView
from .rules import Rules
from .score import CountyScore, YearResults, score_sheet, score_year
from .validate import ScoreSheet


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


@dataclass
class Session:
    """What a preview (``build.py serve``) keeps between two saves: the files it has read,
    the committed history, and the last result, whose unchanged years are reused as they are."""

    check: CheckCache = field(default_factory=CheckCache)
    history: HistoryCache = field(default_factory=HistoryCache)
    last: Prepared | None = None
    scored: dict[int, tuple[Rules, ScoreSheet, CountyScore]] = field(default_factory=dict)

    def score(self, rules: Rules, sheet: ScoreSheet) -> CountyScore:
        """A sheet's score, computed once per sheet object: an unchanged file keeps its
        sheet (the check cache), so only the saved file is scored again."""
        kept = self.scored.get(id(sheet))
        if kept is None or kept[0] is not rules or kept[1] is not sheet:
            kept = self.scored[id(sheet)] = (rules, sheet, score_sheet(rules, sheet))
        return kept[2]

    def forget_unused(self, project: Project) -> None:
        """Keep the scores of the sheets still in use (and so their ids unique)."""
        live = {id(sheet) for sheets in project.sheets.values() for sheet in sheets}
        self.scored = {key: value for key, value in self.scored.items() if key in live}


def prepare(root: Path, site_name: str, drafts: bool = False, stamp: Stamp | None = None,
            repo_url: str | None = None, with_history: bool = True, session: Session | None = None,
            project: Project | None = None) -> Prepared:
    """Check, score, compare each year with the one before, read the history. With a
    ``session``, only what changed since the last call is read and scored again; an unchanged
    year keeps its very YearView object, which tells the preview it need not render it. A
    ``project`` already checked (project.recheck after a save) is used as it is."""
    one_shot = session is None
    session = session or Session()
    project = project or check_project(root, cache=session.check)
    if project.has_errors:
        raise CheckFailed(project)
    _keep_to_the_end(one_shot)
    last = session.last if session.last is not None and session.last.site.drafts == drafts else None
    session.forget_unused(project)
    results = {year: _unchanged_results(last, year, rules, project.sheets.get(year, []))
               or score_year(rules, project.sheets.get(year, []), include_drafts=drafts, scorer=session.score)
               for year, rules in sorted(project.rules.items())}
    views = {year: _view(last, year, results, project) for year in results}
    demo = bool(project.registry and project.registry.demo)
    site = Site(site_name, tuple(views), demo=demo, drafts=drafts, stamp=stamp or Stamp(), repo_url=repo_url)
    history = load_history(root, project, drafts, session.history) if with_history else None
    released = {}
    for year, release in (history.releases.items() if history else []):
        kept = last.released.get(year) if last and last.history and last.released else None
        same_tag = kept is not None and last.history.releases.get(year) == release  # type: ignore[union-attr]
        view = kept if same_tag else view_at(root, release.commit, year)
        if view is not None:
            released[year] = view
    session.last = Prepared(project, site, views, history, released)
    _keep_to_the_end(one_shot)
    return session.last


def _keep_to_the_end(one_shot: bool) -> None:
    """A one-shot build keeps what it has read and scored to its end: move it out of the
    cyclic garbage collector's sight, which would otherwise go over it again and again (ten
    national years are tens of millions of objects, a second or more per pass). The forked
    page writers inherit this and no longer touch those objects' pages either. A preview
    (a ``session``) replaces its data at every save and leaves the collector as it is."""
    if one_shot:
        gc.freeze()


def _unchanged_results(last: Prepared | None, year: int, rules: Rules, sheets: list) -> YearResults | None:
    """Last time's results of a year whose rules and every sheet are the very same objects."""
    if last is None or year not in last.views:
        return None
    before = last.project.sheets.get(year, [])
    results = last.views[year].results
    same = results.rules is rules and len(before) == len(sheets) and all(a is b for a, b in zip(before, sheets))
    return results if same else None


def _view(last: Prepared | None, year: int, results: dict[int, YearResults], project: Project) -> YearView:
    """A year's view; last time's when neither this year nor the one before has changed."""
    previous = results.get(year - 1)
    if last is not None and year in last.views and last.views[year].results is results[year] and (
            previous is None or (year - 1 in last.views and last.views[year - 1].results is previous)):
        return last.views[year]
    return YearView.of(results[year], compare_years(results[year], previous, project.registry))


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
