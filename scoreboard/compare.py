"""One year read against the year before: previous totals and ranks, changes, most improved.

Pure, like ``score``: results in, comparisons out, no I/O and no clock, all in ``Decimal``.

What compares with what:

- A county compares with its own result of the year immediately before, or, in the first
  year of a county that ``continues`` another one in the registry (renamed, 撤县设区), with
  that county's result. A year with no result the year before (a new county, a gap year)
  compares with nothing: never with two years ago.
- Totals, base, bonus and category subtotals always compare (a category with last year's
  category of the same id, unless its ``compare_with`` says otherwise).
- An item or a part compares with last year's of the same id only when both its text and
  its maximum are unchanged, unless its ``compare_with`` names another id, or ``null``.

Each comparison is made once per year and looked up by slug: linear in the counties.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Iterable, Mapping, NamedTuple

from .problems import Problem, error
from .registry import Registry
from .rules import Link, Rules
from .score import Standing, YearResults
from .values import fmt


class Links(NamedTuple):
    """Last year's id that each category, item and unit of this year compares with."""

    categories: dict[str, str]
    items: dict[str, str]
    units: dict[str, str]


def _linked(ids: Iterable[tuple[str, Link | None, bool]], previous_ids: Iterable[str]) -> dict[str, str]:
    """``(id, declared link, unchanged since last year)`` → the previous id it compares with."""
    known = set(previous_ids)
    linked = {}
    for own_id, link, unchanged in ids:
        if link is not None:
            if link.target is not None and link.target in known:
                linked[own_id] = link.target
        elif unchanged and own_id in known:
            linked[own_id] = own_id
    return linked


def links(current: Rules, previous: Rules) -> Links:
    """Which categories, items and units of ``current`` compare with which of ``previous``."""
    old_items, old_units = previous.items, previous.units

    def same(old, new) -> bool:
        return old is not None and old.text == new.text and old.max == new.max

    categories = _linked(((c.id, c.compare_with, True) for c in current.categories),
                         (c.id for c in previous.categories))
    items = _linked(((i.id, i.compare_with, same(old_items.get(i.id), i)) for i in current.items.values()),
                    old_items)
    units = _linked(((u.id, u.compare_with, same(old_units.get(u.id), u)) for u in current.units.values()),
                    old_units)
    return Links(categories, items, units)


class Change(NamedTuple):
    """Last year's points and the change since (``points − previous``)."""

    previous: Decimal
    change: Decimal


class CategoryChange(NamedTuple):
    previous: Decimal
    change: Decimal
    previous_rank: int
    rank_change: int  # previous_rank − rank: positive means moved up


@dataclass(frozen=True)
class CountyComparison:
    """One county this year against its result the year before (``previous`` None: none)."""

    standing: Standing
    previous: Standing | None
    links: Links

    @property
    def slug(self) -> str:
        return self.standing.score.slug

    @property
    def previous_slug(self) -> str | None:
        """The slug last year's result was published under (another one after a rename)."""
        return None if self.previous is None else self.previous.score.slug

    @property
    def previous_total(self) -> Decimal | None:
        return None if self.previous is None else self.previous.score.total

    @property
    def previous_rank(self) -> int | None:
        return None if self.previous is None else self.previous.rank

    @property
    def total_change(self) -> Decimal | None:
        return None if self.previous is None else self.standing.score.total - self.previous.score.total

    @property
    def base_change(self) -> Decimal | None:
        return None if self.previous is None else self.standing.score.base - self.previous.score.base

    @property
    def bonus_change(self) -> Decimal | None:
        return None if self.previous is None else self.standing.score.bonus - self.previous.score.bonus

    @property
    def rank_change(self) -> int | None:
        """``previous_rank − rank``: positive means the county moved up."""
        return None if self.previous is None else self.previous.rank - self.standing.rank

    def category(self, category_id: str) -> CategoryChange | None:
        """Last year's subtotal and rank in the category this one continues; None if none."""
        old_id = self.links.categories.get(category_id)
        if self.previous is None or old_id is None:
            return None
        points = self.standing.score.category(category_id).points
        before = self.previous.score.category(old_id).points
        old_rank = self.previous.category_ranks[old_id]
        return CategoryChange(before, points - before, old_rank, old_rank - self.standing.category_ranks[category_id])

    def item(self, item_id: str) -> Change | None:
        """Last year's points of the item this one compares with; None where it does not."""
        old_id = self.links.items.get(item_id)
        if self.previous is None or old_id is None:
            return None
        return _change(self.standing.score.item_results[item_id].points,
                       self.previous.score.item_results[old_id].points)

    def unit(self, unit_id: str) -> Change | None:
        """Last year's points of the unit this one compares with; None where it does not
        (or where either year has not scored it yet: a draft's pending unit)."""
        return self.units.get(unit_id)

    @cached_property
    def units(self) -> dict[str, Change]:
        """Every unit that compares, made in one pass (a scorecard shows them all)."""
        if self.previous is None:
            return {}
        points, before = self.standing.score.unit_points(), self.previous.score.unit_points()
        changes = {}
        for unit_id, old_id in self.links.units.items():
            new, old = points[unit_id], before.get(old_id)
            if new is not None and old is not None:
                changes[unit_id] = Change(old, new - old)
        return changes


