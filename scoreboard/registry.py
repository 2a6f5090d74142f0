"""Who is assessed: ``scores/counties.yaml``, the registry of counties and their slugs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .load import Mapping, Scalar, Sequence, load_file
from .problems import Position, Problem, Reporter, error
from .values import SLUG_TEXT, YEAR_TEXT, name_key, name_refusal, text_refusal


@dataclass(frozen=True)
class County:
    slug: str  # stable forever: it is the scorecard's URL
    name: str
    from_year: int | None
    until_year: int | None
    line: int
    column: int
    continues: str | None = None  # the slug this county continues from ``from_year`` on (renamed, 撤县设区)
    continues_line: int = 0  # where ``continues`` is written, for the problems about it
    continues_column: int = 0

    def active_in(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (
            self.until_year is None or year <= self.until_year)


@dataclass(frozen=True)
class Registry:
    path: str
    counties: dict[str, County]
    demo: bool  # the data is invented sample data; the site says so on every page

    def active_in(self, year: int) -> list[County]:
        return [c for c in self.counties.values() if c.active_in(year)]

    def predecessor(self, slug: str, year: int) -> str | None:
        """The slug whose result of ``year - 1`` this county's result of ``year`` follows:
        its own, or in its first year the county it is declared to continue."""
        county = self.counties.get(slug)
        if county is not None and county.continues is not None and county.from_year == year:
            return county.continues
        return slug

    def lineage(self, slug: str) -> list[str]:
        """Every slug of one county's history, oldest first: the chain of ``continues``
        back from ``slug`` and forward from it (the check refuses cycles and forks)."""
        successors = {c.continues: c.slug for c in self.counties.values() if c.continues}
        chain = [slug]
        while (county := self.counties.get(chain[0])) is not None and county.continues and len(chain) <= len(self.counties):
            chain.insert(0, county.continues)
        while chain[-1] in successors and len(chain) <= len(self.counties):
            chain.append(successors[chain[-1]])
        return chain


_ENTRY_KEYS = {"slug", "name", "from", "until", "continues"}


def load_registry(path: Path, display_path: str) -> tuple[Registry | None, list[Problem]]:
    if not path.exists():
        return None, [error(display_path, 0, 0, "E401", "找不到县市区名单 counties.yaml",
                            "在 scores/ 下建立 counties.yaml，列出每个县市区的 slug 和 name")]
    tree, problems = load_file(path, display_path)
    if tree is None or problems:
        return None, problems
    report = Reporter(display_path)
    err = report.error
    if not isinstance(tree, Mapping) or not isinstance(tree.get("counties"), Sequence):
        err(tree, "E402", "counties.yaml 应以“counties:”开头，下面是县市区列表")
        return None, report.problems
    for key, _ in tree.pairs:
        if key.text not in ("counties", "demo"):
            err(key, "E403", f"不认识的键“{key.text}”", "顶层只能有 counties 和 demo")
    demo_node = tree.get("demo")
    demo = isinstance(demo_node, Scalar) and demo_node.text == "true"  # "true" quoted or not, as E404 accepts
    if demo_node is not None and not (isinstance(demo_node, Scalar) and demo_node.text in ("true", "false")):
        err(demo_node, "E404", "“demo”只能是 true 或 false")
    counties: dict[str, County] = {}
    by_name: dict[str, list[County]] = {}  # name_key → entries: one look-up per entry, not a scan
    for entry in tree.get("counties").items:  # type: ignore[union-attr]
        county = _read_entry(entry, err)
        if county is None:
            continue
        if county.slug in counties:
            err(entry, "E405", f"slug“{county.slug}”重复（第 {counties[county.slug].line} 行已有）")
            continue
        twin = _same_name(county, by_name.setdefault(name_key(county.name), []))
        if twin is not None and twin.name == county.name:
            err(entry, "E405", f"名称“{county.name}”重复（第 {twin.line} 行已有）")
        elif twin is not None:
            err(entry, "E410", f"名称“{county.name}”与第 {twin.line} 行的“{twin.name}”看起来相同（只是全角、半角或兼容字符不同）",
                "同一年度的名称必须一眼可辨；请改用正式名称")
        counties[county.slug] = county
        by_name[name_key(county.name)].append(county)
    _check_continuations(counties, err)
    if report.problems:
        return None, report.problems
    return Registry(display_path, dict(sorted(counties.items())), demo), []


def _check_continuations(counties: dict[str, County], err) -> None:
    """A ``continues`` names another registered county, whose years end before this one's
    begin, that no other county continues, and never leads back to itself."""
    claimed: dict[str, County] = {}
    for county in counties.values():
        if county.continues is None:
            continue
        at = Position(county.continues_line, county.continues_column)
        target = counties.get(county.continues)
        if county.continues == county.slug:
            err(at, "E413", f"“{county.slug}”不能接续它自己", "continues 写改名或撤县设区之前的 slug")
        elif target is None:
            err(at, "E412", f"continues 指向的“{county.continues}”没有登记", "写名单中已有的 slug（改名之前的那一个）")
        elif target.active_in(county.from_year):  # type: ignore[arg-type]
            err(at, "E414", f"“{county.continues}”在 {county.from_year} 年仍登记为参加考核，不能由“{county.slug}”接续",
                f"在“{county.continues}”下写 until: {county.from_year - 1}")  # type: ignore[operator]
        elif county.continues in claimed:
            err(at, "E415", f"“{county.continues}”已由第 {claimed[county.continues].line} 行的"
                f"“{claimed[county.continues].slug}”接续", "一个县市区的历史只能由一个县市区接续；合并后新设的县市区不写 continues")
        elif _leads_back(county, counties):
            err(at, "E413", f"“{county.slug}”的 continues 绕回了它自己", "检查这几个县市区的 continues，去掉其中一个")
        claimed.setdefault(county.continues, county)


def _leads_back(county: County, counties: dict[str, County]) -> bool:
    seen = {county.slug}
    slug = county.continues
    while slug is not None and slug in counties:
        if slug in seen:
            return True
        seen.add(slug)
        slug = counties[slug].continues
    return False


def _same_name(county: County, alike: list[County]) -> County | None:
    """An entry whose name reads the same (NFKC) in overlapping years; a name may be reused
    only in years that do not overlap (a county renamed, its old name given to another)."""
    for other in alike:
        start = max(county.from_year or 0, other.from_year or 0)
        end = min(county.until_year or 9999, other.until_year or 9999)
        if start <= end:
            return other
    return None


def _read_entry(entry, err) -> County | None:
    if not isinstance(entry, Mapping):
        err(entry, "E402", "每个县市区应写成“- slug: …”和“name: …”两行")
        return None
    for key, _ in entry.pairs:
        if key.text not in _ENTRY_KEYS:
            err(key, "E403", f"不认识的键“{key.text}”", f"可用的键：{'、'.join(sorted(_ENTRY_KEYS))}")
    slug_node, name_node = entry.get("slug"), entry.get("name")
    if slug_node is None or name_node is None:
        err(entry, "E406", "每个县市区都要有 slug 和 name")
        return None
    for node, what in ((slug_node, "slug"), (name_node, "name")):
        refusal = text_refusal(node, what)
        if refusal:
            err(node, "E406", *refusal)
            return None
    refusal = name_refusal(name_node.text)
    if refusal:
        err(name_node, "E409", *refusal)
        return None
    if not SLUG_TEXT.fullmatch(slug_node.text):
        err(slug_node, "E407", f"slug“{slug_node.text}”只能用小写字母、数字和连字符", "例如 luyu-xian")
        return None
    years = []
    for key in ("from", "until"):
        node = entry.get(key)
        if node is None:
            years.append(None)
        elif isinstance(node, Scalar) and node.plain and YEAR_TEXT.fullmatch(node.text):
            years.append(int(node.text))
        else:
            err(node, "E408", f"“{key}”应为四位年份")
            return None
    if years[0] and years[1] and years[0] > years[1]:
        err(entry, "E408", "“from”晚于“until”")
        return None
    continues, at = _continues(entry, years[0], err)
    return County(slug_node.text, name_node.text.strip(), years[0], years[1], entry.line, entry.column,
                  continues, at.line, at.column)


def _continues(entry: Mapping, from_year: int | None, err) -> tuple[str | None, Position]:
    node = entry.get("continues")
    if node is None:
        return None, Position(entry.line, entry.column)
    if not isinstance(node, Scalar) or not SLUG_TEXT.fullmatch(node.text):
        err(node, "E411", "“continues”应为改名之前的 slug", "例如 continues: luyu-xian")
        return None, Position(node.line, node.column)
    if from_year is None:
        err(node, "E411", "写了 continues 却没有写 from", "写上改名或撤县设区后第一个考核年度，例如 from: 2012")
        return None, Position(node.line, node.column)
    return node.text, Position(node.line, node.column)
