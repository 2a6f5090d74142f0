"""Stage 4, render: computed results into HTML pages with the theme's Jinja templates.

Engine-agnostic: it takes a Jinja environment (MkDocs' theme environment in a real build,
a plain one in tests) and yields ``(path, text)`` pairs; writing them is the caller's job.
Templates read only computed values (results, standings), never the raw score files.
Every page links relative to itself, so the site works from ``file://``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator, NamedTuple

import jinja2
from markupsafe import Markup, escape

from . import urls
from .git import Stamp
from .exports import results_csv, results_json, results_xlsx, rules_json
from .schema import schema_text
from .rules import Rules
from .compare import YearComparison
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


# The scorecard's bar chart, in SVG user units: a row per category, labels left of the bars,
# values right of them, the legend below.
CHART_ROW_HEIGHT = 34
CHART_TOP = 6
CHART_BAR_X = 110
CHART_GAP = 4


@dataclass(frozen=True)
class ChartRow:
    y: int
    label: str
    width: str  # the bar's length
    average_x: str | None  # where the mark of the average goes; None when nobody is ranked
    value: str  # "24.5/25"


@dataclass(frozen=True)
class Chart:
    """Everything the template draws, computed here so the template holds no arithmetic."""

    rows: tuple[ChartRow, ...]
    height: int
    legend_y: int
    bar_x: int = CHART_BAR_X
    full_width: Decimal = CHART_WIDTH
    value_x: Decimal = CHART_BAR_X + CHART_GAP + CHART_WIDTH


def category_chart(score: Any, view: "YearView") -> Chart:
    """A county's categories against their maximum and the average of all counties shown."""
    rows = []
    for index, result in enumerate(score.categories):
        category = result.category
        average = view.category_averages[category.id]
        rows.append(ChartRow(
            index * CHART_ROW_HEIGHT + CHART_TOP, category.name, bar(result.points, category.max),
            None if average is None else bar(average, category.max, CHART_BAR_X),
            f"{fmt(result.points)}/{fmt(category.max)}"))
    count = len(rows)
    return Chart(tuple(rows), count * CHART_ROW_HEIGHT + 30, count * CHART_ROW_HEIGHT + 12)


class ScorecardRows:
    """The rows of a scorecard's unit tables, as HTML made in Python: a card has fifty rows
    and a national site thousands of cards, so what every county shares (the links, the
    criterion text, the maxima) is escaped once per year and each card adds only its cells."""

    def __init__(self, rules: Rules, year: int, base_url: str) -> None:
        self.shared: dict[str, str] = {}  # unit or item id → its <th> and criterion cells
        for item in rules.items.values():
            link = f'<a href="{base_url}/{escape(urls.criteria_item(year, item.id))}">'
            if item.parts:
                self.shared[f"item {item.id}"] = (
                    f'<th scope="rowgroup">{link}{escape(item.id)}</a></th>'
                    f"<td>第{escape(item.id)}条（{len(item.parts)}个分项）</td>")
            for unit in item.units:
                self.shared[unit.id] = (f'<th scope="row">{link}{escape(unit.id)}</a></th>'
                                        f"<td>{escape(unit.text)}</td>")

    def category(self, result: Any, blame: dict | None, site: "Site") -> Markup:
        """The body rows of one category's table; ``blame`` is None without history."""
        rows = []
        extra = "" if blame is None else "<td></td>"
        for item in result.items:
            if item.item.parts:
                rows.append(f'\n<tr class="group">{self.shared["item " + item.item.id]}<td>{fmt(item.points)}</td>'
                            f"<td>{fmt(item.item.max)}</td><td></td>{extra}</tr>")
            for unit in item.units:
                rows.append(self._unit_row(unit, blame, site))
        return Markup("".join(rows))

    def _unit_row(self, unit: Any, blame: dict | None, site: "Site") -> str:
        kind = ' class="pending"' if unit.points is None else ' class="lost"' if unit.lost else ""
        points = "待评" if unit.points is None else fmt(unit.points)
        note = f"{escape(lost_label(unit))}{escape(unit.note)}"
        last = "" if blame is None else f"<td>{_blame_cell(blame.get(unit.unit.id), site)}</td>"
        return (f'\n<tr id="{escape(urls.unit_anchor(unit.unit.id))}"{kind}>{self.shared[unit.unit.id]}'
                f"<td>{points}</td><td>{fmt(unit.unit.max)}</td><td>{note}</td>{last}</tr>")