def _change(points: Decimal | None, before: Decimal | None) -> Change | None:
    if points is None or before is None:
        return None
    return Change(before, points - before)


@dataclass(frozen=True)
class YearComparison:
    """Every county of one year against the year before, in this year's rank order."""

    year: int
    previous_year: int | None  # None: no results the year immediately before
    counties: dict[str, CountyComparison]
    links: Links
    previous_results: YearResults | None = None  # the year compared with (None: none)
    registry: Registry | None = None  # which county continues which, for timelines

    def of(self, slug: str) -> CountyComparison:
        return self.counties[slug]

    def most_improved(self, category_id: str | None = None) -> list[CountyComparison]:
        """The counties that have a result last year, most improved first: by the change of
        the total (or of the category's subtotal), then by the change of rank, then as ranked.
        Counties without a comparison (new ones) are left out; so, for a category, are all
        counties when the category compares with nothing."""
        # The keys are worked out here from the standings (what ``total_change`` and
        # ``category`` give): a year sorts 2,900 counties six times.
        def by_total(c: CountyComparison) -> tuple:
            now, before = c.standing, c.previous
            return (before.score.total - now.score.total, now.rank - before.rank,  # type: ignore[union-attr]
                    now.rank, now.score.slug)

        def by_category(c: CountyComparison) -> tuple:
            now, before = c.standing, c.previous
            rank = now.category_ranks[category_id]  # type: ignore[index]
            # A county's categories are in its year's rules' order: found by place, not by id.
            return (before.score.categories[old_at].points - now.score.categories[at].points,  # type: ignore[union-attr]
                    rank - before.category_ranks[old_id], rank, now.score.slug)  # type: ignore[union-attr, index]

        compared = [c for c in self.counties.values() if c.previous is not None]
        if category_id is None or not compared:
            return sorted(compared, key=by_total)
        old_id = self.links.categories.get(category_id)
        if old_id is None:
            return []
        at = _place(compared[0].standing, category_id)
        old_at = _place(compared[0].previous, old_id)  # type: ignore[arg-type]
        return sorted(compared, key=by_category)


def _place(standing: Standing, category_id: str) -> int:
    return next(i for i, c in enumerate(standing.score.categories) if c.category.id == category_id)


_NO_LINKS = Links({}, {}, {})


def compare_years(current: YearResults, previous: YearResults | None,
                  registry: Registry | None = None) -> YearComparison:
    """Compare ``current`` with ``previous`` when that is the year immediately before.

    Both are results as published (drafts left out unless the caller scored them in). The
    registry says which county a renamed one continues; without it, slugs must match.
    """
    if previous is None or previous.year != current.year - 1:
        return YearComparison(current.year, None, {s.score.slug: CountyComparison(s, None, _NO_LINKS)
                                                   for s in current.standings}, _NO_LINKS, None, registry)
    year_links = links(current.rules, previous.rules)
    before = previous.by_slug()
    counties = {}
    for standing in current.standings:
        slug = standing.score.slug
        old_slug = slug if registry is None else registry.predecessor(slug, current.year)
        counties[slug] = CountyComparison(standing, before.get(old_slug), year_links)
    return YearComparison(current.year, previous.year, counties, year_links, previous, registry)


def compare_all(results_by_year: Mapping[int, YearResults], registry: Registry | None = None
                ) -> dict[int, YearComparison]:
    """Every year against the year before it (the first year, and a year after a gap, with none)."""
    return {year: compare_years(results, results_by_year.get(year - 1), registry)
            for year, results in sorted(results_by_year.items())}


class TimelinePoint(NamedTuple):
    year: int
    slug: str  # the slug the county had that year (it changes with a declared rename)
    name: str
    total: Decimal
    rank: int
    ranked: int  # how many counties were ranked that year


