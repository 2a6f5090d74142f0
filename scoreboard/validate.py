"""Stage 2, validate: one county's score file against its year's rules and the registry.

Reads like a checklist: top-level keys, the county and year, the status, then every
scoring unit. Each mistake becomes a Problem with a place, a code and, where a guess is
possible, a hint; a file with no errors becomes a ScoreSheet for the scoring stage.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal

from .load import Mapping, Node, Scalar
from .problems import Position, Problem, Reporter
from .registry import Registry
from .rules import Rules
from .values import (YEAR_TEXT, fmt, is_multiple, name_refusal, note_refusal, number_refusal, shared_decimal,
                     text_refusal, to_decimal, to_halfwidth)

FINAL, DRAFT = "final", "draft"
TOP_KEYS = ("county", "year", "status", "scores")
UNIT_KEYS = ("score", "note")
# What people type instead of the keys, with a Chinese input method or from habit.
_KEY_SYNONYMS = {
    "县": "county", "县市区": "county", "名称": "county", "name": "county", "单位": "county",
    "年": "year", "年度": "year", "年份": "year",
    "状态": "status", "分数": "scores", "得分": "scores", "评分": "scores", "score": "scores",
    "分值": "score", "scores": "score", "points": "score",
    "备注": "note", "说明": "note", "原因": "note", "扣分原因": "note", "notes": "note", "comment": "note",
}
_STATUS_SYNONYMS = {"正式": FINAL, "定稿": FINAL, "终稿": FINAL, "草稿": DRAFT, "暂定": DRAFT}


@dataclass(frozen=True, slots=True)
class Entry:
    """One unit's score and note as the file gives them (input)."""

    unit_id: str
    score: Decimal
    note: str


@dataclass(frozen=True)
class ScoreSheet:
    slug: str
    name: str
    year: int
    status: str
    entries: dict[str, Entry]
    path: str

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    def __reduce__(self) -> tuple:
        """Pickled as plain tuples and texts (the check's workers send sheets back this way):
        a fifth of the bytes and a sixth of the time of pickling the objects themselves."""
        entries = tuple((e.unit_id, str(e.score), e.note) for e in self.entries.values())
        return _sheet_from_tuples, (self.slug, self.name, self.year, self.status, self.path, entries)


def _sheet_from_tuples(slug: str, name: str, year: int, status: str, path: str,
                       entries: tuple[tuple[str, str, str], ...]) -> ScoreSheet:
    """A pickled ScoreSheet back: equal scores share one Decimal, as the check's do, and
    equal entries without a note share one Entry (``shared_entry``)."""
    return ScoreSheet(slug, name, year, status,
                      {unit_id: shared_entry(unit_id, score) if not note else Entry(unit_id, shared_decimal(score), note)
                       for unit_id, score, note in entries},
                      path)


@lru_cache(maxsize=4096)
def shared_entry(unit_id: str, score: str) -> Entry:
    """One (immutable) Entry for each unit and score text without a note: most units have
    their full marks, so a national decade's 1.3 million entries are a few hundred distinct
    ones (75 MB less). The text, not the Decimal, is the key: "2.5" and "2.50" stay as written."""
    return Entry(unit_id, shared_decimal(score), "")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    if word in _KEY_SYNONYMS and _KEY_SYNONYMS[word] in choices:
        return f"是否应为“{_KEY_SYNONYMS[word]}”？"
    folded = to_halfwidth(word).strip().lower()
    if folded in choices:
        return f"是否应为“{folded}”？"
    close = difflib.get_close_matches(folded, list(choices))  # best first: only close[0] is used
    return f"是否应为“{close[0]}”？" if close else ""


class _Checker(Reporter):
    """The problems of one score file, checked against one year's rules."""

    def __init__(self, path: str, rules: Rules) -> None:
        super().__init__(path)
        self.rules = rules