def matrix_rows(view: "YearView", base_url: str) -> Markup:
    """The county × item matrix's body: 2,900 rows of 35 cells at national scale, made here
    rather than cell by cell through the template engine."""
    rows = []
    for standing in view.results.standings:
        score = standing.score
        cells = "".join(f'<td class="s{share(i.points, i.item.max) // 10}">{fmt(i.points)}</td>'
                        for c in score.categories for i in c.items)
        rows.append(f'\n  <tr><th scope="row"><a href="{base_url}/{escape(urls.county(view.year, score.slug))}">'
                    f'{escape(score.name)}</a></th>{cells}\n  <td class="total">{fmt(score.total)}</td></tr>')
    return Markup("".join(rows))


def _blame_cell(commit: Any, site: "Site") -> str:
    if not commit:
        return ""
    link = site.commit_url(commit.hash) if commit.hash else None
    short = escape(commit.short)
    shown = f'<a href="{escape(link)}">{short}</a>' if link else short
    return f"{shown} {escape(commit.date)} {escape(commit.author)}"


def lost_label(unit: Any) -> str:
    """What a scorecard says before a unit's note: "扣 0.5 分：" for a deduction on a base unit."""
    if not unit.lost:
        return ""
    return f"扣 {fmt(unit.lost)} 分" + ("：" if unit.note else "")


def configure(env: jinja2.Environment) -> jinja2.Environment:
    """Filters and globals the templates rely on; autoescape on, since notes are untrusted."""
    env.autoescape = True
    env.filters["pts"] = lambda d: "—" if d is None else fmt(d)
    env.filters["share"] = share
    env.filters["lost_label"] = lost_label
    env.globals["sections"] = SECTIONS
    env.globals["section_names"] = tuple(name for name, _ in SECTIONS)
    env.globals["url"] = urls
    return env


@dataclass(frozen=True)
class YearView:
    """One year's results with what several pages share, computed once."""

    results: YearResults
    category_averages: dict[str, Decimal | None]
    item_averages: dict[str, Decimal | None]
    average_total: Decimal | None
    comparison: YearComparison | None = None  # against the year before, when there is one

    @classmethod
    def of(cls, results: YearResults, comparison: YearComparison | None = None) -> "YearView":
        rules = results.rules
        return cls(
            results,
            {c.id: results.average(lambda s, cid=c.id: s.category(cid).points) for c in rules.categories},
            {i: results.average(lambda s, iid=i: _item_points(s, iid)) for i in rules.items},
            results.average(lambda s: s.total),
            comparison,
        )

    @property
    def rules(self) -> Rules:
        return self.results.rules

    @property
    def year(self) -> int:
        return self.results.year


def _item_points(score, item_id: str) -> Decimal:
    return score.item_results[item_id].points


@dataclass(frozen=True)
class DepartmentRow:
    """A county's results on the items one department assesses, and their sum."""

    standing: Any
    items: tuple[Any, ...]
    total: Decimal

    @classmethod
    def of(cls, standing: Any, items: tuple[Any, ...]) -> "DepartmentRow":
        results = tuple(standing.score.item_results[i.id] for i in items)
        return cls(standing, results, sum((r.points for r in results), Decimal(0)))


