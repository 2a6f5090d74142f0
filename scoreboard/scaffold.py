"""New counties: a score file to fill in, and an entry in ``scores/counties.yaml``.

``python build.py new YEAR SLUG --name 名称`` uses these. The new file starts from full
marks (assessment practice: start from the maximum and deduct, with a note for each
deduction), is a draft, and passes ``build.py check`` as it is. The registry is edited as
text, so its comments and layout stay as the maintainers wrote them.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from .load import Mapping, Node, Scalar, Sequence, decode, parse
from .registry import load_registry
from .rules import Rules, Unit
from .schema import modeline
from .values import DECIMAL_TEXT, SLUG_TEXT, fmt, name_key, name_refusal

CRITERION_WIDTH = 40  # characters of criterion text shown after each unit
_PLAIN_TEXT = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`~][^:#\n]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "y", "n", "null", "~"}


class NewCountyRefused(Exception):
    """``build.py new`` cannot do what it was asked (a slug or name the registry refuses, a
    county already there, a file that exists): the message says what, in Chinese; the CLI
    reports it as a usage error (exit 2) and writes nothing."""


def shorten(text: str, width: int = CRITERION_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def yaml_text(text: str) -> str:
    """``text`` as a YAML scalar: plain when it reads back as itself, double-quoted otherwise."""
    if (_PLAIN_TEXT.fullmatch(text) and text == text.strip() and text.lower() not in _YAML_WORDS
            and not DECIMAL_TEXT.fullmatch(text) and not text[0].isdigit()):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _check_name(name: str) -> str:
    """The registry's rule for names (values.name_refusal), so `new` never writes a name the
    check would refuse."""
    refusal = name_refusal(name or "")
    if refusal:
        raise NewCountyRefused(f"县市区{refusal[0]}：{refusal[1]}")
    return name


def _unit_line(unit: Unit) -> tuple[str, str]:
    """The ``key: value`` part and the comment of one unit's line."""
    if unit.is_bonus:
        return f"# {unit.id}: 0", f"# 加分项，满分 {fmt(unit.max)} 分：{shorten(unit.text)}"
    return f"{unit.id}: {fmt(unit.max)}", f"# 满分 {fmt(unit.max)} 分：{shorten(unit.text)}"


def new_score_file(rules: Rules, name: str) -> str:
    """The text of a new score file for ``name``: a draft with every base unit at full marks."""
    name = _check_name(name)
    step = f"{fmt(rules.score_step)} 分" if rules.score_step is not None else "不限"
    lines = [
        modeline(rules.year),
        f"# {rules.title} · {name}评分文件",
        "# 填写方法：",
        "#   1. 下面每个评分项都已预填满分。按考核情况扣分：把分值改为实得分，并写明扣分原因，",
        "#      例如  8.1: {score: 4.5, note: 续签工作未按时完成}",
        f"#   2. 分值只写数字（不写“分”字），在 0 与该项满分之间，最小单位 {step}；",
        "#      请用半角数字、半角冒号，冒号后面留一个空格，用空格缩进（不要用 Tab）。",
        "#   3. 亮点工作（加分项）不填按 0 分计：有加分时删去该行开头的“# ”，填写分值和说明。",
        "#   4. 评完后把 status 的 draft（草稿）改为 final（正式）；正式结果须列出全部基础评分项。",
        "#   5. 每行 # 后面是该项的满分和考核内容摘要，仅供参考，改不改都不影响计分。",
        f"county: {yaml_text(name)}",
        f"year: {rules.year}",
        "status: draft",
        "scores:",
    ]
    width = max((len(_unit_line(unit)[0]) for unit in rules.units.values()), default=0)
    for category in rules.categories:
        if category.is_bonus:
            lines.append(f"  # {category.numeral}、{category.name}（加分项，合计最多加 {fmt(category.max)} 分）")
        else:
            lines.append(f"  # {category.numeral}、{category.name}（{fmt(category.max)} 分）")
        for item in category.items:
            for unit in item.units:
                key, comment = _unit_line(unit)
                lines.append(f"  {key.ljust(width)}    {comment}")
    return "\n".join(lines) + "\n"


# --- the registry --------------------------------------------------------------------------

