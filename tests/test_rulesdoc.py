"""``rules import``: a year's rules drafted from the official document; ``rules show``.

The seed (附件1 of 2011) drafts exactly the hand-transcribed rules/2011.yaml; a second-year
document of our own (tests/fixtures/rulesdoc/2013.txt) drafts its hand-checked structure
(2013.json, written from the document by hand); each quirk of such documents has a small
document of its own; every doubt has its code and line.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO, RULES_2011, RULES_2011_FILE, ProjectDir
from scoreboard.rules import load_rules
from scoreboard.rulesdoc import (Imported, as_json, check_text, import_text, read_document,
                                 reference_path, split_lines)

SEED = REPO / "tests" / "fixtures" / "seed-2011.txt"
FIXTURES = REPO / "tests" / "fixtures" / "rulesdoc"
# The hand-transcribed rules, through the fixture copy of rules/2011.yaml (tests of the tool
# never read the live rules/: see conftest.py).
HAND_2011 = ("rules", "show", "2011", "--rules", str(RULES_2011_FILE))


def run(*argv: str) -> tuple[int, str]:
    from scoreboard.cli import main
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def show_json(*argv: str) -> dict:
    code, text = run(*argv, "--format", "json")
    assert code == 0, text
    return json.loads(text)


def codes(imported: Imported) -> list[tuple[int, str]]:
    return sorted((p.line, p.code) for p in imported.problems)


def loaded(imported: Imported):
    """The draft through the rules loader: it must load and pass the self-check."""
    rules, problems = check_text(imported.text, imported.draft.year, "draft.yaml")
    assert problems == [], problems
    return rules


# --- The seed: 2011 ------------------------------------------------------------------------
def test_seed_drafts_the_hand_transcribed_rules(project: ProjectDir, tmp_path: Path) -> None:
    out = tmp_path / "draft" / "2011.yaml"
    code, text = run("--root", str(project.root), "rules", "import", str(SEED), "--year", "2011", "-o", str(out))
    assert code == 0, text  # with rules/2011.yaml to lean on, nothing is in doubt
    assert "没有疑问，细则自检通过" in text
    assert show_json("rules", "show", "2011", "--rules", str(out)) == show_json(*HAND_2011)


def test_seed_draft_is_the_hand_written_file_but_for_comments(tmp_path: Path) -> None:
    """Same keys, order, quoting and indentation as rules/2011.yaml: only comments differ."""
    imported = import_text(SEED.read_text(encoding="utf-8"), 2011, "seed-2011.txt", RULES_2011)

    def content(text: str) -> list[str]:
        return [re.sub(r"\s+#.*$", "", line) for line in text.splitlines() if not line.lstrip().startswith("#")]

    assert content(imported.text) == content(RULES_2011_FILE.read_text(encoding="utf-8"))
    assert "# 第1–4、6、8、19条原文在条内分项计分，录为分项（id 为 条.项）；其余各条整体计分。" in imported.text
    assert "# 第32条原文考核部门写作“帮扶维权中心”，即“维权帮扶中心”，统一为后者（见 departments 的 aliases）。" in imported.text


def test_seed_without_earlier_rules_still_drafts_the_same_criteria(tmp_path: Path) -> None:
    """No rules at all to lean on: the same criteria, slugs invented and doubted."""
    root = tmp_path / "empty"
    (root / "rules").mkdir(parents=True)
    code, text = run("--root", str(root), "rules", "import", str(SEED), "--year", "2011")
    assert code == 1
    assert "没有可参照的往年细则" in text
    assert re.search(r"seed-2011.txt:77:\d+: warning W388 考核部门“帮扶维权中心”与“维权帮扶中心”字相同而顺序不同", text)
    assert "warning W389 类别“组织建设”的标识（id）暂定为 leibie-1" in text
    assert "warning W389 评分最小单位（score_step）原文没有写，暂定为 0.1 分" in text
    draft = show_json("--root", str(root), "rules", "show", "2011")
    assert draft == show_json(*HAND_2011)


def test_the_draft_lists_its_doubts_in_its_header(tmp_path: Path) -> None:
    imported = import_text(SEED.read_text(encoding="utf-8"), 2011, "seed-2011.txt")
    assert "# 导入时的疑问（逐条核实、改好后删去这一段）：" in imported.text
    assert "#   第 77 行：考核部门“帮扶维权中心”与“维权帮扶中心”字相同而顺序不同，已作为“维权帮扶中心”的别名" in imported.text
    assert "      # 待核实：考核部门“帮扶维权中心”与“维权帮扶中心”" in imported.text  # above item 32
    assert loaded(imported).items["32"].departments == ("维权帮扶中心",)


def test_writing_is_stable_and_round_trips() -> None:
    text = SEED.read_text(encoding="utf-8")
    first = import_text(text, 2011, "seed-2011.txt", RULES_2011)
    assert import_text(text, 2011, "seed-2011.txt", RULES_2011).text == first.text
    rules = loaded(first)
    assert as_json(rules) == as_json(RULES_2011)
    assert rules.departments == RULES_2011.departments
    assert [(c.id, c.numeral, c.kind, c.max) for c in rules.categories] == \
        [(c.id, c.numeral, c.kind, c.max) for c in RULES_2011.categories]
    assert (rules.base_max, rules.score_step, rules.title, rules.intro) == \
        (RULES_2011.base_max, RULES_2011.score_step, RULES_2011.title, RULES_2011.intro)


def test_seed_as_docx(project: ProjectDir, tmp_path: Path) -> None:
    """The seed as Word would save it: one paragraph per line, made here with python-docx."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in split_lines(SEED.read_text(encoding="utf-8")):
        document.add_paragraph(line)
    path = tmp_path / "附件1.docx"
    document.save(str(path))
    out = tmp_path / "2011.yaml"
    code, text = run("--root", str(project.root), "rules", "import", str(path), "--year", "2011", "-o", str(out))
    assert code == 0, text
    assert "Word 文档（.docx），84 段（以下行号即段落序号）" in text
    assert show_json("rules", "show", "2011", "--rules", str(out)) == show_json(*HAND_2011)


