"""The criteria of one year, read from ``rules/<year>.yaml`` and checked against themselves.

The rules file is the only place that knows the numbers (25 per category, 100 in all,
5 per bonus item): everything else reads them from here. A broken rules file is reported
as problems, like a broken score file, never as a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple
from functools import cached_property
from decimal import Decimal
from pathlib import Path

from .load import Mapping, Node, Scalar, Sequence, load_file
from .problems import Position, Problem, Reporter
from .values import SLUG_TEXT, YEAR_TEXT, fmt, is_multiple, number_refusal, text_refusal, to_decimal

BASE, BONUS = "base", "bonus"


class Link(NamedTuple):
    """A declared ``compare_with``: the id of last year's unit, item or category this one
    continues (``None``: it compares with nothing), and where it was written, so that a
    target last year's rules lack can be reported on its line."""

    target: str | None
    line: int
    column: int


@dataclass(frozen=True)
class Unit:
    """What a score file gives points to: a part, or an item that has no parts."""

    id: str
    text: str
    max: Decimal
    item_id: str
    category_id: str
    is_bonus: bool
    compare_with: Link | None = None  # None: not declared, the default rule applies


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    max: Decimal
    departments: tuple[str, ...]
    category_id: str
    parts: tuple[Unit, ...]
    is_bonus: bool
    compare_with: Link | None = None  # None: not declared, the default rule applies

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        """The parts, or the item itself as its one unit (made once, so it is the same object)."""
        if self.parts:
            return self.parts
        return (Unit(self.id, self.text, self.max, self.id, self.category_id, self.is_bonus, self.compare_with),)

    @property
    def anchor(self) -> str:
        return f"item-{self.id}"


@dataclass(frozen=True)
class Category:
    id: str
    numeral: str
    name: str
    kind: str
    max: Decimal  # for the bonus category: the cap on bonus points
    items: tuple[Item, ...]
    compare_with: Link | None = None  # None: not declared, last year's category of the same id

    @property
    def is_bonus(self) -> bool:
        return self.kind == BONUS


@dataclass(frozen=True)
class Department:
    name: str
    slug: str
    aliases: tuple[str, ...] = ()


DEFAULT_NOTE_MAX_LENGTH = 300


@dataclass(frozen=True)
class Rules:
    year: int
    title: str
    intro: str
    base_max: Decimal
    score_step: Decimal | None
    departments: tuple[Department, ...]
    categories: tuple[Category, ...]
    path: str
    note_max_length: int = DEFAULT_NOTE_MAX_LENGTH  # a published note is a sentence, not a document
    example: bool = False  # an invented example (no official document): the pages say so
    units: dict[str, Unit] = field(default_factory=dict, compare=False)
    items: dict[str, Item] = field(default_factory=dict, compare=False)

    @property
    def base_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if not c.is_bonus)

    @property
    def bonus_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.is_bonus)

    @property
    def bonus_max(self) -> Decimal:
        return sum((c.max for c in self.bonus_categories), Decimal(0))

    def items_of_department(self, name: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items.values() if name in i.departments)

    def points_of_department(self, name: str) -> Decimal:
        """The maximum of every item a department assesses, added up."""
        return sum((i.max for i in self.items_of_department(name)), Decimal(0))


class _Reader(Reporter):
    """Reads typed fields out of the rules tree, turning every mismatch into a problem."""

    def field(self, mapping: Mapping, key: str) -> Node | None:
        value = mapping.get(key)
        if value is None:
            self.error(mapping, "E301", f"缺少“{key}”")
        return value

    def unknown_keys(self, mapping: Mapping, allowed: set[str]) -> None:
        for key, _ in mapping.pairs:
            if key.text not in allowed:
                self.error(key, "E302", f"规则文件中不认识的键“{key.text}”", f"可用的键：{'、'.join(sorted(allowed))}")

    def text(self, mapping: Mapping, key: str) -> str:
        node = self.field(mapping, key)
        if node is None:
            return ""
        refusal = text_refusal(node, f"“{key}”")
        if refusal:
            self.error(node, "E303", *refusal)
            return ""
        return node.text  # type: ignore[union-attr]

    def number(self, mapping: Mapping, key: str) -> Decimal:
        node = self.field(mapping, key)
        if node is None:
            return Decimal(0)
        refusal = number_refusal(node)
        if refusal:
            self.error(node, "E314", f"“{key}”：{refusal[0]}", refusal[1])
            return Decimal(0)
        value = to_decimal(node)  # type: ignore[arg-type]
        if value < 0:
            self.error(node, "E315", f"“{key}”不能为负数")
        return value

    def sequence(self, mapping: Mapping, key: str) -> list[Node]:
        node = self.field(mapping, key)
        if node is None:
            return []
        if not isinstance(node, Sequence):
            self.error(node, "E316", f"“{key}”应为列表")
            return []
        return node.items

    def mappings(self, nodes: list[Node], what: str) -> list[Mapping]:
        result = []
        for node in nodes:
            if isinstance(node, Mapping):
                result.append(node)
            else:
                self.error(node, "E317", f"{what}应为映射（键: 值）")
        return result


