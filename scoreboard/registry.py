"""Who is assessed: ``scores/counties.yaml``, the registry of counties and their slugs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .load import Mapping, Scalar, Sequence, load_file
from .problems import Problem, Reporter, error
from .values import SLUG_TEXT, YEAR_TEXT, name_key, name_refusal, text_refusal


@dataclass(frozen=True)
class County:
    slug: str  # stable forever: it is the scorecard's URL
    name: str
    from_year: int | None
    until_year: int | None
    line: int
    column: int

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


_ENTRY_KEYS = {"slug", "name", "from", "until"}


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
    demo = isinstance(demo_node, Scalar) and demo_node.plain and demo_node.text == "true"
    if demo_node is not None and not (isinstance(demo_node, Scalar) and demo_node.text in ("true", "false")):
        err(demo_node, "E404", "“demo”只能是 true 或 false")
    counties: dict[str, County] = {}
    for entry in tree.get("counties").items:  # type: ignore[union-attr]
        county = _read_entry(entry, err)
        if county is None:
            continue
        if county.slug in counties:
            err(entry, "E405", f"slug“{county.slug}”重复（第 {counties[county.slug].line} 行已有）")
            continue
        twin = _same_name(county, counties)
        if twin is not None and twin.name == county.name:
            err(entry, "E405", f"名称“{county.name}”重复（第 {twin.line} 行已有）")
        elif twin is not None:
            err(entry, "E410", f"名称“{county.name}”与第 {twin.line} 行的“{twin.name}”看起来相同（只是全角、半角或兼容字符不同）",
                "同一年度的名称必须一眼可辨；请改用正式名称")
        counties[county.slug] = county
    if report.problems:
        return None, report.problems
    return Registry(display_path, dict(sorted(counties.items())), demo), []


def _same_name(county: County, counties: dict[str, County]) -> County | None:
    """An entry whose name reads the same (NFKC) in overlapping years; a name may be reused
    only in years that do not overlap (a county renamed, its old name given to another)."""
    key = name_key(county.name)
    for other in counties.values():
        if name_key(other.name) != key:
            continue
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
    return County(slug_node.text, name_node.text.strip(), years[0], years[1], entry.line, entry.column)
