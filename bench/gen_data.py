"""Synthetic, deterministic data sets for the benchmark.

Writes a data root that `build.py --root DIR` reads (see shared/docs/data-format.md):

    DIR/rules/<year>.yaml            copies of the repo's rules, `year:` line changed
    DIR/scores/counties.yaml         N invented counties
    DIR/scores/<year>/<slug>.yaml    one final score file per county and year, every unit

Everything comes from a seeded `random.Random`, so the same (counties, years, seed)
always gives byte-identical files. The scores are also returned in memory, so that the
Hugo comparison can write the very same scorecards without parsing YAML again.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

HALF = Decimal("0.5")

# Syllable characters for invented place names (common in real county names).
NAME_CHARS = (
    "安宝北昌成城春丹德东丰福阜富高广桂海汉和河衡洪湖华怀黄会吉嘉建江金晋京泾"
    "靖九康乐黎礼丽莲临灵龙隆陆罗茂梅明南宁平浦祁清庆泉仁荣瑞三沙山上韶邵石"
    "寿双顺泗松绥泰唐桃天通桐万汪望威文武西溪湘祥新信兴秀宣阳耀宜益永攸余玉"
    "元岳云泽长湛柘镇正芷中州珠资紫邹遵"
)
# A pinyin-ish syllable per character is overkill; slugs are numbered instead.
SUFFIXES = [("县", "xian", 70), ("市", "shi", 15), ("区", "qu", 15)]

# Fragments of deduction notes, as an assessor would write them.
NOTE_SUBJECTS = [
    "台账资料", "工作总结", "会议记录", "示范点建设", "月报表", "培训档案", "帮扶台账",
    "集体合同文本", "会员证发放登记册", "联席会议纪要", "活动方案", "检查记录",
    "困难职工档案", "经费使用明细", "宣传报道材料", "竞赛活动记录",
]
NOTE_FAULTS = [
    "不齐全", "未按时上报", "未达到市总要求", "缺少佐证材料", "内容不够详实", "数据前后不一致",
    "未见签字盖章", "覆盖面不足", "未形成制度", "落实不到位", "进度滞后", "未按规定归档",
]
NOTE_TAILS = [
    "扣0.5分", "酌情扣分", "已责令限期整改", "经复核确认", "现场检查发现", "年终考核时发现",
    "请于次年一季度前补齐", "与去年相比有所改进",
]
BONUS_NOTES = [
    "获评全省工会工作先进单位，经验在全市推广", "经验做法在全市工会系统推广交流", "获市总工会通报表扬一次",
    "创新做法被省总工会简报刊发", "建成省级职工书屋示范点一个", "帮扶工作获市委领导批示肯定",
]


@dataclass
class Unit:
    uid: str          # "1.1" or "5": read as written
    item: str         # the item number, as a string
    max: Decimal
    bonus: bool
    text: str = ""
    category: str = ""


@dataclass
class Item:
    iid: str
    text: str
    max: Decimal
    bonus: bool
    units: list[Unit] = field(default_factory=list)


@dataclass
class Rules:
    items: list[Item]

    @property
    def units(self) -> list[Unit]:
        return [u for it in self.items for u in it.units]


def load_rules(path: Path) -> Rules:
    """Items and scoring units of a rules file; ids kept as strings (BaseLoader)."""
    with open(path, encoding="utf-8-sig") as f:
        doc = yaml.load(f, Loader=yaml.BaseLoader)
    items = []
    for cat in doc["categories"]:
        bonus = cat.get("kind") == "bonus"
        for it in cat["items"]:
            item = Item(it["id"], it["text"], Decimal(it["max"]), bonus)
            parts = it.get("parts") or []
            if parts:
                item.units = [Unit(p["id"], it["id"], Decimal(p["max"]), bonus, p["text"], cat["name"])
                              for p in parts]
            else:
                item.units = [Unit(it["id"], it["id"], item.max, bonus, it["text"], cat["name"])]
            items.append(item)
    return Rules(items)


def fmt(d: Decimal) -> str:
    """3 -> '3', 2.50 -> '2.5', 10 -> '10' (never '1E+1')."""
    s = format(d.normalize(), "f")
    return s


@dataclass
class County:
    slug: str
    name: str


# scores[(slug, year)] = {unit id: (score, note or None)}
Scores = dict


def make_counties(n: int, rng: random.Random) -> list[County]:
    names: set[str] = set()
    out = []
    width = max(4, len(str(n)))
    weights = [w for _, _, w in SUFFIXES]
    for i in range(1, n + 1):
        while True:
            suffix, suffix_py, _ = rng.choices(SUFFIXES, weights=weights)[0]
            body = "".join(rng.choice(NAME_CHARS) for _ in range(2 if rng.random() < 0.92 else 3))
            name = body + suffix
            if name not in names:
                break
        names.add(name)
        out.append(County(f"c{i:0{width}d}-{suffix_py}", name))
    return out


def make_note(rng: random.Random) -> str:
    """A deduction note of 10–30 Chinese characters."""
    while True:
        parts = [rng.choice(NOTE_SUBJECTS) + rng.choice(NOTE_FAULTS)]
        if rng.random() < 0.7:
            parts.append(rng.choice(NOTE_TAILS))
        if rng.random() < 0.3:
            parts.append(rng.choice(NOTE_SUBJECTS) + rng.choice(NOTE_FAULTS))
        note = "，".join(parts)
        if 10 <= len(note) <= 30:
            return note


def make_scores(rules: Rules, rng: random.Random, quality: float) -> dict:
    """Every unit of one county-year: mostly the maximum, some deductions, a few bonuses.

    quality in [0, 1]: the county's chance of losing points on a base unit is
    0.04 + 0.30 * (1 - quality).
    """
    p_deduct = 0.04 + 0.30 * (1 - quality)
    scores: dict[str, tuple[Decimal, str | None]] = {}
    bonus_units = [u for u in rules.units if u.bonus]
    n_bonus = rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0]
    chosen_bonus = {u.uid for u in rng.sample(bonus_units, min(n_bonus, len(bonus_units)))}
    for u in rules.units:
        if u.bonus:
            if u.uid not in chosen_bonus:
                continue  # absent bonus unit scores 0
            steps = int(u.max / HALF)
            score = HALF * rng.randint(2, steps)          # 1 .. max in 0.5 steps
            note = rng.choice(BONUS_NOTES) if rng.random() < 0.6 else None
            scores[u.uid] = (score, note)
            continue
        steps = int(u.max / HALF)
        if rng.random() < p_deduct and steps >= 1:
            k = rng.choices(range(1, min(4, steps) + 1), weights=[60, 25, 10, 5][:min(4, steps)])[0]
            score = u.max - HALF * k
            note = make_note(rng)  # a deduction without a note is a warning (W201)
        else:
            score, note = u.max, None
        scores[u.uid] = (score, note)
    return scores


def score_file_text(county: County, year: int, scores: dict) -> str:
    lines = [f"county: {county.name}", f"year: {year}", "status: final", "scores:"]
    for uid, (score, note) in scores.items():
        if note:
            lines.append(f"  {uid}: {{score: {fmt(score)}, note: {note}}}")
        else:
            lines.append(f"  {uid}: {fmt(score)}")
    return "\n".join(lines) + "\n"


def rules_text_for_year(src_text: str, year: int) -> str:
    new, n = re.subn(r"(?m)^year:\s*\d+\s*$", f"year: {year}", src_text, count=1)
    if n != 1:
        raise ValueError("rules file has no top-level `year:` line")
    return new


@dataclass
class Dataset:
    root: Path
    rules: Rules
    counties: list[County]
    years: list[int]
    scores: dict          # (slug, year) -> {uid: (score, note)}
    files: int = 0
    bytes: int = 0
    editable: list[County] = field(default_factory=list)  # counties edit_one_file may change (empty: all)


def generate(root: Path, repo: Path, n_counties: int, n_years: int = 1,
             first_year: int = 2011, seed: int = 2011) -> Dataset:
    """Write a full data root under `root` (replacing it) and return what was written."""
    if root.exists():
        shutil.rmtree(root)
    (root / "rules").mkdir(parents=True)
    (root / "scores").mkdir()
    years = list(range(first_year, first_year + n_years))

    base_rules = repo / "rules" / f"{first_year}.yaml"
    src_text = base_rules.read_text(encoding="utf-8-sig")
    rules = load_rules(base_rules)
    total_files = total_bytes = 0
    if n_years == 1:
        # Only the first year's rules, as is: a rules file of another year (the repo's sample
        # has 2012) would need score files of its own (E114).
        shutil.copyfile(base_rules, root / "rules" / base_rules.name)
    else:
        for y in years:
            (root / "rules" / f"{y}.yaml").write_text(rules_text_for_year(src_text, y), encoding="utf-8")

    rng = random.Random(f"{seed}-{n_counties}-{n_years}")
    counties = make_counties(n_counties, rng)
    reg = ["counties:"] + [f"  - slug: {c.slug}\n    name: {c.name}" for c in counties]
    (root / "scores" / "counties.yaml").write_text("\n".join(reg) + "\n", encoding="utf-8")

    quality = {c.slug: rng.betavariate(4, 1.5) for c in counties}
    all_scores = {}
    for y in years:
        ydir = root / "scores" / str(y)
        ydir.mkdir()
        for c in counties:
            r = random.Random(f"{seed}-{c.slug}-{y}")
            sc = make_scores(rules, r, quality[c.slug])
            all_scores[(c.slug, y)] = sc
            text = score_file_text(c, y, sc).encode("utf-8")
            (ydir / f"{c.slug}.yaml").write_bytes(text)
            total_files += 1
            total_bytes += len(text)
    return Dataset(root, rules, counties, years, all_scores, total_files, total_bytes)


@dataclass
class Edit:
    """One score file changed by edit_one_file: the new note shows on the county's scorecard."""
    path: Path
    county: County
    year: int
    note: str