def load_rules(path: Path, display_path: str) -> tuple[Rules | None, list[Problem]]:
    tree, problems = load_file(path, display_path)
    if tree is None or problems:
        return None, problems
    reader = _Reader(display_path)
    rules = _read_rules(reader, tree, path)
    if rules is not None and not reader.problems:
        _check_sums(reader, rules, tree)
    if reader.problems:
        return None, reader.problems
    return rules, []


def _note_max_length(reader: _Reader, tree: Mapping) -> int:
    """Optional ``note_max_length``: the longest note a score file may give (default 300)."""
    node = tree.get("note_max_length")
    if node is None:
        return DEFAULT_NOTE_MAX_LENGTH
    if isinstance(node, Scalar) and node.plain and re.fullmatch(r"[1-9][0-9]{0,4}", node.text):
        return int(node.text)
    reader.error(node, "E319", "“note_max_length”应为 1 到 99999 之间的整数（说明的最多字数）")
    return DEFAULT_NOTE_MAX_LENGTH


def _example(reader: _Reader, tree: Mapping) -> bool:
    """Optional ``example: true``: the file is an invented example, not an official document."""
    node = tree.get("example")
    if node is None:
        return False
    if isinstance(node, Scalar) and node.plain and node.text in ("true", "false"):
        return node.text == "true"
    reader.error(node, "E324", "“example”只能是 true 或 false", "虚构的示例细则写 example: true；正式细则删去这一行")
    return False


# What a compare_with may name: a category's slug, an item's number, a unit's id.
_LINK_PATTERNS = {"category": SLUG_TEXT, "item": re.compile(r"[1-9][0-9]*"),
                  "unit": re.compile(r"[1-9][0-9]*(?:\.[1-9][0-9]*)?")}
_LINK_EXAMPLES = {"category": "gongzi-xieshang", "item": "8", "unit": "8.1"}


def _compare_with(reader: _Reader, mapping: Mapping, kind: str) -> Link | None:
    """Optional ``compare_with``: ``null`` (compare with nothing) or last year's id."""
    node = mapping.get("compare_with")
    if node is None:
        return None
    if isinstance(node, Scalar) and node.plain and node.text in ("null", "~"):
        return Link(None, node.line, node.column)
    if isinstance(node, Scalar) and _LINK_PATTERNS[kind].fullmatch(node.text):
        return Link(node.text, node.line, node.column)
    shown = node.text if isinstance(node, Scalar) else "?"
    reader.error(node, "E323", f"“compare_with”的值“{shown}”不是上一年度的编号，也不是 null",
                 f"写上一年度对应的编号并加引号，例如 compare_with: \"{_LINK_EXAMPLES[kind]}\"；不与上一年度比较写 compare_with: null")
    return None