def validate_sheet(tree: Node | None, path: str, slug: str, folder_year: int, rules: Rules,
                   registry: Registry | None) -> tuple[ScoreSheet | None, list[Problem]]:
    """Check one parsed score file; return the sheet only when it has no errors."""
    checker = _Checker(path, rules)
    if not isinstance(tree, Mapping):
        node = tree or Position(1, 1)
        checker.error(node, "E100", "文件内容应为“键: 值”的形式，顶层要有 county、year、status、scores")
        return None, checker.problems
    _check_top_keys(checker, tree)
    name = _check_county(checker, tree, slug, folder_year, registry)
    year = _check_year(checker, tree, folder_year)
    status = _check_status(checker, tree)
    entries = _check_scores(checker, tree, status)
    if checker.has_errors:
        return None, checker.problems
    return ScoreSheet(slug, name, year, status or FINAL, entries, path), checker.problems


def _check_top_keys(checker: _Checker, tree: Mapping) -> None:
    for key, _ in tree.pairs:
        if key.text in TOP_KEYS:
            continue
        if key.text in checker.rules.units or key.text in UNIT_KEYS:
            checker.error(key, "E103", f"“{key.text}”放错了位置：评分项应写在“scores:”下面",
                        "在它前面加两个空格，使它缩进到 scores 之下")
        elif key.text.startswith("\u3000"):
            checker.error(key, "E101", f"不认识的键“{key.text.strip()}”：它前面有全角空格",
                        "请删除全角空格，改用半角空格缩进")
        else:
            checker.error(key, "E101", f"不认识的键“{key.text}”",
                        did_you_mean(key.text, TOP_KEYS) or "顶层只能有 county、year、status、scores")
    missing = [k for k in TOP_KEYS if tree.get(k) is None]
    if missing:
        checker.error(tree, "E102", f"缺少“{'”“'.join(missing)}”", "每个评分文件都要有 county、year、status、scores 四项")


def _check_county(checker: _Checker, tree: Mapping, slug: str, year: int, registry: Registry | None) -> str:
    node = tree.get("county")
    refusal = text_refusal(node, "county（县市区名称）")
    if refusal:
        checker.error(node, "E104", *refusal)
        return ""
    name = node.text.strip() if isinstance(node, Scalar) else ""
    refusal = name_refusal(node.text) if isinstance(node, Scalar) else None
    if refusal:
        checker.error(node, "E409", *refusal)
        return ""
    if registry is None:
        return name
    county = registry.counties.get(slug)
    top = Position(1, 1)  # E107 and E109 are about the file as a whole: its first line
    if county is None:
        by_name = [c.slug for c in registry.counties.values() if c.name == name]
        hint = (f"counties.yaml 中“{name}”的 slug 是 {by_name[0]}，文件应命名为 {by_name[0]}.yaml" if by_name
                else did_you_mean(slug, list(registry.counties)) or "先在 scores/counties.yaml 中登记这个县市区")
        checker.error(top, "E107", f"文件名“{slug}”不是 counties.yaml 中登记的 slug", hint)
        return name
    if not county.active_in(year):
        span = f"{county.from_year or '…'}–{county.until_year or '…'}"
        checker.error(top, "E109", f"“{county.name}”在 counties.yaml 中登记的年份为 {span}，不含 {year} 年",
                    "核对年份，或修改 counties.yaml 中的 from/until")
    if node is not None and name != county.name:
        checker.error(node, "E105", f"county 写的是“{name}”，但 counties.yaml 中 {slug} 登记的名称是“{county.name}”",
                    f"改为 county: {county.name}")
    return county.name