def edit_one_file(ds: Dataset, nth: int) -> Edit:
    """Change one score file of the last year in a valid way (the nth edit of this run).

    The first base unit gets a new deduction and a note that names `nth`, so the county's
    total, rank and scorecard really change, and each edit's scorecard can be told apart.
    """
    year = ds.years[-1]
    pool = ds.editable or ds.counties
    county = pool[(nth * 7919) % len(pool)]
    sc = dict(ds.scores[(county.slug, year)])
    first = next(u for u in ds.rules.units if not u.bonus)
    steps = int(first.max / HALF)
    old = sc[first.uid][0]
    k = 1 + (nth % max(1, min(4, steps)))
    new = first.max - HALF * k
    if new == old:
        new = first.max if old != first.max else max(Decimal(0), first.max - HALF)
    note = f"第{nth + 1}次复核修改，台账资料补齐后重新评分"
    sc[first.uid] = (new, note)
    ds.scores[(county.slug, year)] = sc
    path = ds.root / "scores" / str(year) / f"{county.slug}.yaml"
    path.write_text(score_file_text(county, year, sc), encoding="utf-8")
    return Edit(path, county, year, note)


# ---------------------------------------------------------------- a data root given (--data)

def read_dataset(src: Path, root: Path) -> Dataset:
    """A copy of the data root ``src`` (its rules/ and scores/) at ``root``, read as a Dataset:
    the benchmark's edits then change the copy, never ``src``. The scores are read as text
    (BaseLoader: ``1.10`` stays ``1.10``); only a final file of the last year is edited, as
    edit_one_file rewrites it whole (its layout and comments become the generator's)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for folder in ("rules", "scores"):
        shutil.copytree(src / folder, root / folder)
    years = sorted(int(p.stem) for p in (root / "rules").glob("*.yaml") if p.stem.isdigit()
                   and (root / "scores" / p.stem).is_dir())
    if not years:
        raise SystemExit(f"{src}: no rules/<year>.yaml with a scores/<year>/ folder")
    registry = _read_yaml(root / "scores" / "counties.yaml") or {}
    counties = [County(c["slug"], c["name"]) for c in registry.get("counties") or []]
    scores, finals, files, size = {}, set(), 0, 0
    for year in years:
        for path in sorted((root / "scores" / str(year)).glob("*.yaml")):
            doc = _read_yaml(path) or {}
            scores[(path.stem, year)] = {str(uid): _score_and_note(value)
                                         for uid, value in (doc.get("scores") or {}).items()}
            if year == years[-1] and doc.get("status") == "final":
                finals.add(path.stem)
            files += 1
            size += path.stat().st_size
    editable = [c for c in counties if c.slug in finals]
    return Dataset(root, load_rules(root / "rules" / f"{years[-1]}.yaml"), counties, years, scores, files, size,
                   editable)


_TEXT_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml's: 29,000 files in seconds, not a minute


def _read_yaml(path: Path) -> dict | None:
    with open(path, encoding="utf-8-sig") as f:
        return yaml.load(f, Loader=_TEXT_LOADER)


def _score_and_note(value: object) -> tuple[Decimal, str | None]:
    if isinstance(value, dict):
        return Decimal(value["score"]), value.get("note") or None
    return Decimal(str(value)), None