def _read_rules(reader: _Reader, tree: Node, path: Path) -> Rules | None:
    if not isinstance(tree, Mapping):
        reader.error(tree, "E317", "规则文件的顶层应为映射（键: 值）")
        return None
    reader.unknown_keys(tree, {"year", "title", "intro", "base_max", "score_step", "note_max_length", "departments",
                               "categories", "example"})
    year_node = reader.field(tree, "year")
    year = 0
    if isinstance(year_node, Scalar) and YEAR_TEXT.fullmatch(year_node.text) and year_node.plain:
        year = int(year_node.text)
        if path.stem != year_node.text:
            reader.error(year_node, "E304", f"年度 {year} 与文件名 {path.name} 不一致")
    elif year_node is not None:
        reader.error(year_node, "E318", "“year”应为四位年份数字")
    step = reader.number(tree, "score_step") if tree.get("score_step") is not None else None
    if step is not None and step <= 0:
        reader.error(tree.get("score_step"), "E319", "“score_step”必须大于 0")  # type: ignore[arg-type]
        step = None
    note_limit = _note_max_length(reader, tree)
    departments = _read_departments(reader, reader.sequence(tree, "departments"))
    categories = _read_categories(reader, reader.sequence(tree, "categories"), departments)
    rules = Rules(
        year=year, title=reader.text(tree, "title"), intro=reader.text(tree, "intro"),
        base_max=reader.number(tree, "base_max"), score_step=step,
        departments=tuple(departments), categories=tuple(categories), path=reader.path, note_max_length=note_limit,
        example=_example(reader, tree),
    )
    for category in rules.categories:
        for item in category.items:
            rules.items[item.id] = item
            for unit in item.units:
                rules.units[unit.id] = unit
    return rules


def _read_departments(reader: _Reader, nodes: list[Node]) -> list[Department]:
    departments: list[Department] = []
    seen: dict[str, int] = {}
    for node in reader.mappings(nodes, "考核部门"):
        reader.unknown_keys(node, {"name", "slug", "aliases"})
        name, slug = reader.text(node, "name"), reader.text(node, "slug")
        if slug and not SLUG_TEXT.fullmatch(slug):
            reader.error(node.get("slug"), "E305", f"部门标识“{slug}”只能用小写字母、数字和连字符")  # type: ignore[arg-type]
        aliases: list[str] = []
        alias_node = node.get("aliases")
        if isinstance(alias_node, Sequence):
            aliases = [a.text for a in alias_node.items if isinstance(a, Scalar)]
        elif alias_node is not None:
            reader.error(alias_node, "E316", "“aliases”应为列表")
        for label in [name, slug, *aliases]:
            if label in seen:
                reader.error(node, "E306", f"部门名称或标识“{label}”重复（第 {seen[label]} 行已有）")
            seen[label] = node.line
        departments.append(Department(name, slug, tuple(aliases)))
    return departments


def _read_categories(reader: _Reader, nodes: list[Node], departments: list[Department]) -> list[Category]:
    canonical = {d.name: d.name for d in departments}
    canonical.update({alias: d.name for d in departments for alias in d.aliases})
    categories = []
    seen_ids: dict[str, int] = {}
    for node in reader.mappings(nodes, "类别"):
        reader.unknown_keys(node, {"id", "numeral", "name", "kind", "max", "items", "compare_with"})
        category_id, kind = reader.text(node, "id"), reader.text(node, "kind")
        if category_id and not SLUG_TEXT.fullmatch(category_id):
            reader.error(node.get("id"), "E305", f"类别标识“{category_id}”只能用小写字母、数字和连字符")  # type: ignore[arg-type]
        if kind and kind not in (BASE, BONUS):
            reader.error(node.get("kind"), "E320", f"“kind”应为 {BASE} 或 {BONUS}")  # type: ignore[arg-type]
        items = tuple(
            _read_item(reader, item_node, category_id, kind == BONUS, canonical, seen_ids)
            for item_node in reader.mappings(reader.sequence(node, "items"), "考核条目")
        )
        categories.append(Category(category_id, reader.text(node, "numeral"), reader.text(node, "name"),
                                   kind, reader.number(node, "max"), items, _compare_with(reader, node, "category")))
    return categories


