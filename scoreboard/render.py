"""Stage 4, render: computed results into HTML pages with the theme's Jinja templates.

Engine-agnostic: it takes a Jinja environment (MkDocs' theme environment in a real build,
a plain one in tests) and yields ``(path, text)`` pairs; writing them is the caller's job.
Templates read only computed values (results, standings), never the raw score files.
Every page links relative to itself, so the site works from ``file://``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, Iterable, Iterator, NamedTuple

import jinja2
from markupsafe import Markup, escape

from . import urls
from .git import Stamp
from .exports import results_csv, results_json, results_xlsx, rules_json
from .schema import schema_text
from .rules import Rules
from .compare import Change, CountyComparison, Timelines, TimelinePoint, YearComparison, signed
from .score import UnitResult, YearResults
from .values import fmt

# Each year's sections: (page name, title). The year's ranking is its index page.
SECTIONS = (
    ("index", "总排名"),
    ("categories", "分类排名"),
    ("improved", "进步榜"),  # shown in a year's menu only when it compares with the year before
    ("criteria", "考核细则"),
    ("departments", "考核部门"),
    ("matrix", "单项对比"),
    ("downloads", "数据下载"),
    ("changes", "变更记录"),
    ("corrections", "更正"),
)
SECTION_NAMES = tuple(name for name, _ in SECTIONS)
# The templates of the data pages: a section's is named after it, the ranking's excepted.
DATA_TEMPLATES = ("ranking.html", *(f"{name}.html" for name, _ in SECTIONS[1:]), "county.html", "timeline.html",
                  "department.html", "search.html")
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

    def compares(self, year: int | None) -> bool:
        """Whether ``year`` has the year before it to compare with (its 进步榜 is in the menu)."""
        return year is not None and year - 1 in self.years


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

    @property
    def rows_svg(self) -> Markup:
        """The rows as SVG groups, each on its own line: 29,000 charts are too many to draw
        value by value through the template engine."""
        start, end = f'<rect x="{self.bar_x}" y="4" width="', f'<text x="{self.value_x}" y="17">'
        return Markup("".join(
            f'\n<g transform="translate(0 {row.y})"><text y="17">{escape(row.label)}</text>'
            f'{start}{self.full_width}" height="18" class="max"/>{start}{escape(row.width)}" height="18" class="got"/>'
            + ("" if row.average_x is None else f'<path d="M{escape(row.average_x)} 0v26" class="avg"/>')
            + f"{end}{escape(row.value)}</text></g>" for row in self.rows))


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


_COMPARED_HEADS = '<th scope="col">上年</th><th scope="col">变化</th>'
_HISTORY_HEAD = '<th scope="col">最后修改</th>'


PLAIN_ROWS_KEPT = 2000  # rows kept per year: the common ones come first, and memory stays bounded


class ScorecardRows:
    """The rows of a scorecard's unit tables, as HTML made in Python: a card has fifty rows
    and a national site thousands of cards, so what every county shares (the links, the
    criterion text, the maxima) is escaped once per year and each card adds only its cells.
    A card compared with last year has two more cells a row, after 满分: 上年 and 变化."""

    def __init__(self, rules: Rules, year: int, base_url: str) -> None:
        self.changes: dict[Any, str] = {}  # a Change (last year's points, the change) → its two cells
        self._last_card: tuple[Any, dict] = (None, {})
        self.pairs: dict[tuple[Decimal, Decimal], str] = {}  # (last year's points, this year's) → cells
        # Rows without a note, kept by what makes them: (unit id, points, last year's points
        # (None on a card not compared), the id of the commit in 最后修改) → (row, commit).
        self.plain_rows: dict[tuple, tuple[str, Any]] = {}
        self.compared_rows: dict[tuple, tuple[str, Any]] = {}
        self.shared: dict[str, str] = {}  # unit or item id → its <th> and criterion cells
        self.opening: dict[str, str] = {}  # unit id → the start of its row's <tr>
        self.maximum: dict[str, str] = {}  # unit id → its 满分 cell
        self.labels: dict[tuple[Decimal, bool], str] = {}  # (points lost, noted) → "扣 0.5 分："
        self._heads: dict[str, str] = {}  # category id → its section's opening, to the score
        self._table_heads: dict[tuple, str] = {}  # (category id, year compared with, history) → table head
        for item in rules.items.values():
            link = f'<a href="{base_url}/{escape(urls.criteria_item(year, item.id))}">'
            if item.parts:
                self.shared[f"item {item.id}"] = (
                    f'<th scope="rowgroup">{link}{escape(item.id)}</a></th>'
                    f"<td>第{escape(item.id)}条（{len(item.parts)}个分项）</td>")
            for unit in item.units:
                self.shared[unit.id] = (f'<th scope="row">{link}{escape(unit.id)}</a></th>'
                                        f"<td>{escape(unit.text)}</td>")
                self.opening[unit.id] = f'\n<tr id="{escape(urls.unit_anchor(unit.id))}"'
                self.maximum[unit.id] = f"<td>{fmt(unit.max)}</td>"

    def sections(self, standing: Any, view: "YearView", changes: "CardChanges | None", compared: Any,
                 blame: dict | None, site: "Site", history: Any) -> Markup:
        """Every category of a card: heading, last year's line, and the table of its units.
        ``blame`` is used only with a ``history`` (the 最后修改 column)."""
        history = bool(history)
        parts = []
        ranks, averages = standing.category_ranks, view.category_averages
        for result in standing.score.categories:
            category = result.category
            head = self._heads.get(category.id) or self._head(category)
            was = f'\n<p class="was">{escape(changes.categories[category.id])}</p>' if compared else ""
            parts.append(
                f'{head}{fmt(result.points)}<span class="of">／{fmt(category.max)}</span></span> '
                f'<span class="rank">类别第 {ranks[category.id]} 名 · 平均 {_points_or_dash(averages[category.id])}</span></h2>'
                f"{was}\n{self._table_head(category, changes.previous_year if compared else None, history)}"
                f"{self.category(result, standing.score, blame if history else None, site, compared)}"
                "\n</tbody>\n</table>\n</div>\n</section>")
        return Markup("".join(parts))

    def _head(self, category: Any) -> str:
        cid = escape(category.id)
        head = self._heads[category.id] = (
            f'\n<section id="{cid}" class="category" aria-labelledby="h-{cid}">\n<h2 id="h-{cid}">'
            f'{escape(category.numeral)}、{escape(category.name)} <span class="score">')
        return head

    def _table_head(self, category: Any, previous_year: int | None, history: bool) -> str:
        """From the table's frame to its <tbody>: the same on every card of a year."""
        key = (category.id, previous_year, history)
        found = self._table_heads.get(key)
        if found is None:
            compared = previous_year is not None
            found = self._table_heads[key] = (
                '<div class="table-scroll" tabindex="0">\n'
                f'<table class="units{" compared" if compared else ""}">\n'
                f'<caption class="visually-hidden">{escape(category.name)}各评分项得分'
                f'{f"及与{previous_year}年度的比较" if compared else ""}</caption>\n'
                '<thead><tr><th scope="col">条目</th><th scope="col">考核内容</th><th scope="col">得分</th>'
                '<th scope="col">满分</th>' + (_COMPARED_HEADS if compared else "") + '<th scope="col">扣分说明</th>'
                + (_HISTORY_HEAD if history else "") + "</tr></thead>\n<tbody>")
        return found

    def category(self, result: Any, score: Any, blame: dict | None, site: "Site",
                 compared: CountyComparison | None = None) -> Markup:
        """The body rows of one category's table (``result``, of the county's ``score``);
        ``blame`` is None without history;
        ``compared`` a county with a result last year (None: no 上年 columns)."""
        rows = []
        extra = "" if blame is None else "<td></td>"
        linked = earlier = None
        kept = self.plain_rows
        if compared is not None:  # as compare.CountyComparison.units, without keeping it
            linked, earlier, kept = compared.links.units, self._earlier(compared), self.compared_rows
        for item in result.items:
            if item.item.parts:
                before = "" if compared is None else self._change_cells(
                    compared.item(item.item.id), item.item.id in compared.links.items)
                rows.append(f'\n<tr class="group">{self.shared["item " + item.item.id]}<td>{fmt(item.points)}</td>'
                            f"<td>{fmt(item.item.max)}</td>{before}<td></td>{extra}</tr>")
            for unit, points, note in score.unit_scores(item.item):
                old_id = old = None
                if linked is not None:
                    old_id = linked.get(unit.id)
                    old = None if old_id is None else earlier.get(old_id)  # type: ignore[union-attr]
                if note:
                    rows.append(self._unit_row(UnitResult(unit, points, note), blame, site,
                                               self._before(linked, old_id, old, points)))
                    continue
                # Most rows (full marks, no note) are the same on many cards: made once a year.
                # Whether a unit compares with one of last year is the same on every card of
                # a year; a commit is kept with its row, so that its id names it.
                commit = None if blame is None else blame.get(unit.id)
                key = (unit.id, points, old, id(commit))
                found = kept.get(key)
                if found is None:
                    row = self._unit_row(UnitResult(unit, points, note), blame, site,
                                         self._before(linked, old_id, old, points))
                    if len(kept) < PLAIN_ROWS_KEPT:
                        kept[key] = (row, commit)
                else:
                    row = found[0]
                rows.append(row)
        return Markup("".join(rows))

    def _before(self, linked: dict | None, old_id: str | None, old: Decimal | None, points: Decimal | None) -> str:
        """A unit row's 上年 and 变化 cells: none on a card not compared (``linked`` None)."""
        if linked is None:
            return ""
        if old is None or points is None:
            return self._change_cells(None, old_id is not None)
        return self.pairs.get((old, points)) or self._pair_cells(old, points)  # a year has few pairs

    def _earlier(self, compared: CountyComparison) -> dict:
        """Last year's points of the county's units, once per card (its categories ask in turn)."""
        if self._last_card[0] is not compared:
            self._last_card = (compared, compared.previous.score.unit_points())  # type: ignore[union-attr]
        return self._last_card[1]

    def _unit_row(self, unit: Any, blame: dict | None, site: "Site", before: str = "") -> str:
        """One unit's row; ``before`` its 上年 and 变化 cells (empty: not compared)."""
        unit_id, note = unit.unit.id, unit.note
        lost = unit.lost
        if unit.points is None:
            kind, points, label = ' class="pending"', "待评", ""
        else:
            kind, points = ' class="lost"' if lost else "", fmt(unit.points)
            label = "" if not lost else self.labels.get((lost, bool(note))) or self._label(unit)
        last = "" if blame is None else f"<td>{_blame_cell(blame.get(unit_id), site)}</td>"
        return (f"{self.opening[unit_id]}{kind}>{self.shared[unit_id]}<td>{points}</td>{self.maximum[unit_id]}"
                f"{before}<td>{label}{escape(note) if note else ''}</td>{last}</tr>")

    def _label(self, unit: Any) -> str:
        label = self.labels[(unit.lost, bool(unit.note))] = escape(lost_label(unit))
        return label

    def _pair_cells(self, old: Decimal, new: Decimal) -> str:
        cells = self.pairs[(old, new)] = self._change_cells(Change(old, new - old), True)
        return cells

    def _change_cells(self, change: Any, linked: bool) -> str:
        """上年 and 变化 of one unit or item: "—" and 不可比 where it does not compare with
        anything last year, "—" twice where either year has not scored it (a draft). A year
        has few distinct pairs of values: each is written once."""
        if change is None:
            return '<td>—</td><td class="na">不可比</td>' if not linked else "<td>—</td><td>—</td>"
        cells = self.changes.get(change)
        if cells is None:
            delta = points_delta(change.change)
            cells = self.changes[change] = f"<td>{fmt(change.previous)}</td><td{delta.attr}>{delta.text}</td>"
        return cells