def test_docx_automatic_numbering_and_line_breaks(tmp_path: Path) -> None:
    """Numbers typed by Word's list numbering are not in the text; a Shift+Enter break
    inside a sentence does not split it; one before an item does."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("2012年度测试细则")
    document.add_paragraph("开头说明。")
    document.add_paragraph("一、甲类（8分）")
    document.add_paragraph("第一条的正文（考核分值5分，考核部门：甲部）", style="List Number")
    document.add_paragraph("第二条的正文（考核分值3分，考核部门：乙部）", style="List Number")
    broken = document.add_paragraph("二、乙类（2分）")
    broken.add_run().add_break()
    broken.add_run("3．第三条，")
    broken.add_run().add_break()
    broken.add_run("分两行写。（考核分值2分，考核部门：甲部）")
    document.add_table(rows=1, cols=1)
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    source = read_document(path)
    assert source.lines[3:5] == ["1.第一条的正文（考核分值5分，考核部门：甲部）", "2.第二条的正文（考核分值3分，考核部门：乙部）"]
    assert source.lines[5:] == ["二、乙类（2分）", "3．第三条，分两行写。（考核分值2分，考核部门：甲部）"]
    assert source.numbers[5:] == [6, 6]
    from scoreboard.rulesdoc import import_file
    imported = import_file(path, 2012, "numbered.docx")
    assert [(i.id, i.text) for i in imported.draft.categories[1].items] == [("3", "第三条，分两行写。")]
    assert (4, "段首的“1.”是 Word 自动编号，已按编号读取") in imported.notes
    assert (1, "W383") in codes(imported)  # the table is not read, and it says so


@pytest.mark.parametrize("encoding, said", [
    ("gbk", "GBK/GB18030"), ("gb18030", "GBK/GB18030"), ("utf-8-sig", "UTF-8（带 BOM）"), ("utf-16", "UTF-16")])
def test_windows_encodings_are_detected_and_said(project: ProjectDir, tmp_path: Path, encoding: str, said: str) -> None:
    path = tmp_path / "附件1.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    out = tmp_path / "2011.yaml"
    code, text = run("--root", str(project.root), "rules", "import", str(path), "--year", "2011", "-o", str(out))
    assert code == 0, text
    assert text.startswith(f"读取 {path}：{said}，84 行\n")
    assert show_json("rules", "show", "2011", "--rules", str(out)) == show_json(*HAND_2011)


# --- A second year, not seen before ---------------------------------------------------------
def test_second_year_document_drafts_its_hand_checked_structure(project: ProjectDir) -> None:
    """Other items, maxima, parts, departments and category points (30/25/25/20)."""
    expected = json.loads((FIXTURES / "2013.json").read_text(encoding="utf-8"))
    code, text = run("--root", str(project.root), "rules", "import", str(FIXTURES / "2013.txt"), "--year", "2013")
    assert code == 1  # new departments and categories: their slugs are invented
    assert "参照 rules/2011.yaml" in text
    assert (project.root / "rules" / "2013.yaml").exists()
    assert show_json("--root", str(project.root), "rules", "show", "2013") == expected
    doubts = [(int(m[1]), m[2], m[3]) for m in re.finditer(r"2013\.txt:(\d+):\d+: warning (W\d+) (\S+?)(?:的|是|与)", text)]
    assert doubts == [
        (10, "W389", "考核部门“组织部”"),
        (14, "W388", "考核部门“女职工部”"),
        (14, "W389", "考核部门“女职工部”"),
        (20, "W389", "类别“维权维稳”"),
        (22, "W389", "考核部门“法律工作部”"),
        (30, "W389", "类别“建功立业”"),
        (39, "W389", "类别“帮扶服务”"),
    ]
    assert "细则自检 0 个错误" in text
    rules, problems = load_rules(project.root / "rules" / "2013.yaml", "rules/2013.yaml")
    assert problems == []
    assert [c.id for c in rules.categories] == ["zuzhi-jianshe", "leibie-1", "leibie-2", "leibie-3", "liangdian-gongzuo"]
    assert rules.base_max == 100 and rules.score_step == Decimal("0.1")
    assert {d.name: d.slug for d in rules.departments}["维权帮扶中心"] == "weiquan-bangfu-zhongxin"


# --- Each quirk on a small document of its own ---------------------------------------------
HEAD = "附件1：\n\n2012年度测试细则\n开头说明。\n\n"


def small(body: str, reference=RULES_2011) -> Imported:
    return import_text(HEAD + body, 2012, "doc.txt", reference)


def items(imported: Imported) -> dict[str, dict]:
    return {i["id"]: i for c in as_json(loaded(imported))["categories"] for i in c["items"]}


def parts(item: dict) -> list[tuple[str, float]]:
    return [(p["text"], p["max"]) for p in item["parts"]]


def test_full_width_and_ascii_digits_and_parentheses() -> None:
    found = items(small("一、组织建设（５分）\n"
                        "1．年内召开１次联席会议(2分)，抓好示范点（３分）。（考核分值５分，考核部门：基层工作部）\n"))
    assert found["1"]["max"] == 5
    assert found["1"]["text"] == "年内召开１次联席会议(2分)，抓好示范点（３分）。"  # verbatim
    assert parts(found["1"]) == [("年内召开１次联席会议", 2), ("抓好示范点", 3)]


def test_ways_of_writing_the_points_of_an_item() -> None:
    found = items(small("一、组织建设（27分）\n"
                        "1．甲。（考核分值5分，考核部门：基层工作部）\n"
                        "2．乙。（考核分值 16分，考核部门：基层工作部）\n"
                        "3．丙。（考核分值：4分，考核部门：基层工作部）\n"
                        "4．丁。(考核分值: 2 分, 考核部门:基层工作部)\n"))
    assert [(i["max"], i["text"]) for i in found.values()] == [(5, "甲。"), (16, "乙。"), (4, "丙。"), (2, "丁。")]


def test_a_missing_opening_parenthesis_before_a_parts_points() -> None:
    imported = small("一、组织建设（4分）\n"
                     "1．三个委员会同步建立（2分）、基层工会涵盖单位1分）、未完成的（扣1分）照扣（1分）。（考核分值4分，考核部门：基层工作部）\n")
    assert parts(items(imported)["1"]) == [("三个委员会同步建立", 2), ("基层工会涵盖单位", 1), ("未完成的（扣1分）照扣", 1)]
    assert (7, "第1条“基层工会涵盖单位1分）”缺左括号，按分项 1 分读取") in imported.notes
    assert [c for c in codes(imported) if c[0] == 7] == []  # coped with, not a doubt


def test_the_items_closing_parenthesis_before_or_after_the_full_stop() -> None:
    found = items(small("一、组织建设（5分）\n"
                        "1．句号在括号前。（考核分值3分，考核部门：基层工作部）。\n"
                        "2．句号在括号后（考核分值 1分，考核部门：基层工作部）。\n"
                        "3．没有句号（考核分值1分，考核部门：基层工作部）\n"))
    assert [i["text"] for i in found.values()] == ["句号在括号前。", "句号在括号后", "没有句号"]


def test_parentheses_that_are_not_points_and_decimal_points() -> None:
    found = items(small("一、组织建设（2分）\n"
                        "1．培训工会干部200人（次）以上（0.5分）；实现村（社区）工会全覆盖（1分）；"
                        "制定《规划（2011年-2015年）》（0.5分）。（考核分值2分，考核部门：基层工作部）\n"))
    assert parts(found["1"]) == [("培训工会干部200人（次）以上", 0.5), ("实现村（社区）工会全覆盖", 1),
                                 ("制定《规划（2011年-2015年）》", 0.5)]


def test_decimal_maxima() -> None:
    found = items(small("一、组织建设（2分）\n1．按时上报月报表。（考核分值0.5分，考核部门：基层工作部）\n"
                        "2．培训（1.5分）。（考核分值1.5分，考核部门：基层工作部）\n"))
    assert (found["1"]["max"], found["2"]["max"], found["2"]["parts"]) == (0.5, 1.5, [])  # one part = the item


def test_indented_items_and_headings() -> None:
    found = items(small(" 一、组织建设（3分）\n\n1．甲。（考核分值1分，考核部门：基层工作部）\n"
                        "    2．乙。（考核分值1分，考核部门：基层工作部）\n"
                        "\u3000\u30003．丙。（考核分值1分，考核部门：基层工作部）\n"))
    assert [i["text"] for i in found.values()] == ["甲。", "乙。", "丙。"]


def test_typos_are_kept_verbatim() -> None:
    found = items(small("一、组织建设（2分）\n"
                        "1．组织建设挡案齐全（1分）；开展“送温暖等活动（1分）。（考核分值2分，考核部门：基层工作部）\n"))
    assert found["1"]["text"] == "组织建设挡案齐全（1分）；开展“送温暖等活动（1分）。"
    assert parts(found["1"]) == [("组织建设挡案齐全", 1), ("开展“送温暖等活动", 1)]


def test_a_department_written_two_ways_reuses_last_years_aliases() -> None:
    body = ("一、工资集体协商（2分）\n1．甲。（考核分值1分，考核部门：维权帮扶中心）\n"
            "2．乙。（考核分值1分，考核部门：帮扶维权中心、女工部）\n")
    imported = small(body)
    assert [i["departments"] for i in items(imported).values()] == [["维权帮扶中心"], ["维权帮扶中心", "女工部"]]
    assert "W388" not in {c for _, c in codes(imported)}
    department = next(d for d in imported.draft.departments if d.name == "维权帮扶中心")
    assert (department.slug, department.aliases) == ("weiquan-bangfu-zhongxin", ["帮扶维权中心"])


def test_a_department_written_two_ways_without_last_years_rules() -> None:
    body = ("一、工资集体协商（3分）\n1．甲。（考核分值1分，考核部门：维权帮扶中心）\n"
            "2．乙。（考核分值1分，考核部门：维权帮扶中心）\n3．丙。（考核分值1分，考核部门：帮扶维权中心）\n")
    imported = small(body, reference=None)
    assert [i["departments"] for i in items(imported).values()] == [["维权帮扶中心"]] * 3
    assert (9, "W388") in codes(imported)
    assert imported.draft.departments[0].aliases == ["帮扶维权中心"]


def test_a_new_department_one_alias_away_is_reported() -> None:
    body = ("一、组织建设（3分）\n1．甲。（考核分值1分，考核部门：中心维权帮扶）\n"
            "2．乙。（考核分值1分，考核部门：女职工部）\n3．丙。（考核分值1分，考核部门：法律工作部）\n")
    imported = small(body)
    messages = {p.line: p.message for p in imported.problems if p.code == "W388"}
    assert messages == {
        7: "考核部门“中心维权帮扶”与“维权帮扶中心”字相同而顺序不同，已作为“维权帮扶中心”的别名",
        8: "考核部门“女职工部”是新出现的，与“女工部”只差一个字：是新部门，还是“女工部”的另一种写法？",
    }
    assert [i["departments"] for i in items(imported).values()] == [["维权帮扶中心"], ["女职工部"], ["法律工作部"]]
    assert {d.name: d.slug for d in imported.draft.departments} == {
        "维权帮扶中心": "weiquan-bangfu-zhongxin", "女职工部": "bumen-1", "法律工作部": "bumen-2"}


def test_a_hard_wrapped_item_is_joined() -> None:
    found = items(small("一、组织建设（3分）\n1．第一行，\n第二行（3分）。\n（考核分值3分，考核部门：基层工作部）\n"))
    assert found["1"]["text"] == "第一行，第二行（3分）。"
    assert found["1"]["parts"] == []


def test_headings_with_points_in_other_words() -> None:
    imported = small("一、组织建设(二十五分)\n1．甲。（考核分值25分，考核部门：基层工作部）\n"
                     "二、亮点工作（加分项，最多加5分）\n2．乙。（考核分值5分，考核部门：基层工作部）\n"
                     "3．丙。（考核分值5分，考核部门：基层工作部）\n")
    categories = as_json(loaded(imported))["categories"]
    assert [(c["name"], c["max"], c["bonus"]) for c in categories] == [("组织建设", 25, False), ("亮点工作", 5, True)]


def test_the_bonus_cap_follows_last_years_rule(tmp_path: Path) -> None:
    text = (REPO / "tests" / "fixtures" / "rules-2012.yaml").read_text(encoding="utf-8")
    reference_file = tmp_path / "2012.yaml"
    reference_file.write_text(text, encoding="utf-8")
    reference, _ = load_rules(reference_file, "rules/2012.yaml")
    bonus = reference.bonus_categories[0]
    assert bonus.max < sum(i.max for i in bonus.items)  # a real cap last year: kept
    imported = import_text("2013年度测试细则\n说明。\n一、第一类（10分）\n1．甲。（考核分值10分，考核部门：甲部）\n"
                           f"二、{bonus.name}\n2．乙。（考核分值5分，考核部门：甲部）\n3．丙。（考核分值5分，考核部门：甲部）\n",
                           2013, "doc.txt", reference)
    assert loaded(imported).bonus_categories[0].max == bonus.max


# --- Doubts: the draft is still written, each doubt at its line ---------------------------
def test_doubts_have_codes_and_lines() -> None:
    imported = small(
        "一、组织建设（10分）\n"                                                # line 6
        "1．甲（3分），乙（1分）。（考核分值5分，考核部门：基层工作部）\n"          # 7: 3+1 ≠ 5
        "2．没有考核分值的一条。\n"                                              # 8
        "注：这一段不属于任何条目。\n"                                            # 9: joined to item 2
        "三、（25分）\n"                                                        # 10: no name
        "3．丙。（考核分值3分）\n"                                               # 11: no department
        "四、素质提升（3分）\n"                                                  # 12: 二 and 三 missing
        "5．丁（1分）。戊。（考核分值1分，考核部门：宣教部）\n"                     # 13: 4 missing; text after the part
        "6．己。（考核分值2分，考核部门：宣教部）\n"
        "附：以上条目之外的一段。\n")                                             # 15
    assert codes(imported) == [
        (6, "W386"),   # 组织建设: items add up to 8, not 10
        (6, "W386"),   # the base categories add up to 13, not last year's 100
        (7, "W386"),   # item 1: parts 4, item 5
        (8, "W384"),   # item 2: no 考核分值
        (10, "W382"),  # heading without a name
        (11, "W385"),  # item 3: no department
        (12, "W382"),  # numeral 四 after 一
        (13, "W383"),  # item 5 after item 3
        (13, "W387"),  # text after the last part
        (15, "W383"),  # a paragraph that is neither heading nor item
    ]
    # Written all the same, with every item; the self-check finds what the doubts say.
    assert [i.id for c in imported.draft.categories for i in c.items] == ["1", "2", "3", "5", "6"]
    _, problems = check_text(imported.text, 2012, "rules/2012.yaml")
    assert {p.code for p in problems} == {"E308"}  # items 2 and 3; sums are checked once that is fixed


def test_title_and_intro_doubts() -> None:
    imported = import_text("2011年度测试细则\n一、组织建设（1分）\n1．甲。（考核分值1分，考核部门：基层工作部）\n",
                           2012, "doc.txt", RULES_2011)
    # The title's year; no opening paragraph; 1 point in all where last year had 100.
    assert codes(imported) == [(1, "W381"), (1, "W381"), (2, "W386")]
    assert loaded(imported).title == "2011年度测试细则"


def test_the_cli_writes_the_draft_lists_doubts_and_self_checks(project: ProjectDir) -> None:
    document = project.write("附件1.txt", HEAD + "一、组织建设（5分）\n1．甲（3分），乙（1分）。（考核分值5分，考核部门：基层工作部）\n")
    code, text = run("--root", str(project.root), "rules", "import", str(document), "--year", "2012")
    assert code == 1
    assert f"{document}:7:1: warning W386 第1条各分项之和为 4 分，与考核分值 5 分不符\n" in text
    assert "rules/2012.yaml:" in text and "error E311 第1条各分项之和为 4 分，与该条分值 5 分不符" in text
    assert "共 2 处待核实" in text  # and the base categories' total: 5, not 100
    assert (project.root / "rules" / "2012.yaml").exists()


# --- The command line -------------------------------------------------------------------
def test_refuses_to_overwrite_without_force(project: ProjectDir, capsys) -> None:
    target = project.root / "rules" / "2011.yaml"
    before = target.read_text(encoding="utf-8")
    code, _ = run("--root", str(project.root), "rules", "import", str(SEED), "--year", "2011")
    assert code == 2
    assert "rules/2011.yaml 已存在，未覆盖；要覆盖请加 --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == before
    code, text = run("--root", str(project.root), "rules", "import", str(SEED), "--year", "2011", "--force")
    assert code == 0, text
    assert "参照 rules/2011.yaml" in text  # read before it was replaced
    assert show_json("--root", str(project.root), "rules", "show", "2011") == show_json(*HAND_2011)


def test_unreadable_documents(tmp_path: Path, capsys) -> None:
    assert run("--root", str(tmp_path), "rules", "import", str(tmp_path / "none.txt"), "--year", "2012")[0] == 2
    assert "找不到" in capsys.readouterr().err
    old_word = tmp_path / "附件1.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    out = tmp_path / "2012.yaml"
    code, text = run("--root", str(tmp_path), "rules", "import", str(old_word), "--year", "2012", "-o", str(out))
    assert code == 1
    assert "error E380 这是旧版 Word（.doc）或 WPS 文件，无法直接读取" in text
    assert not out.exists()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, text = run("--root", str(tmp_path), "rules", "import", str(broken), "--year", "2012", "-o", str(out))
    assert (code, "E380" in text, out.exists()) == (1, True, False)


def test_reference_is_the_previous_year_or_the_newest_earlier(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    assert reference_path(rules, 2012) is None
    for year in (2009, 2011):
        (rules / f"{year}.yaml").write_text("", encoding="utf-8")
    assert reference_path(rules, 2012) == rules / "2011.yaml"
    assert reference_path(rules, 2011) == rules / "2009.yaml"
    assert reference_path(rules, 2009) == rules / "2009.yaml"  # the first year, imported again
    assert reference_path(rules, 2005) == rules / "2009.yaml"


def test_show_json_shape() -> None:
    data = show_json(*HAND_2011)
    assert list(data) == ["year", "title", "categories"]
    assert data["year"] == 2011
    assert [list(c) for c in data["categories"]][0] == ["name", "max", "bonus", "items"]
    first = data["categories"][0]["items"][0]
    assert list(first) == ["id", "max", "departments", "text", "parts"]
    assert list(first["parts"][0]) == ["id", "max", "text"]
    six = data["categories"][0]["items"][5]
    assert (six["id"], six["max"], six["parts"][0]["id"], six["parts"][0]["max"]) == ("6", 1.5, "6.1", 0.5)
    assert data["categories"][4]["bonus"] is True and data["categories"][4]["max"] == 30
    assert data["categories"][4]["items"][2]["departments"] == ["维权帮扶中心"]  # item 32, canonical


def test_show_text_outline() -> None:
    code, text = run(*HAND_2011)
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == "2011年度县市区工会工作考核细则"
    assert "一、组织建设（25 分）" in lines
    assert "五、亮点工作（加分，上限 30 分）" in lines
    assert "      8.1 [5 分] 深化“共同约定行动”，大力推进“工资集体协商推进年”活动，建制率达70%以上，对2010年已签订工资集体协议的企业必须按时开展续签工作，推进区域性、行业性工资集体协商集体合同" in lines


def test_show_reports_a_broken_file(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "draft.yaml"
    broken.write_text(RULES_2011_FILE.read_text(encoding="utf-8").replace("max: 25", "max: 24", 1),
                      encoding="utf-8")
    code, _ = run("rules", "show", "2011", "--rules", str(broken))
    assert code == 1
    assert "E312" in capsys.readouterr().err
    assert run("--root", str(tmp_path), "rules", "show", "2099")[0] == 2


def test_check_does_not_import_python_docx(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县")
    script = (f"import sys; import build; build.main(['--root', {str(project.root)!r}, 'check']); "
              "print('docx' in sys.modules, 'scoreboard.rulesdoc' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.stdout.strip().splitlines()[-1] == "False False", result.stdout + result.stderr


def test_mutated_documents_give_a_draft_and_doubts_never_an_exception() -> None:
    """Characters dropped, doubled or replaced by the ones these documents are made of:
    always a draft the loader can read (no E00x syntax problem), whatever the doubts."""
    import random
    rng = random.Random(2011)
    seed = SEED.read_text(encoding="utf-8")
    alphabet = "（）()．.、，：:；。“”\"'\\#&*!|>%@`{}[]-\n\t\u3000 0１5分考核分值部门一二五亮点\u200b"
    for _ in range(150):
        chars = list(seed)
        for _ in range(rng.randint(1, 40)):
            k = rng.randrange(len(chars))
            action = rng.random()
            if action < 0.4:
                del chars[k]
            elif action < 0.7:
                chars[k] = rng.choice(alphabet)
            else:
                chars.insert(k, rng.choice(alphabet))
        for reference in (RULES_2011, None):
            imported = import_text("".join(chars), 2011, "doc.txt", reference)
            _, problems = check_text(imported.text, 2011, "draft.yaml")
            assert not [p for p in problems if p.code < "E300"], (problems, imported.text)