def county_timeline(results_by_year: Mapping[int, YearResults], registry: Registry | None,
                    slug: str) -> list[TimelinePoint]:
    """A county's result in every year it has one, oldest first, following ``continues``
    back to the slugs it had before and forward to the ones after."""
    chain = registry.lineage(slug) if registry is not None else [slug]
    points = []
    for year, results in sorted(results_by_year.items()):
        found = results.by_slug()
        for own in chain:
            standing = found.get(own)
            if standing is not None:
                score = standing.score
                points.append(TimelinePoint(year, own, score.name, score.total, standing.rank, len(results.standings)))
                break
    return points


class Timelines:
    """Every county's timeline (``county_timeline``) for all counties at once: one pass over
    every year's standings, made at first use. A county is found by any slug of its
    ``continues`` chain, as ``county_timeline`` finds it."""

    def __init__(self, results_by_year: Mapping[int, YearResults], registry: Registry | None) -> None:
        self.results_by_year = results_by_year
        self.registry = registry

    def _first_slug(self, slug: str) -> str:
        """The oldest slug of the chain ``slug`` belongs to (the check refuses cycles)."""
        counties = self.registry.counties if self.registry is not None else {}
        for _ in range(len(counties) + 1):
            county = counties.get(slug)
            if county is None or not county.continues:
                break
            slug = county.continues
        return slug

    @cached_property
    def _chains(self) -> dict[str, list[TimelinePoint]]:
        chains: dict[str, list[TimelinePoint]] = {}
        for year, results in sorted(self.results_by_year.items()):
            ranked = len(results.standings)
            for standing in results.standings:
                score = standing.score
                chains.setdefault(self._first_slug(score.slug), []).append(
                    TimelinePoint(year, score.slug, score.name, score.total, standing.rank, ranked))
        return chains

    def of(self, slug: str) -> list[TimelinePoint]:
        """The county's result in every year it has one, oldest first (the same list for
        every slug of one chain); empty for a slug with no result."""
        return self._chains.get(self._first_slug(slug), [])


# --- how a change is written --------------------------------------------------------------

def rank_change_label(comparison: CountyComparison) -> str:
    """↑3 (moved up three places), ↓1, = (same rank), 新 (no result the year before)."""
    change = comparison.rank_change
    if change is None:
        return "新"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "="


def signed(value: Decimal | None) -> str:
    """+1.5, −2, 0; empty for no comparison. A true minus sign, as in print."""
    if value is None:
        return ""
    if value > 0:
        return "+" + fmt(value)
    if value < 0:
        return "−" + fmt(-value)
    return "0"


# --- the check: compare_with against last year's rules ------------------------------------

def link_problems(rules_by_year: Mapping[int, Rules], unreadable: Iterable[int] = ()) -> list[Problem]:
    """A declared ``compare_with`` must name an id of the year immediately before's rules.

    ``unreadable``: years whose rules file exists but has errors of its own (reported
    already); the year after is not checked against them."""
    problems = []
    skip = {year + 1 for year in unreadable}
    for year, rules in sorted(rules_by_year.items()):
        previous = rules_by_year.get(year - 1)
        if year in skip:
            continue
        for link, kind, own_id, known in _declared(rules, previous):
            if previous is None:
                problems.append(error(rules.path, link.line, link.column, "E326",
                                      f"{own_id}的 compare_with 要与 {year - 1} 年比较，但没有 rules/{year - 1}.yaml",
                                      "没有上一年度的细则时不能写 compare_with；删去这一行"))
            elif link.target not in known:
                problems.append(error(rules.path, link.line, link.column, "E325",
                                      f"{own_id}的 compare_with 指向“{link.target}”，但 {year - 1} 年的细则中没有这个{kind}",
                                      f"写 rules/{year - 1}.yaml 中存在的编号；不与上一年度比较写 compare_with: null"))
    return problems


def _declared(rules: Rules, previous: Rules | None) -> Iterable[tuple[Link, str, str, Iterable[str]]]:
    """Every ``compare_with`` that names a target, with what kind of id it must be."""
    old_categories = {c.id for c in previous.categories} if previous else set()
    old_items = previous.items if previous else {}
    old_units = previous.units if previous else {}
    for category in rules.categories:
        if category.compare_with and category.compare_with.target is not None:
            yield category.compare_with, "类别", f"类别“{category.name}”", old_categories
        for item in category.items:
            if item.compare_with and item.compare_with.target is not None:
                if item.parts:
                    yield item.compare_with, "条目", f"第{item.id}条", old_items
                else:  # an item without parts is a unit: it may continue a unit or a whole item
                    yield item.compare_with, "评分项", f"第{item.id}条", {*old_units, *old_items}
            for part in item.parts:
                if part.compare_with and part.compare_with.target is not None:
                    yield part.compare_with, "评分项", f"{part.id} ", old_units