def _check_year(checker: _Checker, tree: Mapping, folder_year: int) -> int:
    node = tree.get("year")
    if node is None:
        return folder_year
    if not (isinstance(node, Scalar) and node.plain and YEAR_TEXT.fullmatch(node.text)):
        shown = node.text if isinstance(node, Scalar) else "?"
        halfwidth = to_halfwidth(shown).rstrip("年")
        hint = f"写成 year: {halfwidth}" if YEAR_TEXT.fullmatch(halfwidth) else f"写成 year: {folder_year}"
        checker.error(node, "E104", f"year 应为四位年份数字，这里是“{shown}”", hint)
        return folder_year
    if int(node.text) != folder_year:
        checker.error(node, "E106", f"year 为 {node.text}，但文件在 {folder_year} 年的文件夹中",
                    f"改为 year: {folder_year}，或把文件移到 scores/{node.text}/")
    return folder_year


def _check_status(checker: _Checker, tree: Mapping) -> str | None:
    """final or draft; None when absent (already reported), so completeness is not judged."""
    node = tree.get("status")
    if node is None:
        return None
    text = node.text.strip() if isinstance(node, Scalar) else ""
    if text in (FINAL, DRAFT):
        return text
    guess = _STATUS_SYNONYMS.get(text) or (text.lower() if text.lower() in (FINAL, DRAFT) else "")
    checker.error(node, "E108", f"status 只能是 final（正式）或 draft（草稿），这里是“{text or '?'}”",
                f"改为 status: {guess}" if guess else "正式结果写 final，尚未定稿写 draft")
    return guess or DRAFT


def _check_scores(checker: _Checker, tree: Mapping, status: str | None) -> dict[str, Entry]:
    scores_key, scores = tree.key_node("scores"), tree.get("scores")
    entries: dict[str, Entry] = {}
    if scores is None:
        return entries
    if isinstance(scores, Scalar) and scores.plain and scores.text in ("", "~", "null"):
        pairs: list[tuple[Scalar, Node]] = []  # "scores:" with nothing under it
    elif isinstance(scores, Mapping):
        pairs = scores.pairs
    else:
        checker.error(scores, "E200", "scores 下面应是“评分项: 分值”的列表，每行一项", "例如  1.1: 3")
        return entries
    mentioned: set[str] = set()  # units written in the file, even wrongly: not "missing"
    for key, value in pairs:
        if key.text in checker.rules.items:
            mentioned.update(u.id for u in checker.rules.items[key.text].units)
        unit_id = _check_unit_key(checker, key)
        if unit_id is None:
            continue
        mentioned.add(unit_id)
        entry = _check_unit_value(checker, unit_id, key, value)
        if entry is not None:
            entries[unit_id] = entry
    if status == FINAL:
        _check_complete(checker, scores_key or scores, mentioned)
    return entries


def _check_unit_key(checker: _Checker, key: Scalar) -> str | None:
    """The unit this key names, or None after reporting why it names none."""
    rules = checker.rules
    text = key.text
    if text in rules.units:
        return rules.units[text].id  # the rules' own string: 130,000 entries share 50 ids
    if text in rules.items:  # an item that has parts: the parts are what is scored
        parts = rules.items[text].parts
        checker.error(key, "E202", f"第{text}条分为若干分项，不能整体评分",
                    f"第{text}条分为{parts[0].id}–{parts[-1].id}，请分别评分")
        return None
    if text in TOP_KEYS:
        checker.error(key, "E103", f"“{text}”放错了位置：它应写在顶层，不要缩进", "删除它前面的空格")
        return None
    checker.error(key, "E201", f"“{text}”不是{rules.year}年细则中的评分项", _unit_hint(rules, text))
    return None


def _unit_hint(rules: Rules, text: str) -> str:
    normalized = to_halfwidth(text).replace(",", ".").replace("、", ".").replace("-", ".")
    normalized = re.sub(r"^第|条$", "", normalized.strip())
    candidates = [normalized]
    if re.fullmatch(r"[0-9]+\.[0-9]+", normalized):
        item, part = normalized.split(".")
        candidates.append(f"{item}.{part.rstrip('0')}")  # 1.10 → 1.1 (1.0 → "1.", no unit either way)
        candidates.append(f"{int(item)}.{int(part)}")
        if item in rules.items and not rules.items[item].parts:
            return f"第{item}条不分项，请直接写 {item}"
    for candidate in candidates:
        if candidate in rules.units:
            note = "（键按原样读取，两者不同）" if candidate != normalized else ""
            return f"是否应为 {candidate}？{note}"
        if candidate in rules.items:
            parts = rules.items[candidate].parts
            return f"第{candidate}条分为{parts[0].id}–{parts[-1].id}，请分别评分"
    return "评分项是分项编号（如 1.1）或不分项的条目编号（如 5），见考核细则"