# --- year against year: how a change is shown -----------------------------------------------

class Delta(NamedTuple):
    """A change (or last year's value) as a page writes it: the text, with an arrow or a
    sign so that colour is never the only signal; the number a sortable table sorts by ("":
    none, sorted last); the class that colours it ("up", "down", "same", "new" or "")."""

    text: str
    sort: str
    kind: str

    @property
    def attr(self) -> str:
        """The cell's class attribute for a unit row made in Python (escaping not needed:
        the kinds are ours)."""
        return f' class="{self.kind}"' if self.kind else ""


NO_VALUE = Delta("—", "", "")


@lru_cache(maxsize=4096, typed=True)  # rankings write the same few hundred changes over and over
def rank_delta(change: int | None) -> Delta:
    """↑3 (up three places), ↓1, =, 新 (no result the year before): as compare.rank_change_label."""
    if change is None:
        return Delta("新", "", "new")
    if change > 0:
        return Delta(f"↑{change}", str(change), "up")
    if change < 0:
        return Delta(f"↓{-change}", str(change), "down")
    return Delta("=", "0", "same")


@lru_cache(maxsize=4096, typed=True)  # rankings write the same few hundred changes over and over
def points_delta(change: Decimal | None) -> Delta:
    """+1.5, −2 (a true minus), 0; "—" for none."""
    if change is None:
        return NO_VALUE
    kind = "up" if change > 0 else "down" if change < 0 else "same"
    return Delta(signed(change), fmt(change), kind)


