"""The benchmark on a data root of one's own (bench/run.py --data): read as written, and
edited into a file the check still accepts. The benchmark is a tool of ours, so it is tested
like one, on a small root in the data contract's format but not in the generator's layout."""
from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path

from conftest import REPO, RULES_2011_FILE
from scoreboard.cli import main

sys.path.insert(0, str(REPO / "bench"))
import gen_data  # noqa: E402
import hugo_site  # noqa: E402

FULL = {"1.1": "3", "1.2": "1", "1.3": "1", "2.1": "2", "2.2": "1", "2.3": "1", "2.4": "1", "3.1": "2",
        "3.2": "2", "4.1": "2", "4.2": "2", "4.3": "2"}


def own_root(root: Path) -> Path:
    """Two counties: one final file with a BOM, CRLF, comments and a note, one draft."""
    (root / "rules").mkdir(parents=True)
    shutil.copy(RULES_2011_FILE, root / "rules" / "2011.yaml")
    (root / "scores" / "2011").mkdir(parents=True)
    (root / "scores" / "counties.yaml").write_text(
        "counties:\n  - slug: jia-xian\n    name: 甲县\n  - slug: yi-qu\n    name: 乙区\n", encoding="utf-8")
    rules = gen_data.load_rules(RULES_2011_FILE)
    lines = ["# 2011年度 甲县", "county: 甲县", "year: 2011", "status: final", "scores:"]
    for unit in rules.units:
        if unit.uid == "1.10":
            continue
        if unit.uid == "5":
            lines.append("  5: {score: 2.5, note: 工作总结未按时上报}   # 复核后")
        elif not unit.bonus:
            lines.append(f"  {unit.uid}: {gen_data.fmt(unit.max)}")
    lines.append("  30:\n    score: 4\n    note: 经验在全市推广")
    (root / "scores" / "2011" / "jia-xian.yaml").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    (root / "scores" / "2011" / "yi-qu.yaml").write_text(
        "county: 乙区\nyear: 2011\nstatus: draft\nscores:\n  1.1: 3\n", encoding="utf-8")
    return root


def check(root: Path) -> int:
    return main(["--root", str(root), "check"])


def test_a_root_of_ones_own_is_read_as_written_and_its_copy_edited(tmp_path: Path) -> None:
    src = own_root(tmp_path / "src")
    assert check(src) == 0
    ds = gen_data.read_dataset(src, tmp_path / "copy")
    assert ds.years == [2011] and [c.slug for c in ds.counties] == ["jia-xian", "yi-qu"]
    assert [c.slug for c in ds.editable] == ["jia-xian"]  # the draft is never rewritten as final
    jia = ds.scores[("jia-xian", 2011)]
    assert jia["5"] == (Decimal("2.5"), "工作总结未按时上报") and jia["30"] == (Decimal("4"), "经验在全市推广")
    assert jia["1.1"] == (Decimal("3"), None) and ds.scores[("yi-qu", 2011)] == {"1.1": (Decimal("3"), None)}
    before = (src / "scores" / "2011" / "jia-xian.yaml").read_bytes()
    edit = gen_data.edit_one_file(ds, 0)
    assert edit.path == tmp_path / "copy" / "scores" / "2011" / "jia-xian.yaml" and edit.note in edit.path.read_text()
    assert (src / "scores" / "2011" / "jia-xian.yaml").read_bytes() == before  # the original is untouched
    assert check(tmp_path / "copy") == 0  # the edit is a valid score file


def test_hugo_gets_a_page_for_each_county_with_a_file(tmp_path: Path) -> None:
    src = own_root(tmp_path / "src")
    (src / "scores" / "counties.yaml").write_text(
        "counties:\n  - slug: jia-xian\n    name: 甲县\n  - slug: yi-qu\n    name: 乙区\n"
        "  - slug: bing-shi\n    name: 丙市\n    from: 2012\n", encoding="utf-8")
    ds = gen_data.read_dataset(src, tmp_path / "copy")
    assert hugo_site.write_site(tmp_path / "hugo", ds) == 2
    assert sorted(p.name for p in (tmp_path / "hugo" / "content" / "county").glob("*-*.md")) == [
        "jia-xian.md", "yi-qu.md"]