def _registered(path: Path) -> tuple[set[str], set[str]]:
    registry, problems = load_registry(path, path.name)
    if registry is None:
        first = problems[0] if problems else None
        where = f"（第 {first.line} 行：{first.code} {first.message}）" if first else ""
        raise NewCountyRefused(f"{path.name} 本身有错误，请先修正{where}，再添加县市区")
    return set(registry.counties), {name_key(c.name) for c in registry.counties.values()}


def _last_line(node: Node) -> int:
    """The last line (from 1) on which ``node`` has content."""
    if isinstance(node, Scalar):
        return node.line + node.text.count("\n")
    if isinstance(node, Mapping):
        return max([node.line, *(max(k.line, _last_line(v)) for k, v in node.pairs)])
    return max([node.line, *(_last_line(v) for v in node.items)])


def register_county(registry_path: Path, slug: str, name: str) -> None:
    """Append ``slug``/``name`` to ``scores/counties.yaml``, keeping its comments and layout."""
    if not SLUG_TEXT.fullmatch(slug or ""):
        raise NewCountyRefused(f"标识“{slug}”不合规：只能用小写字母、数字和连字符（不能以连字符开头或结尾），"
                         "例如 luyu-xian；它就是成绩单网页的地址，以后不能再改")
    name = _check_name(name)
    slugs, names = _registered(registry_path)
    if slug in slugs:
        raise NewCountyRefused(f"标识“{slug}”已经在 {registry_path.name} 中登记过了")
    if name_key(name) in names:
        raise NewCountyRefused(f"名称“{name}”已经在 {registry_path.name} 中登记过了")
    data = registry_path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text, _ = decode(data, registry_path.name)
    assert text is not None  # load_registry has read it
    tree, _ = parse(text, registry_path.name)
    counties = tree.get("counties") if isinstance(tree, Mapping) else None
    if not isinstance(counties, Sequence) or not counties.items:
        raise NewCountyRefused(f"{registry_path.name} 中的 counties 列表是空的或不是逐行书写的，无法自动添加，请手工添加")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    first = counties.items[0]
    dash = lines[first.line - 1][: first.column - 1]  # what comes before the first entry's key
    if not re.fullmatch(r" *- +", dash):
        raise NewCountyRefused(f"{registry_path.name} 中的 counties 列表不是逐行书写的，无法自动添加，请手工添加")
    indent = " " * dash.index("-")
    entry = [f"{indent}- slug: {slug}{newline}", f"{indent}  name: {yaml_text(name)}{newline}"]
    end = _last_line(counties.items[-1])
    if all(not line.strip() or line.lstrip().startswith("#") for line in lines[end:]):
        end = len(lines)  # only comments and blank lines follow: append at the very end
    if end and not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += newline
    new_text = "".join(lines[:end] + entry + lines[end:])
    _replace_checked(registry_path, bom + new_text.encode("utf-8"), slug)


def _replace_checked(path: Path, data: bytes, slug: str) -> None:
    """Write ``data`` over ``path`` only if it reads back as a registry with ``slug`` in it."""
    handle, temp = tempfile.mkstemp(prefix=".counties-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        registry, problems = load_registry(Path(temp), path.name)
        if registry is None or slug not in registry.counties:
            detail = f"：{problems[0].code} {problems[0].message}" if problems else ""
            raise NewCountyRefused(f"无法自动添加到 {path.name}{detail}，请手工添加")
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def new_county(root: Path, rules: Rules, slug: str, name: str) -> list[Path]:
    """Register ``slug`` (unless it is already registered under ``name``) and write its score
    file for ``rules.year``; refuses to overwrite a score file. Returns the files written."""
    name = _check_name(name)
    registry_path = root / "scores" / "counties.yaml"
    score_path = root / "scores" / str(rules.year) / f"{slug}.yaml"
    if score_path.exists():
        raise NewCountyRefused(f"{score_path.relative_to(root).as_posix()} 已经存在，没有覆盖")
    registry, _ = load_registry(registry_path, registry_path.name)
    known = registry.counties.get(slug) if registry is not None else None
    written = []
    if known is None:
        register_county(registry_path, slug, name)
        written.append(registry_path)
    elif known.name != name:
        raise NewCountyRefused(f"标识“{slug}”已登记为“{known.name}”，与“{name}”不同")
    score_path.parent.mkdir(parents=True, exist_ok=True)
    score_path.write_text(new_score_file(rules, name), encoding="utf-8", newline="\n")
    written.append(score_path)
    return written