@lru_cache(maxsize=4096, typed=True)  # rankings write the same few hundred changes over and over
def value(number: Decimal | int | None) -> Delta:
    """Last year's rank or points: sorted by its number, "—" (sorted last) when none."""
    if number is None:
        return NO_VALUE
    text = fmt(number) if isinstance(number, Decimal) else str(number)
    return Delta(text, text, "")


class RowChange(NamedTuple):
    """One county's row against last year, in a ranking (the total) or a category ranking."""

    rank: Delta  # 名次变化
    previous_rank: Delta
    previous_points: Delta
    points: Delta  # 总分变化 (得分变化)


NEW_ROW = RowChange(rank_delta(None), NO_VALUE, NO_VALUE, NO_VALUE)


def total_change(county: CountyComparison) -> RowChange:
    return RowChange(rank_delta(county.rank_change), value(county.previous_rank),
                     value(county.previous_total), points_delta(county.total_change))


def category_change(county: CountyComparison, category_id: str) -> RowChange:
    change = county.category(category_id)
    if change is None:
        return NEW_ROW
    return RowChange(rank_delta(change.rank_change), value(change.previous_rank), value(change.previous),
                     points_delta(change.change))


@dataclass(frozen=True)
class CardChanges:
    """What a scorecard says against last year: None on a card of a year with no year before.
    The lines are made here (a card has a few, a national site 29,000 cards)."""

    previous_year: int
    new: bool  # no result last year: the card says so, and shows no 上年 columns
    total: Markup  # under the total: 上年 104 · +9
    rank: Markup  # under the rank: 上年第 3 名 · ↑2
    categories: dict[str, Markup]  # under each category's heading
    county: CountyComparison


