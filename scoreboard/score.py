"""Stage 3, score: pure arithmetic from validated sheets to totals and ranks.

No I/O, no clock, no MkDocs: rules and sheets in, results out, all in ``Decimal``.
Units add up to items, items to categories; the base is the sum of the base categories;
the bonus is the sum of the bonus categories, each capped at its maximum; the total is
base plus bonus. A draft's absent units are pending: they count 0 and mark its totals
provisional. Ranks are standard competition ranks (1, 2, 2, 4).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

from .rules import Category, Item, Rules, Unit
from .validate import ScoreSheet

ZERO = Decimal(0)


class UnitResult(NamedTuple):
    """A tuple, not a dataclass: there are 50 per county and tuples are cheapest to make."""

    unit: Unit
    points: Decimal | None  # None: pending (a draft has not scored it yet)
    note: str

    @property
    def pending(self) -> bool:
        return self.points is None

    @property
    def deduction(self) -> Decimal:
        """Points short of the maximum; for bonus units this is simply what was not awarded."""
        return ZERO if self.points is None else self.unit.max - self.points

    @property
    def lost(self) -> Decimal:
        """Points deducted: short of the maximum on a base unit (a bonus not awarded is no loss)."""
        return ZERO if self.unit.is_bonus else self.deduction


class ItemResult:
    """An item's sum and whether a unit of it is pending.

    Shared (``shared_item_result``): every county with the same points on an item, pending
    alike, has the same one, as a national decade has a million items and a few hundred
    distinct results. A unit's result belongs to the county: ``CountyScore.units_of``."""

    __slots__ = ("item", "points", "pending")

    def __init__(self, item: Item, points: Decimal, pending: bool) -> None:
        self.item = item
        self.points = points
        self.pending = pending

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ItemResult):
            return NotImplemented
        return (self.item, self.points, self.pending) == (other.item, other.points, other.pending)

    def __hash__(self) -> int:
        return hash((self.item.id, self.points, self.pending))

    def __repr__(self) -> str:
        return f"ItemResult({self.item.id}, {self.points}, pending={self.pending})"


# What equal results share, by identity: kept while they are, and emptied when full (a
# preview that reloads its rules again and again must not keep the old ones forever).
SHARED_MOST = 100_000
_shared_items: dict[tuple[int, int, bool], ItemResult] = {}
_shared_sums: dict[str, Decimal] = {}


def shared_item_result(item: Item, points: Decimal, pending: bool) -> ItemResult:
    """The one ItemResult of this item with these (shared) points. The key holds ids: the
    result kept holds the item and the points, so neither id can pass to another object."""
    key = (id(item), id(points), pending)
    found = _shared_items.get(key)
    if found is None:
        if len(_shared_items) >= SHARED_MOST:
            _shared_items.clear()
        found = _shared_items[key] = ItemResult(item, points, pending)
    return found


def shared_sum(value: Decimal) -> Decimal:
    """One Decimal for each sum as written: 3.5 and 3.50 are equal but stay apart, as a
    workbook cell shows the exact text."""
    text = str(value)
    found = _shared_sums.get(text)
    if found is None:
        if len(_shared_sums) >= SHARED_MOST:
            _shared_sums.clear()
        found = _shared_sums[text] = value
    return found


class CategoryResult(NamedTuple):
    category: Category
    items: tuple[ItemResult, ...]
    points: Decimal  # capped at the category's maximum: only bonus categories can exceed it


@dataclass(frozen=True)
class CountyScore:
    slug: str
    name: str
    status: str
    categories: tuple[CategoryResult, ...]
    sheet: ScoreSheet = field(compare=False, repr=False)  # what was scored: its units' points and notes

    @cached_property
    def base(self) -> Decimal:
        return shared_sum(sum((c.points for c in self.categories if not c.category.is_bonus), ZERO))

    @cached_property
    def bonus(self) -> Decimal:
        return shared_sum(sum((c.points for c in self.categories if c.category.is_bonus), ZERO))

    @cached_property
    def total(self) -> Decimal:
        return shared_sum(self.base + self.bonus)

    @cached_property
    def provisional(self) -> bool:
        return any(i.pending for c in self.categories for i in c.items)

    @cached_property
    def pending_units(self) -> tuple[str, ...]:
        return tuple(unit_id for unit_id, points in self.unit_points().items() if points is None)

    def category(self, category_id: str) -> CategoryResult:
        return self._categories_by_id[category_id]

    @cached_property
    def _categories_by_id(self) -> dict[str, CategoryResult]:
        return {c.category.id: c for c in self.categories}

    @cached_property
    def item_results(self) -> dict[str, ItemResult]:
        return {i.item.id: i for c in self.categories for i in c.items}

    def unit_points(self) -> dict[str, Decimal | None]:
        """Every unit's points (None: pending), in the order of the rules: units_of's
        points, in one loop (the downloads ask for every county's, several times a year)."""
        entries, absent = self.sheet.entries, self._absent
        points: dict[str, Decimal | None] = {}
        for unit in self._units:
            entry = entries.get(unit.id)
            points[unit.id] = entry.score if entry is not None else absent if unit.is_bonus else None
        return points

    def noted_units(self) -> list[UnitResult]:
        """The results of the units that have a note, in the order of the rules."""
        entries = self.sheet.entries
        return [UnitResult(unit, entry.score, entry.note) for unit in self._units
                if (entry := entries.get(unit.id)) is not None and entry.note]

    def units_of(self, item_id: str) -> tuple[UnitResult, ...]:
        """The results of an item's units, made anew at each call (kept, a decade's would
        be 100 MB)."""
        return tuple(UnitResult(unit, points, note) for unit, points, note in
                     self.unit_scores(self.item_results[item_id].item))

    def unit_scores(self, item: Item) -> list[tuple[Unit, Decimal | None, str]]:
        """(unit, points, note) of each unit of ``item``: ``units_of`` without the results."""
        entries, absent = self.sheet.entries, self._absent
        return [(unit, entry.score, entry.note) if (entry := entries.get(unit.id)) is not None
                else (unit, absent if unit.is_bonus else None, "") for unit in item.units]

    @property
    def _absent(self) -> Decimal | None:
        """A bonus unit the sheet does not give: 0 on a final sheet, pending on a draft
        (a base unit it does not give is pending either way)."""
        return None if self.sheet.is_draft else ZERO

    @property
    def _units(self) -> Iterator[Unit]:
        return (unit for category in self.categories for item in category.items for unit in item.item.units)