class Renderer:
    def __init__(self, env: jinja2.Environment, site: Site) -> None:
        self.env = configure(env)
        self.site = site
        self._templates: dict[str, jinja2.Template] = {}
        self._scorecard_rows: dict[int, ScorecardRows] = {}

    def _rows(self, view: YearView) -> ScorecardRows:
        """One per year, made at its first scorecard."""
        if view.year not in self._scorecard_rows:
            self._scorecard_rows[view.year] = ScorecardRows(view.rules, view.year,
                                                            relative_root(urls.county(view.year, "x")))
        return self._scorecard_rows[view.year]

    def render(self, template: str, path: str, **context: Any) -> str:
        if template not in self._templates:
            self._templates[template] = self.env.get_template(template)
        return self._templates[template].render(base_url=relative_root(path), site=self.site, page_path=path, **context)

    def render_task(self, view: YearView, history: Any, task: "Task") -> tuple[str, str | bytes]:
        """One page or download. Tasks are small values, so a worker process can take them."""
        year, kind, key = task
        path = task_path(task)
        if kind == DOWNLOAD:
            return path, self.download(view, key)
        common = {"view": view, "rules": view.rules, "year": year, "history": history}
        if kind == SECTION:
            template = "ranking.html" if key == "index" else f"{key}.html"
            if key == "matrix":
                common["matrix_rows"] = matrix_rows(view, relative_root(path))
            return path, self.render(template, path, section=key, **common)
        if kind == COUNTY:
            standing = view.results.by_slug()[key]
            return path, self.render("county.html", path, section="county", standing=standing,
                                     chart=category_chart(standing.score, view), rows=self._rows(view), **common)
        if kind == DEPARTMENT:
            department = next(d for d in view.rules.departments if d.slug == key)
            items = view.rules.items_of_department(department.name)
            rows = [DepartmentRow.of(s, items) for s in view.results.standings]
            return path, self.render("department.html", path, section="departments", department=department,
                                     items=items, items_max=sum((i.max for i in items), Decimal(0)), rows=rows,
                                     **common)
        raise ValueError(f"unknown render task {task!r}")

    def download(self, view: YearView, name: str) -> str | bytes:
        if name == "results.json":
            return results_json(view.results, view.comparison)
        if name == "results.csv":
            return results_csv(view.results, view.comparison)
        if name == "results.xlsx":  # bytes, dated by the commit: the same bytes every build
            return results_xlsx(view.results, self.site.stamp.epoch, view.comparison)
        if name == "schema.json":
            return schema_text(view.rules)
        if name == "rules.json":
            return rules_json(view.rules)
        raise ValueError(f"unknown download {name!r}")

    def release_downloads(self, view: YearView) -> Iterator[tuple[str, str]]:
        """The results as officially announced, kept downloadable after corrections."""
        json_path, csv_path = release_paths(view.year)
        yield json_path, results_json(view.results, view.comparison)
        yield csv_path, results_csv(view.results, view.comparison)


SECTION, COUNTY, DEPARTMENT, DOWNLOAD = "section", "county", "department", "download"
DOWNLOADS = ("results.json", "results.csv", "results.xlsx", "rules.json", "schema.json")


class Task(NamedTuple):
    """One page or download of one year: a small value a worker process can take."""

    year: int
    kind: str  # SECTION, COUNTY, DEPARTMENT or DOWNLOAD
    key: str  # the section's name, the county's slug, the department's slug, the file's name


def tasks(view: YearView) -> list[Task]:
    """Every page and download of one year, the big aggregate pages first (they take longest)."""
    year = view.year
    return ([Task(year, SECTION, name) for name, _ in SECTIONS]
            + [Task(year, DEPARTMENT, d.slug) for d in view.rules.departments]
            + [Task(year, DOWNLOAD, name) for name in DOWNLOADS]
            + [Task(year, COUNTY, s.score.slug) for s in view.results.standings])


def task_path(task: Task) -> str:
    year, kind, key = task
    if kind == SECTION:
        return urls.section(year, key)
    if kind == COUNTY:
        return urls.county(year, key)
    if kind == DEPARTMENT:
        return urls.department(year, key)
    return urls.download(year, key)


def release_paths(year: int) -> tuple[str, str]:
    return urls.released(year, "results.json"), urls.released(year, "results.csv")


def page_paths(views: dict[int, YearView]) -> list[str]:
    """Every generated path, known before rendering (so the site engine can resolve links)."""
    return [task_path(t) for view in views.values() for t in tasks(view)]