@lru_cache(maxsize=8192)
def _points_span(change: Decimal) -> str:
    """A change of points as a scorecard writes it; a year has few distinct ones."""
    delta = points_delta(change)
    return f'<span class="{delta.kind}">{delta.text}</span>'


@lru_cache(maxsize=8192)
def _rank_span(change: int | None) -> str:
    delta = rank_delta(change)
    return f'<span class="{delta.kind}">{delta.text}</span>'


def card_changes(view: "YearView", slug: str) -> CardChanges | None:
    if not view.compared:
        return None
    comparison = view.comparison
    county = comparison.of(slug)  # type: ignore[union-attr]
    before = comparison.previous_year  # type: ignore[union-attr]
    if county.previous is None:
        return CardChanges(before, True, Markup(""), Markup(""), {}, county)  # type: ignore[arg-type]
    linked = comparison.links.categories  # type: ignore[union-attr]
    categories = {}
    for category in view.rules.categories:
        change = county.category(category.id) if category.id in linked else None
        if change is None:
            categories[category.id] = Markup(f"本类别与{before}年度的类别不可比，不显示上年得分。")
        else:
            categories[category.id] = Markup(
                f"与{before}年度比较：上年 {fmt(change.previous)} 分，{_points_span(change.change)}；"
                f"上年类别第 {change.previous_rank} 名，{_rank_span(change.rank_change)}")
    return CardChanges(before, False,  # type: ignore[arg-type]
                       Markup(f"上年 {fmt(county.previous_total)} · {_points_span(county.total_change)}"),  # type: ignore[arg-type]
                       Markup(f"上年第 {county.previous_rank} 名 · {_rank_span(county.rank_change)}"), categories, county)


class ImprovedRow(NamedTuple):
    place: int  # shared by equal changes
    slug: str
    name: str
    points: str  # this year's total (or the category's subtotal)
    previous: str
    change: Delta
    rank: int
    previous_rank: int
    rank_change: Delta


IMPROVED_LIMIT = 10


def improved(view: "YearView", category_id: str | None = None, limit: int = IMPROVED_LIMIT) -> list[ImprovedRow]:
    """The 进步榜: ``compare.most_improved``'s first ``limit`` places (more on a tie), with
    a place shared by counties whose points changed alike."""
    if not view.compared:
        return []
    rows: list[ImprovedRow] = []
    last_change = None
    for index, county in enumerate(view.comparison.most_improved(category_id)):  # type: ignore[union-attr]
        if category_id is None:
            points, before, change = county.standing.score.total, county.previous_total, county.total_change
            rank, old_rank, rank_change = county.standing.rank, county.previous_rank, county.rank_change
        else:
            found = county.category(category_id)
            points, before, change = county.standing.score.category(category_id).points, found.previous, found.change
            rank, old_rank, rank_change = (county.standing.category_ranks[category_id], found.previous_rank,
                                           found.rank_change)
        place = rows[-1].place if rows and change == last_change else index + 1
        if place > limit:
            break
        last_change = change
        rows.append(ImprovedRow(place, county.slug, county.standing.score.name, fmt(points), fmt(before),  # type: ignore[arg-type]
                                points_delta(change), rank, old_rank, rank_delta(rank_change)))  # type: ignore[arg-type]
    return rows


# --- a county over the years: the time chart and the county page ------------------------------

TREND_WIDTH = 600
TREND_LEFT, TREND_RIGHT = 70, 560  # where the first and the last year go
TREND_PANEL = 120  # the height of each panel: 总分 above, 名次 below
TREND_TOP, TREND_BOTTOM = 34, 86  # the points' band inside a panel
TREND_LABEL_Y = 110  # the years under each panel