@dataclass(frozen=True)
class Standing:
    """A county's place: its overall rank and its rank in every category."""

    score: CountyScore
    rank: int
    category_ranks: dict[str, int]


@dataclass(frozen=True)
class YearResults:
    rules: Rules
    standings: tuple[Standing, ...]  # in rank order

    @property
    def year(self) -> int:
        return self.rules.year

    @cached_property
    def _by_slug(self) -> dict[str, Standing]:
        return {s.score.slug: s for s in self.standings}

    def by_slug(self) -> dict[str, Standing]:
        return self._by_slug

    def category_order(self, category_id: str) -> list[Standing]:
        """Standings sorted for one category's ranking (same tie order as overall)."""
        return sorted(self.standings, key=lambda s: (s.category_ranks[category_id], s.score.slug))

    def average(self, points: Callable[[CountyScore], Decimal]) -> Decimal | None:
        """Mean over the counties shown, to 0.01; None when there are none."""
        if not self.standings:
            return None
        return self._mean(sum((points(s.score) for s in self.standings), ZERO))

    def item_averages(self) -> dict[str, Decimal | None]:
        """``average`` of every item, in one pass over the counties (35 items × 2,900)."""
        totals = dict.fromkeys(self.rules.items, ZERO)
        for standing in self.standings:
            for category in standing.score.categories:
                for item in category.items:
                    totals[item.item.id] += item.points
        return {item_id: self._mean(total) if self.standings else None for item_id, total in totals.items()}

    def _mean(self, total: Decimal) -> Decimal:
        return (total / len(self.standings)).quantize(Decimal("0.01"))


def score_sheet(rules: Rules, sheet: ScoreSheet) -> CountyScore:
    """Every unit of the rules, scored from the sheet; a final sheet's absent bonus is 0.

    Plain loops, one pass per item: a national build scores 145,000 units."""
    entries = sheet.entries
    absent_bonus = None if sheet.is_draft else ZERO  # a final sheet gives 0 to a bonus not written
    categories = []
    for category in rules.categories:
        items = []
        for item in category.items:
            points, pending = ZERO, False
            for unit in item.units:
                entry = entries.get(unit.id)
                if entry is not None:
                    # An item of one unit keeps the unit's (shared) Decimal: no new object
                    # for each of a decade's million items.
                    points = entry.score if points is ZERO else points + entry.score
                elif not unit.is_bonus or absent_bonus is None:
                    pending = True
            if len(item.units) > 1:  # a sum made here; one unit's points are its entry's
                points = shared_sum(points)
            items.append(shared_item_result(item, points, pending))
        categories.append(CategoryResult(category, tuple(items),
                                         shared_sum(min(sum((i.points for i in items), ZERO), category.max))))
    return CountyScore(sheet.slug, sheet.name, sheet.status, tuple(categories), sheet)


def competition_ranks(values: Iterable[tuple[str, Decimal]]) -> dict[str, int]:
    """Standard competition ranking, highest first: equal values share a rank, the next skips.

    A rank depends on the values only, not on the order of a tie; the order of the table
    (rank, then slug, whatever the file order) is ``score_year``'s.
    """
    ordered = sorted(values, key=lambda kv: -kv[1])
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (slug, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[slug] = rank
    return ranks


def score_year(rules: Rules, sheets: Iterable[ScoreSheet], include_drafts: bool = False,
               scorer: Callable[[Rules, ScoreSheet], CountyScore] = score_sheet) -> YearResults:
    """Score and rank one year. Drafts are left out unless asked for (then provisional).
    ``scorer`` scores one sheet (a preview passes one that remembers unchanged sheets)."""
    scores = [scorer(rules, s) for s in sheets if include_drafts or not s.is_draft]
    overall = competition_ranks((s.slug, s.total) for s in scores)
    per_category = {
        c.id: competition_ranks((s.slug, s.category(c.id).points) for s in scores) for c in rules.categories
    }
    standings = [
        Standing(s, overall[s.slug], {cid: ranks[s.slug] for cid, ranks in per_category.items()}) for s in scores
    ]
    standings.sort(key=lambda st: (st.rank, st.score.slug))
    return YearResults(rules, tuple(standings))
