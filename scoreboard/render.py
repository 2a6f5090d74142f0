"""Stage 4, render: computed results into HTML pages with the theme's Jinja templates.

Engine-agnostic: it takes a Jinja environment (MkDocs' theme environment in a real build,
a plain one in tests) and yields ``(path, text)`` pairs; writing them is the caller's job.
Templates read only computed values (results, standings), never the raw score files.
Every page links relative to itself, so the site works from ``file://``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

import jinja2

from .git import Stamp
from .exports import results_csv, results_json, results_xlsx, rules_json
from .schema import schema_text
from .rules import Department, Rules
from .score import YearResults
from .values import fmt

# Each year's sections: (page name, title). The year's ranking is its index page.
SECTIONS = (
    ("index", "总排名"),
    ("categories", "分类排名"),
    ("criteria", "考核细则"),
    ("departments", "考核部门"),
    ("matrix", "单项对比"),
    ("downloads", "数据下载"),
    ("changes", "变更记录"),
    ("corrections", "更正"),
)
CHART_WIDTH = Decimal(420)


@dataclass(frozen=True)
class Site:
    """What every page's frame needs to know."""

    name: str
    years: tuple[int, ...]
    demo: bool = False
    drafts: bool = False
    stamp: Stamp = field(default_factory=Stamp)
    repo_url: str | None = None

    @property
    def latest(self) -> int | None:
        return self.years[-1] if self.years else None

    def commit_url(self, commit: str) -> str | None:
        return f"{self.repo_url.rstrip('/')}/commit/{commit}" if self.repo_url else None


def relative_root(path: str) -> str:
    """From a page at ``path`` back to the site root: "." or "..", "../..", ..."""
    depth = path.count("/")
    return "/".join([".."] * depth) if depth else "."


def share(points: Decimal | None, maximum: Decimal) -> int:
    """Share of the maximum in whole percent, for shading and bar lengths."""
    if points is None or not maximum:
        return 0
    return int((points * 100 / maximum).to_integral_value())


def bar(points: Decimal | None, maximum: Decimal, offset: int = 0) -> str:
    """A length (or, with ``offset``, a position) in the chart's coordinates, exact to 0.1."""
    if points is None or not maximum:
        return str(offset)
    return fmt((offset + points * CHART_WIDTH / maximum).quantize(Decimal("0.1")))


def configure(env: jinja2.Environment) -> jinja2.Environment:
    """Filters and globals the templates rely on; autoescape on, since notes are untrusted."""
    env.autoescape = True
    env.filters["pts"] = lambda d: "—" if d is None else fmt(d)
    env.filters["share"] = share
    env.globals["bar"] = bar
    env.globals["chart_width"] = CHART_WIDTH
    env.globals["sections"] = SECTIONS
    return env


@dataclass(frozen=True)
class YearView:
    """One year's results with what several pages share, computed once."""

    results: YearResults
    category_averages: dict[str, Decimal | None]
    item_averages: dict[str, Decimal | None]
    average_total: Decimal | None

    @classmethod
    def of(cls, results: YearResults) -> "YearView":
        rules = results.rules
        return cls(
            results,
            {c.id: results.average(lambda s, cid=c.id: s.category(cid).points) for c in rules.categories},
            {i: results.average(lambda s, iid=i: _item_points(s, iid)) for i in rules.items},
            results.average(lambda s: s.total),
        )

    @property
    def rules(self) -> Rules:
        return self.results.rules

    @property
    def year(self) -> int:
        return self.results.year


def _item_points(score, item_id: str) -> Decimal:
    return score.item_results[item_id].points


class Renderer:
    def __init__(self, env: jinja2.Environment, site: Site) -> None:
        self.env = configure(env)
        self.site = site
        self._templates: dict[str, jinja2.Template] = {}

    def render(self, template: str, path: str, **context: Any) -> str:
        if template not in self._templates:
            self._templates[template] = self.env.get_template(template)
        return self._templates[template].render(base_url=relative_root(path), site=self.site, page_path=path, **context)

    def render_task(self, view: YearView, history: Any, task: "Task") -> tuple[str, str | bytes]:
        """One page or download. Tasks are small values, so a worker process can take them."""
        year, kind, key = task
        path = task_path(task)
        common = {"view": view, "rules": view.rules, "year": year, "history": history}
        if kind == "section":
            template = "ranking.html" if key == "index" else f"{key}.html"
            return path, self.render(template, path, section=key, **common)
        if kind == "county":
            standing = view.results.by_slug()[key]
            return path, self.render("county.html", path, section="county", standing=standing, **common)
        if kind == "department":
            department = next(d for d in view.rules.departments if d.slug == key)
            items = view.rules.items_of_department(department.name)
            rows = [(s, [s.score.item_results[i.id] for i in items]) for s in view.results.standings]
            return path, self.render("department.html", path, section="departments", department=department,
                                     items=items, rows=rows, **common)
        if key == "results.json":
            return path, results_json(view.results)
        if key == "results.csv":
            return path, results_csv(view.results)
        if key == "results.xlsx":  # bytes, dated by the commit: the same bytes every build
            return path, results_xlsx(view.results, self.site.stamp.epoch)
        if key == "schema.json":
            return path, schema_text(view.rules)
        return path, rules_json(view.rules)

    def release_downloads(self, results: YearResults) -> Iterator[tuple[str, str]]:
        """The results as officially announced, kept downloadable after corrections."""
        json_path, csv_path = release_paths(results.year)
        yield json_path, results_json(results)
        yield csv_path, results_csv(results)


Task = tuple[int, str, str]  # (year, kind, key): kind is section, county, department or download


def tasks(view: YearView) -> list[Task]:
    """Every page and download of one year, the big aggregate pages first (they take longest)."""
    year = view.year
    return ([(year, "section", name) for name, _ in SECTIONS]
            + [(year, "department", d.slug) for d in view.rules.departments]
            + [(year, "download", name) for name in ("results.json", "results.csv", "results.xlsx", "rules.json", "schema.json")]
            + [(year, "county", s.score.slug) for s in view.results.standings])


def task_path(task: Task) -> str:
    year, kind, key = task
    if kind == "section":
        return f"{year}/{key}.html"
    if kind == "county":
        return county_path(year, key)
    if kind == "department":
        return f"{year}/department/{key}.html"
    if key == "schema.json":  # beside the others, as the score files' modeline names it
        return f"schema/{year}.json"
    return f"{year}/{key}"


def release_paths(year: int) -> tuple[str, str]:
    return f"{year}/published/results.json", f"{year}/published/results.csv"


def county_path(year: int, slug: str) -> str:
    return f"{year}/county/{slug}.html"


def department_path(year: int, department: Department) -> str:
    return f"{year}/department/{department.slug}.html"


def page_paths(views: dict[int, YearView]) -> list[str]:
    """Every generated path, known before rendering (so the site engine can resolve links)."""
    return [task_path(t) for view in views.values() for t in tasks(view)]
