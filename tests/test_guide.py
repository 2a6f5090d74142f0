"""The staff guide (content/guide.md) explains every problem code the checker can report,
and only codes that exist: it cannot drift from scoreboard/*.py."""
from __future__ import annotations

import re

from conftest import REPO

GUIDE = REPO / "content" / "guide.md"
CODE = re.compile(r"""["']([EW][0-9]{3})["']""")
TABLE_ROW = re.compile(r"^\| *([EW][0-9]{3}) *\|", re.MULTILINE)


def codes_in_source() -> set[str]:
    return {code for path in (REPO / "scoreboard").glob("*.py")
            for code in CODE.findall(path.read_text(encoding="utf-8"))}


def test_the_source_has_codes_of_every_kind():
    codes = codes_in_source()
    for prefix in ("E0", "E1", "E2", "E3", "E4", "W2"):
        assert any(c.startswith(prefix) for c in codes), prefix


def test_every_code_in_the_source_is_explained_in_the_guide():
    explained = set(TABLE_ROW.findall(GUIDE.read_text(encoding="utf-8")))
    missing = sorted(codes_in_source() - explained)
    assert not missing, f"content/guide.md 的“检查结果的含义”中缺少这些问题编号：{'、'.join(missing)}"


def test_the_guide_explains_no_code_the_source_does_not_use():
    explained = TABLE_ROW.findall(GUIDE.read_text(encoding="utf-8"))
    assert len(explained) == len(set(explained)), "有问题编号在表中出现了两次"
    stale = sorted(set(explained) - codes_in_source())
    assert not stale, f"content/guide.md 中列出了代码里已不再使用的问题编号：{'、'.join(stale)}"


def test_the_guide_links_only_to_relative_pages():
    text = GUIDE.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]+)\)", text)
    assert targets
    for target in targets:
        assert not re.match(r"[a-z]+:|/", target), target
        assert target.endswith((".md", ".html")) or "#" in target, target
        if target.endswith(".md"):
            assert (REPO / "content" / target).exists(), target
