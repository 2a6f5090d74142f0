"""The score files' schema in a real editor: the YAML language server (the engine of VS Code's
YAML extension, from npm) is driven over stdio as an editor drives it. Every sample file
gets no diagnostic; each usual mistake gets exactly one, on its own line; hovering a score
shows the unit's criterion, and completion offers the missing unit ids with theirs."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, RULES_2011, score_file
from lspclient import LanguageServer
from scoreboard.schema import modeline, schema_text

SAMPLES = sorted((REPO / "scores").glob("[12][0-9][0-9][0-9]/*.yaml"))


@pytest.fixture(scope="module")
def server() -> LanguageServer:
    server = LanguageServer(REPO)
    yield server
    server.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the schema generated from the 2011 rules, for the mistaken copies."""
    root = tmp_path_factory.mktemp("lsp")
    (root / "scores" / "schema").mkdir(parents=True)
    (root / "scores" / "schema" / "2011.json").write_text(schema_text(RULES_2011), encoding="utf-8")
    (root / "scores" / "2011").mkdir()
    return root


def good_text(deductions: dict[str, str] | None = None) -> str:
    return modeline(2011) + "\n" + score_file("鹭屿县", deductions=deductions)


def line_of(text: str, start: str) -> int:
    """1-based number of the only line starting with ``start``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def diagnostics(server: LanguageServer, path: Path, text: str | None = None) -> list[tuple[int, str]]:
    return sorted((d["range"]["start"]["line"] + 1, d["message"]) for d in server.diagnose(path, text))


def test_there_are_samples():
    assert len(SAMPLES) >= 10


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_sample_files_have_no_diagnostic(server, path: Path):
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert diagnostics(server, path) == []


def test_the_schema_is_in_use(server, workspace: Path):
    """The server reads the modeline: without it the same mistake goes unnoticed."""
    text = good_text({"1.1": "3.5"})
    path = workspace / "scores" / "2011" / "no-modeline.yaml"
    assert diagnostics(server, path, text.split("\n", 1)[1]) == []


MISTAKES = {
    # name: (deductions or extra text, the start of the line marked, the message)
    "over-maximum": ({"1.1": "3.5"}, "  1.1:", "Value is above the maximum of 3."),
    "over-maximum-in-braces": ({"6.1": "{score: 0.6, note: 多了}"}, "  6.1:", "Value is above the maximum of 0.5."),
    "negative": ({"5": "-1"}, "  5:", "Value is below the minimum of 0."),
    "unit-word": ({"1.1": "3分"}, "  1.1:", 'Incorrect type. Expected "number | object(第1条第1项)".'),
    "quoted-number": ({"1.1": '"3"'}, "  1.1:", 'Incorrect type. Expected "number | object(第1条第1项)".'),
    "off-step": ({"1.1": "0.05"}, "  1.1:", "Value is not divisible by 0.1."),
    "unknown-unit": ("  36: 1\n", "  36:", "Property 36 is not allowed."),
    "item-with-parts": ("  8: 1\n", "  8:", "Property 8 is not allowed."),
    "unknown-key-in-unit": ({"1.1": "{score: 3, 备注: 好}"}, "  1.1:", "Property 备注 is not allowed."),
    "misspelt-top-level-key": ("staus", "staus:", "Property staus is not allowed."),
    "unknown-top-level-key": ("extra: 1\n", "extra:", "Property extra is not allowed."),
    "unknown-status": ("status: done", "status:", 'Value is not accepted. Valid values: "final", "draft".'),
    "missing-unit": ("-  8.1: 5\n", "scores:", 'Missing property "8.1".'),
}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_each_mistake_is_marked_on_its_line(server, workspace: Path, name: str):
    change, start, message = MISTAKES[name]
    if isinstance(change, dict):
        text = good_text(change)
    elif change == "staus":
        text = good_text().replace("status: final", "staus: final")
    elif change.startswith("status:"):
        text = good_text().replace("status: final", change)
    elif change.startswith("-"):
        text = good_text().replace(change[1:], "")
    elif change.startswith("extra"):
        text = good_text().replace("scores:", change + "scores:")
    else:
        text = good_text() + change
    assert text != good_text()
    path = workspace / "scores" / "2011" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    assert diagnostics(server, path) == [(line_of(text, start), message)]


def test_a_multiple_of_the_step_is_fine(server, workspace: Path):
    """0.3 is a multiple of 0.1 (the server divides in decimal, not in binary)."""
    path = workspace / "scores" / "2011" / "step.yaml"
    text = good_text({"1.1": "0.3", "1.2": "{score: 0.7, note: 扣分}", "2.1": "1.9"})
    assert diagnostics(server, path, text) == []


def test_hover_on_a_score_shows_its_criterion(server, workspace: Path):
    path = workspace / "scores" / "2011" / "hover.yaml"
    text = good_text({"1.1": "2.5"})
    path.write_text(text, encoding="utf-8")
    number = line_of(text, "  1.1:") - 1
    column = text.splitlines()[number].index(":") + 2
    uri = server.open(path)
    try:
        hover = server.hover(uri, number, column)
    finally:
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert hover.startswith("#### 第1条第1项\n\n满分 3 分。坚持和完善“党建带工建"), hover


def test_completion_offers_the_missing_unit_ids_with_their_criteria(server, workspace: Path):
    text = good_text().replace("  1.1: 3\n", "  \n")
    path = workspace / "scores" / "2011" / "completion.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  ")
    uri = server.open(path)
    try:
        items = {item["label"]: item for item in server.complete(uri, line, 2)}
    finally:
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    bonus = [u.id for u in RULES_2011.units.values() if u.is_bonus]
    assert sorted(items) == sorted(["1.1", *bonus])
    assert items["1.1"]["documentation"].startswith("满分 3 分。坚持和完善")
    # the quoted key it inserts is one build.py check accepts (tests/test_check_cases.py)
    assert items["1.1"]["insertText"] == '"1.1": '


def test_a_chinese_editor_gets_the_messages_in_chinese(workspace: Path):
    """VS Code set to Chinese passes its locale: the same marks, in Chinese."""
    server = LanguageServer(REPO, locale="zh-cn")
    try:
        path = workspace / "scores" / "2011" / "chinese.yaml"
        text = good_text({"1.1": "3.5", "2.1": "0.05"}) + "  36: 1\n"
        assert diagnostics(server, path, text) == [
            (line_of(text, "  1.1:"), "值高于最大值 3。"),
            (line_of(text, "  2.1:"), "值不能被 0.1 整除。"),
            (line_of(text, "  36:"), "属性 36 不被允许。"),
        ]
    finally:
        server.close()