def _read_item(reader: _Reader, node: Mapping, category_id: str, is_bonus: bool,
               canonical: dict[str, str], seen_ids: dict[str, int]) -> Item:
    reader.unknown_keys(node, {"id", "text", "max", "departments", "parts", "compare_with"})
    item_id = _read_id(reader, node, r"[1-9][0-9]*", "条目编号应为正整数", seen_ids)
    departments = []
    for dept in reader.sequence(node, "departments"):
        if not isinstance(dept, Scalar) or dept.text not in canonical:
            shown = dept.text if isinstance(dept, Scalar) else "?"
            reader.error(dept, "E307", f"考核部门“{shown}”没有在 departments 中登记")
            continue
        departments.append(canonical[dept.text])
    if not departments and node.get("departments") is not None:
        reader.error(node, "E308", f"第{item_id}条没有考核部门", "每个条目至少要有一个考核部门")
    parts = []
    for k, part_node in enumerate(reader.mappings(node.get("parts").items if isinstance(node.get("parts"), Sequence) else [], "分项"), start=1):
        reader.unknown_keys(part_node, {"id", "text", "max", "compare_with"})
        part_id = _read_id(reader, part_node, re.escape(f"{item_id}.{k}"), f"分项编号应为 {item_id}.{k}（按原文顺序从 1 起）", seen_ids)
        parts.append(Unit(part_id, reader.text(part_node, "text"), reader.number(part_node, "max"),
                          item_id, category_id, is_bonus, _compare_with(reader, part_node, "unit")))
    # An item's compare_with names last year's item; on an item without parts that is also its unit.
    return Item(item_id, reader.text(node, "text"), reader.number(node, "max"), tuple(dict.fromkeys(departments)),
                category_id, tuple(parts), is_bonus, _compare_with(reader, node, "item" if parts else "unit"))


def _read_id(reader: _Reader, node: Mapping, pattern: str, message: str, seen_ids: dict[str, int]) -> str:
    id_node = reader.field(node, "id")
    if not isinstance(id_node, Scalar):
        return "?"
    if not re.fullmatch(pattern, id_node.text):
        reader.error(id_node, "E309", f"编号“{id_node.text}”不对：{message}")
    if id_node.text in seen_ids:
        reader.error(id_node, "E310", f"编号“{id_node.text}”重复（第 {seen_ids[id_node.text]} 行已有）")
    seen_ids[id_node.text] = id_node.line
    return id_node.text


def _check_sums(reader: _Reader, rules: Rules, tree: Mapping) -> None:
    """Parts add up to their item, items to their category, base categories to base_max."""
    where = _lines_by_id(tree)
    for category in rules.categories:
        for item in category.items:
            line = where.get(("item", item.id), (tree.line, tree.column))
            if item.parts:
                total = sum((p.max for p in item.parts), Decimal(0))
                if total != item.max:
                    reader.error(Position(*line), "E311",
                                 f"第{item.id}条各分项之和为 {fmt(total)} 分，与该条分值 {fmt(item.max)} 分不符")
            for unit in item.units:
                if rules.score_step and not is_multiple(unit.max, rules.score_step):
                    reader.error(Position(*line), "E321",
                                 f"{unit.id} 的分值 {fmt(unit.max)} 不是 score_step {fmt(rules.score_step)} 的整数倍")
        total = sum((i.max for i in category.items), Decimal(0))
        line = where.get(("category", category.id), (tree.line, tree.column))
        if not category.is_bonus and total != category.max:
            reader.error(Position(*line), "E312",
                         f"类别“{category.name}”各条之和为 {fmt(total)} 分，与其分值 {fmt(category.max)} 分不符")
        if category.is_bonus and total < category.max:
            reader.error(Position(*line), "E322",
                         f"加分类别“{category.name}”各条之和只有 {fmt(total)} 分，达不到其上限 {fmt(category.max)} 分")
    base = sum((c.max for c in rules.base_categories), Decimal(0))
    if base != rules.base_max:
        reader.error(tree, "E313", f"基础类别分值之和为 {fmt(base)} 分，与 base_max {fmt(rules.base_max)} 分不符")


def _lines_by_id(tree: Mapping) -> dict[tuple[str, str], tuple[int, int]]:
    """Where each category and item starts, so a wrong sum points at the right line."""
    where: dict[tuple[str, str], tuple[int, int]] = {}
    categories = tree.get("categories")
    for category in categories.items if isinstance(categories, Sequence) else []:
        if not isinstance(category, Mapping):
            continue
        cid = category.get("id")
        if isinstance(cid, Scalar):
            where[("category", cid.text)] = (category.line, category.column)
        items = category.get("items")
        for item in items.items if isinstance(items, Sequence) else []:
            iid = item.get("id") if isinstance(item, Mapping) else None
            if isinstance(iid, Scalar):
                where[("item", iid.text)] = (item.line, item.column)
    return where


def discover_years(rules_dir: Path) -> list[int]:
    return sorted(int(p.stem) for p in rules_dir.glob("*.yaml") if YEAR_TEXT.fullmatch(p.stem))