def _check_unit_value(checker: _Checker, unit_id: str, key: Scalar, value: Node) -> Entry | None:
    unit = checker.rules.units[unit_id]
    note_node: Node | None = None
    score_node: Node | None = value
    if isinstance(value, Mapping):
        unknown = [k for k, _ in value.pairs if k.text not in UNIT_KEYS]
        for k in unknown:
            checker.error(k, "E207", f"不认识的键“{k.text}”",
                        did_you_mean(k.text, UNIT_KEYS) or "这里只能有 score（分值）和 note（说明）")
        score_node, note_node = value.get("score"), value.get("note")
        if unknown:
            return None
        if score_node is None:
            checker.error(value, "E208", f"{unit_id} 缺少 score", f"写成 {unit_id}: {{score: 分值, note: 说明}}")
            return None
    refusal = number_refusal(score_node)
    if refusal:
        checker.error(score_node, "E204", f"{unit_id} 的{refusal[0]}", refusal[1])
        return None
    score = to_decimal(score_node)  # type: ignore[arg-type]
    if score < 0 or score > unit.max:
        checker.error(score_node, "E205", f"{unit_id} 的分值 {fmt(score)} 超出范围：应在 0 到 {fmt(unit.max)} 之间",
                    f"{unit_id} 满分 {fmt(unit.max)} 分")
        return None
    step = checker.rules.score_step
    if step and not is_multiple(score, step):
        checker.error(score_node, "E206", f"{unit_id} 的分值 {score_node.text} 不是 {fmt(step)} 的整数倍",  # type: ignore[union-attr]
                    f"{checker.rules.year}年细则的评分最小单位是 {fmt(step)} 分")
        return None
    note = _check_note(checker, unit_id, note_node)
    if note is None:
        return None
    if not note and score < unit.max and not unit.is_bonus:
        checker.warning(key, "W201", f"{unit_id} 扣了 {fmt(unit.max - score)} 分，但没有写扣分说明",
                     f"写成 {unit_id}: {{score: {fmt(score)}, note: 扣分原因}}")
    if not note:
        return shared_entry(unit_id, score_node.text.strip())  # type: ignore[union-attr]
    return Entry(unit_id, score, note)


def _check_note(checker: _Checker, unit_id: str, node: Node | None) -> str | None:
    """The note's text ('' when absent), or None after reporting a note that is not text."""
    if node is None:
        return ""
    if not isinstance(node, Scalar):
        checker.error(node, "E209", f"{unit_id} 的 note 应为一段文字", "如果文字中有逗号或冒号，请给整段加引号")
        return None
    if node.plain and node.text in ("~", "null"):
        return ""
    note = node.text.strip()
    refusal = note_refusal(note, checker.rules.note_max_length)
    if refusal:
        code, message, hint = refusal
        checker.error(node, code, f"{unit_id} 的{message}", hint)
        return None
    return note


def _check_complete(checker: _Checker, where: Node, mentioned: set[str]) -> None:
    missing = [u.id for u in checker.rules.units.values() if not u.is_bonus and u.id not in mentioned]
    if missing:
        shown = "、".join(missing[:12]) + ("等" if len(missing) > 12 else "")
        checker.error(where, "E210", f"status 为 final，但缺少 {len(missing)} 个基础评分项：{shown}",
                    "补齐这些评分项；如果尚未评完，请把 status 改为 draft")