@lru_cache(maxsize=16384)
def _tenths(value: int) -> str:
    """A coordinate held in tenths of a unit, written as SVG wants it: 415 → "41.5", 600 → "60".
    Cached: a decade's time charts write a few thousand distinct coordinates three million times."""
    whole, tenth = divmod(value, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def _ratio(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half to even, in integers (as Decimal.quantize rounds)."""
    whole, rest = divmod(numerator, denominator)
    if 2 * rest > denominator or (2 * rest == denominator and whole % 2):
        whole += 1
    return whole


def trend_svg(points: list[TimelinePoint], name: str, year: int | None = None) -> Markup:
    """The small time chart of a county's total (above: circles) and rank (below: squares,
    first place on top) in each year of ``points``, ``year``'s marks bigger and its year in
    bold (None: none marked, the county page). Made here, in integer tenths of a unit: a
    national site draws 29,000 of them."""
    first, last = points[0].year, points[-1].year
    span = last - first
    low, high = min(p.total for p in points), max(p.total for p in points)
    worst = max(p.ranked for p in points)
    band = (TREND_BOTTOM - TREND_TOP) * 10
    marks_total, marks_rank, line_total, line_rank, lines_total, lines_rank = [], [], [], [], [], []
    before = None
    for point in points:
        x = (TREND_LEFT + TREND_RIGHT) * 5 if not span else (
            TREND_LEFT * 10 + _ratio((TREND_RIGHT - TREND_LEFT) * 10 * (point.year - first), span))
        y_total = (TREND_TOP + TREND_BOTTOM) * 5 if high == low else (
            TREND_BOTTOM * 10 - int((band * (point.total - low) / (high - low)).to_integral_value()))
        y_rank = TREND_TOP * 10 if worst <= 1 else TREND_TOP * 10 + _ratio(band * (point.rank - 1), worst - 1)
        if before is not None and before != point.year - 1:  # a gap year breaks the lines
            lines_total.append(line_total)
            lines_rank.append(line_rank)
            line_total, line_rank = [], []
        before = point.year
        line_total.append(f"{_tenths(x)},{_tenths(y_total)}")
        line_rank.append(f"{_tenths(x)},{_tenths(y_rank)}")
        here = point.year == year
        size, cls = (7, ' class="here"') if here else (5, "")
        at = _tenths(x)
        label = f'<text x="{at}" y="{TREND_LABEL_Y}" class="yr{" here" if here else ""}">{point.year}</text>'
        marks_total.append(f'<circle cx="{at}" cy="{_tenths(y_total)}" r="{size}"{cls}/>'
                           f'<text x="{at}" y="{_tenths(y_total - 10 * size - 40)}" class="val">{fmt(point.total)}</text>{label}')
        marks_rank.append(f'<rect x="{_tenths(x - 10 * size)}" y="{_tenths(y_rank - 10 * size)}" width="{2 * size}" '
                          f'height="{2 * size}"{cls}/><text x="{at}" y="{_tenths(y_rank - 10 * size - 40)}" class="val">'
                          f"{point.rank}</text>{label}")
    lines_total.append(line_total)
    lines_rank.append(line_rank)
    polylines_total = "".join(f'<polyline class="line" points="{" ".join(line)}"/>' for line in lines_total if len(line) > 1)
    polylines_rank = "".join(f'<polyline class="line rank-line" points="{" ".join(line)}"/>'
                             for line in lines_rank if len(line) > 1)
    description = "；".join(f"{p.year}年 {p.name}：总分 {fmt(p.total)}，第 {p.rank} 名（共 {p.ranked} 个）" for p in points)
    title = f"{name}历年总分与名次" + (f"（本页为{year}年度）" if year is not None else "")
    return Markup(
        f'<svg viewBox="0 0 {TREND_WIDTH} {2 * TREND_PANEL}" role="img" aria-labelledby="trend-title trend-desc" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="trend-title">{escape(title)}</title>'
        f'<desc id="trend-desc">{escape(description)}</desc>'
        f'<g class="panel total"><text x="0" y="18" class="axis">总分</text>{polylines_total}{"".join(marks_total)}</g>'
        f'<g class="panel rank" transform="translate(0 {TREND_PANEL})"><text x="0" y="18" class="axis">名次</text>'
        f'<text x="0" y="{TREND_TOP + 4}" class="axis small">第1名</text>{polylines_rank}{"".join(marks_rank)}</g>'
        "</svg>")


class HistoryRow(NamedTuple):
    """One year of the county page: the year's name, result, change, and its scorecard."""

    year: int
    slug: str
    name: str
    total: str
    rank: int
    ranked: int
    rank_change: Delta
    total_change: Delta
    example: bool  # that year's criteria are an invented example


def history_rows(timelines: Timelines, points: list[TimelinePoint]) -> list[HistoryRow]:
    """Each year against the year immediately before, as the comparison does: after a gap
    (or in the county's first year) 新; in the first year of all, no change at all ("—")."""
    rows = []
    for index, point in enumerate(points):
        before = points[index - 1] if index else None
        if before is not None and before.year == point.year - 1:
            rank, total = rank_delta(before.rank - point.rank), points_delta(point.total - before.total)
        elif point.year - 1 in timelines.results_by_year:
            rank, total = rank_delta(None), NO_VALUE
        else:
            rank, total = NO_VALUE, NO_VALUE
        rules = timelines.results_by_year[point.year].rules
        rows.append(HistoryRow(point.year, point.slug, point.name, fmt(point.total), point.rank, point.ranked,
                               rank, total, rules.example))
    return rows


def example_note(rules: Rules) -> str | None:
    """What every page of an example year says: its criteria are invented, not official."""
    if not rules.example:
        return None
    return f"{rules.year}年度的考核细则是以{rules.year - 1}年度细则为基础虚构的示例，不是正式文件。"


def _change_row_cells(change: "RowChange") -> tuple[str, str]:
    """A ranking row's 名次变化 cell, and its 总分变化, 上年名次, 上年总分 cells."""
    rank, points, old_rank, old_points = change.rank, change.points, change.previous_rank, change.previous_points
    return (f'\n      <td class="num change {rank.kind}" data-sort="{rank.sort}">{rank.text}</td>',
            f'\n      <td class="num {points.kind}" data-sort="{points.sort}">{points.text}</td>'
            f'\n      <td class="num" data-sort="{old_rank.sort}">{old_rank.text}</td>'
            f'\n      <td class="num" data-sort="{old_points.sort}">{old_points.text}</td>')


def ranking_rows(view: "YearView", base_url: str) -> Markup:
    """The overall ranking's body (2,900 rows at national scale), made here like the matrix;
    with the change cells when the year compares with the year before."""
    comparison = view.comparison if view.compared else None
    categories = view.rules.base_categories
    links = view.county_html
    rows = []
    for standing in view.results.standings:
        score = standing.score
        marked, tag = (' class="provisional"', ' <span class="tag">暂定</span>') if score.provisional else ("", "")
        rank_cell, change_cells = (("", "") if comparison is None else
                                   _change_row_cells(total_change(comparison.of(score.slug))))
        cells = "".join(f'<td class="num">{fmt(score.category(c.id).points)}</td>' for c in categories)
        href, name = links[score.slug]
        rows.append(f'\n    <tr{marked}>\n      <td class="num rank">{standing.rank}</td>'
                    f'\n      <th scope="row"><a href="{base_url}/{href}">{name}</a>{tag}</th>{rank_cell}'
                    f'\n      <td class="num total">{fmt(score.total)}</td>{change_cells}'
                    f'\n      <td class="num">{fmt(score.base)}</td>\n      <td class="num">{fmt(score.bonus)}</td>'
                    f"{cells}\n    </tr>")
    return Markup("".join(rows))


def category_rows(view: "YearView", category: Any, base_url: str) -> Markup:
    """One category's ranking body; its change cells when the category compares."""
    comparison = view.comparison if view.category_compared(category.id) else None
    links, anchor = view.county_html, escape(category.id)
    rows = []
    for standing in view.results.category_order(category.id):
        score = standing.score
        points = score.category(category.id).points
        marked, tag = (' class="provisional"', ' <span class="tag">暂定</span>') if score.provisional else ("", "")
        rank_cell, change_cells = (("", "") if comparison is None else
                                   _change_row_cells(category_change(comparison.of(score.slug), category.id)))
        href, name = links[score.slug]
        rows.append(f'\n    <tr{marked}>\n      <td class="num rank">{standing.category_ranks[category.id]}</td>'
                    f'\n      <th scope="row"><a href="{base_url}/{href}#{anchor}">{name}</a>{tag}</th>{rank_cell}'
                    f'\n      <td class="num">{fmt(points)}</td>{change_cells}'
                    f'\n      <td class="num">{share(points, category.max)}%</td>\n      <td class="num">{standing.rank}</td>'
                    "\n    </tr>")
    return Markup("".join(rows))


def matrix_rows(view: "YearView", base_url: str) -> Markup:
    """The county × item matrix's body: 2,900 rows of 35 cells at national scale, made here
    rather than cell by cell through the template engine."""
    rows = []
    links = view.county_html
    for standing in view.results.standings:
        score = standing.score
        cells = "".join(f'<td class="s{share(i.points, i.item.max) // 10}">{fmt(i.points)}</td>'
                        for c in score.categories for i in c.items)
        href, name = links[score.slug]
        rows.append(f'\n  <tr><th scope="row"><a href="{base_url}/{href}">{name}</a></th>{cells}'
                    f'\n  <td class="total">{fmt(score.total)}</td></tr>')
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


_CURRENT_PAGE, _CURRENT_YEAR = ' aria-current="page"', ' aria-current="true"'


class Navigation:
    """The menus under the masthead of every page: the year's sections and the years. They
    depend only on the year, the section and the page's depth, so each is made once per
    build and reused by every page that shares them (29,000 scorecards share a few dozen)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._made: dict[tuple, Markup] = {}

    def __call__(self, here_year: int | None, here_section: str, base_url: str, history: Any) -> Markup:
        released = bool(history and here_year and history.releases.get(here_year))  # 更正 in the menu
        key = (here_year, here_section, base_url, released)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Markup(self._sections(here_year, here_section, base_url, released)
                                            + self._years(here_year, here_section, base_url))
        return made

    def _sections(self, year: int | None, here: str, base_url: str, released: bool) -> str:
        if not year:
            return ""
        links = "".join(
            f'\n      <li><a href="{escape(base_url)}/{escape(urls.section(year, name))}"'
            f'{_CURRENT_PAGE if here == name else ""}>{escape(title)}</a></li>'
            for name, title in SECTIONS
            if (name != "corrections" or released) and (name != "improved" or self.site.compares(year)))
        about = _CURRENT_PAGE if here == "about" else ""
        return (f'\n  <nav class="sections" aria-label="{escape(year)}年度栏目">\n    <ul>{links}'
                f'\n      <li><a href="{escape(base_url)}/{escape(urls.ABOUT)}"{about}>关于</a></li>\n    </ul>\n  </nav>')

    def _years(self, year: int | None, here: str, base_url: str) -> str:
        if len(self.site.years) <= 1:
            return ""
        section = here if here in SECTION_NAMES else "index"
        links = "".join(
            f'\n    <a href="{escape(base_url)}/{escape(urls.section(y, section))}"'
            f'{_CURRENT_YEAR if y == year else ""}>{escape(y)}</a>'
            for y in reversed(self.site.years))
        return f'\n  <nav class="years" aria-label="年度">\n    <span>年度：</span>{links}\n  </nav>'


def _points_or_dash(points: Decimal | None) -> str:
    """The ``pts`` filter: a value, or "—" where there is none."""
    return "—" if points is None else fmt(points)


def configure(env: jinja2.Environment) -> jinja2.Environment:
    """Filters and globals the templates rely on; autoescape on, since notes are untrusted."""
    env.autoescape = True
    env.filters["pts"] = _points_or_dash
    env.globals["url"] = urls
    env.globals["improved_limit"] = IMPROVED_LIMIT
    env.globals["ranking_rows"] = ranking_rows
    env.globals["category_rows"] = category_rows
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
        link_years(results, comparison)
        rules = results.rules
        return cls(
            results,
            {c.id: results.average(lambda s, cid=c.id: s.category(cid).points) for c in rules.categories},
            results.item_averages(),
            results.average(lambda s: s.total),
            comparison,
        )

    @property
    def rules(self) -> Rules:
        return self.results.rules

    @cached_property
    def county_html(self) -> dict[str, tuple[str, str]]:
        """Each county's scorecard address and name, escaped once per year and process: the
        ranking, category and department tables of a national year write them 40,000 times."""
        return {s.score.slug: (escape(urls.county(self.year, s.score.slug)), escape(s.score.name))
                for s in self.results.standings}

    @property
    def year(self) -> int:
        return self.results.year

    @property
    def compared(self) -> bool:
        """Whether this year compares with the year immediately before (has change columns)."""
        return self.comparison is not None and self.comparison.previous_year is not None

    def timelines(self) -> Timelines:
        """Every county's result in every year up to this one (following renames): the years
        this year's results are linked to (``link_years``). Made anew at each call: the
        renderer keeps one per year."""
        registry = None if self.comparison is None else self.comparison.registry
        return Timelines(years_through(self.results), registry)

    @property
    def latest(self) -> bool:
        """Whether no later year is linked to this one (it carries the county pages)."""
        later = vars(self.results).get(_LATER)
        return later is None or vars(later).get(_EARLIER) is not self.results

    @property
    def in_series(self) -> bool:
        """Whether this year is linked to another one: only then has a county a history, a
        time chart and a page over all years. A site of one year has none of them, which are
        its scorecards again (and a file each: a national site would write 2,900 more)."""
        return vars(self.results).get(_EARLIER) is not None or not self.latest

    @property
    def example_note(self) -> str | None:
        return example_note(self.rules)

    def category_compared(self, category_id: str) -> bool:
        return self.compared and category_id in self.comparison.links.categories  # type: ignore[union-attr]

    def improved(self, category_id: str | None = None) -> list["ImprovedRow"]:
        return improved(self, category_id)


# Each year's results know the results of the year before and after them in this build, so
# that a page can show a county over the years although the pipeline hands the renderer one
# year at a time: set by YearView.of from the comparison (the year before is the one compared
# with), kept on the results objects themselves (a preview reuses an unchanged year's results,
# and the links are set again whenever a year next to it is made anew).
_EARLIER, _LATER = "_year_before", "_year_after"


def link_years(results: YearResults, comparison: YearComparison | None) -> None:
    earlier = None if comparison is None else comparison.previous_results
    vars(results)[_EARLIER] = earlier
    if earlier is not None:
        vars(earlier)[_LATER] = results


def years_through(results: YearResults) -> dict[int, YearResults]:
    """This year's results and every year's before it, back to a year with none before it."""
    chain: dict[int, YearResults] = {}
    current: YearResults | None = results
    while current is not None and current.year not in chain:
        chain[current.year] = current
        current = vars(current).get(_EARLIER)
    return dict(sorted(chain.items()))


def _names(points: list[TimelinePoint]) -> list[tuple[str, int, int]]:
    """The names a county had, with their first and last years, oldest first."""
    names: list[tuple[str, int, int]] = []
    for point in points:
        if names and names[-1][0] == point.name:
            names[-1] = (point.name, names[-1][1], point.year)
        else:
            names.append((point.name, point.year, point.year))
    return names



def department_rows(view: "YearView", items: tuple[Any, ...], base_url: str) -> Markup:
    """A department's table body, one row per county: made here, like the matrix, since a
    national year has a dozen departments of 2,900 rows each."""
    rows = []
    links, ids = view.county_html, [i.id for i in items]
    for standing in view.results.standings:
        score = standing.score
        results = score.item_results
        found = [results[i] for i in ids]
        marked = ' class="provisional"' if score.provisional else ""
        cells = "".join(f'<td class="num">{"待评" if r.pending else fmt(r.points)}</td>' for r in found)
        href, name = links[score.slug]
        rows.append(f'\n    <tr{marked}><th scope="row"><a href="{base_url}/{href}">{name}</a></th>{cells}'
                    f'\n    <td class="num">{fmt(sum((r.points for r in found), Decimal(0)))}</td></tr>')
    return Markup("".join(rows))


class Renderer:
    def __init__(self, env: jinja2.Environment, site: Site) -> None:
        self.env = configure(env)
        self.site = site
        self.navigation = Navigation(site)
        self._templates: dict[str, jinja2.Template] = {}
        self._scorecard_rows: dict[int, ScorecardRows] = {}
        self._year_timelines: dict[int, Timelines] = {}

    def _rows(self, view: YearView) -> ScorecardRows:
        """One per year, made at its first scorecard."""
        if view.year not in self._scorecard_rows:
            self._scorecard_rows[view.year] = ScorecardRows(view.rules, view.year,
                                                            relative_root(urls.county(view.year, "x")))
        return self._scorecard_rows[view.year]

    def _timelines(self, view: "YearView") -> Timelines:
        """Every county up to ``view``'s year, one per year and renderer (one build)."""
        if view.year not in self._year_timelines:
            self._year_timelines[view.year] = view.timelines()
        return self._year_timelines[view.year]


    def make_ready(self, views: Iterable["YearView"]) -> None:
        """Compile every template of the data pages, and make what the pages of these years
        share, now: processes forked later inherit them instead of each making its own."""
        for name in DATA_TEMPLATES:
            self._template(name)
        for view in views:
            self._rows(view)
            if view.in_series:
                self._timelines(view).of("")  # any county: the first call makes every timeline

    def _template(self, name: str) -> jinja2.Template:
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def render(self, template: str, path: str, **context: Any) -> str:
        self._template(template)
        return self._templates[template].render(base_url=relative_root(path), site=self.site, page_path=path,
                                                navigation=self.navigation, **context)

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
            changes = card_changes(view, key)
            return path, self.render("county.html", path, section="county", standing=standing,
                                     chart=category_chart(standing.score, view), rows=self._rows(view),
                                     changes=changes, compared=None if changes is None or changes.new else changes.county,
                                     trend=trend_svg(self._timelines(view).of(key), standing.score.name, year)
                                     if view.in_series else None,
                                     **common)
        if kind == HISTORY:
            timelines = self._timelines(view)
            points = timelines.of(key)
            return path, self.render("timeline.html", path, section="history", year=None, history=history,
                                     points=points, slug=key, name=points[-1].name, names=_names(points),
                                     rows=history_rows(timelines, points), trend=trend_svg(points, points[-1].name))
        if kind == DEPARTMENT:
            department = next(d for d in view.rules.departments if d.slug == key)
            items = view.rules.items_of_department(department.name)
            return path, self.render("department.html", path, section="departments", department=department,
                                     items=items, items_max=sum((i.max for i in items), Decimal(0)),
                                     rows=department_rows(view, items, relative_root(path)), **common)
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


SECTION, COUNTY, DEPARTMENT, DOWNLOAD, HISTORY = "section", "county", "department", "download", "history"
DOWNLOADS = ("results.json", "results.csv", "results.xlsx", "rules.json", "schema.json")


class Task(NamedTuple):
    """One page or download of one year: a small value a worker process can take."""

    year: int
    kind: str  # SECTION, COUNTY, DEPARTMENT, DOWNLOAD or HISTORY (a county over all years)
    key: str  # the section's name, the county's slug, the department's slug, the file's name

    @property
    def per_county(self) -> bool:
        """A page of one county (quick, and one per county), not a page of the whole year."""
        return self.kind in (COUNTY, HISTORY)


def tasks(view: YearView) -> list[Task]:
    """Every page and download of one year, the big aggregate pages first (they take longest).
    The latest year also carries every county's page over all years (``county/<slug>.html``),
    one per slug that has a result in any year, once there are two years in a row."""
    year = view.year
    counties = sorted({slug for results in years_through(view.results).values()
                       for slug in results.by_slug()}) if view.latest and view.in_series else []
    return ([Task(year, SECTION, name) for name, _ in SECTIONS]
            + [Task(year, DEPARTMENT, d.slug) for d in view.rules.departments]
            + [Task(year, DOWNLOAD, name) for name in DOWNLOADS]
            + [Task(year, COUNTY, s.score.slug) for s in view.results.standings]
            + [Task(year, HISTORY, slug) for slug in counties])


def task_path(task: Task) -> str:
    year, kind, key = task
    if kind == SECTION:
        return urls.section(year, key)
    if kind == COUNTY:
        return urls.county(year, key)
    if kind == DEPARTMENT:
        return urls.department(year, key)
    if kind == HISTORY:
        return urls.county_history(key)
    return urls.download(year, key)


def release_paths(year: int) -> tuple[str, str]:
    return urls.released(year, "results.json"), urls.released(year, "results.csv")


def page_paths(views: dict[int, YearView]) -> list[str]:
    """Every generated path, known before rendering (so the site engine can resolve links)."""
    return [task_path(t) for view in views.values() for t in tasks(view)]
